/**
 * Seeds the catalog: streets, then departments (street offices point at their street), then data resources.
 *
 * Idempotent by construction: every row has a fixed id and `createMany({ skipDuplicates: true })` inserts only what
 * is missing, so a second run (or a second replica starting at the same time) changes nothing. One statement per
 * table, never one per row.
 */
import type { SeedSummary } from "../kit/module.ts";
import type { PrismaClient } from "./generated/prisma/client.ts";
import { buildDataResources, buildEnterpriseDatasets, departments, streets } from "./seedData.ts";

export async function seed(prisma: PrismaClient): Promise<SeedSummary> {
  await prisma.street.createMany({ data: streets, skipDuplicates: true });
  await prisma.department.createMany({ data: departments, skipDuplicates: true });
  await prisma.dataResource.createMany({ data: buildDataResources(), skipDuplicates: true });
  await prisma.dataResource.createMany({ data: buildEnterpriseDatasets(), skipDuplicates: true });
  const [streetCount, departmentCount, dataResourceCount] = await Promise.all([
    prisma.street.count(),
    prisma.department.count(),
    prisma.dataResource.count(),
  ]);
  return { departments: departmentCount, streets: streetCount, dataResources: dataResourceCount };
}
