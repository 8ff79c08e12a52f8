/**
 * `npm run audit:verify`: recomputes the data-access audit chain (docs/audit.md) and exits non-zero naming the first
 * broken record when any record was edited, deleted or reordered.
 *
 *   npm run audit:verify                                   # the embedded database in .data/pglite/audit (service stopped)
 *   npm run audit:verify -- --data-dir /path/to/pglite/audit
 *   npm run audit:verify -- --database-url postgresql://auditor@db/district   # schema "audit"; or AUDIT_DATABASE_URL
 *   … --json                                               # the result as JSON
 *
 * Exit status: 0 intact, 1 broken, 2 the database could not be read. Reads only; an embedded (PGlite) database must
 * not be in use by a running audit service while it is verified.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import type { ChainDatabase } from "../subgraphs/audit/chain.ts";
import { type ChainVerification, verifyChain } from "../subgraphs/audit/verifyChain.ts";

const { values } = parseArgs({
  options: {
    "database-url": { type: "string" },
    "data-dir": { type: "string" },
    schema: { type: "string", default: "audit" },
    json: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});

if (values.help) {
  console.log("Usage: npm run audit:verify -- [--database-url URL | --data-dir DIR] [--schema audit] [--json]");
  process.exit(0);
}

const databaseUrl = values["database-url"] ?? process.env.AUDIT_DATABASE_URL ?? process.env.DATABASE_URL;
const schema = values.schema ?? "audit";
if (!/^[a-z][a-z0-9_]{0,40}$/.test(schema)) fail(`--schema "${schema}" is not a schema name.`);

let close: () => Promise<void> = async () => {};
let source: string;
let db: ChainDatabase;
try {
  if (databaseUrl) {
    const client = new pg.Client({ connectionString: databaseUrl, options: `-c search_path=${schema}` });
    await client.connect();
    close = () => client.end();
    source = `PostgreSQL schema ${schema} at ${redactUrl(databaseUrl)}`;
    db = {
      transaction: async (work) => {
        await client.query("BEGIN");
        try {
          const result = await work({ query: async (sql, params) => (await client.query(sql, params)).rows });
          await client.query("COMMIT");
          return result;
        } catch (error) {
          await client.query("ROLLBACK").catch(() => {});
          throw error;
        }
      },
    };
  } else {
    const dataDir = values["data-dir"] ?? process.env.AUDIT_DATA_DIR ?? join(".data", "pglite", "audit");
    // PGlite would create an empty database in a missing folder; an audit check must not "pass" on nothing.
    if (!existsSync(join(dataDir, "PG_VERSION"))) {
      fail(`No embedded database in ${dataDir}; pass --data-dir, or --database-url for PostgreSQL.`);
    }
    const pglite = new PGlite(dataDir);
    await pglite.waitReady;
    close = () => pglite.close();
    source = `embedded database ${dataDir}`;
    db = {
      transaction: (work) =>
        pglite.transaction((tx) =>
          work({ query: async <Row>(sql: string, params?: unknown[]) => (await tx.query<Row>(sql, params)).rows }),
        ),
    };
  }
} catch (error) {
  fail(`Could not open the audit database: ${(error as Error).message}`);
}

let result: ChainVerification;
try {
  result = await verifyChain(db);
} catch (error) {
  await close().catch(() => {});
  fail(`Could not read the audit chain: ${(error as Error).message}`);
}
await close().catch(() => {});

if (values.json) {
  console.log(JSON.stringify({ source, ...result }, null, 2));
} else if (result.intact) {
  const from = result.start.checkpoint ? `retention checkpoint ${result.start.sequence}` : "the genesis";
  console.log(
    `Audit chain intact (${source}): ${result.checkedRecords} records verified from ${from} to head ${result.head.sequence} (${result.head.hash}).`,
  );
} else {
  const broken = result.firstBreak;
  console.error(
    `Audit chain BROKEN (${source}) at record ${broken?.sequence} (${broken?.recordId ?? "record missing"}), ${broken?.reason}: ${broken?.message}`,
  );
}
process.exit(result.intact ? 0 : 1);

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparsable URL)";
  }
}
