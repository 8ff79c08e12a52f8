/**
 * Rate limits and quotas (资源管理) as data: who may send how many requests in a window, and how much estimated
 * operation cost an app may spend in a day. One zod schema (the gateway parses `RATE_LIMITS` with it; the identity
 * service validates every override a security admin sets with the same `tierOverrideSchema`), default tiers per
 * principal kind, overrides per role, per app and per user, and the one resolution from a principal to the tier that
 * applies. No store and no server here:
 * `gateway/limits/rateLimiter.ts` counts against these rules (docs/limits.md).
 */
import { z } from "zod";
import { isLimitedKind, LIMITED_KINDS, type LimitedKind } from "../contracts/principal.ts";
import type { Principal } from "../principal.ts";

/** A request rate: at most `requests` in a fixed window of `perSeconds`. */
export const requestRateSchema = z
  .object({
    requests: z.number().int().positive(),
    perSeconds: z.number().int().positive().max(86_400),
  })
  .strict();

export type RequestRate = z.infer<typeof requestRateSchema>;

/** A tier, or an override of one: every field optional, merged onto the tier of the principal's kind. */
export const tierOverrideSchema = z
  .object({
    /** Requests per window for each caller in this tier (per app, per user, or per address when anonymous). */
    rate: requestRateSchema,
    /** Estimated operation cost (gateway/limits/operationLimits.ts) a caller may spend per day; null: no budget. */
    dailyCost: z.number().int().positive().nullable(),
  })
  .partial()
  .strict();

export type TierOverride = z.infer<typeof tierOverrideSchema>;

export const rateLimitRulesSchema = z
  .object({
    /** Off only for measurements (`npm run bench:limits`); production mode warns. */
    enabled: z.boolean().default(true),
    /** Overrides of the default tier of each principal kind that has one (every kind but `system`). */
    tiers: z.partialRecord(z.enum(LIMITED_KINDS), tierOverrideSchema).default({}),
    /** Overrides for principals holding a role; the first role listed here that the principal holds wins. */
    roles: z.record(z.string().min(1), tierOverrideSchema).default({}),
    /** Overrides for one integrator app, by its client id (the token's `sub`); they win over roles. */
    apps: z.record(z.string().min(1), tierOverrideSchema).default({}),
    /** Overrides for one person, by their id (the token's `sub`); they win over roles. */
    users: z.record(z.string().min(1), tierOverrideSchema).default({}),
    /** Requests per client address to the identity service's `/oauth/*` endpoints, proxied by the gateway. */
    oauth: requestRateSchema.optional(),
  })
  .strict();

export type RateLimitRules = z.infer<typeof rateLimitRulesSchema>;

/** A resolved tier; the same object for every request it applies to (counters are kept per tier object). */
export interface Tier {
  /** `anonymous`, `resident` …, `role:<name>`, `app:<client id>` or `user` (an override for one person). */
  name: string;
  rate: RequestRate;
  dailyCost: number | null;
}

/**
 * Defaults, per minute: anonymous callers share nothing but their address, so they get the least; people get enough
 * for an interactive portal; apps get the most and a daily budget of estimated cost (100 operations at the largest
 * cost a single operation may have, `OPERATION_LIMITS` cost 20,000; typical operations cost 10–500).
 */
export const DEFAULT_TIERS: Readonly<Record<LimitedKind, Omit<Tier, "name">>> = Object.freeze({
  anonymous: { rate: { requests: 60, perSeconds: 60 }, dailyCost: null },
  resident: { rate: { requests: 120, perSeconds: 60 }, dailyCost: null },
  officer: { rate: { requests: 300, perSeconds: 60 }, dailyCost: null },
  security_admin: { rate: { requests: 300, perSeconds: 60 }, dailyCost: null },
  auditor: { rate: { requests: 300, perSeconds: 60 }, dailyCost: null },
  enterprise: { rate: { requests: 120, perSeconds: 60 }, dailyCost: null },
  app: { rate: { requests: 600, perSeconds: 60 }, dailyCost: 2_000_000 },
});

/** Token requests per client address: enough for a household behind one address, few for a password sprayer. */
export const DEFAULT_OAUTH_RATE: RequestRate = Object.freeze({ requests: 30, perSeconds: 60 }) as RequestRate;

/** Who is counted: the app's client id, the person's id, or — anonymous — the client's address. */
export interface LimitSubject {
  /** Counter key, namespaced by kind so an address can never collide with an id. */
  key: string;
  tier: Tier;
}

export interface RateLimitPolicy {
  enabled: boolean;
  /** The subject a request is counted against; null for principals that are never limited (`system`). */
  subjectOf(principal: Principal, clientAddress: string): LimitSubject | null;
  oauth: RequestRate;
}

/** Resolves the rules once: tiers are built at start, so a request only looks them up. */
export function rateLimitPolicy(rules: RateLimitRules): RateLimitPolicy {
  const byKind = new Map<LimitedKind, Tier>(
    LIMITED_KINDS.map((kind) => [kind, { name: kind, ...DEFAULT_TIERS[kind], ...rules.tiers[kind] }]),
  );
  const roleOrder = Object.keys(rules.roles);
  const derived = new Map<string, Tier>();
  const derive = (kind: LimitedKind, name: string, override: TierOverride, id = `${kind}|${name}`): Tier => {
    let tier = derived.get(id);
    if (!tier) {
      tier = { ...(byKind.get(kind) as Tier), ...override, name };
      derived.set(id, tier);
    }
    return tier;
  };

  const tierOf = (principal: Principal, kind: LimitedKind): Tier => {
    if (kind === "app" && principal.id && Object.hasOwn(rules.apps, principal.id)) {
      return derive(kind, `app:${principal.id}`, rules.apps[principal.id] as TierOverride);
    }
    if (kind !== "app" && kind !== "anonymous" && principal.id && Object.hasOwn(rules.users, principal.id)) {
      // Named `user`, not by id: tier names go into metrics and messages, and a person id is not for either.
      return derive(kind, "user", rules.users[principal.id] as TierOverride, `${kind}|user:${principal.id}`);
    }
    const role = roleOrder.find((name) => principal.roles.includes(name));
    return role ? derive(kind, `role:${role}`, rules.roles[role] as TierOverride) : (byKind.get(kind) as Tier);
  };

  return {
    enabled: rules.enabled,
    oauth: rules.oauth ?? DEFAULT_OAUTH_RATE,
    subjectOf(principal, clientAddress) {
      if (!isLimitedKind(principal.kind)) return null;
      if (principal.kind === "anonymous" || !principal.id) {
        return { key: `address:${clientAddress}`, tier: tierOf(principal, "anonymous") };
      }
      const prefix = principal.kind === "app" ? "app" : "user";
      return { key: `${prefix}:${principal.id}`, tier: tierOf(principal, principal.kind) };
    },
  };
}
