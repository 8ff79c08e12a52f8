/**
 * Seeded PGlite databases, made once per test run: the first test that starts a department on the PGlite tier
 * migrates and seeds it (seconds: 2.5–7.5 s per department on these two cores) and leaves a snapshot of the data
 * directory; every later start of that department, in any worker, starts from a copy (a fraction of a second).
 *
 * The snapshots live in a folder that `test/support/globalSetup.ts` makes for the run and removes after it, so
 * they can never outlive the code that seeded them. The key holds everything a seed depends on inside one run:
 * the module, its seed and migrations, the seed date and whether to seed at all.
 */
import { createHash } from "node:crypto";
import { readdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { inject } from "vitest";
import type { PrismaLike, SubgraphModule } from "../../subgraphs/kit/module.ts";

declare module "vitest" {
  export interface ProvidedContext {
    pgliteSnapshotDir: string;
  }
}

function snapshotDir(): string | undefined {
  try {
    return inject("pgliteSnapshotDir") || undefined;
  } catch {
    return undefined; // run outside the configured global setup
  }
}

export async function snapshotKey<TPrisma extends PrismaLike, TLoaders>(
  module: SubgraphModule<TPrisma, TLoaders>,
  seed: boolean,
  seedDate: string,
): Promise<string> {
  const hash = createHash("sha256");
  hash.update(`${module.name}\0${seed}\0${seedDate}\0${module.seed.toString()}\0${module.prepare?.toString() ?? ""}`);
  for (const file of (await readdir(module.migrationsDir, { recursive: true })).sort()) {
    hash.update(`\0${file}\0`);
    hash.update(await readFile(join(module.migrationsDir, file)).catch(() => Buffer.alloc(0)));
  }
  return `${module.name}-${hash.digest("hex").slice(0, 16)}`;
}

/** The snapshot for this key, if an earlier start in this run left one. */
export async function loadSnapshot(key: string): Promise<Blob | undefined> {
  const dir = snapshotDir();
  if (!dir) return undefined;
  try {
    return new Blob([await readFile(join(dir, `${key}.tar`))]);
  } catch {
    return undefined;
  }
}

/** Leaves a snapshot for later starts; written aside and renamed, so a reader never sees half of one. */
export async function saveSnapshot(key: string, snapshot: () => Promise<Blob>): Promise<void> {
  const dir = snapshotDir();
  if (!dir) return;
  const temporary = join(dir, `${key}.${process.pid}.${Date.now()}.partial`);
  await writeFile(temporary, Buffer.from(await (await snapshot()).arrayBuffer()));
  await rename(temporary, join(dir, `${key}.tar`));
}
