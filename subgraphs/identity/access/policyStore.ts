/**
 * Access policies as data (授权管理): security admins draft a new version of a policy, check it with the simulation
 * (./simulation.ts), then enable it; the gateway polls the active set (GET /access/policies) and applies it within a
 * poll interval. Every version is kept and every change is a row with its author and reason, so the history answers
 * "who changed what, when and why". Enabling an older version is how a change is rolled back.
 *
 * Each change locks its policy row, so two admins changing one policy at once are serialised; a partial unique index
 * keeps at most one ACTIVE version per policy. The newest change id is the policy-set revision.
 */
import { z } from "zod";
import { type PolicyRule, policyRuleSchema } from "../../../lib/access/policyRules.ts";
import { POLICY_NAME, type PolicySetPayload } from "../../../lib/contracts/policySet.ts";
import { codedError } from "../../../lib/errors.ts";
import type { Principal } from "../../../lib/principal.ts";
import type { AccessPolicy, AccessPolicyChange, AccessPolicyVersion } from "../generated/prisma/client.ts";
import type { IdentityPrisma } from "../loaders.ts";

const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 15_000 } as const;

export interface DraftPolicyInput {
  name: string;
  description: string;
  rule: unknown;
  reason: string;
}

export interface ActivePolicyRow {
  name: string;
  version: number;
  description: string;
  rule: PolicyRule;
}

/** Who made a change: a person's or application's id (`person-…`), or `system:seed` for the seeded policies. */
export function authorOf(principal: Principal): string {
  return principal.id ?? `${principal.kind}:unknown`;
}

export class PolicyStore {
  constructor(private readonly prisma: IdentityPrisma) {}

  /** Stores a new DRAFT version (creating the policy on its first draft). Nothing is enforced until it is enabled. */
  async draft(authorId: string, input: DraftPolicyInput, now: Date): Promise<AccessPolicyVersion> {
    const name = input.name.trim();
    if (!POLICY_NAME.test(name)) {
      throw codedError("BAD_USER_INPUT", "Policy names are lower-case words joined by dashes, e.g. health-records.", {
        argument: "name",
      });
    }
    const rule = parseRule(input.rule);
    const reason = requireReason(input.reason);
    const description = input.description.trim().slice(0, 500);
    await this.requireRegisteredPurposes(rule);
    return this.prisma.$transaction(async (tx) => {
      await tx.accessPolicy.upsert({
        where: { name },
        create: { name, createdAt: now, updatedAt: now },
        update: {},
      });
      await tx.$queryRaw`SELECT name FROM access_policy WHERE name = ${name} FOR UPDATE`;
      const latest = await tx.accessPolicyVersion.aggregate({ where: { policyName: name }, _max: { version: true } });
      const version = (latest._max.version ?? 0) + 1;
      const created = await tx.accessPolicyVersion.create({
        data: { policyName: name, version, description, rule, status: "DRAFT", authorId, reason, createdAt: now },
      });
      await tx.accessPolicy.update({ where: { name }, data: { updatedAt: now } });
      await tx.accessPolicyChange.create({
        data: { policyName: name, version, kind: "DRAFTED", authorId, reason, at: now },
      });
      return created;
    }, TRANSACTION_OPTIONS);
  }

  /** A policy may name only purposes of the registry (./purposeStore.ts): anything else could never be declared. */
  private async requireRegisteredPurposes(rule: PolicyRule): Promise<void> {
    const named = [...new Set(rule.anyOf.flatMap((grant) => grant.purposes ?? []))];
    if (named.length === 0) return;
    const registered = new Set(
      (await this.prisma.purpose.findMany({ where: { name: { in: named } }, select: { name: true } })).map(
        (p) => p.name,
      ),
    );
    const unknown = named.filter((name) => !registered.has(name));
    if (unknown.length > 0) {
      throw codedError(
        "POLICY_INVALID",
        `The policy rule names purpose ${unknown.map((n) => `"${n.slice(0, 64)}"`).join(", ")}, which is not in the purpose registry; register it first (draftPurpose, enablePurposeVersion).`,
        { argument: "rule" },
      );
    }
  }

  /** Makes a version the active one (a draft, or an older version to roll back); the previous one is retired. */
  async enable(authorId: string, name: string, version: number, reasonText: string, now: Date): Promise<AccessPolicy> {
    const reason = requireReason(reasonText);
    return this.prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<Array<{ name: string }>>`
        SELECT name FROM access_policy WHERE name = ${name} FOR UPDATE`;
      const target = locked.length
        ? await tx.accessPolicyVersion.findUnique({ where: { policyName_version: { policyName: name, version } } })
        : null;
      if (!target) {
        throw codedError(
          "NOT_FOUND_ENTITY",
          `Policy ${name} has no version ${version}; see accessPolicy(name).versions.`,
        );
      }
      if (target.status === "ACTIVE") {
        throw codedError("INVALID_STATE_TRANSITION", `Version ${version} of ${name} is already the active one.`);
      }
      await tx.accessPolicyVersion.updateMany({
        where: { policyName: name, status: "ACTIVE" },
        data: { status: "RETIRED" },
      });
      await tx.accessPolicyVersion.update({
        where: { policyName_version: { policyName: name, version } },
        data: { status: "ACTIVE" },
      });
      const policy = await tx.accessPolicy.update({
        where: { name },
        data: { activeVersion: version, updatedAt: now },
      });
      await tx.accessPolicyChange.create({
        data: { policyName: name, version, kind: "ENABLED", authorId, reason, at: now },
      });
      return policy;
    }, TRANSACTION_OPTIONS);
  }

  /** Retires the active version: the policy then allows nobody (fields that need it are denied to everyone). */
  async disable(authorId: string, name: string, reasonText: string, now: Date): Promise<AccessPolicy> {
    const reason = requireReason(reasonText);
    return this.prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<Array<{ active_version: number | null }>>`
        SELECT active_version FROM access_policy WHERE name = ${name} FOR UPDATE`;
      const row = locked[0];
      if (!row) throw codedError("NOT_FOUND_ENTITY", `There is no policy ${name}; see accessPolicies.`);
      if (row.active_version === null) {
        throw codedError("INVALID_STATE_TRANSITION", `Policy ${name} has no active version to disable.`);
      }
      await tx.accessPolicyVersion.updateMany({
        where: { policyName: name, status: "ACTIVE" },
        data: { status: "RETIRED" },
      });
      const policy = await tx.accessPolicy.update({ where: { name }, data: { activeVersion: null, updatedAt: now } });
      await tx.accessPolicyChange.create({
        data: { policyName: name, version: row.active_version, kind: "DISABLED", authorId, reason, at: now },
      });
      return policy;
    }, TRANSACTION_OPTIONS);
  }

  /** The policy-set revision: the newest change id (0 before any policy exists). */
  async revision(): Promise<number> {
    const latest = await this.prisma.accessPolicyChange.aggregate({ _max: { id: true } });
    return latest._max.id ?? 0;
  }

  /** The active version of every policy, with the revision read in the same transaction: GET /access/policies. */
  async activeSet(): Promise<{ revision: number; policies: ActivePolicyRow[] }> {
    const [latest, versions] = await this.prisma.$transaction([
      this.prisma.accessPolicyChange.aggregate({ _max: { id: true } }),
      this.prisma.accessPolicyVersion.findMany({ where: { status: "ACTIVE" }, orderBy: { policyName: "asc" } }),
    ]);
    return {
      revision: latest._max.id ?? 0,
      policies: versions.map((v) => ({
        name: v.policyName,
        version: v.version,
        description: v.description,
        rule: policyRuleSchema.parse(v.rule),
      })),
    } satisfies PolicySetPayload;
  }

  async versions(names: readonly string[]): Promise<AccessPolicyVersion[]> {
    return this.prisma.accessPolicyVersion.findMany({
      where: { policyName: { in: [...names] } },
      orderBy: [{ policyName: "asc" }, { version: "asc" }],
    });
  }

  async changes(
    where: { policyName?: string },
    afterId: number | undefined,
    take: number,
  ): Promise<AccessPolicyChange[]> {
    return this.prisma.accessPolicyChange.findMany({
      where: { ...where, ...(afterId !== undefined ? { id: { gt: afterId } } : {}) },
      orderBy: { id: "asc" },
      take,
    });
  }
}

export function parseRule(rule: unknown): PolicyRule {
  const parsed = policyRuleSchema.safeParse(rule);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at rule.${issue.path.join(".")}` : "";
    throw codedError(
      "POLICY_INVALID",
      `The policy rule is not valid${where}: ${issue?.message ?? "unknown problem"}.`,
      {
        argument: "rule",
      },
    );
  }
  return parsed.data;
}

const reasonSchema = z.string().trim().min(3).max(500);

function requireReason(reason: string): string {
  const parsed = reasonSchema.safeParse(reason);
  if (!parsed.success) {
    throw codedError("BAD_USER_INPUT", "Say why in `reason` (3–500 characters): it goes into the policy history.", {
      argument: "reason",
    });
  }
  return parsed.data;
}
