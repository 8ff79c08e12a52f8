/**
 * Writes the sports seed (`seedData.ts`). Idempotent: rows are inserted in batches with `skipDuplicates`, so a
 * second run adds nothing and never overwrites what residents did since (bookings, cancellations, check-ins,
 * registrations) nor a ground's QR secret. Parents go before children for the foreign keys; the counts come back
 * from the database, not from the input.
 */
import type { SubgraphDatabase } from "../../lib/db/database.ts";
import type { SeedSummary } from "../kit/module.ts";
import type { SportsPrisma } from "./loaders.ts";
import { newQrSecret } from "./qrToken.ts";
import { buildSeedData } from "./seedData.ts";

/** Rows per INSERT: well under PostgreSQL's 65 535 bind parameters for the widest table. */
const BATCH_SIZE = 1_000;

async function inBatches<T>(rows: T[], insert: (batch: T[]) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < rows.length; start += BATCH_SIZE) {
    await insert(rows.slice(start, start + BATCH_SIZE));
  }
}

export async function seed(prisma: SportsPrisma, _db: SubgraphDatabase): Promise<SeedSummary> {
  const data = buildSeedData();
  const skipDuplicates = true;
  await inBatches(data.fitnessPoints, (batch) => prisma.fitnessPoint.createMany({ data: batch, skipDuplicates }));
  await inBatches(data.equipment, (batch) => prisma.fitnessEquipment.createMany({ data: batch, skipDuplicates }));
  // A fresh secret per ground; on a second run the existing ground (and its secret) is kept.
  const grounds = data.grounds.map((ground) => ({ ...ground, qrSecret: newQrSecret() }));
  await inBatches(grounds, (batch) => prisma.schoolSportsGround.createMany({ data: batch, skipDuplicates }));
  await inBatches(data.openings, (batch) => prisma.schoolGroundOpening.createMany({ data: batch, skipDuplicates }));
  await inBatches(data.checkIns, (batch) => prisma.schoolGroundCheckIn.createMany({ data: batch, skipDuplicates }));
  await inBatches(data.venues, (batch) => prisma.sportsVenue.createMany({ data: batch, skipDuplicates }));
  await inBatches(data.courts, (batch) => prisma.sportsCourt.createMany({ data: batch, skipDuplicates }));
  await inBatches(data.bookings, (batch) => prisma.courtBooking.createMany({ data: batch, skipDuplicates }));
  await inBatches(data.events, (batch) => prisma.sportsEvent.createMany({ data: batch, skipDuplicates }));
  await inBatches(data.categories, (batch) => prisma.sportsEventCategory.createMany({ data: batch, skipDuplicates }));
  await inBatches(data.registrations, (batch) =>
    prisma.sportsEventRegistration.createMany({ data: batch, skipDuplicates }),
  );
  return countRows(prisma);
}

export async function countRows(prisma: SportsPrisma): Promise<SeedSummary> {
  const [
    fitnessPoints,
    fitnessEquipment,
    schoolSportsGrounds,
    schoolGroundOpenings,
    schoolGroundCheckIns,
    sportsVenues,
    sportsCourts,
    courtBookings,
    sportsEvents,
    sportsEventCategories,
    sportsEventRegistrations,
  ] = await Promise.all([
    prisma.fitnessPoint.count(),
    prisma.fitnessEquipment.count(),
    prisma.schoolSportsGround.count(),
    prisma.schoolGroundOpening.count(),
    prisma.schoolGroundCheckIn.count(),
    prisma.sportsVenue.count(),
    prisma.sportsCourt.count(),
    prisma.courtBooking.count(),
    prisma.sportsEvent.count(),
    prisma.sportsEventCategory.count(),
    prisma.sportsEventRegistration.count(),
  ]);
  return {
    fitnessPoints,
    fitnessEquipment,
    schoolSportsGrounds,
    schoolGroundOpenings,
    schoolGroundCheckIns,
    sportsVenues,
    sportsCourts,
    courtBookings,
    sportsEvents,
    sportsEventCategories,
    sportsEventRegistrations,
  };
}
