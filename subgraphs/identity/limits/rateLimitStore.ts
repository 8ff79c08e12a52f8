/**
 * Rate limits as data (资源管理): security admins set the limits of a principal kind's tier, of a role, of one app or
 * of one person; every gateway polls them (GET /access/rate-limits) and applies a change within a poll. Each change is
 * a row of `rate_limit_change` with the rule before and after, author and reason; the newest change id is the
 * revision the gateway polls. Setting a rule again replaces it (the history keeps the old one); clearing it returns
 * the subject to the rule below it (a tier returns to the built-in default).
 *
 * Every override is validated with the gateway's own schema (`tierOverrideSchema`, lib/limits/rateLimitRules.ts), so
 * a rule the identity service stores is a rule every gateway can apply. Each change locks the rule set (an advisory
 * transaction lock), so concurrent changes get consecutive revisions and the history's "previous" is exact.
 */

import { z } from "zod";
import { LIMITED_KINDS } from "../../../lib/contracts/principal.ts";
import type { RateLimitSetPayload } from "../../../lib/contracts/rateLimits.ts";
import { codedError } from "../../../lib/errors.ts";
import { type RateLimitRules, type TierOverride, tierOverrideSchema } from "../../../lib/limits/rateLimitRules.ts";
import type { Prisma, RateLimitChange, RateLimitRule, RateLimitScope } from "../generated/prisma/client.ts";
import type { IdentityPrisma } from "../loaders.ts";

const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 15_000 } as const;
/** Serialises changes of the rule set (pg_advisory_xact_lock key; any constant unique to this table). */
const RULE_SET_LOCK = 140_014;

export const RATE_LIMIT_SCOPES = ["TIER", "ROLE", "APP", "USER"] as const;

/** What an admin sends: a scope and subject, the override and why. */
export interface SetRateLimitInput {
  scope: RateLimitScope;
  subject: string;
  rate?: { requests: number; perSeconds: number } | null;
  /** A number: the budget; null: no budget; absent: the tier's. */
  dailyCost?: number | null;
  reason: string;
}

const subjectSchema = z
  .string()
  .trim()
  .min(1, "name whom the limit is for")
  .max(200)
  .regex(/^[A-Za-z0-9_.:@-]+$/, "use the id as issued (letters, digits and _ . : @ -)");

export class RateLimitStore {
  constructor(private readonly prisma: IdentityPrisma) {}

  /** Sets (creates or replaces) the override of one subject; a new revision. */
  async set(authorId: string, input: SetRateLimitInput, now: Date): Promise<RateLimitRule> {
    const subject = this.subjectOf(input.scope, input.subject);
    const limits = parseOverride(input);
    const reason = requireReason(input.reason);
    await this.requireKnownSubject(input.scope, subject);
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${RULE_SET_LOCK})`;
      const previous = await tx.rateLimitRule.findUnique({ where: { scope_subject: { scope: input.scope, subject } } });
      const change = await tx.rateLimitChange.create({
        data: {
          scope: input.scope,
          subject,
          kind: "SET",
          limits: limits as Prisma.InputJsonValue,
          previous: (previous?.limits ?? undefined) as Prisma.InputJsonValue | undefined,
          authorId,
          reason,
          at: now,
        },
      });
      const data = { limits: limits as Prisma.InputJsonValue, revision: change.id, updatedAt: now };
      return tx.rateLimitRule.upsert({
        where: { scope_subject: { scope: input.scope, subject } },
        create: { scope: input.scope, subject, ...data },
        update: data,
      });
    }, TRANSACTION_OPTIONS);
  }

  /** Removes the override of one subject (a tier returns to the built-in default); a new revision. */
  async clear(
    authorId: string,
    scope: RateLimitScope,
    subjectText: string,
    reasonText: string,
    now: Date,
  ): Promise<RateLimitChange> {
    const subject = this.subjectOf(scope, subjectText);
    const reason = requireReason(reasonText);
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${RULE_SET_LOCK})`;
      const previous = await tx.rateLimitRule.findUnique({ where: { scope_subject: { scope, subject } } });
      if (!previous) {
        throw codedError(
          "NOT_FOUND_ENTITY",
          `There is no rate limit for ${scope} ${subject} to clear; see rateLimits.`,
          {
            argument: "subject",
          },
        );
      }
      await tx.rateLimitRule.delete({ where: { scope_subject: { scope, subject } } });
      return tx.rateLimitChange.create({
        data: {
          scope,
          subject,
          kind: "CLEARED",
          previous: previous.limits as Prisma.InputJsonValue,
          authorId,
          reason,
          at: now,
        },
      });
    }, TRANSACTION_OPTIONS);
  }

  /** The revision: the newest change id (0 before any change). */
  async revision(): Promise<number> {
    const latest = await this.prisma.rateLimitChange.aggregate({ _max: { id: true } });
    return latest._max.id ?? 0;
  }

  /** Every rule, as the gateway reads it (the shape of RATE_LIMITS), with the revision read in the same transaction. */
  async activeSet(): Promise<RateLimitSetPayload> {
    const [latest, rows] = await this.prisma.$transaction([
      this.prisma.rateLimitChange.aggregate({ _max: { id: true } }),
      this.prisma.rateLimitRule.findMany({ orderBy: [{ scope: "asc" }, { subject: "asc" }] }),
    ]);
    const rules: Pick<RateLimitRules, "tiers" | "roles" | "apps" | "users"> = {
      tiers: {},
      roles: {},
      apps: {},
      users: {},
    };
    for (const row of rows) {
      const limits = row.limits as TierOverride;
      if (row.scope === "TIER") rules.tiers[row.subject as (typeof LIMITED_KINDS)[number]] = limits;
      else if (row.scope === "ROLE") rules.roles[row.subject] = limits;
      else if (row.scope === "APP") rules.apps[row.subject] = limits;
      else rules.users[row.subject] = limits;
    }
    return { revision: latest._max.id ?? 0, rules };
  }

  list(where: { scope?: RateLimitScope; subject?: string }): Promise<RateLimitRule[]> {
    return this.prisma.rateLimitRule.findMany({ where, orderBy: [{ scope: "asc" }, { subject: "asc" }] });
  }

  changes(
    where: { scope?: RateLimitScope; subject?: string },
    afterId: number | undefined,
    take: number,
  ): Promise<RateLimitChange[]> {
    return this.prisma.rateLimitChange.findMany({
      where: { ...where, ...(afterId !== undefined ? { id: { gt: afterId } } : {}) },
      orderBy: { id: "asc" },
      take,
    });
  }

  private subjectOf(scope: RateLimitScope, text: string): string {
    const parsed = subjectSchema.safeParse(text);
    if (!parsed.success) {
      throw codedError(
        "BAD_USER_INPUT",
        `The rate limit is not valid at subject: ${parsed.error.issues[0]?.message ?? "invalid"}.`,
        {
          argument: "input.subject",
        },
      );
    }
    const subject = parsed.data;
    if (scope === "TIER" && !(LIMITED_KINDS as readonly string[]).includes(subject.toLowerCase())) {
      throw codedError(
        "BAD_USER_INPUT",
        `A tier is a principal kind: one of ${LIMITED_KINDS.join(", ")}; "${subject}" is not.`,
        { argument: "input.subject" },
      );
    }
    return scope === "TIER" ? subject.toLowerCase() : subject;
  }

  /** Roles, apps and people must exist: a limit for a typo would silently limit nobody. One query. */
  private async requireKnownSubject(scope: RateLimitScope, subject: string): Promise<void> {
    const found =
      scope === "TIER"
        ? true
        : scope === "ROLE"
          ? (await this.prisma.role.count({ where: { name: subject } })) > 0
          : scope === "APP"
            ? (await this.prisma.integratorApp.count({ where: { id: subject } })) > 0
            : (await this.prisma.person.count({ where: { id: subject } })) > 0;
    if (!found) {
      const what = scope === "ROLE" ? "role" : scope === "APP" ? "integrator app" : "person";
      throw codedError("NOT_FOUND_ENTITY", `There is no ${what} ${subject}; name an existing one.`, {
        argument: "input.subject",
      });
    }
  }
}

/** The override as the gateway will read it; a coded 400 naming the field otherwise. */
export function parseOverride(input: Pick<SetRateLimitInput, "rate" | "dailyCost">): TierOverride {
  const candidate: Record<string, unknown> = {};
  if (input.rate !== undefined && input.rate !== null) candidate.rate = input.rate;
  if (input.dailyCost !== undefined) candidate.dailyCost = input.dailyCost;
  if (Object.keys(candidate).length === 0) {
    throw codedError(
      "BAD_USER_INPUT",
      "Give a `rate` ({ requests, perSeconds }), a `dailyCost` (null: no budget), or both.",
      {
        argument: "input.rate",
      },
    );
  }
  const parsed = tierOverrideSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `input.${issue.path.join(".")}` : "input";
    throw codedError(
      "BAD_USER_INPUT",
      `The rate limit is not valid at ${where}: ${issue?.message ?? "unknown problem"}.`,
      {
        argument: where,
      },
    );
  }
  return parsed.data;
}

function requireReason(reason: string): string {
  const text = reason.trim();
  if (text.length < 3 || text.length > 500) {
    throw codedError("BAD_USER_INPUT", "Say why in `reason` (3–500 characters): it goes into the rate-limit history.", {
      argument: "reason",
    });
  }
  return text;
}
