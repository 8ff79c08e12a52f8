/**
 * The seed ledger: which seed dates a database has been seeded with (`_og_seed_runs`, beside `_og_migrations`).
 *
 * Each run gets the earlier dates, so its generators add only the periods no earlier run covered (`SeedCalendar`):
 * a database seeded three weeks ago is topped up with the weeks that are now ahead instead of being left with a
 * schedule that has run out. Running the same date again changes nothing.
 *
 * Databases seeded before the ledger existed were all seeded for 2026-12-01 (the seeds then had a fixed base date),
 * so a database that already had migrations but has no ledger counts as seeded on that date.
 */
import type { SubgraphDatabase } from "../../lib/db/database.ts";
import type { PrismaLike, SeedSummary, SubgraphModule } from "./module.ts";
import type { LocalDate } from "./seedCalendar.ts";

/** The fixed base date of every seed written before the seed ledger. */
export const PRE_LEDGER_SEED_DATE: LocalDate = "2026-12-01";

export interface SeedRun {
  date: LocalDate;
  /** Earlier seed dates of this database, oldest first. */
  previousDates: LocalDate[];
  summary: SeedSummary;
}

async function ledgerExists(db: Pick<SubgraphDatabase, "query">): Promise<boolean> {
  const [row] = await db.query<{ exists: string | null }>(`SELECT to_regclass('"_og_seed_runs"')::text AS exists`);
  return Boolean(row?.exists);
}

/** The dates this database was seeded with, oldest first. `existingDatabase`: it had migrations before this start. */
export async function readSeedLedger(db: SubgraphDatabase, existingDatabase: boolean): Promise<LocalDate[]> {
  const existed = await ledgerExists(db);
  await db.exec(
    `CREATE TABLE IF NOT EXISTS "_og_seed_runs" (
       "seedDate" date PRIMARY KEY,
       "seededAt" timestamptz NOT NULL DEFAULT now()
     )`,
  );
  if (!existed && existingDatabase) await recordSeedRun(db, PRE_LEDGER_SEED_DATE);
  const rows = await db.query<{ seedDate: string }>(
    `SELECT to_char("seedDate", 'YYYY-MM-DD') AS "seedDate" FROM "_og_seed_runs" ORDER BY "seedDate"`,
  );
  return rows.map((row) => row.seedDate);
}

export async function recordSeedRun(db: SubgraphDatabase, date: LocalDate): Promise<void> {
  await db.query(`INSERT INTO "_og_seed_runs" ("seedDate") VALUES ($1::date) ON CONFLICT DO NOTHING`, [date]);
}

/**
 * Seeds `module` for `date`: reads the ledger, runs the module's seed with the earlier dates, records the date.
 * The date is recorded only after the seed succeeded, so a failed run is repeated in full next time.
 */
export async function seedModule<TPrisma extends PrismaLike, TLoaders>(
  module: SubgraphModule<TPrisma, TLoaders>,
  prisma: TPrisma,
  db: SubgraphDatabase,
  date: LocalDate,
  existingDatabase: boolean,
): Promise<SeedRun> {
  const previousDates = await readSeedLedger(db, existingDatabase);
  const summary = await module.seed(prisma, db, { date, previousDates });
  await recordSeedRun(db, date);
  return { date, previousDates, summary };
}
