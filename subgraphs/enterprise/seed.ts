/**
 * Writes the enterprise seed (`seedData.ts`), then runs each seeded policy's matching once. Idempotent: rows are
 * written with `insertRows` (existing keys skipped), and a policy's seed run has a fixed id, so it runs only when that
 * run is absent — a second seed adds nothing and never overwrites what enterprises and officers did since. Parents go
 * before children for the foreign keys; the counts come back from the database, not from the input.
 */
import type { SubgraphDatabase } from "../../lib/db/database.ts";
import { insertRows } from "../kit/insertRows.ts";
import type { SeedSummary } from "../kit/module.ts";
import { readPrismaModels } from "../kit/prismaModels.ts";
import type { SeedOptions } from "../kit/seedCalendar.ts";
import { runBenefitMatching } from "./benefitMatching.ts";
import type { EnterprisePrisma } from "./loaders.ts";
import { buildSeedData, SEEDED_POLICY_ID, seedMatchingAt } from "./seedData.ts";

const models = readPrismaModels(new URL("../../prisma/enterprise/schema.prisma", import.meta.url));

/** The fixed id of a policy's matching run in the seed. */
export function seedRunId(policyId: string): string {
  return `run-seed-${policyId}`;
}

export async function seed(prisma: EnterprisePrisma, db: SubgraphDatabase, options: SeedOptions): Promise<SeedSummary> {
  const data = buildSeedData(options);
  await insertRows(db, models.get("Enterprise"), data.enterprises);
  await insertRows(db, models.get("BundledService"), data.bundledServices);
  await insertRows(db, models.get("ServiceItem"), data.serviceItems);
  await insertRows(db, models.get("ServiceApplication"), data.applications);
  await insertRows(db, models.get("ApplicationEvent"), data.events);
  await insertRows(db, models.get("BenefitPolicy"), data.policies);
  await insertRows(db, models.get("ServiceWindow"), data.windows);
  await insertRows(db, models.get("WindowSlot"), data.slots);
  await insertRows(db, models.get("WindowAppointment"), data.appointments);

  await runSeededMatching(prisma, options.date);
  return countRows(prisma);
}

/**
 * Runs the matching of every seeded policy edition that is in force on the seed date and has no seed run yet: the
 * editions written now, and next year's editions written by an earlier run that have come into force since. Each run
 * happens at a fixed time (eleven days before the seed date, or the first morning of the edition if later, one
 * minute apart in id order), so the grants are the same on every run.
 */
async function runSeededMatching(prisma: EnterprisePrisma, date: string): Promise<void> {
  const day = new Date(`${date}T00:00:00Z`);
  const inForce = (
    await prisma.benefitPolicy.findMany({
      where: { id: { startsWith: "policy-" }, validFrom: { lte: day }, validTo: { gte: day } },
      select: { id: true, validFrom: true },
      orderBy: { id: "asc" },
    })
  ).filter((policy) => SEEDED_POLICY_ID.test(policy.id));
  const done = new Set(
    (
      await prisma.benefitMatchingRun.findMany({
        where: { id: { in: inForce.map((policy) => seedRunId(policy.id)) } },
        select: { id: true },
      })
    ).map((run) => run.id),
  );
  const usual = seedMatchingAt(date).getTime();
  for (const [i, policy] of inForce.entries()) {
    if (done.has(seedRunId(policy.id))) continue;
    const firstMorning = Date.parse(`${policy.validFrom.toISOString().slice(0, 10)}T09:00:00+08:00`);
    const at = new Date(Math.max(usual, firstMorning) + i * 60_000);
    await runBenefitMatching(prisma, policy.id, { now: () => at, runId: seedRunId(policy.id) });
  }
}

export async function countRows(prisma: EnterprisePrisma): Promise<SeedSummary> {
  const [
    enterprises,
    bundledServices,
    serviceItems,
    serviceApplications,
    applicationEvents,
    benefitPolicies,
    benefitMatchingRuns,
    benefitGrants,
    serviceWindows,
    windowSlots,
    windowAppointments,
  ] = await Promise.all([
    prisma.enterprise.count(),
    prisma.bundledService.count(),
    prisma.serviceItem.count(),
    prisma.serviceApplication.count(),
    prisma.applicationEvent.count(),
    prisma.benefitPolicy.count(),
    prisma.benefitMatchingRun.count(),
    prisma.benefitGrant.count(),
    prisma.serviceWindow.count(),
    prisma.windowSlot.count(),
    prisma.windowAppointment.count(),
  ]);
  return {
    enterprises,
    bundledServices,
    serviceItems,
    serviceApplications,
    applicationEvents,
    benefitPolicies,
    benefitMatchingRuns,
    benefitGrants,
    serviceWindows,
    windowSlots,
    windowAppointments,
  };
}
