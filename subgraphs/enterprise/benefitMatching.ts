/**
 * Benefit matching runs (免申即享): a policy's criteria are evaluated against every enterprise, and each eligible
 * enterprise that does not hold the benefit yet is granted it, with the clauses that made it eligible.
 *
 * Cost does not grow per enterprise: the run reads the policy, the enterprises already granted, then the enterprises
 * in keyset batches of BATCH_SIZE (only the columns criteria can test), and writes grants in batches of the same
 * size — for the district's 3 000 enterprises about ten statements, whatever the number of grants.
 *
 * Idempotent and race-safe: a grant's id is derived from policy and enterprise and (policyId, enterpriseId) is
 * unique, and grants are inserted with ON CONFLICT DO NOTHING, so a second run — or a concurrent one — grants
 * nothing twice. The whole run is one transaction: a failure leaves neither a run record nor half of its grants.
 */
import { randomUUID } from "node:crypto";
import { codedError } from "../../lib/errors.ts";
import {
  type Criterion,
  type EnterpriseFacts,
  type Evaluation,
  evaluateCriteria,
  type MatchedClause,
  validateCriteria,
} from "./benefitCriteria.ts";
import type { BenefitMatchingRun, BenefitPolicy, Enterprise, Prisma } from "./generated/prisma/client.ts";
import type { EnterprisePrisma } from "./loaders.ts";

export const BATCH_SIZE = 1_000;

/** Matching reads 3 000 enterprises; on PGlite, a concurrent request may queue behind it. */
const TRANSACTION_OPTIONS = { maxWait: 20_000, timeout: 60_000 } as const;

/** The enterprise columns criteria can test (and the id). */
export const FACT_COLUMNS = {
  id: true,
  industryCode: true,
  employeeCount: true,
  registeredCapitalWan: true,
  annualRevenueWan: true,
  sizeClass: true,
  isHighTech: true,
  isSpecialized: true,
  streetId: true,
  parkId: true,
  foundedOn: true,
} as const satisfies Prisma.EnterpriseSelect;

export type FactRow = Pick<Enterprise, keyof typeof FACT_COLUMNS>;

export function enterpriseFacts(row: FactRow): EnterpriseFacts {
  return {
    industryCode: row.industryCode,
    industrySection: row.industryCode.slice(0, 1),
    employeeCount: row.employeeCount,
    registeredCapitalWan: row.registeredCapitalWan,
    annualRevenueWan: row.annualRevenueWan,
    sizeClass: row.sizeClass,
    isHighTech: row.isHighTech,
    isSpecialized: row.isSpecialized,
    streetId: row.streetId,
    parkId: row.parkId,
    foundedOn: isoDate(row.foundedOn),
  };
}

/** `2026-12-01` for a date column (stored as UTC midnight). */
export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The calendar date in Shanghai at an instant. */
export function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + 8 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

export function grantId(policyId: string, enterpriseId: string): string {
  return `grant-${policyId}-${enterpriseId}`;
}

/** The stored criteria of a policy, checked again: a row written around the API must not grant by accident. */
export function policyCriteria(policy: Pick<BenefitPolicy, "id" | "criteria">): Criterion {
  const validation = validateCriteria(policy.criteria);
  if (!validation.ok) {
    throw codedError(
      "BAD_USER_INPUT",
      `Policy "${policy.id}" has criteria this service cannot evaluate (${validation.problems.join("; ")}); correct the policy before matching.`,
      { argument: "input.policyId" },
    );
  }
  return validation.criteria;
}

export interface MatchingOptions {
  /** The clock; called when the run starts and when it ends. */
  now: () => Date;
  /** Stable id for the seed's runs; a fresh one otherwise. */
  runId?: string;
  /** Throws when the caller may not run this policy; called once the policy is read, before anything is written. */
  authorize?: (policy: BenefitPolicy) => void;
  batchSize?: number;
}

export async function runBenefitMatching(
  prisma: EnterprisePrisma,
  policyId: string,
  options: MatchingOptions,
): Promise<BenefitMatchingRun> {
  const batchSize = options.batchSize ?? BATCH_SIZE;
  return prisma.$transaction(async (tx) => {
    const startedAt = options.now();
    const policy = await tx.benefitPolicy.findUnique({ where: { id: policyId } });
    if (!policy) {
      throw codedError(
        "NOT_FOUND_ENTITY",
        `There is no benefit policy "${policyId}"; choose one from benefitPolicies.`,
        { argument: "input.policyId" },
      );
    }
    options.authorize?.(policy);
    const today = shanghaiDate(startedAt);
    const validFrom = isoDate(policy.validFrom);
    const validTo = isoDate(policy.validTo);
    if (today < validFrom || today > validTo) {
      throw codedError(
        "BAD_USER_INPUT",
        `Policy "${policy.id}" is valid from ${validFrom} to ${validTo}, so it cannot grant anything on ${today}; run a policy that is in force.`,
        { argument: "input.policyId" },
      );
    }
    const criteria = policyCriteria(policy);
    const granted = new Set(
      (await tx.benefitGrant.findMany({ where: { policyId }, select: { enterpriseId: true } })).map(
        (grant) => grant.enterpriseId,
      ),
    );

    const newGrants: Array<{ enterpriseId: string; reasons: MatchedClause[] }> = [];
    let evaluated = 0;
    let eligible = 0;
    let afterId: string | undefined;
    for (;;) {
      const batch = await tx.enterprise.findMany({
        select: FACT_COLUMNS,
        where: afterId ? { id: { gt: afterId } } : {},
        orderBy: { id: "asc" },
        take: batchSize,
      });
      for (const row of batch) {
        const result = evaluateCriteria(criteria, enterpriseFacts(row));
        if (!result.eligible) continue;
        eligible += 1;
        if (!granted.has(row.id)) newGrants.push({ enterpriseId: row.id, reasons: result.reasons });
      }
      evaluated += batch.length;
      if (batch.length < batchSize) break;
      afterId = batch.at(-1)!.id;
    }

    const runId = options.runId ?? `run-${randomUUID()}`;
    const finishedAt = options.now();
    const run = await tx.benefitMatchingRun.create({
      data: {
        id: runId,
        policyId,
        criteria: criteria as Prisma.InputJsonValue,
        startedAt,
        finishedAt,
        evaluatedCount: evaluated,
        eligibleCount: eligible,
        grantedCount: newGrants.length,
      },
    });
    let inserted = 0;
    for (let start = 0; start < newGrants.length; start += batchSize) {
      const result = await tx.benefitGrant.createMany({
        data: newGrants.slice(start, start + batchSize).map((grant) => ({
          id: grantId(policyId, grant.enterpriseId),
          policyId,
          enterpriseId: grant.enterpriseId,
          runId,
          grantedAt: finishedAt,
          amount: policy.amount,
          reasons: grant.reasons as unknown as Prisma.InputJsonValue,
        })),
        skipDuplicates: true,
      });
      inserted += result.count;
    }
    // A concurrent run granted some of these first; this run records only what it granted itself.
    if (inserted === newGrants.length) return run;
    return tx.benefitMatchingRun.update({ where: { id: runId }, data: { grantedCount: inserted } });
  }, TRANSACTION_OPTIONS);
}

/** Why an enterprise is or is not eligible for a policy today, without granting anything. */
export function explainEligibility(policy: Pick<BenefitPolicy, "id" | "criteria">, row: FactRow): Evaluation {
  return evaluateCriteria(policyCriteria(policy), enterpriseFacts(row));
}
