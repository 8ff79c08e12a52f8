/**
 * docs/deploy.md provisions PostgreSQL for production as one login role per subgraph that owns its schema and may
 * create nothing else. A subgraph must start on exactly that: no CREATE ROLE, no other schema within reach.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSubgraphDatabase } from "../../lib/db/database.ts";
import { migrate } from "../../lib/db/migrate.ts";
import { createTestDatabase, type TestDatabase, testTier } from "../support/database.ts";

describe.skipIf(testTier !== "postgres")("a subgraph on its own PostgreSQL login role (docs/deploy.md)", () => {
  const schema = `deploy_${randomBytes(4).toString("hex")}`;
  const role = `og_${schema}`;
  let database: TestDatabase;
  let ownUrl: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    // What the operator runs (docs/deploy.md, "Prepare PostgreSQL"), and another department's schema beside it.
    await admin.query(`CREATE ROLE ${role} LOGIN`);
    await admin.query(`CREATE SCHEMA ${schema} AUTHORIZATION ${role}`);
    await admin.query(`REVOKE ALL ON SCHEMA ${schema} FROM PUBLIC`);
    await admin.query("REVOKE ALL ON SCHEMA public FROM PUBLIC");
    await admin.query("CREATE SCHEMA other_department");
    await admin.query("CREATE TABLE other_department.secrets (id int)");
    await admin.end();
    const url = new URL(database.url as string);
    url.username = role;
    url.password = "";
    ownUrl = url.toString();
  });

  afterAll(async () => {
    await database?.drop();
    const admin = new pg.Client({ connectionString: process.env.OG_TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.end();
  });

  it("starts, migrates and queries in its own schema without the right to create roles", async () => {
    const db = await openSubgraphDatabase({ schema, databaseUrl: ownUrl });
    try {
      const result = await migrate(db, [{ name: "0001_init.sql", sql: 'CREATE TABLE "Thing" (id text PRIMARY KEY);' }]);
      expect(result.applied).toEqual(["0001_init.sql"]);
      await db.exec(`INSERT INTO "Thing" (id) VALUES ('a')`);
      expect(await db.query(`SELECT id FROM ${schema}."Thing"`)).toEqual([{ id: "a" }]);
      await expect(db.query("SELECT * FROM other_department.secrets")).rejects.toThrow(/permission denied/);
    } finally {
      await db.close();
    }
  });
});
