/** Writes the civil affairs seed for a seed date; idempotent (`skipDuplicates`), counts read back from the database. */
import type { SubgraphDatabase } from "../../lib/db/database.ts";
import type { SeedSummary } from "../kit/module.ts";
import type { SeedOptions } from "../kit/seedCalendar.ts";
import type { CivilAffairsPrisma } from "./loaders.ts";
import { buildNursingHomes, buildSubsidies } from "./seedData.ts";

export async function seed(
  prisma: CivilAffairsPrisma,
  _db: SubgraphDatabase,
  options: SeedOptions,
): Promise<SeedSummary> {
  await prisma.nursingHome.createMany({ data: buildNursingHomes(options), skipDuplicates: true });
  await prisma.elderlyCareSubsidy.createMany({ data: buildSubsidies(options), skipDuplicates: true });
  const [nursingHomes, elderlyCareSubsidies] = await Promise.all([
    prisma.nursingHome.count(),
    prisma.elderlyCareSubsidy.count(),
  ]);
  return { nursingHomes, elderlyCareSubsidies };
}
