/**
 * Writes the culture seed (`seedData.ts`) for a seed date. Idempotent: rows are inserted in batches with `skipDuplicates`, so a
 * second run adds nothing and never overwrites what residents did since (registrations, cancellations, promotions
 * from the waiting list). Parents go before children for the foreign keys; the counts come back from the database,
 * not from the input.
 */
import type { SubgraphDatabase } from "../../lib/db/database.ts";
import type { SeedSummary } from "../kit/module.ts";
import type { SeedOptions } from "../kit/seedCalendar.ts";
import type { CulturePrisma } from "./loaders.ts";
import { buildSeedData } from "./seedData.ts";

/** Rows per INSERT: well under PostgreSQL's 65 535 bind parameters for the widest table. */
const BATCH_SIZE = 1_000;

async function inBatches<T>(rows: T[], insert: (batch: T[]) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < rows.length; start += BATCH_SIZE) {
    await insert(rows.slice(start, start + BATCH_SIZE));
  }
}

export async function seed(prisma: CulturePrisma, _db: SubgraphDatabase, options: SeedOptions): Promise<SeedSummary> {
  const data = buildSeedData(options);
  const skipDuplicates = true;
  await inBatches(data.buildings, (batch) => prisma.readableBuilding.createMany({ data: batch, skipDuplicates }));
  await inBatches(data.venues, (batch) => prisma.cultureVenue.createMany({ data: batch, skipDuplicates }));
  await inBatches(data.routes, (batch) => prisma.tourismRoute.createMany({ data: batch, skipDuplicates }));
  await inBatches(data.stops, (batch) => prisma.tourismRouteStop.createMany({ data: batch, skipDuplicates }));
  await inBatches(data.programmes, (batch) => prisma.cultureProgramme.createMany({ data: batch, skipDuplicates }));
  await inBatches(data.registrations, (batch) =>
    prisma.cultureRegistration.createMany({ data: batch, skipDuplicates }),
  );
  return countRows(prisma);
}

export async function countRows(prisma: CulturePrisma): Promise<SeedSummary> {
  const [cultureVenues, readableBuildings, tourismRoutes, tourismRouteStops, cultureProgrammes, cultureRegistrations] =
    await Promise.all([
      prisma.cultureVenue.count(),
      prisma.readableBuilding.count(),
      prisma.tourismRoute.count(),
      prisma.tourismRouteStop.count(),
      prisma.cultureProgramme.count(),
      prisma.cultureRegistration.count(),
    ]);
  return {
    cultureVenues,
    readableBuildings,
    tourismRoutes,
    tourismRouteStops,
    cultureProgrammes,
    cultureRegistrations,
  };
}
