/**
 * Resolvers of the culture subgraph. Root lists page with the kit's `paginate`; every hop from a row to another row
 * goes through the request's loaders; registrations live in `registration.ts`.
 */

import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper/index.js";
import { codedError } from "../../lib/errors.ts";
import {
  actingResident,
  guardResidentRecords,
  readableRecord,
  readableRecords,
  requireActor,
  requireJurisdiction,
  residentReference,
} from "../kit/actingResident.ts";
import { DateTime } from "../kit/dateTime.ts";
import { pageOf } from "../kit/pageOf.ts";
import type { ListArgs } from "../kit/pagination.ts";
import { type Reference, resolveById } from "../kit/references.ts";
import { nameFilter } from "../kit/textFilter.ts";
import type {
  CultureProgramme,
  CultureProgrammeCategory,
  CultureRegistration,
  CultureRegistrationStatus,
  CultureVenue,
  CultureVenueKind,
  Prisma,
  ReadableBuilding,
  ReadableBuildingProtectionLevel,
  ReadableBuildingType,
  TourismRoute,
  TourismRouteStop,
  TourismRouteTheme,
} from "./generated/prisma/client.ts";
import type { CultureContext, CulturePrisma } from "./loaders.ts";
import { CULTURE_DESK, cultureRegistrationRecords } from "./permissions.ts";
import {
  type CancelInput,
  type CancellationOutcome,
  cancelRegistration,
  noSuchCultureRegistration,
  registerForProgramme,
} from "./registration.ts";

/** The whole venue directory (about 70 venues) fits in one page of this size. */
export const VENUES_MAX_PAGE_SIZE = 200;

interface CultureVenueFilter {
  streetId?: string | null;
  kind?: CultureVenueKind | null;
  isSmartVenue?: boolean | null;
  nameContains?: string | null;
}

interface ReadableBuildingFilter {
  streetId?: string | null;
  protectionLevel?: ReadableBuildingProtectionLevel | null;
  buildingType?: ReadableBuildingType | null;
  nameContains?: string | null;
  openToPublic?: boolean | null;
}

interface CultureProgrammeFilter {
  streetId?: string | null;
  venueId?: string | null;
  category?: CultureProgrammeCategory | null;
  from?: Date | null;
  to?: Date | null;
  availableOnly?: boolean | null;
}

interface TourismRouteFilter {
  theme?: TourismRouteTheme | null;
  buildingId?: string | null;
}

export interface CultureResolverOptions {
  /** The current time, for "has this programme started?". Tests pass a fixed clock; the service uses the real one. */
  now?: () => Date;
}

/** Places first, then the waiting list in order, then withdrawals. */
const STATUS_ORDER: Record<CultureRegistrationStatus, number> = {
  REGISTERED: 0,
  ATTENDED: 0,
  WAITLISTED: 1,
  CANCELLED: 2,
};

const byId = resolveById<CultureContext>();

export function createResolvers(options: CultureResolverOptions = {}): GraphQLResolverMap<CultureContext> {
  const now = options.now ?? (() => new Date());

  return {
    DateTime,

    Query: {
      cultureVenues: (_: unknown, args: ListArgs<CultureVenueFilter>, { prisma }: CultureContext) => {
        const where = venueWhere(args.filter);
        return pageOf("cultureVenues", args, prisma.cultureVenue, where, { maxPageSize: VENUES_MAX_PAGE_SIZE });
      },
      cultureVenue: byId.argument("venueById"),

      readableBuildings: (_: unknown, args: ListArgs<ReadableBuildingFilter>, { prisma }: CultureContext) => {
        const where = buildingWhere(args.filter);
        return pageOf("readableBuildings", args, prisma.readableBuilding, where);
      },
      readableBuilding: byId.argument("buildingById"),
      readableBuildingByQrCode: (_: unknown, { qrCodeId }: { qrCodeId: string }, { loaders }: CultureContext) =>
        loaders.buildingByQrCode.load(qrCodeId.trim()),

      cultureProgrammes: (_: unknown, args: ListArgs<CultureProgrammeFilter>, { prisma }: CultureContext) => {
        const where = programmeWhere(args.filter, now(), prisma);
        return pageOf("cultureProgrammes", args, prisma.cultureProgramme, where);
      },
      cultureProgramme: byId.argument("programmeById"),
      cultureRegistration: byId.argument("registrationById", cultureRegistrationRecords),

      tourismRoutes: (_: unknown, args: ListArgs<TourismRouteFilter>, { prisma }: CultureContext) => {
        const where: Prisma.TourismRouteWhereInput = {
          theme: args.filter?.theme ?? undefined,
          stops: args.filter?.buildingId ? { some: { buildingId: args.filter.buildingId } } : undefined,
        };
        return pageOf("tourismRoutes", args, prisma.tourismRoute, where);
      },
      tourismRoute: byId.argument("routeById"),
    },

    Mutation: {
      registerForCultureProgramme: async (
        _: unknown,
        { input }: { input: { programmeId: string; residentId?: string | null } },
        { prisma, loaders, principal, residentStreets }: CultureContext,
      ) => {
        const residentId = await actingResident({ principal, residentStreets }, input.residentId?.trim(), CULTURE_DESK);
        if (principal.kind === "officer") {
          const programme = await loaders.programmeById.load(input.programmeId);
          if (programme) requireJurisdiction(principal, programme.streetId, `Programme "${programme.id}"`);
        }
        const { registration, programme } = await registerForProgramme(prisma, { ...input, residentId }, now());
        loaders.programmeById.clear(programme.id).prime(programme.id, programme);
        return registration;
      },
      cancelCultureRegistration: async (_: unknown, { input }: { input: CancelInput }, context: CultureContext) => {
        const { prisma, loaders, principal } = context;
        requireActor(principal, CULTURE_DESK);
        const existing = await loaders.registrationById.load(input.registrationId);
        // A registration the caller may not see answers exactly like one that does not exist: no existence leak.
        if (existing && !(await readableRecord(cultureRegistrationRecords, existing, context))) {
          throw noSuchCultureRegistration(input.registrationId);
        }
        const outcome = await cancelRegistration(prisma, input, now());
        loaders.programmeById.clear(outcome.programme.id).prime(outcome.programme.id, outcome.programme);
        return outcome;
      },
    },

    CultureVenue: {
      __resolveReference: byId.reference("venueById"),
      street: (venue: CultureVenue) => ({ __typename: "Street", id: venue.streetId }),
      department: (venue: CultureVenue) => ({ __typename: "Department", id: venue.departmentId }),
      building: (venue: CultureVenue, _: unknown, { loaders }: CultureContext) =>
        venue.buildingId ? loaders.buildingById.load(venue.buildingId) : null,
    },

    ReadableBuilding: {
      __resolveReference: byId.reference("buildingById"),
      street: (building: ReadableBuilding) => ({ __typename: "Street", id: building.streetId }),
      venues: (building: ReadableBuilding, _: unknown, { loaders }: CultureContext) =>
        loaders.venuesByBuilding.load(building.id),
      routes: async (building: ReadableBuilding, _: unknown, { loaders }: CultureContext) => {
        const stops = await loaders.stopsByBuilding.load(building.id);
        const routeIds = [...new Set(stops.map((stop) => stop.routeId))];
        return present(await loaders.routeById.loadMany(routeIds));
      },
    },

    CultureProgramme: {
      __resolveReference: byId.reference("programmeById"),
      venue: (programme: CultureProgramme, _: unknown, { loaders }: CultureContext) =>
        loaders.venueById.load(programme.venueId),
      street: (programme: CultureProgramme) => ({ __typename: "Street", id: programme.streetId }),
      route: (programme: CultureProgramme, _: unknown, { loaders }: CultureContext) =>
        programme.routeId ? loaders.routeById.load(programme.routeId) : null,
      remaining: (programme: CultureProgramme) => Math.max(0, programme.capacity - programme.registeredCount),
      availability: (programme: CultureProgramme) => {
        if (programme.startsAt.getTime() <= now().getTime()) return "CLOSED";
        if (programme.registeredCount < programme.capacity) return "OPEN";
        return programme.waitlistedCount < programme.waitlistCapacity ? "WAITLIST" : "FULL";
      },
      registrations: async (
        programme: CultureProgramme,
        { status }: { status?: CultureRegistrationStatus | null },
        context: CultureContext,
      ) => {
        const registrations = await context.loaders.registrationsByProgramme.load(programme.id);
        // A programme's list holds other residents' registrations: each caller sees only those the row rule allows.
        const readable = await readableRecords(cultureRegistrationRecords, registrations, context);
        return inProgrammeOrder(ofStatus(readable, status));
      },
    },

    CultureRegistrationCancellation: {
      // The promoted registration is another resident's: the canceller sees it only if the row rule allows.
      promoted: (outcome: CancellationOutcome, _: unknown, context: CultureContext) =>
        readableRecord(cultureRegistrationRecords, outcome.promoted, context),
    },

    CultureRegistration: {
      __resolveReference: byId.reference("registrationById", cultureRegistrationRecords),
      programme: (registration: CultureRegistration, _: unknown, { loaders }: CultureContext) =>
        loaders.programmeById.load(registration.programmeId),
      resident: (registration: CultureRegistration) => ({ __typename: "Resident", id: registration.residentId }),
    },

    TourismRoute: {
      __resolveReference: byId.reference("routeById"),
      stops: (route: TourismRoute, _: unknown, { loaders }: CultureContext) => loaders.stopsByRoute.load(route.id),
    },

    TourismRouteStop: {
      building: (stop: TourismRouteStop, _: unknown, { loaders }: CultureContext) =>
        stop.buildingId ? loaders.buildingById.load(stop.buildingId) : null,
      venue: (stop: TourismRouteStop, _: unknown, { loaders }: CultureContext) =>
        stop.venueId ? loaders.venueById.load(stop.venueId) : null,
    },

    // Street, Department and Resident belong to other subgraphs; the gateway hands us their ids and asks for our
    // fields.
    Street: {
      __resolveReference: (ref: Reference) => ({ id: ref.id }),
      cultureVenues: async (street: Reference, { kind }: { kind?: CultureVenueKind | null }, ctx: CultureContext) =>
        ofKind(await ctx.loaders.venuesByStreet.load(street.id), kind),
      readableBuildings: async (
        street: Reference,
        { protectionLevel }: { protectionLevel?: ReadableBuildingProtectionLevel | null },
        { loaders }: CultureContext,
      ) => {
        const buildings = await loaders.buildingsByStreet.load(street.id);
        return protectionLevel ? buildings.filter((b) => b.protectionLevel === protectionLevel) : buildings;
      },
    },

    Department: {
      __resolveReference: (ref: Reference) => ({ id: ref.id }),
      cultureVenues: async (
        department: Reference,
        { kind }: { kind?: CultureVenueKind | null },
        { loaders }: CultureContext,
      ) => ofKind(await loaders.venuesByDepartment.load(department.id), kind),
    },

    Resident: {
      __resolveReference: residentReference,
      ...guardResidentRecords(CULTURE_DESK, {
        cultureRegistrations: async (
          resident: Reference,
          { status }: { status?: CultureRegistrationStatus | null },
          context: CultureContext,
        ) => {
          const registrations = await context.loaders.registrationsByResident.load(resident.id);
          return ofStatus(await readableRecords(cultureRegistrationRecords, registrations, context), status);
        },
      }),
    },
  };
}

function ofKind(venues: CultureVenue[], kind: CultureVenueKind | null | undefined): CultureVenue[] {
  return kind ? venues.filter((venue) => venue.kind === kind) : venues;
}

function ofStatus(
  registrations: CultureRegistration[],
  status: CultureRegistrationStatus | null | undefined,
): CultureRegistration[] {
  return status ? registrations.filter((registration) => registration.status === status) : registrations;
}

function inProgrammeOrder(registrations: CultureRegistration[]): CultureRegistration[] {
  const time = (date: Date | null) => date?.getTime() ?? 0;
  return [...registrations].sort(
    (a, b) =>
      STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
      (a.waitlistPosition ?? 0) - (b.waitlistPosition ?? 0) ||
      time(a.status === "CANCELLED" ? a.cancelledAt : a.registeredAt) -
        time(b.status === "CANCELLED" ? b.cancelledAt : b.registeredAt) ||
      a.id.localeCompare(b.id),
  );
}

/** `loadMany` answers an Error in place of a failed key; a route that vanished is left out, a failure is thrown. */
function present<T>(values: Array<T | null | Error>): T[] {
  return values.filter((value): value is T => {
    if (value instanceof Error) throw value;
    return value !== null;
  });
}

function venueWhere(filter: CultureVenueFilter | null | undefined): Prisma.CultureVenueWhereInput {
  return {
    streetId: filter?.streetId ?? undefined,
    kind: filter?.kind ?? undefined,
    isSmartVenue: filter?.isSmartVenue ?? undefined,
    name: nameFilter(filter?.nameContains, "filter.nameContains"),
  };
}

function buildingWhere(filter: ReadableBuildingFilter | null | undefined): Prisma.ReadableBuildingWhereInput {
  const name = nameFilter(filter?.nameContains, "filter.nameContains");
  return {
    streetId: filter?.streetId ?? undefined,
    protectionLevel: filter?.protectionLevel ?? undefined,
    buildingType: filter?.buildingType ?? undefined,
    openToPublic: filter?.openToPublic ?? undefined,
    OR: name ? [{ name }, { formerName: name }] : undefined,
  };
}

function programmeWhere(
  filter: CultureProgrammeFilter | null | undefined,
  now: Date,
  prisma: CulturePrisma,
): Prisma.CultureProgrammeWhereInput {
  const { from, to, availableOnly } = filter ?? {};
  if (from && to && from.getTime() >= to.getTime()) {
    throw codedError(
      "BAD_USER_INPUT",
      `filter.from (${from.toISOString()}) must be before filter.to (${to.toISOString()}); swap them or widen the range.`,
      { argument: "filter.from" },
    );
  }
  const startsAt: Prisma.DateTimeFilter<"CultureProgramme"> = {
    ...(from ? { gte: from } : {}),
    ...(to ? { lt: to } : {}),
    ...(availableOnly ? { gt: now } : {}),
  };
  return {
    streetId: filter?.streetId ?? undefined,
    venueId: filter?.venueId ?? undefined,
    category: filter?.category ?? undefined,
    startsAt: Object.keys(startsAt).length > 0 ? startsAt : undefined,
    registeredCount: availableOnly ? { lt: prisma.cultureProgramme.fields.capacity } : undefined,
  };
}
