/**
 * Resolvers of the sports subgraph. Root lists page with the kit's `paginate`; every hop from a row to another row
 * goes through the request's loaders; the mutations live in `courtBooking.ts` and `eventRegistration.ts`, the
 * schedule arithmetic in `courtSchedule.ts`. (School sports grounds are the education subgraph's.)
 */
import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper/index.js";
import { codedError } from "../../lib/errors.ts";
import {
  actingResident,
  guardResidentRecords,
  readableRecord,
  readableRecords,
  requireJurisdiction,
  residentReference,
} from "../kit/actingResident.ts";
import { DateTime } from "../kit/dateTime.ts";
import { formatMinute, parseLocalDate } from "../kit/localTime.ts";
import { pageOf } from "../kit/pageOf.ts";
import type { ListArgs } from "../kit/pagination.ts";
import { type Reference, resolveById } from "../kit/references.ts";
import { nameFilter } from "../kit/textFilter.ts";
import {
  type BookCourtInput,
  bookCourt,
  type CancelCourtBookingInput,
  cancelCourtBooking,
  noSuchCourtBooking,
} from "./courtBooking.ts";
import { freeIntervals, nextStep } from "./courtSchedule.ts";
import {
  type CancelSportsEventRegistrationInput,
  cancelSportsEventRegistration,
  noSuchEventRegistration,
  type RegisterForEventInput,
  registerForEvent,
} from "./eventRegistration.ts";
import type {
  CourtBooking,
  FitnessEquipment,
  FitnessFunction,
  FitnessMaintenanceStatus,
  FitnessPoint,
  FitnessPointSetting,
  Prisma,
  SportsCourt,
  SportsCourtSport,
  SportsEvent,
  SportsEventCategory,
  SportsEventKind,
  SportsEventRegistration,
  SportsVenue,
  SportsVenueKind,
} from "./generated/prisma/client.ts";
import type { SportsContext } from "./loaders.ts";
import { courtBookingRecords, eventRegistrationRecords, eventStreet, SPORTS_DESK } from "./permissions.ts";

/** Officers of 区体育局 act for residents at front desks. */

/** A mutation input as the API takes it: the resident is optional (residents act for themselves). */
type FromCaller<T extends { residentId: string }> = Omit<T, "residentId"> & { residentId?: string | null };

/** The whole district (about 400 fitness points) fits in one page of this size. */
export const FITNESS_POINTS_MAX_PAGE_SIZE = 500;

/** Enum orders as declared in the schema, for lists that show each value once. */
const FUNCTION_ORDER: readonly FitnessFunction[] = [
  "UPPER_BODY",
  "LOWER_BODY",
  "CORE",
  "AEROBIC",
  "FLEXIBILITY",
  "BALANCE",
  "CHILDREN_PLAY",
  "TABLE_TENNIS",
];
const SPORT_ORDER: readonly SportsCourtSport[] = [
  "BADMINTON",
  "TABLE_TENNIS",
  "BASKETBALL",
  "TENNIS",
  "FOOTBALL",
  "VOLLEYBALL",
  "SWIMMING",
  "FITNESS",
];

type SportsEventPhase = "ANNOUNCED" | "REGISTRATION_OPEN" | "REGISTRATION_CLOSED" | "IN_PROGRESS" | "FINISHED";

interface FitnessPointFilter {
  streetId?: string | null;
  status?: FitnessMaintenanceStatus | null;
  setting?: FitnessPointSetting | null;
  function?: FitnessFunction | null;
  inspectionOverdue?: boolean | null;
  nameContains?: string | null;
}

interface SportsVenueFilter {
  streetId?: string | null;
  departmentId?: string | null;
  kind?: SportsVenueKind | null;
  sport?: SportsCourtSport | null;
  nameContains?: string | null;
}

interface SportsEventFilter {
  kind?: SportsEventKind | null;
  streetId?: string | null;
  phase?: SportsEventPhase | null;
  from?: Date | null;
  to?: Date | null;
  nameContains?: string | null;
}

/** What `courtAvailability` and `SportsCourt.availability` hand to the SportsCourtAvailability resolvers. */
interface CourtAvailabilityParent {
  court: SportsCourt;
  date: string;
}

export interface SportsResolverOptions {
  /** The current time, for "has it started?", "is it open?" and "today". Tests pass a fixed clock. */
  now?: () => Date;
}

const byId = resolveById<SportsContext>();

export function createResolvers(options: SportsResolverOptions = {}): GraphQLResolverMap<SportsContext> {
  const now = options.now ?? (() => new Date());
  return {
    DateTime,

    Query: {
      fitnessPoints: (_: unknown, args: ListArgs<FitnessPointFilter>, { prisma }: SportsContext) => {
        const where = fitnessPointWhere(args.filter, now());
        return pageOf("fitnessPoints", args, prisma.fitnessPoint, where, { maxPageSize: FITNESS_POINTS_MAX_PAGE_SIZE });
      },
      fitnessPoint: byId.argument("fitnessPointById"),

      sportsVenues: (_: unknown, args: ListArgs<SportsVenueFilter>, { prisma }: SportsContext) => {
        const where = venueWhere(args.filter);
        return pageOf("sportsVenues", args, prisma.sportsVenue, where);
      },
      sportsVenue: byId.argument("venueById"),

      sportsEvents: (_: unknown, args: ListArgs<SportsEventFilter>, { prisma }: SportsContext) => {
        const where = eventWhere(args.filter, now());
        return pageOf("sportsEvents", args, prisma.sportsEvent, where);
      },
      sportsEvent: byId.argument("eventById"),

      courtAvailability: async (
        _: unknown,
        args: { courtId: string; date: string },
        { loaders }: SportsContext,
      ): Promise<CourtAvailabilityParent | null> => {
        const date = parseLocalDate(args.date, "date");
        const court = await loaders.courtById.load(args.courtId);
        return court && { court, date };
      },
    },

    Mutation: {
      bookCourt: async (
        _: unknown,
        { input }: { input: FromCaller<BookCourtInput> },
        { prisma, loaders, principal, residentStreets }: SportsContext,
      ) => {
        const residentId = await actingResident({ principal, residentStreets }, input.residentId, SPORTS_DESK);
        if (principal.kind === "officer") {
          const court = await loaders.courtById.load(input.courtId);
          const venue = court && (await loaders.venueById.load(court.venueId));
          if (venue) requireJurisdiction(principal, venue.streetId, `Sports venue "${venue.id}"`);
        }
        return bookCourt(prisma, { ...input, residentId }, now());
      },
      cancelCourtBooking: async (_: unknown, { input }: { input: CancelCourtBookingInput }, context: SportsContext) => {
        const existing = await context.loaders.bookingById.load(input.bookingId);
        // A booking the caller may not see answers exactly like one that does not exist: no existence leak.
        if (existing && !(await readableRecord(courtBookingRecords, existing, context))) {
          throw noSuchCourtBooking(input.bookingId);
        }
        return cancelCourtBooking(context.prisma, input, now());
      },
      registerForEvent: async (
        _: unknown,
        { input }: { input: FromCaller<RegisterForEventInput> },
        { prisma, loaders, principal, residentStreets }: SportsContext,
      ) => {
        const residentId = await actingResident({ principal, residentStreets }, input.residentId, SPORTS_DESK);
        if (principal.kind === "officer") {
          const event = await loaders.eventById.load(input.eventId);
          if (event) requireJurisdiction(principal, await eventStreet(event, loaders), `Sports event "${event.id}"`);
        }
        const registration = await registerForEvent(prisma, { ...input, residentId }, now());
        // The answer often shows the category's new count; it must not come from a row read before the write.
        loaders.categoryById.clear(registration.categoryId);
        loaders.categoriesByEvent.clear(registration.eventId);
        return registration;
      },
      cancelSportsEventRegistration: async (
        _: unknown,
        { input }: { input: CancelSportsEventRegistrationInput },
        context: SportsContext,
      ) => {
        const { prisma, loaders } = context;
        const existing = await loaders.registrationById.load(input.registrationId);
        if (existing && !(await readableRecord(eventRegistrationRecords, existing, context))) {
          throw noSuchEventRegistration(input.registrationId);
        }
        const registration = await cancelSportsEventRegistration(prisma, input, now());
        loaders.categoryById.clear(registration.categoryId);
        loaders.categoriesByEvent.clear(registration.eventId);
        return registration;
      },
    },

    FitnessPoint: {
      __resolveReference: byId.reference("fitnessPointById"),
      street: (point: FitnessPoint) => streetRef(point.streetId),
      inspectionOverdue: (point: FitnessPoint) => point.nextInspectionDueAt.getTime() < now().getTime(),
      equipmentCount: async (point: FitnessPoint, _: unknown, { loaders }: SportsContext) =>
        inService(await loaders.equipmentByPoint.load(point.id)).length,
      functions: async (point: FitnessPoint, _: unknown, { loaders }: SportsContext) => {
        const present = new Set(inService(await loaders.equipmentByPoint.load(point.id)).map((item) => item.function));
        return FUNCTION_ORDER.filter((fn) => present.has(fn));
      },
      equipment: async (
        point: FitnessPoint,
        { status }: { status?: FitnessMaintenanceStatus | null },
        { loaders }: SportsContext,
      ) => {
        const items = await loaders.equipmentByPoint.load(point.id);
        return status ? items.filter((item) => item.status === status) : items;
      },
    },

    FitnessEquipment: {
      __resolveReference: byId.reference("equipmentById"),
      fitnessPoint: (item: FitnessEquipment, _: unknown, { loaders }: SportsContext) =>
        loaders.fitnessPointById.load(item.fitnessPointId),
    },

    SportsVenue: {
      __resolveReference: byId.reference("venueById"),
      street: (venue: SportsVenue) => streetRef(venue.streetId),
      department: (venue: SportsVenue) => ({ __typename: "Department", id: venue.departmentId }),
      openingHours: (venue: SportsVenue) => ({
        opensAt: formatMinute(venue.opensAtMinute),
        closesAt: formatMinute(venue.closesAtMinute),
      }),
      offPeakHours: (venue: SportsVenue) => ({
        opensAt: formatMinute(venue.offPeakStartMinute),
        closesAt: formatMinute(venue.offPeakEndMinute),
      }),
      sports: async (venue: SportsVenue, _: unknown, { loaders }: SportsContext) => {
        const present = new Set((await loaders.courtsByVenue.load(venue.id)).map((court) => court.sport));
        return SPORT_ORDER.filter((sport) => present.has(sport));
      },
      courts: async (
        venue: SportsVenue,
        { sport }: { sport?: SportsCourtSport | null },
        { loaders }: SportsContext,
      ) => {
        const courts = await loaders.courtsByVenue.load(venue.id);
        return sport ? courts.filter((court) => court.sport === sport) : courts;
      },
    },

    SportsCourt: {
      __resolveReference: byId.reference("courtById"),
      venue: (court: SportsCourt, _: unknown, { loaders }: SportsContext) => loaders.venueById.load(court.venueId),
      availability: (court: SportsCourt, { date }: { date: string }): CourtAvailabilityParent => ({
        court,
        date: parseLocalDate(date, "date"),
      }),
    },

    SportsCourtAvailability: {
      freeIntervals: async ({ court, date }: CourtAvailabilityParent, _: unknown, { loaders }: SportsContext) => {
        const [venue, bookings] = await Promise.all([
          loaders.venueById.load(court.venueId),
          loaders.liveBookingsByCourtDay.load({ courtId: court.id, date }),
        ]);
        if (!venue) return [];
        return freeIntervals({ venue, court, date, bookings, notBefore: nextStep(now()) });
      },
    },

    SportsCourtBooking: {
      __resolveReference: byId.reference("bookingById", courtBookingRecords),
      court: (booking: CourtBooking, _: unknown, { loaders }: SportsContext) => loaders.courtById.load(booking.courtId),
      venue: async (booking: CourtBooking, _: unknown, { loaders }: SportsContext) => {
        const court = await loaders.courtById.load(booking.courtId);
        return court && loaders.venueById.load(court.venueId);
      },
      resident: (booking: CourtBooking) => residentRef(booking.residentId),
    },

    SportsEvent: {
      __resolveReference: byId.reference("eventById"),
      venue: (event: SportsEvent, _: unknown, { loaders }: SportsContext) =>
        event.venueId ? loaders.venueById.load(event.venueId) : null,
      street: (event: SportsEvent) => (event.streetId ? streetRef(event.streetId) : null),
      organiser: (event: SportsEvent) => ({ __typename: "Department", id: event.organiserId }),
      phase: (event: SportsEvent) => eventPhase(event, now()),
      capacity: async (event: SportsEvent, _: unknown, { loaders }: SportsContext) =>
        sum(await loaders.categoriesByEvent.load(event.id), (c) => c.capacity),
      registeredCount: async (event: SportsEvent, _: unknown, { loaders }: SportsContext) =>
        sum(await loaders.categoriesByEvent.load(event.id), (c) => c.registeredCount),
      remainingPlaces: async (event: SportsEvent, _: unknown, { loaders }: SportsContext) =>
        sum(await loaders.categoriesByEvent.load(event.id), remainingPlaces),
      categories: (event: SportsEvent, _: unknown, { loaders }: SportsContext) =>
        loaders.categoriesByEvent.load(event.id),
    },

    SportsEventCategory: {
      remainingPlaces,
      event: (category: SportsEventCategory, _: unknown, { loaders }: SportsContext) =>
        loaders.eventById.load(category.eventId),
    },

    SportsEventRegistration: {
      __resolveReference: byId.reference("registrationById", eventRegistrationRecords),
      event: (registration: SportsEventRegistration, _: unknown, { loaders }: SportsContext) =>
        loaders.eventById.load(registration.eventId),
      category: (registration: SportsEventRegistration, _: unknown, { loaders }: SportsContext) =>
        loaders.categoryById.load(registration.categoryId),
      resident: (registration: SportsEventRegistration) => residentRef(registration.residentId),
    },

    // Street and Department belong to the catalog, Resident to identity; the gateway hands us their ids and asks for
    // our fields.
    Street: {
      fitnessPoints: async (
        street: Reference,
        { status }: { status?: FitnessMaintenanceStatus | null },
        { loaders }: SportsContext,
      ) => {
        const points = await loaders.fitnessPointsByStreet.load(street.id);
        return status ? points.filter((point) => point.maintenanceStatus === status) : points;
      },
      sportsVenues: (street: Reference, _: unknown, { loaders }: SportsContext) =>
        loaders.venuesByStreet.load(street.id),
    },

    Department: {
      sportsVenues: (department: Reference, _: unknown, { loaders }: SportsContext) =>
        loaders.venuesByDepartment.load(department.id),
    },

    Resident: {
      __resolveReference: residentReference,
      ...guardResidentRecords(SPORTS_DESK, {
        courtBookings: async (resident: Reference, _: unknown, context: SportsContext) =>
          readableRecords(courtBookingRecords, await context.loaders.bookingsByResident.load(resident.id), context),
        sportsEventRegistrations: async (resident: Reference, _: unknown, context: SportsContext) =>
          readableRecords(
            eventRegistrationRecords,
            await context.loaders.registrationsByResident.load(resident.id),
            context,
          ),
      }),
    },
  };
}

function streetRef(id: string) {
  return { __typename: "Street", id };
}

function residentRef(id: string) {
  return { __typename: "Resident", id };
}

function inService(items: FitnessEquipment[]): FitnessEquipment[] {
  return items.filter((item) => item.status !== "RETIRED");
}

function remainingPlaces(category: SportsEventCategory): number {
  return Math.max(0, category.capacity - category.registeredCount);
}

function sum<T>(rows: T[], value: (row: T) => number): number {
  return rows.reduce((total, row) => total + value(row), 0);
}

export function eventPhase(event: SportsEvent, now: Date): SportsEventPhase {
  const t = now.getTime();
  if (t < event.registrationOpensAt.getTime()) return "ANNOUNCED";
  if (t < event.registrationClosesAt.getTime()) return "REGISTRATION_OPEN";
  if (t < event.startsAt.getTime()) return "REGISTRATION_CLOSED";
  if (t < event.endsAt.getTime()) return "IN_PROGRESS";
  return "FINISHED";
}

function fitnessPointWhere(filter: FitnessPointFilter | null | undefined, now: Date): Prisma.FitnessPointWhereInput {
  const overdue = filter?.inspectionOverdue;
  return {
    streetId: filter?.streetId ?? undefined,
    maintenanceStatus: filter?.status ?? undefined,
    setting: filter?.setting ?? undefined,
    equipment: filter?.function ? { some: { function: filter.function, status: { not: "RETIRED" } } } : undefined,
    nextInspectionDueAt: overdue === true ? { lt: now } : overdue === false ? { gte: now } : undefined,
    name: nameFilter(filter?.nameContains, "filter.nameContains"),
  };
}

function venueWhere(filter: SportsVenueFilter | null | undefined): Prisma.SportsVenueWhereInput {
  return {
    streetId: filter?.streetId ?? undefined,
    departmentId: filter?.departmentId ?? undefined,
    kind: filter?.kind ?? undefined,
    courts: filter?.sport ? { some: { sport: filter.sport } } : undefined,
    name: nameFilter(filter?.nameContains, "filter.nameContains"),
  };
}

function eventWhere(filter: SportsEventFilter | null | undefined, now: Date): Prisma.SportsEventWhereInput {
  const { from, to } = filter ?? {};
  if (from && to && from.getTime() >= to.getTime()) {
    throw codedError(
      "BAD_USER_INPUT",
      `filter.from (${from.toISOString()}) must be before filter.to (${to.toISOString()}); swap them or widen the range.`,
      { argument: "filter.from" },
    );
  }
  const startsAt: Prisma.DateTimeFilter<"SportsEvent"> = {
    ...(from ? { gte: from } : {}),
    ...(to ? { lt: to } : {}),
  };
  return {
    AND: [
      {
        kind: filter?.kind ?? undefined,
        streetId: filter?.streetId ?? undefined,
        startsAt: Object.keys(startsAt).length > 0 ? startsAt : undefined,
        name: nameFilter(filter?.nameContains, "filter.nameContains"),
      },
      filter?.phase ? phaseWhere(filter.phase, now) : {},
    ],
  };
}

/** The phase as a condition on the event's times, the same boundaries as `eventPhase`. */
function phaseWhere(phase: SportsEventPhase, now: Date): Prisma.SportsEventWhereInput {
  switch (phase) {
    case "ANNOUNCED":
      return { registrationOpensAt: { gt: now } };
    case "REGISTRATION_OPEN":
      return { registrationOpensAt: { lte: now }, registrationClosesAt: { gt: now } };
    case "REGISTRATION_CLOSED":
      return { registrationClosesAt: { lte: now }, startsAt: { gt: now } };
    case "IN_PROGRESS":
      return { startsAt: { lte: now }, endsAt: { gt: now } };
    case "FINISHED":
      return { endsAt: { lte: now } };
  }
}
