/** Writes the civil affairs seed for a seed date; idempotent (`insertRows`), counts read back from the database. */
import type { SubgraphDatabase } from "../../lib/db/database.ts";
import { insertRows } from "../kit/insertRows.ts";
import type { SeedSummary } from "../kit/module.ts";
import { readPrismaModels } from "../kit/prismaModels.ts";
import type { SeedOptions } from "../kit/seedCalendar.ts";
import type { CivilAffairsPrisma } from "./loaders.ts";
import { buildNursingHomes, buildSubsidies } from "./seedData.ts";

const models = readPrismaModels(new URL("../../prisma/civil_affairs/schema.prisma", import.meta.url));

export async function seed(
  prisma: CivilAffairsPrisma,
  db: SubgraphDatabase,
  options: SeedOptions,
): Promise<SeedSummary> {
  await insertRows(db, models.get("NursingHome"), buildNursingHomes(options));
  await insertRows(db, models.get("ElderlyCareSubsidy"), buildSubsidies(options));
  const [nursingHomes, elderlyCareSubsidies] = await Promise.all([
    prisma.nursingHome.count(),
    prisma.elderlyCareSubsidy.count(),
  ]);
  return { nursingHomes, elderlyCareSubsidies };
}
