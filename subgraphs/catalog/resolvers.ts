/**
 * Resolvers of the catalog subgraph. Lists page through `paginate` (keyset by id); every entity hop and every
 * per-parent list goes through the request's loaders.
 */

import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper/index.js";
import { codedError } from "../../lib/errors.ts";
import type { Principal } from "../../lib/principal.ts";
import { DateTime } from "../kit/dateTime.ts";
import { pageOf } from "../kit/pageOf.ts";
import { type ConnectionArgs, type PageRequest, paginate } from "../kit/pagination.ts";
import { resolveById } from "../kit/references.ts";
import { visibleRow, visibleRows } from "../kit/rowRule.ts";
import { type DataResourceFilterInput, parseFilter, resourceWhere } from "./dataResourceFilter.ts";
import {
  type CreateDataResourceInput,
  changesOf,
  createDataResource,
  type RecordDataResourceRefreshInput,
  recordDataResourceRefresh,
  type UpdateDataResourceInput,
  updateDataResource,
} from "./dataResourceMaintenance.ts";
import type { DataResource, DataResourceUpdate, Department, Prisma, Street } from "./generated/prisma/client.ts";
import type { CatalogContext } from "./loaders.ts";
import { dataResourceRows, enterpriseRows, readsWholeCatalogue } from "./permissions.ts";

interface ListArgs extends ConnectionArgs {
  filter?: DataResourceFilterInput | null;
}

/** Only these reach the public open-data list (公共数据开放清单). */
const OPENED: Prisma.DataResourceWhereInput = { openStatus: { in: ["OPEN", "CONDITIONAL"] } };

const byId = resolveById<CatalogContext>();

export const resolvers: GraphQLResolverMap<CatalogContext> = {
  DateTime,

  Query: {
    departments: (_parent, _args, { prisma }: CatalogContext) =>
      prisma.department.findMany({ orderBy: [{ kind: "asc" }, { code: "asc" }] }),
    department: byId.argument("departmentById"),
    streets: (_parent, _args, { prisma }: CatalogContext) => prisma.street.findMany({ orderBy: { code: "asc" } }),
    street: byId.argument("streetById"),
    dataResources: (_parent, args: ListArgs, { prisma, principal }: CatalogContext) =>
      pageOf("dataResources", args, prisma.dataResource, resourceWhere(filterFor(args, principal))),
    dataResource: byId.argument("dataResourceById", dataResourceRows),
    openDataList: (_parent, args: ListArgs, { prisma, principal }: CatalogContext) =>
      pageOf("openDataList", args, prisma.dataResource, { AND: [resourceWhere(filterFor(args, principal)), OPENED] }),
  },

  Mutation: {
    createDataResource: async (_parent, { input }: { input: CreateDataResourceInput }, context: CatalogContext) =>
      createDataResource(context.prisma, context.principal, input, new Date()),
    updateDataResource: async (
      _parent,
      { input }: { input: UpdateDataResourceInput },
      { prisma, principal, loaders }: CatalogContext,
    ) => {
      const updated = await updateDataResource(prisma, principal, input, new Date());
      loaders.dataResourceById.clear(updated.id).prime(updated.id, updated);
      loaders.updatesByResource.clear(updated.id);
      return updated;
    },
    recordDataResourceRefresh: async (
      _parent,
      { input }: { input: RecordDataResourceRefreshInput },
      { prisma, principal, loaders }: CatalogContext,
    ) => {
      const update = await recordDataResourceRefresh(prisma, principal, input, new Date());
      loaders.lastRefreshByResource.clear(update.resourceId);
      loaders.updatesByResource.clear(update.resourceId);
      return update;
    },
  },

  Department: {
    __resolveReference: byId.reference("departmentById"),
    street: (department: Department, _args, { loaders }: CatalogContext) =>
      department.streetId ? loaders.streetById.load(department.streetId) : null,
    resourceCount: (department: Department, _args, { loaders, principal }: CatalogContext) =>
      loaders.resourceCountByDepartment.load({ parentId: department.id, filter: filterFor({}, principal) }),
    resources: (department: Department, args: ListArgs, { loaders, principal }: CatalogContext) => {
      const filter = filterFor(args, principal);
      return paginate(
        "departmentResources",
        args,
        (page: PageRequest) => loaders.resourcePageByDepartment.load({ parentId: department.id, filter, ...page }),
        () => loaders.resourceCountByDepartment.load({ parentId: department.id, filter }),
      );
    },
  },

  Street: {
    __resolveReference: byId.reference("streetById"),
    office: (street: Street, _args, { loaders }: CatalogContext) => loaders.officeByStreetId.load(street.id),
    resourceCount: (street: Street, _args, { loaders, principal }: CatalogContext) =>
      loaders.resourceCountByStreet.load({ parentId: street.id, filter: filterFor({}, principal) }),
    resources: (street: Street, args: ListArgs, { loaders, principal }: CatalogContext) => {
      const filter = filterFor(args, principal);
      return paginate(
        "streetResources",
        args,
        (page: PageRequest) => loaders.resourcePageByStreet.load({ parentId: street.id, filter, ...page }),
        () => loaders.resourceCountByStreet.load({ parentId: street.id, filter }),
      );
    },
  },

  DataResource: {
    __resolveReference: byId.reference("dataResourceById", dataResourceRows),
    ownerDepartment: (resource: { ownerDepartmentId: string }, _args, { loaders }: CatalogContext) =>
      loaders.departmentById.load(resource.ownerDepartmentId),
    street: (resource: { streetId: string | null }, _args, { loaders }: CatalogContext) =>
      resource.streetId ? loaders.streetById.load(resource.streetId) : null,
    enterprise: (resource: { enterpriseId: string | null }, _args, context: CatalogContext) =>
      resource.enterpriseId ? visibleRow(enterpriseRows, { id: resource.enterpriseId }, context) : null,
    lastUpdatedAt: lastUpdatedAt,
    updatedAt: lastUpdatedAt,
    updates: async (resource: DataResource, { first }: { first?: number | null }, { loaders }: CatalogContext) =>
      (await loaders.updatesByResource.load(resource.id)).slice(0, historyLength(first)),
  },

  DataResourceUpdate: {
    department: (update: DataResourceUpdate, _args, { loaders }: CatalogContext) =>
      update.actorDepartmentId ? loaders.departmentById.load(update.actorDepartmentId) : null,
    byAdministrator: (update: DataResourceUpdate) => update.actorId !== null && update.actorDepartmentId === null,
    changes: (update: DataResourceUpdate) => changesOf(update),
  },

  Enterprise: {
    __resolveReference: (ref: { id: string }, context: CatalogContext) =>
      visibleRow(enterpriseRows, { id: ref.id }, context),
    datasets: async (enterprise: { id: string }, _args, context: CatalogContext) =>
      (await visibleRow(enterpriseRows, enterprise, context))
        ? visibleRows(dataResourceRows, await context.loaders.datasetsByEnterprise.load(enterprise.id), context)
        : null,
  },
};

/** Freshness from the data: the latest recorded refresh, else when the entry was catalogued. */
async function lastUpdatedAt(resource: DataResource, _args: unknown, { loaders }: CatalogContext): Promise<Date> {
  return (await loaders.lastRefreshByResource.load(resource.id)) ?? resource.publishedAt;
}

/** `updates(first:)`: 1–100, default 20. */
function historyLength(first: number | null | undefined): number {
  if (first == null) return 20;
  if (!Number.isInteger(first) || first < 1 || first > 100) {
    throw codedError("PAGE_SIZE_OUT_OF_RANGE", `first is ${first}; ask for 1 to 100 history entries.`, {
      argument: "first",
    });
  }
  return first;
}

/** The caller's filter with the DataResource row rule for this caller in it. */
function filterFor(args: { filter?: DataResourceFilterInput | null }, principal: Principal) {
  return parseFilter(args.filter, readsWholeCatalogue(principal));
}
