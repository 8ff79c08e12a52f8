/**
 * The pure parts of rate limits and quotas, without a server: which tier applies to whom and what is counted
 * (lib/limits/rateLimitRules.ts), the Asia/Shanghai day of the budgets and the RateLimit-* headers
 * (gateway/limits/rateLimiter.ts), and how RATE_LIMITS and RATE_LIMIT_FALLBACKS are validated (gateway/config.ts).
 */
import { describe, expect, it } from "vitest";
import { loadGatewayConfig } from "../../gateway/config.ts";
import { rateLimitHeaders, shanghaiDay } from "../../gateway/limits/rateLimiter.ts";
import { rulesFromIdentity } from "../../gateway/limits/rateLimitSource.ts";
import { DEFAULT_TIERS, rateLimitPolicy, rateLimitRulesSchema } from "../../lib/limits/rateLimitRules.ts";
import { ANONYMOUS, type Principal, systemPrincipal } from "../../lib/principal.ts";
import { testEnvelopeKeys } from "../support/envelope.ts";

const person = (kind: Principal["kind"], id: string, roles: string[] = []): Principal => ({
  ...ANONYMOUS,
  kind,
  id,
  roles,
});

describe("rate-limit rules", () => {
  const policy = rateLimitPolicy(
    rateLimitRulesSchema.parse({
      tiers: { resident: { rate: { requests: 200, perSeconds: 60 } } },
      roles: { integrator: { rate: { requests: 900, perSeconds: 60 } }, duty_officer: { dailyCost: 50_000 } },
      apps: { "app-portal": { rate: { requests: 3_000, perSeconds: 60 }, dailyCost: null } },
    }),
  );

  it("counts anonymous callers by address, apps by client id and people by their id", () => {
    expect(policy.subjectOf(ANONYMOUS, "203.0.113.7")?.key).toBe("address:203.0.113.7");
    expect(policy.subjectOf(person("app", "app-weather"), "203.0.113.7")?.key).toBe("app:app-weather");
    expect(policy.subjectOf(person("resident", "person-1"), "203.0.113.7")?.key).toBe("user:person-1");
    expect(policy.subjectOf(systemPrincipal("gateway-readiness"), "127.0.0.1")).toBeNull();
  });

  it("applies an app's override over its roles, a role's over the kind's tier, and the defaults under all", () => {
    const portal = policy.subjectOf(person("app", "app-portal", ["integrator"]), "x")?.tier;
    expect(portal).toEqual({ name: "app:app-portal", rate: { requests: 3_000, perSeconds: 60 }, dailyCost: null });
    const other = policy.subjectOf(person("app", "app-weather", ["integrator"]), "x")?.tier;
    expect(other).toEqual({ name: "role:integrator", rate: { requests: 900, perSeconds: 60 }, dailyCost: 2_000_000 });
    const resident = policy.subjectOf(person("resident", "person-1", ["resident"]), "x")?.tier;
    expect(resident).toEqual({ name: "resident", rate: { requests: 200, perSeconds: 60 }, dailyCost: null });
    const officer = policy.subjectOf(person("officer", "person-2", ["duty_officer"]), "x")?.tier;
    expect(officer).toEqual({ name: "role:duty_officer", rate: DEFAULT_TIERS.officer.rate, dailyCost: 50_000 });
    // One tier object per rule, so counters are built once per tier, not per request.
    expect(policy.subjectOf(person("app", "app-portal"), "y")?.tier).toBe(portal);
  });

  it("applies a person's override over their roles, named without their id", () => {
    const withUser = rateLimitPolicy(
      rateLimitRulesSchema.parse({
        roles: { duty_officer: { rate: { requests: 900, perSeconds: 60 } } },
        users: { "person-2": { rate: { requests: 5, perSeconds: 60 } } },
      }),
    );
    const overridden = withUser.subjectOf(person("officer", "person-2", ["duty_officer"]), "x")?.tier;
    expect(overridden).toEqual({ name: "user", rate: { requests: 5, perSeconds: 60 }, dailyCost: null });
    expect(withUser.subjectOf(person("officer", "person-2"), "y")?.tier).toBe(overridden);
    expect(withUser.subjectOf(person("officer", "person-3", ["duty_officer"]), "x")?.tier.name).toBe(
      "role:duty_officer",
    );
    // A person id names no app, and an app id no person.
    expect(withUser.subjectOf(person("app", "person-2"), "x")?.tier.name).toBe("app");
  });

  it("takes the identity service's rules in place of the setting's, keeping the setting's switch and token rate", () => {
    const setting = rateLimitRulesSchema.parse({
      tiers: { app: { rate: { requests: 7, perSeconds: 60 } } },
      apps: { "app-portal": { dailyCost: 10 } },
      oauth: { requests: 5, perSeconds: 60 },
    });
    const rules = rulesFromIdentity(setting, {
      revision: 12,
      rules: { tiers: { app: { rate: { requests: 3, perSeconds: 60 } } }, roles: {}, apps: {}, users: {} },
    });
    expect(rules).toEqual({
      enabled: true,
      tiers: { app: { rate: { requests: 3, perSeconds: 60 } } },
      roles: {},
      apps: {},
      users: {},
      oauth: { requests: 5, perSeconds: 60 },
    });
    expect(() => rulesFromIdentity(setting, { revision: 13, rules: { tiers: { robot: {} } } })).toThrow();
  });

  it("refuses unknown keys, kinds and non-positive numbers", () => {
    for (const bad of [
      { tier: {} },
      { tiers: { system: { dailyCost: 5 } } },
      { tiers: { app: { rate: { requests: 0, perSeconds: 60 } } } },
      { apps: { "app-x": { rate: { requests: 10 } } } },
      { oauth: { requests: 10, perSeconds: 60, burst: 3 } },
    ]) {
      expect(rateLimitRulesSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe("the budgets' day", () => {
  it("is the Asia/Shanghai calendar day, turning at 16:00 UTC", () => {
    expect(shanghaiDay(Date.parse("2026-12-05T15:59:59Z"))).toEqual({
      day: "2026-12-05",
      nextDayStartsAt: Date.parse("2026-12-06T00:00:00+08:00"),
    });
    expect(shanghaiDay(Date.parse("2026-12-05T16:00:00Z")).day).toBe("2026-12-06");
    expect(shanghaiDay(Date.parse("2026-12-31T20:00:00Z")).day).toBe("2027-01-01");
  });
});

describe("RateLimit-* headers", () => {
  it("say the limit, what is left, the seconds to the reset and the policy", () => {
    expect(
      rateLimitHeaders({ limit: "requests", max: 600, remaining: 12, resetSeconds: 31, windowSeconds: 60 }),
    ).toEqual({
      "ratelimit-limit": "600",
      "ratelimit-remaining": "12",
      "ratelimit-reset": "31",
      "ratelimit-policy": "600;w=60",
    });
  });
});

describe("rate-limit settings", () => {
  const load = (env: Record<string, string>) =>
    loadGatewayConfig({ ENVELOPE_PRIVATE_KEY: testEnvelopeKeys.privateKey, ...env });

  it("default to the tiers, memory counters and the memory fallback for every limit", () => {
    const config = load({});
    expect(config.RATE_LIMITS).toEqual({ enabled: true, tiers: {}, roles: {}, apps: {}, users: {} });
    // Limits as data: the identity service's rules, RATE_LIMITS until they are read.
    expect(config.RATE_LIMITS_SOURCE).toBe("identity");
    expect(config.REDIS_URL).toBeUndefined();
    expect(config.RATE_LIMIT_FALLBACKS).toEqual({ requests: "memory", dailyCost: "memory", oauth: "memory" });
    expect(config.RATE_LIMIT_STORE_TIMEOUT_MS).toBe(100);
  });

  it("report every problem at once: RATE_LIMITS, REDIS_URL and RATE_LIMIT_FALLBACKS", () => {
    expect(() =>
      load({
        RATE_LIMITS: '{"tiers":{"app":{"dailyCost":-1}}}',
        REDIS_URL: "http://127.0.0.1:6379",
        RATE_LIMIT_FALLBACKS: "requests=closed,quota=open,oauth=maybe",
      }),
    ).toThrow(
      /RATE_LIMITS\.tiers\.app\.dailyCost: .*\n.*REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL\n.*RATE_LIMIT_FALLBACKS: "quota=open" is not limit=mode.*\n.*RATE_LIMIT_FALLBACKS: "oauth=maybe" is not limit=mode/,
    );
    expect(() => load({ RATE_LIMITS: "{tiers" })).toThrow(/RATE_LIMITS: is not JSON/);
  });

  it("parse fallbacks per limit", () => {
    expect(load({ RATE_LIMIT_FALLBACKS: "requests=open, dailyCost=closed" }).RATE_LIMIT_FALLBACKS).toEqual({
      requests: "open",
      dailyCost: "closed",
      oauth: "memory",
    });
  });
});
