/**
 * Writes the sports seed (`seedData.ts`) for a seed date. Idempotent: rows are written with `insertRows` (existing keys
 * skipped), so a second run adds nothing and never overwrites what residents did since (bookings, cancellations,
 * registrations). A later seed date adds the days and seasons that are new; on those days residents may already have
 * booked courts (the service ran on without a restart), so seeded bookings that would overlap a live booking are left
 * out. Parents go before children for the foreign keys; the counts come back from the database.
 */
import type { SubgraphDatabase } from "../../lib/db/database.ts";
import { insertRows } from "../kit/insertRows.ts";
import type { SeedSummary } from "../kit/module.ts";
import { readPrismaModels } from "../kit/prismaModels.ts";
import type { SeedOptions } from "../kit/seedCalendar.ts";
import type { CourtBooking } from "./generated/prisma/client.ts";
import type { SportsPrisma } from "./loaders.ts";
import { buildSeedData } from "./seedData.ts";

const models = readPrismaModels(new URL("../../prisma/sports/schema.prisma", import.meta.url));

export async function seed(prisma: SportsPrisma, db: SubgraphDatabase, options: SeedOptions): Promise<SeedSummary> {
  const data = buildSeedData(options);
  if (options.previousDates.length > 0) {
    data.bookings = await withoutOverlaps(prisma, data.bookings);
  }
  await insertRows(db, models.get("FitnessPoint"), data.fitnessPoints);
  await insertRows(db, models.get("FitnessEquipment"), data.equipment);
  await insertRows(db, models.get("SportsVenue"), data.venues);
  await insertRows(db, models.get("SportsCourt"), data.courts);
  await insertRows(db, models.get("CourtBooking"), data.bookings);
  await insertRows(db, models.get("SportsEvent"), data.events);
  await insertRows(db, models.get("SportsEventCategory"), data.categories);
  await insertRows(db, models.get("SportsEventRegistration"), data.registrations);
  return countRows(prisma);
}

/** Seeded bookings that overlap no live booking already in the database (one query for the whole range). */
async function withoutOverlaps(prisma: SportsPrisma, bookings: CourtBooking[]): Promise<CourtBooking[]> {
  if (bookings.length === 0) return bookings;
  const from = new Date(Math.min(...bookings.map((b) => b.startsAt.getTime())));
  const to = new Date(Math.max(...bookings.map((b) => b.endsAt.getTime())));
  const live = await prisma.courtBooking.findMany({
    where: { status: "BOOKED", startsAt: { lt: to }, endsAt: { gt: from } },
    select: { id: true, courtId: true, startsAt: true, endsAt: true },
  });
  const byCourt = new Map<string, typeof live>();
  for (const booking of live) byCourt.set(booking.courtId, [...(byCourt.get(booking.courtId) ?? []), booking]);
  return bookings.filter(
    (seeded) =>
      !byCourt
        .get(seeded.courtId)
        ?.some((b) => b.id !== seeded.id && b.startsAt < seeded.endsAt && b.endsAt > seeded.startsAt),
  );
}

export async function countRows(prisma: SportsPrisma): Promise<SeedSummary> {
  const [
    fitnessPoints,
    fitnessEquipment,
    sportsVenues,
    sportsCourts,
    courtBookings,
    sportsEvents,
    sportsEventCategories,
    sportsEventRegistrations,
  ] = await Promise.all([
    prisma.fitnessPoint.count(),
    prisma.fitnessEquipment.count(),
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
    sportsVenues,
    sportsCourts,
    courtBookings,
    sportsEvents,
    sportsEventCategories,
    sportsEventRegistrations,
  };
}
