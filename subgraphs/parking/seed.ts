/**
 * Writes the parking seed (`seedData.ts`) for a seed date. Idempotent: rows are written with `insertRows` (existing
 * keys skipped), so a second run adds nothing and never overwrites what happened since (sessions started or ended).
 * Parents go before children for the foreign keys; the counts come back from the database, not from the input. Live
 * occupancy and charger status are not seeded: they belong to the city platform.
 */
import type { SubgraphDatabase } from "../../lib/db/database.ts";
import { insertRows } from "../kit/insertRows.ts";
import type { SeedSummary } from "../kit/module.ts";
import { readPrismaModels } from "../kit/prismaModels.ts";
import type { SeedOptions } from "../kit/seedCalendar.ts";
import type { ParkingPrisma } from "./loaders.ts";
import { buildParkingSeedData } from "./seedData.ts";

const models = readPrismaModels(new URL("../../prisma/parking/schema.prisma", import.meta.url));

export async function seed(prisma: ParkingPrisma, db: SubgraphDatabase, options: SeedOptions): Promise<SeedSummary> {
  const data = buildParkingSeedData(options);
  await insertRows(db, models.get("ParkingFacility"), data.facilities);
  await insertRows(db, models.get("ChargingStation"), data.stations);
  await insertRows(db, models.get("ParkingSession"), data.sessions);
  return countRows(prisma);
}

export async function countRows(prisma: ParkingPrisma): Promise<SeedSummary> {
  const [parkingFacilities, chargingStations, parkingSessions, activeSessions] = await Promise.all([
    prisma.parkingFacility.count(),
    prisma.chargingStation.count(),
    prisma.parkingSession.count(),
    prisma.parkingSession.count({ where: { status: "ACTIVE" } }),
  ]);
  return { parkingFacilities, chargingStations, parkingSessions, activeSessions };
}
