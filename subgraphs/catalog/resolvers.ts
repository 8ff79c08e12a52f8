/**
 * Resolvers of the catalog subgraph. Lists page through `paginate` (keyset by id); every entity hop and every
 * per-parent list goes through the request's loaders.
 */

import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper/index.js";
import { DateTime } from "../kit/dateTime.ts";
import type { SubgraphContext } from "../kit/module.ts";
import { type ConnectionArgs, type PageRequest, paginate } from "../kit/pagination.ts";
import { type DataResourceFilterInput, parseFilter, resourceWhere } from "./dataResourceFilter.ts";
import type { Department, Prisma, PrismaClient, Street } from "./generated/prisma/client.ts";
import type { CatalogLoaders } from "./loaders.ts";

export type CatalogContext = SubgraphContext<PrismaClient, CatalogLoaders>;

interface ListArgs extends ConnectionArgs {
  filter?: DataResourceFilterInput | null;
}

/** Only these reach the public open-data list (公共数据开放清单). */
const OPENED: Prisma.DataResourceWhereInput = { openStatus: { in: ["OPEN", "CONDITIONAL"] } };

export const resolvers: GraphQLResolverMap<CatalogContext> = {
  DateTime,

  Query: {
    departments: (_parent, _args, { prisma }: CatalogContext) =>
      prisma.department.findMany({ orderBy: [{ kind: "asc" }, { code: "asc" }] }),
    department: (_parent, { id }: { id: string }, { loaders }: CatalogContext) => loaders.departmentById.load(id),
    streets: (_parent, _args, { prisma }: CatalogContext) => prisma.street.findMany({ orderBy: { code: "asc" } }),
    street: (_parent, { id }: { id: string }, { loaders }: CatalogContext) => loaders.streetById.load(id),
    dataResources: (_parent, args: ListArgs, { prisma }: CatalogContext) =>
      listResources(prisma, "dataResources", args, resourceWhere(parseFilter(args.filter))),
    dataResource: (_parent, { id }: { id: string }, { loaders }: CatalogContext) => loaders.dataResourceById.load(id),
    openDataList: (_parent, args: ListArgs, { prisma }: CatalogContext) =>
      listResources(prisma, "openDataList", args, { AND: [resourceWhere(parseFilter(args.filter)), OPENED] }),
  },

  Department: {
    __resolveReference: (ref: { id: string }, { loaders }: CatalogContext) => loaders.departmentById.load(ref.id),
    street: (department: Department, _args, { loaders }: CatalogContext) =>
      department.streetId ? loaders.streetById.load(department.streetId) : null,
    resourceCount: (department: Department, _args, { loaders }: CatalogContext) =>
      loaders.resourceCountByDepartment.load({ parentId: department.id, filter: parseFilter(undefined) }),
    resources: (department: Department, args: ListArgs, { loaders }: CatalogContext) => {
      const filter = parseFilter(args.filter);
      return paginate(
        "departmentResources",
        args,
        (page: PageRequest) => loaders.resourcePageByDepartment.load({ parentId: department.id, filter, ...page }),
        () => loaders.resourceCountByDepartment.load({ parentId: department.id, filter }),
      );
    },
  },

  Street: {
    __resolveReference: (ref: { id: string }, { loaders }: CatalogContext) => loaders.streetById.load(ref.id),
    office: (street: Street, _args, { loaders }: CatalogContext) => loaders.officeByStreetId.load(street.id),
    resourceCount: (street: Street, _args, { loaders }: CatalogContext) =>
      loaders.resourceCountByStreet.load({ parentId: street.id, filter: parseFilter(undefined) }),
    resources: (street: Street, args: ListArgs, { loaders }: CatalogContext) => {
      const filter = parseFilter(args.filter);
      return paginate(
        "streetResources",
        args,
        (page: PageRequest) => loaders.resourcePageByStreet.load({ parentId: street.id, filter, ...page }),
        () => loaders.resourceCountByStreet.load({ parentId: street.id, filter }),
      );
    },
  },

  DataResource: {
    __resolveReference: (ref: { id: string }, { loaders }: CatalogContext) => loaders.dataResourceById.load(ref.id),
    ownerDepartment: (resource: { ownerDepartmentId: string }, _args, { loaders }: CatalogContext) =>
      loaders.departmentById.load(resource.ownerDepartmentId),
    street: (resource: { streetId: string | null }, _args, { loaders }: CatalogContext) =>
      resource.streetId ? loaders.streetById.load(resource.streetId) : null,
    enterprise: (resource: { enterpriseId: string | null }) =>
      resource.enterpriseId ? { __typename: "Enterprise", id: resource.enterpriseId } : null,
  },

  Enterprise: {
    __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
    datasets: (enterprise: { id: string }, _args, { loaders }: CatalogContext) =>
      loaders.datasetsByEnterprise.load(enterprise.id),
  },
};

function listResources(prisma: PrismaClient, list: string, args: ListArgs, where: Prisma.DataResourceWhereInput) {
  return paginate(
    list,
    args,
    ({ take, afterId }) =>
      prisma.dataResource.findMany({
        where: afterId === undefined ? where : { AND: [where, { id: { gt: afterId } }] },
        orderBy: { id: "asc" },
        take,
      }),
    () => prisma.dataResource.count({ where }),
  );
}
