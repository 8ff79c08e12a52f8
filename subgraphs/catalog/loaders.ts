/**
 * Per-request DataLoaders of the catalog. Every hop from a list to an entity (a resource's owner, its street, a
 * street's office) and every per-parent list or count (a department's resources) is batched here, so the number of
 * SQL statements of a request depends on its shape, not on how many rows it returns.
 */
import DataLoader from "dataloader";
import { loaderByGroup, loaderById } from "../kit/loaders.ts";
import type { SubgraphContext } from "../kit/module.ts";
import type { PageRequest } from "../kit/pagination.ts";
import { type DataResourceFilter, filterKey, resourceWhere } from "./dataResourceFilter.ts";
import type { DataResource, Prisma, PrismaClient } from "./generated/prisma/client.ts";

/** One page of one parent's resources, as `paginate` asks for it. */
export interface ResourcePageKey extends PageRequest {
  parentId: string;
  filter: DataResourceFilter;
}

/** How many of one parent's resources match a filter. */
export interface ResourceCountKey {
  parentId: string;
  filter: DataResourceFilter;
}

/** The relation that makes a department or a street the parent of a resource. */
interface ResourceParent {
  where(parentIds: string[]): Prisma.DataResourceWhereInput;
  parentOf(row: Pick<DataResource, "ownerDepartmentId" | "streetId">): string | null;
  countByParent(where: Prisma.DataResourceWhereInput): Promise<Array<{ parentId: string | null; count: number }>>;
}

export function createLoaders(prisma: PrismaClient) {
  const byDepartment: ResourceParent = {
    where: (ids) => ({ ownerDepartmentId: { in: ids } }),
    parentOf: (row) => row.ownerDepartmentId,
    countByParent: async (where) =>
      (await prisma.dataResource.groupBy({ by: ["ownerDepartmentId"], where, _count: { _all: true } })).map((g) => ({
        parentId: g.ownerDepartmentId,
        count: g._count._all,
      })),
  };
  const byStreet: ResourceParent = {
    where: (ids) => ({ streetId: { in: ids } }),
    parentOf: (row) => row.streetId,
    countByParent: async (where) =>
      (await prisma.dataResource.groupBy({ by: ["streetId"], where, _count: { _all: true } })).map((g) => ({
        parentId: g.streetId,
        count: g._count._all,
      })),
  };

  return {
    departmentById: loaderById((ids) => prisma.department.findMany({ where: { id: { in: [...ids] } } })),
    streetById: loaderById((ids) => prisma.street.findMany({ where: { id: { in: [...ids] } } })),
    dataResourceById: loaderById((ids) => prisma.dataResource.findMany({ where: { id: { in: [...ids] } } })),
    /** When each resource's data was last refreshed (its latest DATA_REFRESHED update): one grouped query. */
    lastRefreshByResource: new DataLoader<string, Date | null>(async (ids) => {
      const rows = await prisma.dataResourceUpdate.groupBy({
        by: ["resourceId"],
        where: { resourceId: { in: [...ids] }, kind: "DATA_REFRESHED" },
        _max: { at: true },
      });
      const latest = new Map(rows.map((row) => [row.resourceId, row._max.at]));
      return ids.map((id) => latest.get(id) ?? null);
    }),
    /** Each resource's history, newest first (a resource has tens of entries; `updates(first:)` cuts in memory). */
    updatesByResource: loaderByGroup(
      (ids) =>
        prisma.dataResourceUpdate.findMany({
          where: { resourceId: { in: [...ids] } },
          orderBy: [{ at: "desc" }, { id: "asc" }],
        }),
      (update) => update.resourceId,
    ),
    /** Datasets catalogued about or from an enterprise, keyed by enterprise id. */
    datasetsByEnterprise: loaderByGroup(
      (enterpriseIds) =>
        prisma.dataResource.findMany({ where: { enterpriseId: { in: [...enterpriseIds] } }, orderBy: { id: "asc" } }),
      (resource) => resource.enterpriseId ?? "",
    ),
    /** A street's office or town government, keyed by street id. */
    officeByStreetId: loaderById(
      (streetIds) => prisma.department.findMany({ where: { streetId: { in: [...streetIds] } } }),
      (department) => department.streetId ?? "",
    ),
    resourcePageByDepartment: resourcePageLoader(prisma, byDepartment),
    resourcePageByStreet: resourcePageLoader(prisma, byStreet),
    resourceCountByDepartment: resourceCountLoader(byDepartment),
    resourceCountByStreet: resourceCountLoader(byStreet),
  };
}

export type CatalogLoaders = ReturnType<typeof createLoaders>;

/**
 * Pages of resources for many parents at once: one query per distinct (filter, page) among the keys.
 *
 * With one parent the query asks for exactly the page. With several, SQL has no per-parent LIMIT short of a window
 * function, so the query fetches every matching row of those parents and the page is cut here; at the catalogue's
 * size (tens of resources per parent) that is cheaper than a query per parent.
 */
function resourcePageLoader(prisma: PrismaClient, parent: ResourceParent) {
  return new DataLoader<ResourcePageKey, DataResource[], string>(
    async (keys) => {
      const pages = new Map<string, DataResource[]>();
      await Promise.all(
        groupBy(keys, (key) => pageShapeKey(key)).map(async (group) => {
          const { filter, take, afterId } = group[0] as ResourcePageKey;
          const parentIds = [...new Set(group.map((key) => key.parentId))];
          const rows = await prisma.dataResource.findMany({
            where: {
              AND: [
                resourceWhere(filter),
                parent.where(parentIds),
                afterId === undefined ? {} : { id: { gt: afterId } },
              ],
            },
            orderBy: { id: "asc" },
            ...(parentIds.length === 1 ? { take } : {}),
          });
          for (const row of rows) {
            const parentId = parent.parentOf(row);
            if (parentId === null) continue;
            const pageKey = resourcePageCacheKey({ parentId, filter, take, afterId });
            const page = pages.get(pageKey) ?? [];
            if (page.length < take) page.push(row);
            pages.set(pageKey, page);
          }
        }),
      );
      return keys.map((key) => pages.get(resourcePageCacheKey(key)) ?? []);
    },
    { cacheKeyFn: resourcePageCacheKey },
  );
}

/** Counts for many parents at once: one `GROUP BY` query per distinct filter among the keys. */
function resourceCountLoader(parent: ResourceParent) {
  return new DataLoader<ResourceCountKey, number, string>(
    async (keys) => {
      const counts = new Map<string, number>();
      await Promise.all(
        groupBy(keys, (key) => filterKey(key.filter)).map(async (group) => {
          const { filter } = group[0] as ResourceCountKey;
          const parentIds = [...new Set(group.map((key) => key.parentId))];
          const rows = await parent.countByParent({ AND: [resourceWhere(filter), parent.where(parentIds)] });
          for (const { parentId, count } of rows) {
            if (parentId !== null) counts.set(resourceCountCacheKey({ parentId, filter }), count);
          }
        }),
      );
      return keys.map((key) => counts.get(resourceCountCacheKey(key)) ?? 0);
    },
    { cacheKeyFn: resourceCountCacheKey },
  );
}

function pageShapeKey(key: Omit<ResourcePageKey, "parentId">): string {
  return JSON.stringify([filterKey(key.filter), key.take, key.afterId ?? null]);
}

function resourcePageCacheKey(key: ResourcePageKey): string {
  return JSON.stringify([key.parentId, pageShapeKey(key)]);
}

function resourceCountCacheKey(key: ResourceCountKey): string {
  return JSON.stringify([key.parentId, filterKey(key.filter)]);
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return [...groups.values()];
}

/** What every resolver of the catalog subgraph receives: the kit's context with this subgraph's client and loaders. */
export type CatalogContext = SubgraphContext<PrismaClient, CatalogLoaders>;
