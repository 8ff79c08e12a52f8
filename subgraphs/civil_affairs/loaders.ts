/** Per-request DataLoaders of the civil affairs subgraph: nursing homes by id and by street, subsidies by id and by resident. */
import { loaderByGroup, loaderById } from "../kit/loaders.ts";
import type { SubgraphContext } from "../kit/module.ts";
import type { PrismaClient } from "./generated/prisma/client.ts";

export type CivilAffairsPrisma = PrismaClient<"query">;

export function createLoaders(prisma: CivilAffairsPrisma) {
  return {
    nursingHomeById: loaderById((ids) => prisma.nursingHome.findMany({ where: { id: { in: [...ids] } } })),
    nursingHomesByStreet: loaderByGroup(
      (streetIds) =>
        prisma.nursingHome.findMany({ where: { streetId: { in: [...streetIds] } }, orderBy: { id: "asc" } }),
      (home) => home.streetId,
    ),
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
