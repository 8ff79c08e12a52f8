import { afterEach, describe, expect, it } from "vitest";
import { openSubgraphDatabase, type SubgraphDatabase } from "../../lib/db/database.ts";
import { type Migration, migrate } from "../../lib/db/migrate.ts";
import { createTestDatabase, type TestDatabase, testTier } from "../support/database.ts";

const first: Migration = {
  name: "0001_init.sql",
  sql: `CREATE TABLE "Thing" (id text PRIMARY KEY, label text NOT NULL);`,
};
const second: Migration = {
  name: "0002_more.sql",
  sql: `ALTER TABLE "Thing" ADD COLUMN weight int NOT NULL DEFAULT 0;`,
};

describe(`migrations (${testTier})`, () => {
  const opened: Array<{ db: SubgraphDatabase; test: TestDatabase }> = [];
  async function open(schema = "probe") {
    const test = await createTestDatabase();
    const db = await openSubgraphDatabase({ schema, databaseUrl: test.url });
    opened.push({ db, test });
    return { db, test };
  }
  afterEach(async () => {
    for (const { db, test } of opened.splice(0)) {
      await db.close();
      await test.drop();
    }
  });

  it("applies each migration once and records it", async () => {
    const { db } = await open();
    expect(await migrate(db, [first])).toEqual({ applied: ["0001_init.sql"], alreadyApplied: [] });
    expect(await migrate(db, [first, second])).toEqual({
      applied: ["0002_more.sql"],
      alreadyApplied: ["0001_init.sql"],
    });
    expect(await migrate(db, [first, second])).toEqual({
      applied: [],
      alreadyApplied: ["0001_init.sql", "0002_more.sql"],
    });
    await db.exec(`INSERT INTO "Thing" (id, label, weight) VALUES ('a', 'x', 3)`);
    expect(await db.query(`SELECT weight FROM "Thing"`)).toEqual([{ weight: 3 }]);
  });

  it("refuses to start when an applied migration was edited", async () => {
    const { db } = await open();
    await migrate(db, [first]);
    const edited = { ...first, sql: `${first.sql}\n-- edited` };
    await expect(migrate(db, [edited])).rejects.toThrow(/0001_init\.sql was changed after it was applied/);
  });

  it("refuses a database that has migrations the code does not know", async () => {
    const { db } = await open();
    await migrate(db, [first, second]);
    await expect(migrate(db, [first])).rejects.toThrow(/does not know \(0002_more\.sql\)/);
  });

  it("leaves nothing half-applied when a migration fails", async () => {
    const { db } = await open();
    const broken: Migration = {
      name: "0002_broken.sql",
      sql: `CREATE TABLE "Other" (id text); SELECT * FROM nowhere;`,
    };
    await expect(migrate(db, [first, broken])).rejects.toThrow();
    const tables = await db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1`,
      [db.schema],
    );
    expect(tables.map((t) => t.table_name)).not.toContain("Thing");
    expect(tables.map((t) => t.table_name)).not.toContain("Other");
  });

  it.runIf(testTier === "postgres")("applies once when replicas migrate at the same time", async () => {
    const { db, test } = await open();
    const replica = await openSubgraphDatabase({ schema: "probe", databaseUrl: test.url });
    try {
      const results = await Promise.all([migrate(db, [first, second]), migrate(replica, [first, second])]);
      expect(results.map((r) => r.applied.length).sort()).toEqual([0, 2]);
    } finally {
      await replica.close();
    }
  });

  it.runIf(testTier === "postgres")("keeps each subgraph inside its own schema", async () => {
    const { db: health, test } = await open("health");
    const catalog = await openSubgraphDatabase({ schema: "catalog", databaseUrl: test.url });
    try {
      await migrate(catalog, [first]);
      await catalog.exec(`INSERT INTO "Thing" VALUES ('secret', 'catalog only')`);
      expect(await health.query(`SELECT current_user AS role, current_schema() AS schema`)).toEqual([
        { role: "og_health", schema: "health" },
      ]);
      await expect(health.query(`SELECT * FROM catalog."Thing"`)).rejects.toThrow(/permission denied/);
    } finally {
      await catalog.close();
    }
  });
});
