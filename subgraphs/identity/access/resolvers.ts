/**
 * The graph's access-policy administration (授权管理): security admins draft, simulate, enable and disable policies;
 * auditors read them and their history. The gateway's field rules (`@requiresScopes` in the schema) and these role
 * checks both apply: policy administration is deliberately not itself governed by an editable policy, so no policy
 * change can lock the admins out.
 */
import type { Grant, PolicyRule } from "../../../lib/access/policyRules.ts";
import { codedError } from "../../../lib/errors.ts";
import type { PrincipalKind } from "../../../lib/principal.ts";
import { type ConnectionArgs, paginate } from "../../kit/pagination.ts";
import type { AccessPolicy, AccessPolicyChange, AccessPolicyVersion } from "../generated/prisma/client.ts";
import type { IdentityContext } from "../loaders.ts";
import { ADMIN, ADMIN_OR_AUDITOR, requireRole } from "../resolvers.ts";
import { authorOf, PolicyStore } from "./policyStore.ts";
import { PurposeStore } from "./purposeStore.ts";
import { type SimulatedPrincipalInput, simulate, supergraphReader } from "./simulation.ts";

type GrantInput = Omit<Grant, "kinds" | "clearance"> & {
  kinds?: string[] | null;
  clearance?: string | null;
};

interface SimulationArgs {
  input: {
    principal: Omit<SimulatedPrincipalInput, "kind"> & { kind: string };
    operation: string;
    operationName?: string | null;
    variablesJson?: string | null;
    purpose?: string | null;
    drafts?: Array<{ name: string; version: number }> | null;
    at?: Date | null;
  };
}

export function accessPolicyResolvers({ now, supergraphPath }: { now: () => Date; supergraphPath: string }) {
  const supergraph = supergraphReader(supergraphPath);
  return {
    Query: {
      accessPolicies: (_: unknown, __: unknown, { prisma, principal }: IdentityContext) => {
        requireRole(principal, ADMIN_OR_AUDITOR, "Reading access policies");
        return prisma.accessPolicy.findMany({ orderBy: { name: "asc" } });
      },
      accessPolicy: (_: unknown, { name }: { name: string }, { prisma, principal }: IdentityContext) => {
        requireRole(principal, ADMIN_OR_AUDITOR, "Reading access policies");
        return prisma.accessPolicy.findUnique({ where: { name } });
      },
      accessPolicyChanges: (
        _: unknown,
        args: ConnectionArgs & { policy?: string | null },
        { prisma, principal }: IdentityContext,
      ) => {
        requireRole(principal, ADMIN_OR_AUDITOR, "Reading the policy history");
        const where = args.policy ? { policyName: args.policy } : {};
        const store = new PolicyStore(prisma);
        return paginate(
          "accessPolicyChanges",
          args,
          async ({ take, afterId }) =>
            (await store.changes(where, afterId === undefined ? undefined : Number(afterId), take)).map((change) => ({
              ...change,
              id: String(change.id).padStart(12, "0"),
            })),
          () => prisma.accessPolicyChange.count({ where }),
        );
      },
      simulateAccess: (_: unknown, { input }: SimulationArgs, { prisma, principal }: IdentityContext) => {
        requireRole(principal, ADMIN, "Simulating access");
        return simulate(
          new PolicyStore(prisma),
          new PurposeStore(prisma),
          supergraph,
          {
            ...input,
            principal: { ...input.principal, kind: input.principal.kind.toLowerCase() as PrincipalKind },
            variables: parseVariables(input.variablesJson),
          },
          now(),
        );
      },
    },
    Mutation: {
      draftAccessPolicy: (
        _: unknown,
        { input }: { input: { name: string; description: string; grants: GrantInput[]; reason: string } },
        { prisma, principal }: IdentityContext,
      ) => {
        requireRole(principal, ADMIN, "draftAccessPolicy");
        return new PolicyStore(prisma).draft(
          authorOf(principal),
          { name: input.name, description: input.description, rule: ruleFromInput(input.grants), reason: input.reason },
          now(),
        );
      },
      enableAccessPolicyVersion: (
        _: unknown,
        { name, version, reason }: { name: string; version: number; reason: string },
        { prisma, principal }: IdentityContext,
      ) => {
        requireRole(principal, ADMIN, "enableAccessPolicyVersion");
        return new PolicyStore(prisma).enable(authorOf(principal), name, version, reason, now());
      },
      disableAccessPolicy: (
        _: unknown,
        { name, reason }: { name: string; reason: string },
        { prisma, principal }: IdentityContext,
      ) => {
        requireRole(principal, ADMIN, "disableAccessPolicy");
        return new PolicyStore(prisma).disable(authorOf(principal), name, reason, now());
      },
    },
    AccessPolicy: {
      active: (policy: AccessPolicy, _: unknown, { prisma }: IdentityContext) =>
        policy.activeVersion === null
          ? null
          : prisma.accessPolicyVersion.findUnique({
              where: { policyName_version: { policyName: policy.name, version: policy.activeVersion } },
            }),
      versions: (policy: AccessPolicy, _: unknown, { prisma }: IdentityContext) =>
        prisma.accessPolicyVersion.findMany({ where: { policyName: policy.name }, orderBy: { version: "asc" } }),
    },
    AccessPolicyVersion: {
      grants: (version: AccessPolicyVersion) => ((version.rule as PolicyRule).anyOf ?? []).map(grantForGraph),
    },
    AccessPolicyChange: {
      id: (change: AccessPolicyChange | (Omit<AccessPolicyChange, "id"> & { id: string })) => Number(change.id),
    },
  };
}

/** GraphQL enums are upper case; the policy language is lower case. */
export function ruleFromInput(grants: GrantInput[]): unknown {
  return {
    anyOf: grants.map((grant) =>
      Object.fromEntries(
        Object.entries({
          ...grant,
          kinds: grant.kinds?.map((kind) => kind.toLowerCase()),
          clearance: grant.clearance?.toLowerCase(),
          timeWindow: grant.timeWindow
            ? Object.fromEntries(Object.entries(grant.timeWindow).filter(([, v]) => v !== null && v !== undefined))
            : undefined,
        }).filter(([, value]) => value !== null && value !== undefined),
      ),
    ),
  };
}

function grantForGraph(grant: Grant) {
  return {
    ...grant,
    kinds: grant.kinds?.map((kind) => kind.toUpperCase()) ?? null,
    clearance: grant.clearance?.toUpperCase() ?? null,
  };
}

function parseVariables(json: string | null | undefined): Record<string, unknown> {
  if (!json) return {};
  try {
    const parsed = JSON.parse(json) as unknown;
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw codedError("BAD_USER_INPUT", 'variablesJson must be a JSON object text, e.g. {"id": "x"}.', {
    argument: "variablesJson",
  });
}
