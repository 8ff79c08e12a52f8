/** Per-request DataLoaders of the civil affairs subgraph: subsidies by id and by resident. */
import { loaderByGroup, loaderById } from "../kit/loaders.ts";
import type { SubgraphContext } from "../kit/module.ts";
import type { PrismaClient } from "./generated/prisma/client.ts";

export type CivilAffairsPrisma = PrismaClient<"query">;

export function createLoaders(prisma: CivilAffairsPrisma) {
  return {
    subsidyById: loaderById((ids) => prisma.elderlyCareSubsidy.findMany({ where: { id: { in: [...ids] } } })),
    subsidiesByResident: loaderByGroup(
      (residentIds) =>
        prisma.elderlyCareSubsidy.findMany({
          where: { residentId: { in: [...residentIds] } },
          orderBy: [{ validFrom: "desc" }, { id: "asc" }],
        }),
      (subsidy) => subsidy.residentId,
    ),
  };
}

export type CivilAffairsLoaders = ReturnType<typeof createLoaders>;
export type CivilAffairsContext = SubgraphContext<CivilAffairsPrisma, CivilAffairsLoaders>;
