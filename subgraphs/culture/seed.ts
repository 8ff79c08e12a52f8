/**
 * Writes the culture seed (`seedData.ts`) for a seed date. Idempotent: rows are written with `insertRows` (existing
 * keys skipped), so a second run adds nothing and never overwrites what residents did since (registrations,
 * cancellations, promotions from the waiting list). Parents go before children for the foreign keys; the counts come
 * back from the database, not from the input.
 */
import type { SubgraphDatabase } from "../../lib/db/database.ts";
import { insertRows } from "../kit/insertRows.ts";
import type { SeedSummary } from "../kit/module.ts";
import { readPrismaModels } from "../kit/prismaModels.ts";
import type { SeedOptions } from "../kit/seedCalendar.ts";
import type { CulturePrisma } from "./loaders.ts";
import { buildSeedData } from "./seedData.ts";

const models = readPrismaModels(new URL("../../prisma/culture/schema.prisma", import.meta.url));

export async function seed(prisma: CulturePrisma, db: SubgraphDatabase, options: SeedOptions): Promise<SeedSummary> {
  const data = buildSeedData(options);
  await insertRows(db, models.get("ReadableBuilding"), data.buildings);
  await insertRows(db, models.get("CultureVenue"), data.venues);
  await insertRows(db, models.get("TourismRoute"), data.routes);
  await insertRows(db, models.get("TourismRouteStop"), data.stops);
  await insertRows(db, models.get("CultureProgramme"), data.programmes);
  await insertRows(db, models.get("CultureRegistration"), data.registrations);
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
