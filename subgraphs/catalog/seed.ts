/**
 * Seeds the catalog: streets, then departments (street offices point at their street), then data resources.
 *
 * Idempotent by construction: every row has a fixed id and `insertRows` (ON CONFLICT DO NOTHING) inserts only what
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
import { insertRows } from "../kit/insertRows.ts";
import type { SeedSummary } from "../kit/module.ts";
import { readPrismaModels } from "../kit/prismaModels.ts";
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

const models = readPrismaModels(new URL("../../prisma/catalog/schema.prisma", import.meta.url));

export async function seed(prisma: PrismaClient, db: SubgraphDatabase, options: SeedOptions): Promise<SeedSummary> {
  await insertRows(db, models.get("Street"), streets);
  await syncStreets(prisma);
  await insertRows(db, models.get("Department"), departments);
  await insertRows(db, models.get("DataResource"), buildDataResources());
  await insertRows(db, models.get("DataResource"), buildEnterpriseDatasets());
  await insertRows(db, models.get("DataResourceUpdate"), buildRefreshHistory(options));
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
