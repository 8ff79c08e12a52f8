/**
 * Applies a subgraph's committed SQL migrations (`NNNN_name.sql`, in name order) exactly once each.
 *
 * Why not `prisma migrate deploy`: with the offline WebAssembly schema engine it fails against PostgreSQL 15 and
 * does not run on PGlite (STACK.md). This step works on both: all pending migrations run in one transaction under
 * an advisory lock (so replicas starting together apply them once), and an applied migration whose file changed
 * stops start-up instead of silently drifting.
 */
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { SubgraphDatabase } from "./database.ts";

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

export interface Migration {
  name: string;
  sql: string;
}

const MIGRATION_FILE = /^\d{4}_[a-z0-9_]+\.sql$/;

export async function readMigrations(dir: string): Promise<Migration[]> {
  const names = (await readdir(dir)).filter((name) => MIGRATION_FILE.test(name)).sort();
  return Promise.all(names.map(async (name) => ({ name, sql: await readFile(join(dir, name), "utf8") })));
}

export function checksum(sql: string): string {
  return createHash("sha256").update(sql.replace(/\r\n/g, "\n")).digest("hex");
}

export async function migrate(db: SubgraphDatabase, migrations: Migration[]): Promise<MigrationResult> {
  return db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`og-migrate:${db.schema}`]);
    await tx.exec(
      `CREATE TABLE IF NOT EXISTS "_og_migrations" (
         name text PRIMARY KEY,
         checksum text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const rows = await tx.query<{ name: string; checksum: string }>(`SELECT name, checksum FROM "_og_migrations"`);
    const applied = new Map(rows.map((row) => [row.name, row.checksum]));
    const known = new Set(migrations.map((m) => m.name));
    const unknown = [...applied.keys()].filter((name) => !known.has(name));
    if (unknown.length > 0) {
      throw new Error(
        `The database has migrations this code does not know (${unknown.join(", ")}); deploy a newer version instead.`,
      );
    }
    const result: MigrationResult = { applied: [], alreadyApplied: [] };
    for (const migration of migrations) {
      const sum = checksum(migration.sql);
      const previous = applied.get(migration.name);
      if (previous !== undefined) {
        if (previous !== sum) {
          throw new Error(
            `Migration ${migration.name} was changed after it was applied; add a new migration instead of editing it.`,
          );
        }
        result.alreadyApplied.push(migration.name);
        continue;
      }
      await tx.exec(migration.sql);
      await tx.query(`INSERT INTO "_og_migrations" (name, checksum) VALUES ($1, $2)`, [migration.name, sum]);
      result.applied.push(migration.name);
    }
    return result;
  });
}
