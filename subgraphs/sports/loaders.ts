/**
 * Per-request DataLoaders of the sports subgraph: every entity reference and every list-to-item hop goes through
 * one of these, so a page of 500 fitness points with their equipment, or 500 bookings with court and venue, costs
 * the same few SQL statements as a page of 10.
 */
import DataLoader from "dataloader";
import { loaderByGroup, loaderById } from "../kit/loaders.ts";
import { addDays, localInstant } from "../kit/localTime.ts";
import type { SubgraphContext } from "../kit/module.ts";
import type { CourtBooking, PrismaClient } from "./generated/prisma/client.ts";

/** The Prisma client the kit creates for this subgraph (query events on, for its SQL statement counter). */
export type SportsPrisma = PrismaClient<"query">;

const byId = { id: "asc" } as const;

/** A court on a local day. */
export interface CourtDay {
  courtId: string;
  date: string;
}

const dayKey = (id: string, date: string) => `${id}|${date}`;

export function createLoaders(prisma: SportsPrisma) {
  return {
    fitnessPointById: loaderById((ids) => prisma.fitnessPoint.findMany({ where: { id: { in: [...ids] } } })),
    equipmentById: loaderById((ids) => prisma.fitnessEquipment.findMany({ where: { id: { in: [...ids] } } })),
    venueById: loaderById((ids) => prisma.sportsVenue.findMany({ where: { id: { in: [...ids] } } })),
    courtById: loaderById((ids) => prisma.sportsCourt.findMany({ where: { id: { in: [...ids] } } })),
    bookingById: loaderById((ids) => prisma.courtBooking.findMany({ where: { id: { in: [...ids] } } })),
    eventById: loaderById((ids) => prisma.sportsEvent.findMany({ where: { id: { in: [...ids] } } })),
    categoryById: loaderById((ids) => prisma.sportsEventCategory.findMany({ where: { id: { in: [...ids] } } })),
    registrationById: loaderById((ids) => prisma.sportsEventRegistration.findMany({ where: { id: { in: [...ids] } } })),

    // A point's equipment answers `equipment`, `equipmentCount` and `functions`: one query for all three.
    equipmentByPoint: loaderByGroup(
      (pointIds) =>
        prisma.fitnessEquipment.findMany({ where: { fitnessPointId: { in: [...pointIds] } }, orderBy: byId }),
      (item) => item.fitnessPointId,
    ),
    // Street.fitnessPoints(status) loads every point of the street and narrows in memory: a street has a few dozen.
    fitnessPointsByStreet: loaderByGroup(
      (streetIds) => prisma.fitnessPoint.findMany({ where: { streetId: { in: [...streetIds] } }, orderBy: byId }),
      (point) => point.streetId,
    ),
    venuesByStreet: loaderByGroup(
      (streetIds) => prisma.sportsVenue.findMany({ where: { streetId: { in: [...streetIds] } }, orderBy: byId }),
      (venue) => venue.streetId,
    ),
    venuesByDepartment: loaderByGroup(
      (departmentIds) =>
        prisma.sportsVenue.findMany({ where: { departmentId: { in: [...departmentIds] } }, orderBy: byId }),
      (venue) => venue.departmentId,
    ),
    courtsByVenue: loaderByGroup(
      (venueIds) => prisma.sportsCourt.findMany({ where: { venueId: { in: [...venueIds] } }, orderBy: byId }),
      (court) => court.venueId,
    ),
    /**
     * Live bookings of courts on local days, for availability. One query covers every court and day asked; rows are
     * handed to each (court, day) they touch.
     */
    liveBookingsByCourtDay: new DataLoader<CourtDay, CourtBooking[], string>(
      async (keys) => {
        const dates = [...new Set(keys.map((k) => k.date))];
        const rows = await prisma.courtBooking.findMany({
          where: {
            courtId: { in: [...new Set(keys.map((k) => k.courtId))] },
            status: "BOOKED",
            OR: dates.map((date) => ({
              startsAt: { lt: localInstant(addDays(date, 1), 0) },
              endsAt: { gt: localInstant(date, 0) },
            })),
          },
          orderBy: [{ startsAt: "asc" }, { id: "asc" }],
        });
        return keys.map((k) => {
          const dayStart = localInstant(k.date, 0);
          const dayEnd = localInstant(k.date, 24 * 60);
          return rows.filter((b) => b.courtId === k.courtId && b.startsAt < dayEnd && b.endsAt > dayStart);
        });
      },
      { cacheKeyFn: (k) => dayKey(k.courtId, k.date) },
    ),
    bookingsByResident: loaderByGroup(
      (residentIds) =>
        prisma.courtBooking.findMany({
          where: { residentId: { in: [...residentIds] } },
          orderBy: [{ startsAt: "desc" }, { id: "asc" }],
        }),
      (booking) => booking.residentId,
    ),

    categoriesByEvent: loaderByGroup(
      (eventIds) => prisma.sportsEventCategory.findMany({ where: { eventId: { in: [...eventIds] } }, orderBy: byId }),
      (category) => category.eventId,
    ),
    registrationsByResident: loaderByGroup(
      (residentIds) =>
        prisma.sportsEventRegistration.findMany({
          where: { residentId: { in: [...residentIds] } },
          orderBy: [{ registeredAt: "desc" }, { id: "asc" }],
        }),
      (registration) => registration.residentId,
    ),
  };
}

export type SportsLoaders = ReturnType<typeof createLoaders>;

/** What every resolver of the sports subgraph receives: the kit's context with this subgraph's client and loaders. */
export type SportsContext = SubgraphContext<SportsPrisma, SportsLoaders>;
