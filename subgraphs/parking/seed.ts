/**
 * Writes the parking seed (`seedData.ts`) for a seed date. Idempotent: rows are inserted in batches with `skipDuplicates`, so a
 * second run adds nothing and never overwrites what happened since (sessions started or ended).
 * Parents go before children for the foreign keys; the counts come back from the database, not from the input.
 * Live occupancy and charger status are not seeded: they belong to the city platform.
 */
import type { SubgraphDatabase } from "../../lib/db/database.ts";
import type { SeedSummary } from "../kit/module.ts";
import type { SeedOptions } from "../kit/seedCalendar.ts";
import type { ParkingPrisma } from "./loaders.ts";
import { buildParkingSeedData } from "./seedData.ts";

/** Rows per INSERT: well under PostgreSQL's 65 535 bind parameters for the widest table. */
const BATCH_SIZE = 1_000;

async function inBatches<T>(rows: T[], insert: (batch: T[]) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < rows.length; start += BATCH_SIZE) {
    await insert(rows.slice(start, start + BATCH_SIZE));
  }
}

export async function seed(prisma: ParkingPrisma, _db: SubgraphDatabase, options: SeedOptions): Promise<SeedSummary> {
  const data = buildParkingSeedData(options);
  const skipDuplicates = true;
  await inBatches(data.facilities, (batch) => prisma.parkingFacility.createMany({ data: batch, skipDuplicates }));
  await inBatches(data.stations, (batch) => prisma.chargingStation.createMany({ data: batch, skipDuplicates }));
  await inBatches(data.sessions, (batch) => prisma.parkingSession.createMany({ data: batch, skipDuplicates }));
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
