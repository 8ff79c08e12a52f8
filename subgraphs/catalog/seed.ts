/**
 * Seeds the catalog: streets, then departments (street offices point at their street), then data resources.
 *
 * Idempotent by construction: every row has a fixed id and `createMany({ skipDuplicates: true })` inserts only what
 * is missing, so a second run (or a second replica starting at the same time) changes nothing. One statement per
 * table, never one per row.
 *
 * Streets are the district's reference data (`lib/reference/jinganDivisions.ts`), which the catalog alone serves: a
 * street whose stored name, code, area, population or office differs from the reference list is brought in line, so
 * a correction there (such as 彭浦镇's division code) reaches databases seeded before it. Entries are written once and
 * then maintained by their departments through the graph (never overwritten by a later seed). Their freshness comes
 * from their history: the seed adds each resource's recent refreshes up to the seed date (`buildRefreshHistory`).
 */
import type { SubgraphDatabase } from "../../lib/db/database.ts";
import type { SeedSummary } from "../kit/module.ts";
import type { SeedOptions } from "../kit/seedCalendar.ts";
import type { PrismaClient } from "./generated/prisma/client.ts";
import {
  buildDataResources,
  buildEnterpriseDatasets,
  buildRefreshHistory,
  departments,
  type StreetSeed,
  streets,
} from "./seedData.ts";

export async function seed(prisma: PrismaClient, _db: SubgraphDatabase, options: SeedOptions): Promise<SeedSummary> {
  await prisma.street.createMany({ data: streets, skipDuplicates: true });
  await syncStreets(prisma);
  await prisma.department.createMany({ data: departments, skipDuplicates: true });
  await prisma.dataResource.createMany({ data: buildDataResources(), skipDuplicates: true });
  await prisma.dataResource.createMany({ data: buildEnterpriseDatasets(), skipDuplicates: true });
  const history = buildRefreshHistory(options);
  for (let start = 0; start < history.length; start += 1_000) {
    await prisma.dataResourceUpdate.createMany({ data: history.slice(start, start + 1_000), skipDuplicates: true });
  }
  const [streetCount, departmentCount, dataResourceCount, updateCount] = await Promise.all([
    prisma.street.count(),
    prisma.department.count(),
    prisma.dataResource.count(),
    prisma.dataResourceUpdate.count(),
  ]);
  return {
    departments: departmentCount,
    streets: streetCount,
    dataResources: dataResourceCount,
    dataResourceUpdates: updateCount,
  };
}

const REFERENCE_FIELDS = ["code", "name", "englishName", "kind", "areaKm2", "population", "officeAddress"] as const;

/** Updates the (rare) streets that differ from the reference list; nothing when they agree. */
async function syncStreets(prisma: PrismaClient): Promise<void> {
  const stored = new Map((await prisma.street.findMany()).map((street) => [street.id, street]));
  const stale = streets.filter((reference) => {
    const current = stored.get(reference.id);
    return current && REFERENCE_FIELDS.some((field) => current[field] !== reference[field]);
  });
  for (const reference of stale) {
    const { id, ...fields }: StreetSeed = reference;
    await prisma.street.update({ where: { id }, data: fields });
  }
}
