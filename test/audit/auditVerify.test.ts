/**
 * `npm run audit:verify` as an operator runs it: a separate process reading the audit database (a stopped PGlite
 * folder, or PostgreSQL on that tier), exit 0 when intact, 1 naming the first broken record.
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
import { createTestDatabase, type TestDatabase, testTier } from "../support/database.ts";
import { testEnvelopeKeys } from "../support/envelope.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
let dataDir: string;
let database: TestDatabase;

/** Runs the verification command against the test database; resolves with exit code and output. */
function auditVerify(...extra: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const target = database.url ? ["--database-url", database.url] : ["--data-dir", dataDir];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "scripts/auditVerify.ts", ...target, ...extra],
      { cwd: root, env: { ...process.env, DATABASE_URL: "", AUDIT_DATABASE_URL: "" } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

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
  database = await createTestDatabase();
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

describe(`npm run audit:verify (${testTier})`, () => {
  it("exits 0 and reports the head of an intact chain", async () => {
    const { code, stdout } = await auditVerify();
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
    const { code, stderr } = await auditVerify();
    expect(code).toBe(1);
    expect(stderr).toContain(`BROKEN`);
    expect(stderr).toContain(`at record 20 (${recordId}), edited`);

    const json = await auditVerify("--json");
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).firstBreak).toMatchObject({ sequence: "20", recordId, reason: "edited" });
  });

  it("exits 2 when there is no audit database to read, rather than passing on nothing", async () => {
    const { code, stderr } = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ["--import", "tsx", "scripts/auditVerify.ts", "--data-dir", join(dataDir, "missing")],
        { cwd: root, env: { ...process.env, DATABASE_URL: "", AUDIT_DATABASE_URL: "" } },
        (error, _stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stderr }),
      );
    });
    expect(code).toBe(2);
    expect(stderr).toContain("No embedded database");
  });
});
