/** Resolvers of the civil affairs subgraph: every path to a subsidy goes through its row rule. */
import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper/index.js";
import { guardResidentRecords, readableRecords, residentReference } from "../kit/actingResident.ts";
import { DateTime } from "../kit/dateTime.ts";
import { type Reference, resolveById } from "../kit/references.ts";
import type { ElderlyCareSubsidy } from "./generated/prisma/client.ts";
import type { CivilAffairsContext } from "./loaders.ts";
import { CIVIL_AFFAIRS_DESK, subsidyRecords } from "./permissions.ts";

const byId = resolveById<CivilAffairsContext>();

export const resolvers: GraphQLResolverMap<CivilAffairsContext> = {
  DateTime,
  Query: {
    elderlyCareSubsidy: byId.argument("subsidyById", subsidyRecords),
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
