/**
 * One subgraph's database: an embedded PGlite (the one-command default) or a schema of a real PostgreSQL.
 *
 * Every subgraph reaches only its own data:
 * - PGlite: each subgraph has its own embedded database (its own folder, or memory in tests).
 * - PostgreSQL: each subgraph has its own schema, owned by its own role (`og_<schema>`); connections run as that
 *   role with the schema as search path, so another department's schema is out of reach (permission denied).
 */
import { mkdir } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapterFactory } from "@prisma/client/runtime/client";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";

export interface SubgraphDatabaseOptions {
  /** Subgraph name; also the PostgreSQL schema name. Lower case letters, digits and `_`. */
  schema: string;
  /** PostgreSQL connection string. When absent, an embedded PGlite database is used. */
  databaseUrl?: string | undefined;
  /** Folder for the embedded database. When absent (and no `databaseUrl`), the database lives in memory. */
  dataDir?: string | undefined;
  /** Largest number of PostgreSQL connections this service may hold. */
  poolSize?: number;
  /**
   * Start the embedded database from this snapshot (a PGlite data-directory tarball, see `snapshot()`) instead of an
   * empty one: tests seed a department once per run and start every later copy from it.
   */
  loadDataDir?: Blob | undefined;
}

export interface SubgraphDatabase {
  readonly kind: "pglite" | "postgres";
  /** Schema that holds this subgraph's tables ("public" inside its own PGlite). */
  readonly schema: string;
  /** Driver adapter for Prisma Client. */
  readonly adapter: SqlDriverAdapterFactory;
  /** Runs SQL text that may hold several statements (migrations, seeds). */
  exec(sql: string): Promise<void>;
  /** Runs one parameterised statement and returns its rows. */
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  /**
   * Loads rows into a table with `COPY <target> FROM '/dev/blob'` from `text` in COPY's text format (PGlite only; absent
   * on PostgreSQL). Seeds write through it (subgraphs/kit/insertRows.ts): about twice as fast as multi-row INSERTs.
   */
  copyFrom?(copyStatement: string, text: string): Promise<void>;
  /** Runs `work` inside one transaction on one connection; rolls back when it throws. */
  transaction<T>(work: (tx: Pick<SubgraphDatabase, "exec" | "query">) => Promise<T>): Promise<T>;
  /** The whole embedded database as a tarball, to start copies from (`loadDataDir`); absent on PostgreSQL. */
  snapshot?(): Promise<Blob>;
  close(): Promise<void>;
}

const SCHEMA_NAME = /^[a-z][a-z0-9_]{0,40}$/;

export function roleFor(schema: string): string {
  return `og_${schema}`;
}

export async function openSubgraphDatabase(options: SubgraphDatabaseOptions): Promise<SubgraphDatabase> {
  if (!SCHEMA_NAME.test(options.schema)) {
    throw new Error(
      `Schema name "${options.schema}" must be lower case letters, digits or "_", starting with a letter.`,
    );
  }
  return options.databaseUrl ? openPostgres(options.databaseUrl, options) : openPglite(options);
}

/**
 * PostgreSQL settings for an embedded database. PGlite runs one backend inside this process, yet PostgreSQL sizes its
 * shared memory for the defaults (128 MB of shared buffers, 100 connections) and clears all of it at every start:
 * about a fifth of the CPU of a start from a seeded snapshot (150 of 690 ms) and that much more resident memory per
 * database. The tables of a department (tens of MB) are already in memory in PGlite's own file system, so smaller
 * buffers cost nothing measurable on queries (docs/data.md).
 */
export const EMBEDDED_START_PARAMS: readonly string[] = [
  ...PGlite.defaultStartParams,
  "-c",
  "shared_buffers=16MB",
  "-c",
  "max_connections=5",
  "-c",
  "wal_buffers=64kB",
];

/**
 * Where a new in-memory embedded database starts from when no snapshot is given: by default PGlite's initdb (about
 * 2–3 s of CPU). Tests start every new database from a copy of one empty cluster made once per run instead
 * (test/support/setup.ts); the source answers undefined to fall back to initdb.
 */
let emptyClusterSource: (() => Promise<Blob | undefined>) | undefined;

export function useEmptyClusterSnapshot(source: (() => Promise<Blob | undefined>) | undefined): void {
  emptyClusterSource = source;
}

async function openPglite(options: SubgraphDatabaseOptions): Promise<SubgraphDatabase> {
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  const startParams = [...EMBEDDED_START_PARAMS];
  const loadDataDir = options.dataDir ? undefined : (options.loadDataDir ?? (await emptyClusterSource?.()));
  const db = options.dataDir
    ? new PGlite(options.dataDir, { startParams })
    : new PGlite({ startParams, ...(loadDataDir ? { loadDataDir } : {}) });
  await db.waitReady;
  // PGlite runs one statement at a time on one connection, so a transaction is just the client's own.
  return {
    kind: "pglite",
    schema: "public",
    adapter: new PrismaPGlite(db) as unknown as SqlDriverAdapterFactory,
    exec: async (sql) => {
      await db.exec(sql);
    },
    query: async <Row>(sql: string, params: unknown[] = []) => (await db.query<Row>(sql, params)).rows,
    copyFrom: async (copyStatement, text) => {
      await db.query(copyStatement, [], { blob: new Blob([text]) });
    },
    transaction: (work) =>
      db.transaction((tx) =>
        work({
          exec: async (sql) => {
            await tx.exec(sql);
          },
          query: async <Row>(sql: string, params: unknown[] = []) => (await tx.query<Row>(sql, params)).rows,
        }),
      ),
    // After a checkpoint, so the tarball carries the data files and not the log of how they were written.
    snapshot: async () => {
      await db.exec("CHECKPOINT");
      return db.dumpDataDir("none");
    },
    close: () => db.close(),
  };
}

async function openPostgres(databaseUrl: string, options: SubgraphDatabaseOptions): Promise<SubgraphDatabase> {
  const { schema } = options;
  const role = roleFor(schema);
  await provisionSchema(databaseUrl, schema);
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.poolSize ?? 10,
    // Every connection acts as the subgraph's own role inside its own schema.
    options: `-c role=${role} -c search_path=${schema}`,
  });
  // An idle connection that breaks must not crash the service; the pool replaces it.
  pool.on("error", () => {});
  return {
    kind: "postgres",
    schema,
    adapter: new PrismaPg(pool, { schema }) as unknown as SqlDriverAdapterFactory,
    exec: async (sql) => {
      await pool.query(sql);
    },
    query: async <Row>(sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows as Row[],
    transaction: async (work) => {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await work({
          exec: async (sql) => {
            await client.query(sql);
          },
          query: async <Row>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as Row[],
        });
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/**
 * Creates the subgraph's role and schema when missing. Runs as the connection string's own user, which must be
 * allowed to create roles (the district's provisioning user; on these machines, the local superuser).
 */
async function provisionSchema(databaseUrl: string, schema: string): Promise<void> {
  const role = roleFor(schema);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // Production connects as the subgraph's own login role, which owns its schema and may create nothing else
    // (docs/deploy.md): then there is nothing to provision, and CREATE ROLE would be refused.
    const own = await client.query<{ provisioned: boolean }>(
      "SELECT current_user = $1 AND to_regnamespace($2) IS NOT NULL AS provisioned",
      [role, schema],
    );
    if (own.rows[0]?.provisioned) return;
    // Roles are cluster-wide and advisory locks per database, so concurrent starts may still race on CREATE ROLE:
    // "already exists" is success.
    await ignoreAlreadyExists(client.query(`CREATE ROLE ${role} NOLOGIN`));
    await ignoreAlreadyExists(client.query(`GRANT ${role} TO CURRENT_USER`));
    await client.query("SELECT pg_advisory_lock(hashtext($1))", [`og-provision:${schema}`]);
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema} AUTHORIZATION ${role}`);
      await client.query(`REVOKE ALL ON SCHEMA ${schema} FROM PUBLIC`);
    } finally {
      await client.query("SELECT pg_advisory_unlock(hashtext($1))", [`og-provision:${schema}`]);
    }
  } finally {
    await client.end();
  }
}

async function ignoreAlreadyExists(work: Promise<unknown>): Promise<void> {
  try {
    await work;
  } catch (error) {
    const code = (error as { code?: string }).code;
    // 42710 duplicate_object; 23505 unique_violation (concurrent CREATE ROLE); 0LP01 invalid_grant_operation
    if (code !== "42710" && code !== "23505" && code !== "0LP01") throw error;
  }
}
