/**
 * Writing benefit policies (免申即享政策). The criteria are validated by the zod schema of `benefitCriteria.ts`
 * before anything is stored, so a policy that exists can always be evaluated; every problem is reported at once,
 * each with its path (`criteria.all[1].lte …`).
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { codedError } from "../../lib/errors.ts";
import { validateCriteria } from "./benefitCriteria.ts";
import type { BenefitPolicy, Prisma } from "./generated/prisma/client.ts";
import type { EnterprisePrisma } from "./loaders.ts";

export interface CreateBenefitPolicyInput {
  name: string;
  description: string;
  criteria: unknown;
  amount: number;
  validFrom: string;
  validTo: string;
  issuingDepartmentId: string;
}

const MAX_AMOUNT = 100_000_000;

const inputSchema = z
  .object({
    name: z.string().trim().min(2, "must have at least 2 characters").max(60, "must have at most 60 characters"),
    description: z.string().trim().max(500, "must have at most 500 characters"),
    amount: z
      .number()
      .int("must be whole yuan")
      .min(1, "must be at least 1 yuan")
      .max(MAX_AMOUNT, `must be at most ${MAX_AMOUNT} yuan`),
    validFrom: z.iso.date("must be a date written YYYY-MM-DD"),
    validTo: z.iso.date("must be a date written YYYY-MM-DD"),
    issuingDepartmentId: z
      .string()
      .regex(/^dept-[a-z0-9-]{2,60}$/, "must be a catalog department id such as dept-commerce"),
  })
  .refine((input) => input.validFrom <= input.validTo, {
    path: ["validTo"],
    message: "must not be before validFrom",
  });

export async function createBenefitPolicy(
  prisma: EnterprisePrisma,
  input: CreateBenefitPolicyInput,
  now: Date,
): Promise<BenefitPolicy> {
  const problems: string[] = [];
  const parsed = inputSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`input.${issue.path.join(".")} ${issue.message}`);
  }
  const criteria = validateCriteria(input.criteria);
  if (!criteria.ok) problems.push(...criteria.problems.map((problem) => `input.${problem}`));
  if (!parsed.success || !criteria.ok) {
    throw codedError(
      "BAD_USER_INPUT",
      `The policy was not created: ${problems.join("; ")}. Correct these and send it again.`,
      { argument: "input", problems },
    );
  }
  const fields = parsed.data;
  return prisma.benefitPolicy.create({
    data: {
      id: `policy-${randomUUID()}`,
      name: fields.name,
      description: fields.description,
      criteria: criteria.criteria as Prisma.InputJsonValue,
      amount: fields.amount,
      validFrom: new Date(`${fields.validFrom}T00:00:00Z`),
      validTo: new Date(`${fields.validTo}T00:00:00Z`),
      issuingDepartmentId: fields.issuingDepartmentId,
      createdAt: now,
    },
  });
}
