/**
 * Per-request DataLoaders of the parking subgraph. Every entity reference and list-to-item hop goes through one of
 * these, so a page of 500 facilities with their charging stations costs the same SQL statements as a page of 10.
 *
 * Two of them read the city platform instead of the database: `availabilityByCode` and `chargerStatusByCode`
 * collect every code a request asks for in one tick and hand them to the platform client, which makes
 * ceil(n / 200) calls (or none, from its cache). Never one call per row.
 */
import DataLoader from "dataloader";
import { loaderByGroup, loaderById } from "../kit/loaders.ts";
import type { SubgraphContext } from "../kit/module.ts";
import type { ChargerLiveStatus, CityPlatformClient, LiveValue, ParkingAvailability } from "./cityPlatform.ts";
import type { PrismaClient } from "./generated/prisma/client.ts";

/** The Prisma client the kit creates for this subgraph (query events on, for its SQL statement counter). */
export type ParkingPrisma = PrismaClient<"query">;

const byId = { id: "asc" } as const;

/**
 * Loads live values without DataLoader's error handling: a failed code resolves to its `CityPlatformUnavailable`
 * value (not a rejection), so the resolver decides whether to report it or just return null.
 */
function liveLoader<T>(lookup: (codes: readonly string[]) => Promise<Array<LiveValue<T>>>) {
  return new DataLoader<string, { value: LiveValue<T> }>(async (codes) =>
    (await lookup(codes)).map((value) => ({ value })),
  );
}

export function createLoaders(prisma: ParkingPrisma, platform: CityPlatformClient) {
  return {
    facilityById: loaderById((ids) => prisma.parkingFacility.findMany({ where: { id: { in: [...ids] } } })),
    stationById: loaderById((ids) => prisma.chargingStation.findMany({ where: { id: { in: [...ids] } } })),
    sessionById: loaderById((ids) => prisma.parkingSession.findMany({ where: { id: { in: [...ids] } } })),
    // A facility has at most one station (unique facilityId), so "by facility" is a lookup by that column.
    stationByFacility: loaderById(
      (facilityIds) => prisma.chargingStation.findMany({ where: { facilityId: { in: [...facilityIds] } } }),
      (station) => station.facilityId,
    ),

    // Street.parkingFacilities(kind) and Department.parkingFacilities(kind) load every facility of the key and
    // narrow by kind in memory: a street has about 40, so one query for all streets beats one per kind.
    facilitiesByStreet: loaderByGroup(
      (streetIds) => prisma.parkingFacility.findMany({ where: { streetId: { in: [...streetIds] } }, orderBy: byId }),
      (facility) => facility.streetId,
    ),
    facilitiesByDepartment: loaderByGroup(
      (departmentIds) =>
        prisma.parkingFacility.findMany({ where: { departmentId: { in: [...departmentIds] } }, orderBy: byId }),
      (facility) => facility.departmentId,
    ),
    stationsByStreet: loaderByGroup(
      (streetIds) => prisma.chargingStation.findMany({ where: { streetId: { in: [...streetIds] } }, orderBy: byId }),
      (station) => station.streetId,
    ),
    sessionsByResident: loaderByGroup(
      (residentIds) =>
        prisma.parkingSession.findMany({
          where: { residentId: { in: [...residentIds] } },
          orderBy: [{ startedAt: "desc" }, { id: "asc" }],
        }),
      (session) => session.residentId,
    ),

    availabilityByCode: liveLoader<ParkingAvailability>(platform.availability),
    chargerStatusByCode: liveLoader<ChargerLiveStatus>(platform.chargers),
  };
}

export type ParkingLoaders = ReturnType<typeof createLoaders>;

/** What every resolver of the parking subgraph receives: the kit's context with this subgraph's client and loaders. */
export type ParkingContext = SubgraphContext<ParkingPrisma, ParkingLoaders>;
