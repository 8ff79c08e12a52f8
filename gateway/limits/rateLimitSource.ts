/**
 * Rate limits as data at the gateway (资源管理): the overrides security admins set in the identity service (per
 * principal kind, role, app and user), polled like the access policies so that every replica applies a change within
 * about one poll interval, without a restart. Each poll sends the revision it holds; the identity service answers 304
 * when nothing changed.
 *
 * The rules in force are the `RATE_LIMITS` setting until the first poll succeeds — the fallback while the identity
 * service is unreachable at start — and from then on the identity service's overrides in place of the setting's
 * tiers, roles, apps and users (over the built-in default tiers); `enabled` and the token endpoints' rate stay the
 * setting's. A failed poll keeps the last rules received, and a payload that does not validate is not applied.
 */
import { Gauge, type Registry } from "prom-client";
import { readPayload } from "../../lib/contracts/payload.ts";
import { type RateLimitSetPayload, rateLimitSetSchema } from "../../lib/contracts/rateLimits.ts";
import { revisionPoller } from "../../lib/http/revisionPoller.ts";
import {
  type RateLimitPolicy,
  type RateLimitRules,
  rateLimitPolicy,
  rateLimitRulesSchema,
} from "../../lib/limits/rateLimitRules.ts";

export interface RateLimitSourceOptions {
  /** The identity service's `/access/rate-limits` endpoint. */
  url: string;
  /** Signed gateway headers for one poll of this exact URL (a GET; the envelope is bound to it). */
  headers: (url: string) => Record<string, string>;
  /** The `RATE_LIMITS` setting: the rules until the first poll succeeds, and `enabled` and `oauth` always. */
  setting: RateLimitRules;
  intervalMs?: number;
  timeoutMs?: number;
  onError?: (error: unknown) => void;
  onChange?: (revision: number, rules: RateLimitRules) => void;
}

export interface RateLimitSource {
  /** The resolved rules in force now. */
  current(): RateLimitPolicy;
  /** The identity revision in force; 0 while the setting applies. */
  revision(): number;
  /** Polls now (start-up, tests). */
  refresh(): Promise<void>;
  /** `og_gateway_rate_limit_rules_revision` on /metrics: replicas that disagree show different revisions. */
  register(registry: Registry): void;
  stop(): void;
}

/** The setting with the identity service's overrides in place of its own. */
export function rulesFromIdentity(setting: RateLimitRules, payload: unknown): RateLimitRules {
  const body = payload as Partial<RateLimitSetPayload> | null;
  const parsed = rateLimitRulesSchema.parse({ ...(body?.rules ?? {}) });
  return { ...setting, tiers: parsed.tiers, roles: parsed.roles, apps: parsed.apps, users: parsed.users };
}

export function createRateLimitSource(options: RateLimitSourceOptions): RateLimitSource {
  let revision = 0;
  let policy = rateLimitPolicy(options.setting);
  const poller = revisionPoller({
    ...options,
    what: "rate limits",
    revision: () => revision,
    apply: async (response) => {
      const body = await readPayload("rate limits", rateLimitSetSchema, response);
      const rules = rulesFromIdentity(options.setting, body);
      policy = rateLimitPolicy(rules);
      revision = body.revision;
      options.onChange?.(revision, rules);
    },
  });
  return {
    current: () => policy,
    revision: () => revision,
    refresh: poller.refresh,
    register(registry) {
      new Gauge({
        name: "og_gateway_rate_limit_rules_revision",
        help: "The identity service's rate-limit revision this gateway applies (0: the RATE_LIMITS setting).",
        registers: [registry],
        collect() {
          this.set(revision);
        },
      });
    },
    stop: poller.stop,
  };
}
