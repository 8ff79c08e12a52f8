/**
 * Resource management in the graph (资源管理): security admins set and clear rate limits, admins and auditors read
 * them and their history, and usage is read per app and department — by admins and auditors for everyone, by an app
 * for itself. Like policy administration, rate-limit administration is not governed by an editable policy, so no
 * change can lock the admins out (their own tier is limited, never refused).
 */
import type { TierOverride } from "../../../lib/limits/rateLimitRules.ts";
import { type ConnectionArgs, paginate } from "../../kit/pagination.ts";
import { authorOf } from "../access/policyStore.ts";
import type { RateLimitChange, RateLimitScope } from "../generated/prisma/client.ts";
import type { IdentityContext } from "../loaders.ts";
import { ADMIN, ADMIN_OR_AUDITOR, requireRole } from "../resolvers.ts";
import { RateLimitStore, type SetRateLimitInput } from "./rateLimitStore.ts";
import { readUsage, type UsageGranularity, usageScopeOf } from "./usageStore.ts";

interface Narrowing {
  scope?: RateLimitScope | null;
  subject?: string | null;
}

const whereOf = ({ scope, subject }: Narrowing) => ({
  ...(scope ? { scope } : {}),
  ...(subject ? { subject } : {}),
});

/** The override as the graph shows it: a missing daily cost is inherited, null is "no budget". */
function overrideOf(limits: unknown) {
  if (limits === null || limits === undefined) return null;
  const override = limits as TierOverride;
  return {
    rate: override.rate ?? null,
    dailyCost: override.dailyCost ?? null,
    dailyCostInherited: !Object.hasOwn(override, "dailyCost"),
  };
}

export function resourceResolvers({ now }: { now: () => Date }) {
  return {
    Query: {
      rateLimits: async (_: unknown, args: Narrowing, { prisma, principal }: IdentityContext) => {
        requireRole(principal, ADMIN_OR_AUDITOR, "Reading rate limits");
        const store = new RateLimitStore(prisma);
        const [revision, rules] = await Promise.all([store.revision(), store.list(whereOf(args))]);
        return { revision, rules };
      },
      rateLimitChanges: (_: unknown, args: ConnectionArgs & Narrowing, { prisma, principal }: IdentityContext) => {
        requireRole(principal, ADMIN_OR_AUDITOR, "Reading the rate-limit history");
        const where = whereOf(args);
        const store = new RateLimitStore(prisma);
        return paginate(
          "rateLimitChanges",
          args,
          async ({ take, afterId }) =>
            (await store.changes(where, afterId === undefined ? undefined : Number(afterId), take)).map((change) => ({
              ...change,
              id: String(change.id).padStart(12, "0"),
            })),
          () => prisma.rateLimitChange.count({ where }),
        );
      },
      usage: (
        _: unknown,
        {
          filter,
        }: {
          filter: {
            from: Date;
            to: Date;
            appId?: string | null;
            departmentId?: string | null;
            granularity?: UsageGranularity | null;
          };
        },
        { prisma, principal }: IdentityContext,
      ) => {
        const appId = usageScopeOf(principal, filter.appId);
        return readUsage(prisma, {
          from: filter.from,
          to: filter.to,
          appId,
          departmentId: filter.departmentId ?? null,
          granularity: filter.granularity ?? "HOUR",
        });
      },
    },
    Mutation: {
      setRateLimit: (_: unknown, { input }: { input: SetRateLimitInput }, { prisma, principal }: IdentityContext) => {
        requireRole(principal, ADMIN, "setRateLimit");
        return new RateLimitStore(prisma).set(authorOf(principal), input, now());
      },
      clearRateLimit: (
        _: unknown,
        { scope, subject, reason }: { scope: RateLimitScope; subject: string; reason: string },
        { prisma, principal }: IdentityContext,
      ) => {
        requireRole(principal, ADMIN, "clearRateLimit");
        return new RateLimitStore(prisma).clear(authorOf(principal), scope, subject, reason, now());
      },
    },
    RateLimitRule: {
      limits: (rule: { limits: unknown }) => overrideOf(rule.limits),
    },
    RateLimitChange: {
      id: (change: RateLimitChange | (Omit<RateLimitChange, "id"> & { id: string })) => Number(change.id),
      limits: (change: RateLimitChange) => overrideOf(change.limits),
      previous: (change: RateLimitChange) => overrideOf(change.previous),
    },
  };
}
