/**
 * Writes the enterprise seed (`seedData.ts`), then runs each seeded policy's matching once. Idempotent: rows are
 * inserted in batches with `skipDuplicates`, and a policy's seed run has a fixed id, so it runs only when that run
 * is absent — a second seed adds nothing and never overwrites what enterprises and officers did since.
 * Parents go before children for the foreign keys; the counts come back from the database, not from the input.
 */
import type { SubgraphDatabase } from "../../lib/db/database.ts";
import type { SeedSummary } from "../kit/module.ts";
import { runBenefitMatching } from "./benefitMatching.ts";
import type { Prisma } from "./generated/prisma/client.ts";
import type { EnterprisePrisma } from "./loaders.ts";
import { buildSeedData, SEED_MATCHING_AT } from "./seedData.ts";

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

export async function seed(prisma: EnterprisePrisma, _db: SubgraphDatabase): Promise<SeedSummary> {
  const data = buildSeedData();
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

  const done = new Set(
    (
      await prisma.benefitMatchingRun.findMany({
        where: { id: { in: data.policies.map((policy) => seedRunId(policy.id)) } },
        select: { id: true },
      })
    ).map((run) => run.id),
  );
  for (const [i, policy] of data.policies.entries()) {
    if (done.has(seedRunId(policy.id))) continue;
    // One minute per policy, so the runs have distinct, fixed times.
    const at = new Date(SEED_MATCHING_AT.getTime() + i * 60_000);
    await runBenefitMatching(prisma, policy.id, { now: () => at, runId: seedRunId(policy.id) });
  }
  return countRows(prisma);
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
