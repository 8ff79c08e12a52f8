/**
 * Seeded PGlite databases, made once per test run: the first test that starts a department on the PGlite tier
 * migrates and seeds it (seconds: 2.5–12 s of CPU per department on these two cores) and leaves a snapshot of the data
 * directory; every later start of that department, in any worker, starts from a copy (about 1 s).
 *
 * A module built with options shares its registered module's snapshots when it seeds and prepares with the very same
 * functions (a test clock changes what the resolvers answer, not the rows: `sharesRegisteredData` in subgraphs.ts).
 * Starts that cannot use a seeded snapshot — a module whose seed closes over its options (identity's keys, production
 * mode …), whose rows may differ with the same code — still skip the empty cluster's initdb and the migrations (about 1.5 s of the
 * 2.5 s an empty start costs): they start from the department's migrated snapshot (`migratedSnapshot`), the schema
 * with no rows, made once per run. Migrations do not depend on a module's options, only on its SQL files.
 *
 * The snapshots live in a folder that `test/support/globalSetup.ts` makes for the run and removes after it, so
 * they can never outlive the code that seeded them. The key holds everything a seed depends on inside one run:
 * the module, its seed and migrations, the seed date and whether to seed at all.
 *
 * Both workers often need the same department at the same moment (the longest files, started first, start whole
 * graphs). The first to miss a snapshot takes the key's lock (`withSnapshotLock`) and seeds it; the other waits for its
 * snapshot instead of seeding the same rows a second time (once, about 5 s of CPU per department and date).
 */
import { createHash } from "node:crypto";
import { open, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { inject } from "vitest";
import { EMBEDDED_START_PARAMS, openSubgraphDatabase } from "../../lib/db/database.ts";
import { migrate, readMigrations } from "../../lib/db/migrate.ts";
import type { PrismaLike, SubgraphModule } from "../../subgraphs/kit/module.ts";
import { readSeedLedger } from "../../subgraphs/kit/seedLedger.ts";

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

async function migrationsHash(migrationsDir: string): Promise<string> {
  const hash = createHash("sha256");
  for (const file of (await readdir(migrationsDir, { recursive: true })).sort()) {
    hash.update(`\0${file}\0`);
    hash.update(await readFile(join(migrationsDir, file)).catch(() => Buffer.alloc(0)));
  }
  return hash.digest("hex");
}

export async function snapshotKey<TPrisma extends PrismaLike, TLoaders>(
  module: SubgraphModule<TPrisma, TLoaders>,
  seed: boolean,
  seedDate: string,
  /** The name of a family of modules whose rows are the same (`snapshot: "name"` in subgraphs.ts); "" for none. */
  family = "",
): Promise<string> {
  const hash = createHash("sha256");
  hash.update(
    `${module.name}\0${seed}\0${seedDate}\0${family}\0${module.seed.toString()}\0${module.prepare?.toString() ?? ""}`,
  );
  hash.update(await migrationsHash(module.migrationsDir));
  return `${module.name}-${hash.digest("hex").slice(0, 16)}`;
}

/**
 * The department's schema with no rows on the PGlite tier: its migrations applied and an empty seed ledger, exactly
 * what a start on an empty database makes before `prepare` and the seed run (so the seed sees a new database, not an
 * old one from before the ledger). Made by the first start that needs it in this run; undefined outside the global
 * setup, where it would be made for one start only.
 */
export async function migratedSnapshot<TPrisma extends PrismaLike, TLoaders>(
  module: SubgraphModule<TPrisma, TLoaders>,
): Promise<Blob | undefined> {
  if (!snapshotDir()) return undefined;
  const key = `migrated-${module.name}-${(await migrationsHash(module.migrationsDir)).slice(0, 16)}`;
  const existing = await loadSnapshot(key);
  if (existing) return existing;
  const db = await openSubgraphDatabase({ schema: module.name });
  try {
    await migrate(db, await readMigrations(module.migrationsDir));
    await readSeedLedger(db, false);
    const snapshot = await db.snapshot!();
    await saveSnapshot(key, async () => snapshot);
    return snapshot;
  } finally {
    await db.close();
  }
}

/**
 * A snapshot read from its file, as the Blob PGlite's `loadDataDir` takes. PGlite only asks it for `arrayBuffer()`,
 * which here hands over the bytes read instead of streaming a copy of them out of a `Blob` chunk by chunk and
 * concatenating the chunks: about a fifth of the CPU of loading a data directory (110 of 590 ms for a 55 MB snapshot),
 * paid at every start from a snapshot. Nothing else is read from it (its `size` is 0).
 */
class SnapshotBytes extends Blob {
  readonly #bytes: Buffer;

  constructor(bytes: Buffer) {
    super([]);
    this.#bytes = bytes;
  }

  override async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = this.#bytes;
    // A file read whole owns its buffer: hand it over as it is (PGlite only reads it) rather than copying tens of MB.
    if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) return bytes.buffer as ArrayBuffer;
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }
}

let emptyCluster: Promise<Buffer | undefined> | undefined;

/**
 * An empty PGlite cluster, made by initdb once per run (under a lock, like every snapshot here) and kept in memory by
 * each worker: every new in-memory database of the tests starts from a copy of it (`useEmptyClusterSnapshot` in
 * setup.ts) instead of running initdb again — about 2.5 s of CPU per database, some 50 s per run.
 *
 * It is made small, because every start of the run unpacks a copy of it (with a department's rows): a seeded
 * department's snapshot is about 19 MB instead of 63 MB, and a start from it about 40 % less CPU (300 against 480 ms).
 * - It holds only the `postgres` database: template0 and template1 are dropped. Nothing in a subgraph creates
 *   databases; production's embedded databases keep both templates.
 * - Its write-ahead log has 1 MB segments instead of 16 MB ones, and keeps at most 4 MB of them (`max_wal_size`):
 *   a checkpoint before each snapshot (`snapshot()` in lib/db/database.ts) leaves only a few segments to copy.
 */
export function emptyClusterSnapshot(): Promise<Blob | undefined> {
  emptyCluster ??= (async () => {
    const dir = snapshotDir();
    if (!dir) return undefined;
    const key = "empty-cluster";
    await withSnapshotLock(key, async () => {
      const db = new PGlite({ startParams: [...EMBEDDED_START_PARAMS], initDbStartParams: ["--wal-segsize=1"] });
      try {
        await db.exec("ALTER DATABASE template0 IS_TEMPLATE false; ALTER DATABASE template1 IS_TEMPLATE false");
        await db.exec("DROP DATABASE template0");
        await db.exec("DROP DATABASE template1");
        await db.exec("ALTER SYSTEM SET min_wal_size = '2MB'");
        await db.exec("ALTER SYSTEM SET max_wal_size = '4MB'");
        await db.exec("CHECKPOINT");
        const snapshot = await db.dumpDataDir("none");
        await saveSnapshot(key, async () => snapshot);
      } finally {
        await db.close();
      }
    });
    return await readFile(join(dir, `${key}.tar`));
  })();
  return emptyCluster.then((bytes) => (bytes ? new SnapshotBytes(bytes) : undefined));
}

/** The snapshot for this key, if an earlier start in this run left one. */
export async function loadSnapshot(key: string): Promise<Blob | undefined> {
  const dir = snapshotDir();
  if (!dir) return undefined;
  try {
    return new SnapshotBytes(await readFile(join(dir, `${key}.tar`)));
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Takes the lock of `key` for this process and runs `make` under it, unless another worker holds it: then returns
 * "busy" at once. Returns "made" when `make` ran, or the snapshot itself when it appeared before the lock was taken.
 */
async function underLock(key: string, dir: string, make: () => Promise<void>): Promise<"made" | "busy" | Blob> {
  const lock = join(dir, `${key}.lock`);
  const handle = await open(lock, "wx").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "EEXIST") return undefined;
    throw error;
  });
  if (!handle) return "busy";
  try {
    await handle.writeFile(String(process.pid));
    await handle.close();
    // Made between our miss and our lock: load it rather than seed again.
    const made = await loadSnapshot(key);
    if (made) return made;
    await make();
    return "made";
  } finally {
    await rm(lock, { force: true });
  }
}

/**
 * Runs `make` (which seeds and saves the snapshot for `key`) unless another worker of this run is already making it:
 * then waits until that worker has saved it (or has given up or died) and returns the snapshot for the caller to load.
 * Returns undefined when the caller made the snapshot itself, or when there is no snapshot folder (made alone).
 */
export async function withSnapshotLock(key: string, make: () => Promise<void>): Promise<Blob | undefined> {
  const dir = snapshotDir();
  if (!dir) {
    await make();
    return undefined;
  }
  const lock = join(dir, `${key}.lock`);
  for (;;) {
    const ready = await loadSnapshot(key);
    if (ready) return ready;
    const outcome = await underLock(key, dir, make);
    if (outcome === "made") return undefined;
    if (outcome !== "busy") return outcome;
    // Another worker holds the lock: wait for its snapshot, or for the lock to go (it failed; then try ourselves).
    // The holder is a worker process of this run; a lock whose process is gone is removed.
    for (;;) {
      await sleep(100);
      if (await stat(join(dir, `${key}.tar`)).catch(() => undefined)) break;
      const holder = Number(await readFile(lock, "utf8").catch(() => ""));
      if (!(await stat(lock).catch(() => undefined))) break;
      if (holder > 0 && holder !== process.pid && !alive(holder)) {
        await rm(lock, { force: true });
        break;
      }
    }
  }
}

/**
 * Runs `make` for `key` only if nobody has made its snapshot and no other worker is making it now; never waits.
 * A graph about to start many departments seeds ahead with it, so that two workers starting graphs at the same moment
 * seed different departments side by side instead of one seeding while the other waits (`seedAhead` in
 * subgraphs.ts). Without a snapshot folder there is nothing to share and it does nothing.
 */
export async function makeSnapshotIfFree(key: string, make: () => Promise<void>): Promise<void> {
  const dir = snapshotDir();
  if (!dir || (await stat(join(dir, `${key}.tar`)).catch(() => undefined))) return;
  await underLock(key, dir, make);
}
