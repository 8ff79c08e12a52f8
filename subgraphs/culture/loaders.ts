/**
 * Per-request DataLoaders of the culture subgraph: every entity reference and every list-to-item hop goes through
 * one of these, so a page of 100 programmes with their venues, buildings and registrations costs the same few SQL
 * statements as a page of 10.
 */

import { loaderByGroup, loaderById } from "../kit/loaders.ts";
import type { SubgraphContext } from "../kit/module.ts";
import type { PrismaClient } from "./generated/prisma/client.ts";

/** The Prisma client the kit creates for this subgraph (query events on, for its SQL statement counter). */
export type CulturePrisma = PrismaClient<"query">;

const byId = { id: "asc" } as const;

export function createLoaders(prisma: CulturePrisma) {
  return {
    venueById: loaderById((ids) => prisma.cultureVenue.findMany({ where: { id: { in: [...ids] } } })),
    buildingById: loaderById((ids) => prisma.readableBuilding.findMany({ where: { id: { in: [...ids] } } })),
    buildingByQrCode: loaderById(
      (codes) => prisma.readableBuilding.findMany({ where: { qrCodeId: { in: [...codes] } } }),
      (building) => building.qrCodeId,
    ),
    programmeById: loaderById((ids) => prisma.cultureProgramme.findMany({ where: { id: { in: [...ids] } } })),
    registrationById: loaderById((ids) => prisma.cultureRegistration.findMany({ where: { id: { in: [...ids] } } })),
    routeById: loaderById((ids) => prisma.tourismRoute.findMany({ where: { id: { in: [...ids] } } })),

    // Street.cultureVenues(kind), Department.cultureVenues(kind) and Street.readableBuildings(protectionLevel) load
    // every row of the key and narrow in memory: a street has a few dozen, so one query for all keys beats one
    // query per argument value.
    venuesByStreet: loaderByGroup(
      (streetIds) => prisma.cultureVenue.findMany({ where: { streetId: { in: [...streetIds] } }, orderBy: byId }),
      (venue) => venue.streetId,
    ),
    venuesByDepartment: loaderByGroup(
      (departmentIds) =>
        prisma.cultureVenue.findMany({ where: { departmentId: { in: [...departmentIds] } }, orderBy: byId }),
      (venue) => venue.departmentId,
    ),
    venuesByBuilding: loaderByGroup(
      (buildingIds) => prisma.cultureVenue.findMany({ where: { buildingId: { in: [...buildingIds] } }, orderBy: byId }),
      (venue) => venue.buildingId ?? "",
    ),
    buildingsByStreet: loaderByGroup(
      (streetIds) => prisma.readableBuilding.findMany({ where: { streetId: { in: [...streetIds] } }, orderBy: byId }),
      (building) => building.streetId,
    ),
    stopsByRoute: loaderByGroup(
      (routeIds) =>
        prisma.tourismRouteStop.findMany({
          where: { routeId: { in: [...routeIds] } },
          orderBy: [{ routeId: "asc" }, { position: "asc" }],
        }),
      (stop) => stop.routeId,
    ),
    /** Stops at each building; the routes themselves then come through `routeById`. */
    stopsByBuilding: loaderByGroup(
      (buildingIds) =>
        prisma.tourismRouteStop.findMany({
          where: { buildingId: { in: [...buildingIds] } },
          select: { routeId: true, buildingId: true },
          orderBy: [{ routeId: "asc" }, { position: "asc" }],
        }),
      (stop) => stop.buildingId ?? "",
    ),
    registrationsByProgramme: loaderByGroup(
      (programmeIds) =>
        prisma.cultureRegistration.findMany({ where: { programmeId: { in: [...programmeIds] } }, orderBy: byId }),
      (registration) => registration.programmeId,
    ),
    registrationsByResident: loaderByGroup(
      (residentIds) =>
        prisma.cultureRegistration.findMany({
          where: { residentId: { in: [...residentIds] } },
          orderBy: [{ registeredAt: "desc" }, { id: "asc" }],
        }),
      (registration) => registration.residentId,
    ),
  };
}

export type CultureLoaders = ReturnType<typeof createLoaders>;

/** What every resolver of the culture subgraph receives: the kit's context with this subgraph's client and loaders. */
export type CultureContext = SubgraphContext<CulturePrisma, CultureLoaders>;
