/**
 * Writes the enterprise seed (`seedData.ts`), then runs each seeded policy's matching once. Idempotent: rows are
 * inserted in batches with `skipDuplicates`, and a policy's seed run has a fixed id, so it runs only when that run
 * is absent — a second seed adds nothing and never overwrites what enterprises and officers did since.
 * Parents go before children for the foreign keys; the counts come back from the database, not from the input.
 */
import type { SubgraphDatabase } from "../../lib/db/database.ts";
import type { SeedSummary } from "../kit/module.ts";
import type { SeedOptions } from "../kit/seedCalendar.ts";
import { runBenefitMatching } from "./benefitMatching.ts";
import type { Prisma } from "./generated/prisma/client.ts";
import type { EnterprisePrisma } from "./loaders.ts";
import { buildSeedData, SEEDED_POLICY_ID, seedMatchingAt } from "./seedData.ts";

/** Rows per INSERT: well under PostgreSQL's 65 535 bind parameters for the widest table. */
const BATCH_SIZE = 1_000;

async function inBatches<T>(rows: T[], insert: (batch: T[]) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < rows.length; start += BATCH_SIZE) {
    await insert(rows.slice(start, start + BATCH_SIZE));
  }
}

/** The fixed id of a policy's matching run in the seed. */
export function seedRunId(policyId: string): string {
  return `run-seed-${policyId}`;
}

export async function seed(
  prisma: EnterprisePrisma,
  _db: SubgraphDatabase,
  options: SeedOptions,
): Promise<SeedSummary> {
  const data = buildSeedData(options);
  const skipDuplicates = true;
  await inBatches(data.enterprises, (batch) => prisma.enterprise.createMany({ data: batch, skipDuplicates }));
  await inBatches(data.bundledServices, (batch) => prisma.bundledService.createMany({ data: batch, skipDuplicates }));
  await inBatches(data.serviceItems, (batch) => prisma.serviceItem.createMany({ data: batch, skipDuplicates }));
  await inBatches(data.applications, (batch) => prisma.serviceApplication.createMany({ data: batch, skipDuplicates }));
  await inBatches(data.events, (batch) => prisma.applicationEvent.createMany({ data: batch, skipDuplicates }));
  await inBatches(data.policies, (batch) =>
    prisma.benefitPolicy.createMany({
      data: batch.map((policy) => ({ ...policy, criteria: policy.criteria as Prisma.InputJsonValue })),
      skipDuplicates,
    }),
  );
  await inBatches(data.windows, (batch) => prisma.serviceWindow.createMany({ data: batch, skipDuplicates }));
  await inBatches(data.slots, (batch) => prisma.windowSlot.createMany({ data: batch, skipDuplicates }));
  await inBatches(data.appointments, (batch) => prisma.windowAppointment.createMany({ data: batch, skipDuplicates }));

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
