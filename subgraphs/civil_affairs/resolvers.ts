/**
 * Resolvers of the civil affairs subgraph: the register of nursing homes (open, batched by id and street), and
 * subsidies, where every path goes through their row rule.
 */
import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper/index.js";
import { guardResidentRecords, readableRecords, residentReference } from "../kit/actingResident.ts";
import { DateTime } from "../kit/dateTime.ts";
import { pageOf } from "../kit/pageOf.ts";
import type { ListArgs } from "../kit/pagination.ts";
import { type Reference, resolveById } from "../kit/references.ts";
import { nameFilter } from "../kit/textFilter.ts";
import type { ElderlyCareSubsidy, NursingHome, NursingHomeKind, Prisma } from "./generated/prisma/client.ts";
import type { CivilAffairsContext, CivilAffairsPrisma } from "./loaders.ts";
import { CIVIL_AFFAIRS_DESK, subsidyRecords } from "./permissions.ts";

const byId = resolveById<CivilAffairsContext>();

interface NursingHomeFilter {
  streetId?: string | null;
  kind?: NursingHomeKind | null;
  nameContains?: string | null;
  availableOnly?: boolean | null;
}

function nursingHomeWhere(
  filter: NursingHomeFilter | null | undefined,
  prisma: CivilAffairsPrisma,
): Prisma.NursingHomeWhereInput {
  return {
    streetId: filter?.streetId ?? undefined,
    kind: filter?.kind ?? undefined,
    name: nameFilter(filter?.nameContains, "filter.nameContains"),
    occupiedBeds: filter?.availableOnly ? { lt: prisma.nursingHome.fields.beds } : undefined,
  };
}

export const resolvers: GraphQLResolverMap<CivilAffairsContext> = {
  DateTime,
  Query: {
    nursingHomes: (_: unknown, args: ListArgs<NursingHomeFilter>, { prisma }: CivilAffairsContext) =>
      pageOf("nursingHomes", args, prisma.nursingHome, nursingHomeWhere(args.filter, prisma)),
    nursingHome: byId.argument("nursingHomeById"),
    elderlyCareSubsidy: byId.argument("subsidyById", subsidyRecords),
  },
  NursingHome: {
    __resolveReference: byId.reference("nursingHomeById"),
    street: (home: NursingHome) => ({ __typename: "Street", id: home.streetId }),
    availableBeds: (home: NursingHome) => home.beds - home.occupiedBeds,
  },
  Street: {
    nursingHomes: (street: Reference, _: unknown, { loaders }: CivilAffairsContext) =>
      loaders.nursingHomesByStreet.load(street.id),
  },
  ElderlyCareSubsidy: {
    __resolveReference: byId.reference("subsidyById", subsidyRecords),
    resident: (subsidy: ElderlyCareSubsidy) => ({ __typename: "Resident", id: subsidy.residentId }),
    street: (subsidy: ElderlyCareSubsidy) => ({ __typename: "Street", id: subsidy.streetId }),
  },
  Resident: {
    __resolveReference: residentReference,
    ...guardResidentRecords(CIVIL_AFFAIRS_DESK, {
      elderlyCareSubsidies: async (resident: Reference, _: unknown, context: CivilAffairsContext) =>
        readableRecords(subsidyRecords, await context.loaders.subsidiesByResident.load(resident.id), context),
    }),
  },
} as GraphQLResolverMap<CivilAffairsContext>;
