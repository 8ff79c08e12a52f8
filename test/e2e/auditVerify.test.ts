/**
 * `npm run audit:verify` as an operator runs it: a separate process reading the audit database, exit 0 when intact,
 * 1 naming the first broken record, 2 when there is nothing to read. Both stores in every run: a stopped embedded
 * (PGlite) folder, and a fresh database on PostgreSQL (OG_TEST_DATABASE_URL, an admin URL; default
 * postgresql://postgres@127.0.0.1:5432/postgres, as in `.ci/run`). End-to-end tier: it spawns the command.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import auditModule from "../../subgraphs/audit/index.ts";
import { startSubgraph } from "../../subgraphs/kit/service.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { testEnvelopeKeys } from "../support/envelope.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const ADMIN_DATABASE_URL = process.env.OG_TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

/** Runs the verification command; resolves with exit code and output. */
function auditVerify(target: string[], ...extra: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "scripts/auditVerify.ts", ...target, ...extra],
      { cwd: root, env: { ...process.env, DATABASE_URL: "", AUDIT_DATABASE_URL: "" } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe.each([
  ["an embedded PGlite folder", undefined],
  ["PostgreSQL", ADMIN_DATABASE_URL],
])("npm run audit:verify on %s", (_store, adminUrl) => {
  let dataDir: string;
  let database: TestDatabase;
  const target = () => (database.url ? ["--database-url", database.url] : ["--data-dir", dataDir]);

  /** Runs SQL on the audit database while no service holds it. */
  async function withDatabase(work: (query: (sql: string) => Promise<unknown[]>) => Promise<void>) {
    if (database.url) {
      const pg = (await import("pg")).default;
      const client = new pg.Client({ connectionString: database.url, options: "-c search_path=audit" });
      await client.connect();
      try {
        await work(async (sql) => (await client.query(sql)).rows);
      } finally {
        await client.end();
      }
      return;
    }
    const db = new PGlite(dataDir);
    try {
      await work(async (sql) => (await db.query(sql)).rows);
    } finally {
      await db.close();
    }
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "og-audit-verify-"));
    database = await createTestDatabase(adminUrl);
    // Migrate and seed the audit database, then stop: an embedded database is verified while no service holds it.
    const service = await startSubgraph(auditModule, {
      port: 0,
      seed: true,
      databaseUrl: database.url,
      dataDir: database.url ? undefined : dataDir,
      logLevel: "silent",
      envelopePublicKeys: [testEnvelopeKeys.publicKey],
    });
    await service.stop();
  });

  afterAll(async () => {
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("exits 0 and reports the head of an intact chain", async () => {
    const { code, stdout } = await auditVerify(target());
    expect(code).toBe(0);
    expect(stdout).toMatch(/Audit chain intact .*: 48 records verified from the genesis to head 48 \([0-9a-f]{64}\)/);
  });

  it("exits 1 naming the record when one record was edited in the database", async () => {
    let recordId = "";
    await withDatabase(async (query) => {
      const [row] = (await query(
        `SELECT "recordId"::text AS id FROM "DataAccessRecord" WHERE "sequence" = 20`,
      )) as Array<{
        id: string;
      }>;
      recordId = row?.id ?? "";
      await query(`UPDATE "DataAccessRecord" SET "purpose" = 'curiosity' WHERE "sequence" = 20`);
    });
    const { code, stderr } = await auditVerify(target());
    expect(code).toBe(1);
    expect(stderr).toContain(`BROKEN`);
    expect(stderr).toContain(`at record 20 (${recordId}), edited`);

    const json = await auditVerify(target(), "--json");
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).firstBreak).toMatchObject({ sequence: "20", recordId, reason: "edited" });
  });

  it("exits 2 when there is no audit database to read, rather than passing on nothing", async () => {
    let missing = ["--data-dir", join(dataDir, "missing")];
    if (database.url) {
      const url = new URL(database.url);
      url.pathname = `${url.pathname}_missing`;
      missing = ["--database-url", url.toString()];
    }
    const { code, stdout, stderr } = await auditVerify(missing);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(database.url ? /^Could not open the audit database: / : /^No embedded database in /);
  });
});
