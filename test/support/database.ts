/**
 * Test database tiers. By default tests run on in-memory PGlite. With OG_TEST_DATABASE_URL set (an admin URL of a
 * real PostgreSQL, as in `.ci/run`), each call gets a fresh, uniquely named database that `drop()` removes.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";

export interface TestDatabase {
  /** PostgreSQL URL of a fresh database, or undefined on the PGlite tier. */
  url: string | undefined;
  drop(): Promise<void>;
}

export const testTier = process.env.OG_TEST_DATABASE_URL ? "postgres" : "pglite";

/**
 * A fresh database on the tier: PostgreSQL when `adminUrl` is set (default OG_TEST_DATABASE_URL), else PGlite (no URL).
 * End-to-end tests that cover both stores in one run pass the admin URL themselves.
 */
export async function createTestDatabase(
  adminUrl: string | undefined = process.env.OG_TEST_DATABASE_URL,
): Promise<TestDatabase> {
  if (!adminUrl) return { url: undefined, drop: async () => {} };
  const name = `og_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
