/**
 * Per-request DataLoaders of the enterprise subgraph: every entity reference, every list-to-item hop and every
 * per-parent list (a street's enterprises, an enterprise's applications, a resident's appointments) goes through one
 * of these, so a page of 100 enterprises with their applications and grants costs the same few SQL statements as 10.
 */
import DataLoader from "dataloader";
import { loaderByGroup, loaderById } from "../kit/loaders.ts";
import type { SubgraphContext } from "../kit/module.ts";
import type { PageRequest } from "../kit/pagination.ts";
import { type Enterprise, Prisma, type PrismaClient } from "./generated/prisma/client.ts";

/** The Prisma client the kit creates for this subgraph (query events on, for its SQL statement counter). */
export type EnterprisePrisma = PrismaClient<"query">;

/** One page of one street's enterprises, as `paginate` asks for it. */
export interface StreetPageKey extends PageRequest {
  streetId: string;
}

export function createLoaders(prisma: EnterprisePrisma) {
  const enterpriseById = loaderById((ids) => prisma.enterprise.findMany({ where: { id: { in: [...ids] } } }));
  // Bundles (8), their items (29) and the windows (11) are reference data: the first hop that needs any of them loads
  // them all, and every later hop in the request, at whatever depth, picks from that one answer.
  const allBundledServices = everything(() => prisma.bundledService.findMany({ orderBy: { id: "asc" } }));
  const allServiceItems = everything(() =>
    prisma.serviceItem.findMany({ orderBy: [{ bundledServiceId: "asc" }, { sequence: "asc" }] }),
  );
  const allWindows = everything(() => prisma.serviceWindow.findMany({ orderBy: { id: "asc" } }));
  return {
    enterpriseById,
    allBundledServices,
    allWindows,
    bundledServiceById: loaderById(async (ids) => pickIn(await allBundledServices.load("all"), ids, (s) => s.id)),
    serviceItemById: loaderById(async (ids) => pickIn(await allServiceItems.load("all"), ids, (i) => i.id)),
    windowById: loaderById(async (ids) => pickIn(await allWindows.load("all"), ids, (w) => w.id)),
    itemsByService: loaderByGroup(
      async (serviceIds) => pickIn(await allServiceItems.load("all"), serviceIds, (item) => item.bundledServiceId),
      (item) => item.bundledServiceId,
    ),
    itemsByDepartment: loaderByGroup(
      async (departmentIds) => pickIn(await allServiceItems.load("all"), departmentIds, (item) => item.departmentId),
      (item) => item.departmentId,
    ),
    applicationById: loaderById((ids) => prisma.serviceApplication.findMany({ where: { id: { in: [...ids] } } })),
    policyById: loaderById((ids) => prisma.benefitPolicy.findMany({ where: { id: { in: [...ids] } } })),
    runById: loaderById((ids) => prisma.benefitMatchingRun.findMany({ where: { id: { in: [...ids] } } })),
    grantById: loaderById((ids) => prisma.benefitGrant.findMany({ where: { id: { in: [...ids] } } })),
    slotById: loaderById((ids) => prisma.windowSlot.findMany({ where: { id: { in: [...ids] } } })),
    appointmentById: loaderById((ids) => prisma.windowAppointment.findMany({ where: { id: { in: [...ids] } } })),

    eventsByApplication: loaderByGroup(
      (applicationIds) =>
        prisma.applicationEvent.findMany({
          where: { applicationId: { in: [...applicationIds] } },
          orderBy: [{ applicationId: "asc" }, { sequence: "asc" }],
        }),
      (event) => event.applicationId,
    ),
    applicationsByEnterprise: loaderByGroup(
      (enterpriseIds) =>
        prisma.serviceApplication.findMany({
          where: { enterpriseId: { in: [...enterpriseIds] } },
          orderBy: [{ submittedAt: "desc" }, { id: "asc" }],
        }),
      (application) => application.enterpriseId,
    ),
    grantsByEnterprise: loaderByGroup(
      (enterpriseIds) =>
        prisma.benefitGrant.findMany({
          where: { enterpriseId: { in: [...enterpriseIds] } },
          orderBy: [{ grantedAt: "desc" }, { id: "asc" }],
        }),
      (grant) => grant.enterpriseId,
    ),
    /** Keyed `policyId|enterpriseId`: the grant an enterprise holds under a policy, if any. */
    grantByPolicyAndEnterprise: loaderById(
      (keys) =>
        prisma.benefitGrant.findMany({
          where: {
            OR: [...groupPairs(keys)].map(([policyId, enterpriseIds]) => ({
              policyId,
              enterpriseId: { in: enterpriseIds },
            })),
          },
        }),
      (grant) => `${grant.policyId}|${grant.enterpriseId}`,
    ),
    appointmentsByEnterprise: loaderByGroup(
      (enterpriseIds) =>
        prisma.windowAppointment.findMany({
          where: { enterpriseId: { in: [...enterpriseIds] } },
          orderBy: [{ startsAt: "asc" }, { id: "asc" }],
        }),
      (appointment) => appointment.enterpriseId ?? "",
    ),
    appointmentsByResident: loaderByGroup(
      (residentIds) =>
        prisma.windowAppointment.findMany({
          where: { residentId: { in: [...residentIds] } },
          orderBy: [{ startsAt: "asc" }, { id: "asc" }],
        }),
      (appointment) => appointment.residentId ?? "",
    ),
    runsByPolicy: loaderByGroup(
      (policyIds) =>
        prisma.benefitMatchingRun.findMany({
          where: { policyId: { in: [...policyIds] } },
          orderBy: [{ startedAt: "desc" }, { id: "asc" }],
        }),
      (run) => run.policyId,
    ),
    grantCountByPolicy: new DataLoader<string, number>(async (policyIds) => {
      const groups = await prisma.benefitGrant.groupBy({
        by: ["policyId"],
        where: { policyId: { in: [...policyIds] } },
        _count: { _all: true },
      });
      const counts = new Map(groups.map((group) => [group.policyId, group._count._all]));
      return policyIds.map((id) => counts.get(id) ?? 0);
    }),
    enterprisePageByStreet: streetPageLoader(prisma, enterpriseById),
    enterpriseCountByStreet: new DataLoader<string, number>(async (streetIds) => {
      const groups = await prisma.enterprise.groupBy({
        by: ["streetId"],
        where: { streetId: { in: [...streetIds] } },
        _count: { _all: true },
      });
      const counts = new Map(groups.map((group) => [group.streetId, group._count._all]));
      return streetIds.map((id) => counts.get(id) ?? 0);
    }),
  };
}

export type EnterpriseLoaders = ReturnType<typeof createLoaders>;

/** A whole small table as one cached answer for the request. */
function everything<T>(fetch: () => Promise<T[]>): DataLoader<"all", T[]> {
  return new DataLoader<"all", T[]>(async (keys) => {
    const rows = await fetch();
    return keys.map(() => rows);
  });
}

function pickIn<T>(rows: T[], keys: readonly string[], keyOf: (row: T) => string): T[] {
  const wanted = new Set(keys);
  return rows.filter((row) => wanted.has(keyOf(row)));
}

function groupPairs(keys: readonly string[]): Map<string, string[]> {
  const pairs = new Map<string, string[]>();
  for (const key of keys) {
    const [policyId = "", enterpriseId = ""] = key.split("|");
    pairs.set(policyId, [...(pairs.get(policyId) ?? []), enterpriseId]);
  }
  return pairs;
}

/**
 * Pages of enterprises for many streets at once. A street has hundreds of enterprises, so fetching all of them and
 * cutting pages here would read thousands of rows; instead a window function picks each street's page in SQL (one
 * statement per distinct page shape), then the rows come through `enterpriseById` (one more).
 */
function streetPageLoader(
  prisma: EnterprisePrisma,
  enterpriseById: DataLoader<string, Enterprise | null>,
): DataLoader<StreetPageKey, Enterprise[], string> {
  return new DataLoader<StreetPageKey, Enterprise[], string>(
    async (keys) => {
      const pages = new Map<string, string[]>();
      const shapes = new Map<string, StreetPageKey[]>();
      for (const key of keys) {
        const shape = JSON.stringify([key.take, key.afterId ?? null]);
        shapes.set(shape, [...(shapes.get(shape) ?? []), key]);
      }
      await Promise.all(
        [...shapes.values()].map(async (group) => {
          const { take, afterId } = group[0]!;
          const streetIds = [...new Set(group.map((key) => key.streetId))];
          const rows = await prisma.$queryRaw<Array<{ id: string; streetId: string }>>`
            SELECT "id", "streetId" FROM (
              SELECT "id", "streetId", row_number() OVER (PARTITION BY "streetId" ORDER BY "id") AS "position"
              FROM "Enterprise"
              WHERE "streetId" IN (${Prisma.join(streetIds)})
              ${afterId === undefined ? Prisma.empty : Prisma.sql`AND "id" > ${afterId}`}
            ) AS ranked
            WHERE "position" <= ${take}
            ORDER BY "id"`;
          for (const row of rows) {
            const pageKey = streetPageCacheKey({ streetId: row.streetId, take, afterId });
            pages.set(pageKey, [...(pages.get(pageKey) ?? []), row.id]);
          }
        }),
      );
      const ids = [...pages.values()].flat();
      const enterprises = await enterpriseById.loadMany(ids);
      const byIdMap = new Map<string, Enterprise>();
      for (const enterprise of enterprises) {
        if (enterprise && !(enterprise instanceof Error)) byIdMap.set(enterprise.id, enterprise);
      }
      return keys.map((key) =>
        (pages.get(streetPageCacheKey(key)) ?? []).flatMap((id) => {
          const enterprise = byIdMap.get(id);
          return enterprise ? [enterprise] : [];
        }),
      );
    },
    { cacheKeyFn: streetPageCacheKey },
  );
}

function streetPageCacheKey(key: StreetPageKey): string {
  return JSON.stringify([key.streetId, key.take, key.afterId ?? null]);
}

/** What every resolver of the enterprise subgraph receives: the kit's context with this subgraph's client and loaders. */
export type EnterpriseContext = SubgraphContext<EnterprisePrisma, EnterpriseLoaders>;
