/**
 * Resolvers of the parking subgraph. Root lists page with the kit's `paginate`; every hop from a row to another row
 * goes through the request's loaders; sessions live in `sessions.ts`.
 *
 * Live fields read the city platform through `loaders.availabilityByCode` / `loaders.chargerStatusByCode`. A failed
 * platform lookup nulls every field it would have filled, and the first of those fields reports it as one
 * UPSTREAM_UNAVAILABLE error (with how many values are missing), so a page of 500 facilities during an outage
 * carries one error per failed lookup, not 500 copies of the same sentence.
 */

import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper/index.js";
import type DataLoader from "dataloader";
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
import { keysetWhere, pageOf } from "../kit/pageOf.ts";
import { type ListArgs, paginate } from "../kit/pagination.ts";
import { type Reference, resolveById } from "../kit/references.ts";
import { nameFilter } from "../kit/textFilter.ts";
import { CityPlatformUnavailable, type LiveValue } from "./cityPlatform.ts";
import { fenToYuan, startedHalfHours } from "./fee.ts";
import type {
  ChargingStation,
  ParkingFacility,
  ParkingFacilityKind,
  ParkingSession,
  ParkingSessionStatus,
  Prisma,
} from "./generated/prisma/client.ts";
import type { ParkingContext } from "./loaders.ts";
import { PARKING_DESK, parkingSessionRecords } from "./permissions.ts";
import { isNewEnergyPlate } from "./plate.ts";
import {
  type EndParkingSessionInput,
  endParkingSession,
  noSuchParkingSession,
  type StartParkingSessionInput,
  startParkingSession,
} from "./sessions.ts";

/** Parking attendants of 区建管委 start and end sessions for a named resident. */

/** The whole district (about 600 facilities) in two pages: maps show every facility with its live numbers. */
export const PARKING_MAX_PAGE_SIZE = 500;
const MAX_MIN_FREE_SPACES = 10_000;

/** The caller-facing sentences of UPSTREAM_UNAVAILABLE. They name no host, URL or internal detail on purpose. */
export const UPSTREAM_MESSAGES = {
  availability:
    "The city parking platform did not answer in time; live availability is missing, the rest of the answer is complete.",
  chargers:
    "The city charging platform did not answer in time; live charger status is missing, the rest of the answer is complete.",
  minFreeSpaces:
    "The city parking platform did not answer in time, so filter.minFreeSpaces cannot be applied; retry shortly or list the facilities without it.",
} as const;

interface ParkingFacilityFilter {
  streetId?: string | null;
  kind?: ParkingFacilityKind | null;
  hasCharging?: boolean | null;
  minFreeSpaces?: number | null;
  nameContains?: string | null;
}

interface ChargingStationFilter {
  streetId?: string | null;
  facilityId?: string | null;
  hasFastChargers?: boolean | null;
}

type LiveLoader<T> = DataLoader<string, { value: LiveValue<T> }>;

export interface ParkingResolverOptions {
  /** The current time, for session starts and ends. Tests pass a fixed clock; the service uses the real one. */
  now?: () => Date;
}

const byId = resolveById<ParkingContext>();

export function createResolvers(options: ParkingResolverOptions = {}): GraphQLResolverMap<ParkingContext> {
  const now = options.now ?? (() => new Date());

  return {
    DateTime,

    Query: {
      parkingFacilities: (_: unknown, args: ListArgs<ParkingFacilityFilter>, context: ParkingContext) => {
        const { prisma } = context;
        const where = facilityWhere(args.filter);
        const minFree = minFreeSpaces(args.filter?.minFreeSpaces);
        if (minFree === undefined) {
          return pageOf("parkingFacilities", args, prisma.parkingFacility, where, {
            maxPageSize: PARKING_MAX_PAGE_SIZE,
          });
        }
        // The live filter cannot run in SQL: load the candidates (a few hundred at most), ask the platform about all
        // of them through the request's loader (so `availability` on the page costs no further call), then page.
        const matching = async (afterId: string | undefined) => {
          const candidates = await prisma.parkingFacility.findMany({
            where: { ...keysetWhere(where, afterId), platformCode: { not: null } },
            orderBy: { id: "asc" },
          });
          const live = await context.loaders.availabilityByCode.loadMany(candidates.map((c) => c.platformCode!));
          return candidates.filter((_facility, i) => {
            const value = unwrap(live[i]!);
            if (value instanceof CityPlatformUnavailable) throw reportUpstream(value, context, "minFreeSpaces");
            return value !== null && value.freeSpaces >= minFree;
          });
        };
        return paginate(
          "parkingFacilities",
          args,
          async ({ take, afterId }) => (await matching(afterId)).slice(0, take),
          async () => (await matching(undefined)).length,
          PARKING_MAX_PAGE_SIZE,
        );
      },
      parkingFacility: byId.argument("facilityById"),

      chargingStations: (_: unknown, args: ListArgs<ChargingStationFilter>, { prisma }: ParkingContext) => {
        const where = stationWhere(args.filter);
        return pageOf("chargingStations", args, prisma.chargingStation, where, { maxPageSize: PARKING_MAX_PAGE_SIZE });
      },
      chargingStation: byId.argument("stationById"),

      parkingSession: byId.argument("sessionById", parkingSessionRecords),
    },

    Mutation: {
      startParkingSession: async (
        _: unknown,
        { input }: { input: StartParkingSessionInput },
        { prisma, loaders, principal, residentStreets }: ParkingContext,
      ) => {
        const residentId = await actingResident({ principal, residentStreets }, input.residentId, PARKING_DESK);
        if (principal.kind === "officer") {
          const facility = await loaders.facilityById.load(input.facilityId);
          if (facility) requireJurisdiction(principal, facility.streetId, `Parking facility "${facility.id}"`);
        }
        const session = await startParkingSession(prisma, { ...input, residentId }, now());
        loaders.sessionById.prime(session.id, session);
        return session;
      },
      endParkingSession: async (_: unknown, { input }: { input: EndParkingSessionInput }, context: ParkingContext) => {
        const { prisma, loaders } = context;
        const existing = await loaders.sessionById.load(input.sessionId);
        // A session the caller may not see answers exactly like one that does not exist: no existence leak.
        if (existing && !(await readableRecord(parkingSessionRecords, existing, context))) {
          throw noSuchParkingSession(input.sessionId);
        }
        const session = await endParkingSession(prisma, input, now());
        loaders.sessionById.clear(session.id).prime(session.id, session);
        return session;
      },
    },

    ParkingFacility: {
      __resolveReference: byId.reference("facilityById"),
      street: (facility: ParkingFacility) => ({ __typename: "Street", id: facility.streetId }),
      department: (facility: ParkingFacility) => ({ __typename: "Department", id: facility.departmentId }),
      hourlyPrice: (facility: ParkingFacility) => fenToYuan(facility.hourlyPriceFen),
      availability: (facility: ParkingFacility, _: unknown, context: ParkingContext) =>
        liveValue(context.loaders.availabilityByCode, facility.platformCode, context, "availability"),
      chargingStation: (facility: ParkingFacility, _: unknown, { loaders }: ParkingContext) =>
        loaders.stationByFacility.load(facility.id),
    },

    ChargingStation: {
      __resolveReference: byId.reference("stationById"),
      facility: (station: ChargingStation, _: unknown, { loaders }: ParkingContext) =>
        loaders.facilityById.load(station.facilityId),
      street: (station: ChargingStation) => ({ __typename: "Street", id: station.streetId }),
      live: (station: ChargingStation, _: unknown, context: ParkingContext) =>
        liveValue(context.loaders.chargerStatusByCode, station.platformCode, context, "chargers"),
    },

    ParkingSession: {
      __resolveReference: byId.reference("sessionById", parkingSessionRecords),
      facility: (session: ParkingSession, _: unknown, { loaders }: ParkingContext) =>
        loaders.facilityById.load(session.facilityId),
      resident: (session: ParkingSession) => ({ __typename: "Resident", id: session.residentId }),
      newEnergyVehicle: (session: ParkingSession) => isNewEnergyPlate(session.plate),
      billedHalfHours: (session: ParkingSession) =>
        session.endedAt ? startedHalfHours(session.startedAt, session.endedAt) : null,
      fee: (session: ParkingSession) => (session.feeFen === null ? null : fenToYuan(session.feeFen)),
    },

    // Street and Department belong to the catalog; the gateway hands us their ids and asks for our fields.
    Street: {
      parkingFacilities: async (
        street: Reference,
        { kind }: { kind?: ParkingFacilityKind | null },
        { loaders }: ParkingContext,
      ) => ofKind(await loaders.facilitiesByStreet.load(street.id), kind),
      chargingStations: (street: Reference, _: unknown, { loaders }: ParkingContext) =>
        loaders.stationsByStreet.load(street.id),
    },

    Department: {
      parkingFacilities: async (
        department: Reference,
        { kind }: { kind?: ParkingFacilityKind | null },
        { loaders }: ParkingContext,
      ) => ofKind(await loaders.facilitiesByDepartment.load(department.id), kind),
    },

    // Residents belong to the identity service; any id is a valid reference here, with the sessions we hold for it.
    Resident: {
      __resolveReference: residentReference,
      ...guardResidentRecords(PARKING_DESK, {
        parkingSessions: async (
          resident: Reference,
          { status }: { status?: ParkingSessionStatus | null },
          context: ParkingContext,
        ) => {
          const sessions = await context.loaders.sessionsByResident.load(resident.id);
          const readable = await readableRecords(parkingSessionRecords, sessions, context);
          return status ? readable.filter((session) => session.status === status) : readable;
        },
      }),
    },
  };
}

/**
 * A live field: null without a code or for a code the platform does not know; null plus (once per failed lookup)
 * an UPSTREAM_UNAVAILABLE error when the platform failed.
 */
async function liveValue<T>(
  loader: LiveLoader<T>,
  code: string | null,
  context: ParkingContext,
  endpoint: "availability" | "chargers",
): Promise<T | null> {
  if (!code) return null;
  const value = (await loader.load(code)).value;
  if (!(value instanceof CityPlatformUnavailable)) return value;
  if (value.reported) return null;
  throw reportUpstream(value, context, endpoint);
}

function unwrap<T>(result: { value: LiveValue<T> } | Error): LiveValue<T> {
  if (result instanceof Error) throw result;
  return result.value;
}

/** Logs the failure in full (the log may name the platform's host) and returns the caller-facing error. */
function reportUpstream(
  failure: CityPlatformUnavailable,
  context: ParkingContext,
  use: keyof typeof UPSTREAM_MESSAGES,
) {
  failure.reported = true;
  context.log.warn(
    {
      upstream: "city-parking-platform",
      endpoint: failure.endpoint,
      affected: failure.affected,
      reason: failure.reason,
    },
    "city platform lookup failed; its live fields are null",
  );
  return codedError("UPSTREAM_UNAVAILABLE", UPSTREAM_MESSAGES[use], {
    upstream: "city-parking-platform",
    endpoint: failure.endpoint,
    missingValues: failure.affected,
  });
}

function ofKind(facilities: ParkingFacility[], kind: ParkingFacilityKind | null | undefined): ParkingFacility[] {
  return kind ? facilities.filter((facility) => facility.kind === kind) : facilities;
}

function minFreeSpaces(value: number | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 1 || value > MAX_MIN_FREE_SPACES) {
    throw codedError(
      "BAD_USER_INPUT",
      `filter.minFreeSpaces is ${value}; ask for between 1 and ${MAX_MIN_FREE_SPACES} free spaces, or leave it out.`,
      { argument: "filter.minFreeSpaces" },
    );
  }
  return value;
}

function facilityWhere(filter: ParkingFacilityFilter | null | undefined): Prisma.ParkingFacilityWhereInput {
  const hasCharging = filter?.hasCharging;
  return {
    streetId: filter?.streetId ?? undefined,
    kind: filter?.kind ?? undefined,
    chargingStation: hasCharging === true ? { isNot: null } : hasCharging === false ? { is: null } : undefined,
    name: nameFilter(filter?.nameContains, "filter.nameContains"),
  };
}

function stationWhere(filter: ChargingStationFilter | null | undefined): Prisma.ChargingStationWhereInput {
  return {
    streetId: filter?.streetId ?? undefined,
    facilityId: filter?.facilityId ?? undefined,
    fastChargers: filter?.hasFastChargers === true ? { gt: 0 } : filter?.hasFastChargers === false ? 0 : undefined,
  };
}
