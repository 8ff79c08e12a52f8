/**
 * Gateway configuration: one zod schema over the environment, validated at start-up with every problem reported
 * at once. Modules receive the typed result and never read `process.env` themselves.
 */
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { ConfigError, parseConfig } from "../lib/config.ts";
import { EXTERNAL_ISSUER_KINDS } from "../lib/contracts/principal.ts";
import { developmentKeyProblems } from "../lib/developmentSecrets.ts";
import { rateLimitRulesSchema } from "../lib/limits/rateLimitRules.ts";
import { publicOriginSchema } from "../lib/publicOrigin.ts";
import { parseCidr } from "./auth/clientAddress.ts";

const DEFAULT_SUPERGRAPH = fileURLToPath(new URL("../schema/supergraph.graphql", import.meta.url));
const DEFAULT_PORTAL_DIR = fileURLToPath(new URL("../portal/dist", import.meta.url));

const subgraphUrls = z
  .string()
  .default("")
  .transform((value, ctx) => {
    const urls: Record<string, string> = {};
    for (const pair of value
      .split(",")
      .map((p) => p.trim())
      .filter(Boolean)) {
      const [name, url] = pair.split("=", 2).map((s) => s.trim());
      if (!name || !url || !URL.canParse(url)) {
        ctx.addIssue({ code: "custom", message: `"${pair}" is not name=url (e.g. health=http://health:4102/graphql)` });
        continue;
      }
      urls[name] = url;
    }
    return urls;
  });

/** Comma-separated CIDRs (or single addresses) of the proxies in front of the gateway; none by default. */
const trustedProxies = z
  .string()
  .default("")
  .transform((value, ctx) => {
    const cidrs = value
      .split(",")
      .map((entry) => entry.trim())
      .filter(Boolean);
    for (const cidr of cidrs) {
      try {
        parseCidr(cidr);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: `${(error as Error).message}; write CIDRs like 10.0.0.0/8,fd00::/8` });
      }
    }
    return cidrs;
  });

const externalIssuers = z
  .string()
  .default("[]")
  .transform((value, ctx) => {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "is not JSON (an array of issuer mappings, see docs/identity.md)" });
      return z.NEVER;
    }
  })
  .pipe(
    z.array(
      z.object({
        issuer: z.string().min(1),
        jwksUrl: z.url(),
        audience: z.string().min(1),
        algorithms: z
          .array(z.enum(["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]))
          .min(1),
        departmentId: z.string().regex(/^dept-[a-z-]+$/),
        kind: z.enum(EXTERNAL_ISSUER_KINDS).default("officer"),
        rolesClaim: z.string().min(1),
        roleMap: z.record(z.string(), z.string()),
        scopes: z.array(z.string()).default([]),
        streetsClaim: z.string().optional(),
      }),
    ),
  );

const limitOverrides = z
  .object({
    depth: z.number().int().positive(),
    expandedFields: z.number().int().positive(),
    aliases: z.number().int().min(0),
    rootFields: z.number().int().positive(),
    directives: z.number().int().min(0),
    cost: z.number().int().positive(),
    pageSize: z.number().int().positive(),
  })
  .partial()
  .strict();

const operationLimits = z
  .string()
  .default("{}")
  .transform((value, ctx) => {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "is not JSON ({ default?, roles?, apps? }, see docs/gateway.md)" });
      return z.NEVER;
    }
  })
  .pipe(
    z
      .object({
        default: limitOverrides.default({}),
        roles: z.record(z.string(), limitOverrides).default({}),
        apps: z.record(z.string(), limitOverrides).default({}),
      })
      .strict(),
  );

/** Rate limits and quotas: tiers per principal kind, overrides per role and app (JSON; docs/limits.md). */
const rateLimits = z
  .string()
  .default("{}")
  .transform((value, ctx) => {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      ctx.addIssue({
        code: "custom",
        message: "is not JSON ({ tiers?, roles?, apps?, users?, oauth? }, see docs/limits.md)",
      });
      return z.NEVER;
    }
  })
  .pipe(rateLimitRulesSchema);

const FALLBACK_LIMITS = ["requests", "dailyCost", "oauth"] as const;
const FALLBACK_MODES = ["memory", "open", "closed"] as const;

/** `limit=mode,…` for the limits requests, dailyCost and oauth; each unnamed limit falls back to `memory`. */
const rateLimitFallbacks = z
  .string()
  .default("")
  .transform((value, ctx) => {
    const fallbacks: Record<(typeof FALLBACK_LIMITS)[number], (typeof FALLBACK_MODES)[number]> = {
      requests: "memory",
      dailyCost: "memory",
      oauth: "memory",
    };
    for (const pair of value
      .split(",")
      .map((p) => p.trim())
      .filter(Boolean)) {
      const [limit, mode] = pair.split("=", 2).map((s) => s.trim());
      if (
        !FALLBACK_LIMITS.includes(limit as (typeof FALLBACK_LIMITS)[number]) ||
        !FALLBACK_MODES.includes(mode as (typeof FALLBACK_MODES)[number])
      ) {
        ctx.addIssue({
          code: "custom",
          message: `"${pair}" is not limit=mode with a limit of ${FALLBACK_LIMITS.join("|")} and a mode of ${FALLBACK_MODES.join("|")} (e.g. requests=memory,dailyCost=closed)`,
        });
        continue;
      }
      fallbacks[limit as (typeof FALLBACK_LIMITS)[number]] = mode as (typeof FALLBACK_MODES)[number];
    }
    return fallbacks;
  });

/** Exact browser origins (`scheme://host[:port]`), no paths and no wildcards. */
const origins = z
  .string()
  .default("")
  .transform((value, ctx) => {
    const list: string[] = [];
    for (const origin of value
      .split(",")
      .map((o) => o.trim())
      .filter(Boolean)) {
      if (!URL.canParse(origin) || new URL(origin).origin !== origin) {
        ctx.addIssue({ code: "custom", message: `"${origin}" is not an origin (e.g. https://portal.jingan.gov.cn)` });
        continue;
      }
      list.push(origin);
    }
    return list;
  });

export const gatewayConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().min(1).default("127.0.0.1"),
  /** The built portal served under /portal/ (gateway/portal/portalRoutes.ts, docs/portal.md); default portal/dist. */
  PORTAL_DIR: z.string().min(1).default(DEFAULT_PORTAL_DIR),
  /** The Federation 2 supergraph to serve; reloaded when the file changes. */
  SUPERGRAPH_PATH: z.string().min(1).default(DEFAULT_SUPERGRAPH),
  /**
   * The department owning each subgraph, for metering (gateway/supergraph/subgraphOwners.ts); default: beside
   * SUPERGRAPH_PATH (`schema/supergraph.owners.json`, written by `npm run compose`). Missing: fetches count under `none`.
   */
  SUBGRAPH_OWNERS_PATH: z.string().min(1).optional(),
  /**
   * Where the supergraph comes from: `file` (SUPERGRAPH_PATH, reloaded on change; local use) or `registry` (the
   * schema registry's current revision, polled every REGISTRY_POLL_MS; docs/registry.md).
   */
  SUPERGRAPH_SOURCE: z.enum(["file", "registry"]).default("file"),
  /** The schema registry's base URL (required with SUPERGRAPH_SOURCE=registry). */
  REGISTRY_URL: z.url().optional(),
  /**
   * How often the field usage counted per client and hour is sent to the registry (REGISTRY_URL); 0 records none.
   */
  FIELD_USAGE_FLUSH_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  /** How often the registry's current supergraph revision is polled. */
  REGISTRY_POLL_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  /** Overrides of subgraph URLs from the supergraph: `name=url,name=url` (deployments, tests). */
  SUBGRAPH_URLS: subgraphUrls,
  /** Ed25519 private key (base64 pkcs8) that signs the identity envelope sent to every subgraph. */
  ENVELOPE_PRIVATE_KEY: z
    .string({ error: "is required: the Ed25519 key (base64 pkcs8) that signs envelopes to subgraphs" })
    .min(1, "is required: the Ed25519 key (base64 pkcs8) that signs envelopes to subgraphs"),
  /** Base URL of the district identity service: JWKS, revoked sessions, and the /oauth endpoints proxied to it. */
  IDENTITY_URL: z.url().default("http://127.0.0.1:4108"),
  /** `iss` of district access tokens. */
  TOKEN_ISSUER: z.string().min(1).default("https://id.jingan.one-graph.local"),
  /**
   * The origin browsers reach this gateway at (lib/publicOrigin.ts). The identity service's OpenID Connect provider
   * issues as `<PUBLIC_ORIGIN>/oidc`, its access tokens for `<PUBLIC_ORIGIN>/graphql`: the gateway accepts those too.
   */
  PUBLIC_ORIGIN: publicOriginSchema,
  /** `aud` every accepted access token must carry. */
  TOKEN_AUDIENCE: z.string().min(1).default("jingan-one-graph"),
  TOKEN_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  /** How often revoked sessions are fetched from the identity service. */
  REVOCATION_POLL_MS: z.coerce.number().int().positive().default(2000),
  /** Departments' own identity providers trusted by issuer and JWKS, with their claims mapped (JSON array). */
  TRUSTED_ISSUERS: externalIssuers,
  /** Operation limits: defaults, per role and per integrator app (JSON; see docs/gateway.md). */
  OPERATION_LIMITS: operationLimits,
  // Rate limits and quotas (docs/limits.md).
  /** Request rates per app, user and anonymous address, daily cost budgets, the /oauth/* rate (JSON). */
  RATE_LIMITS: rateLimits,
  /**
   * Redis for the rate-limit counters, shared by every gateway replica (`redis://host:6379/1`, `rediss://` for TLS).
   * Absent: counters in this process's memory (one replica, the one-command start).
   */
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: "must be a redis:// or rediss:// URL" }).optional(),
  /** Prefix of the rate-limit keys in Redis. */
  RATE_LIMIT_KEY_PREFIX: z.string().min(1).max(100).default("og:rate-limit:"),
  /** Longest wait for one Redis command of a limit decision; past it the limit's fallback applies. */
  RATE_LIMIT_STORE_TIMEOUT_MS: z.coerce.number().int().min(5).max(5_000).default(100),
  /**
   * Most decisions one lease of a rate-limit counter covers (gateway/limits/leasedCounter.ts): a process takes up to
   * this many units from Redis at once and spends them locally. 1: every decision asks the store.
   */
  RATE_LIMIT_MAX_LEASE: z.coerce.number().int().min(1).max(10_000).default(64),
  /** What each limit does while Redis is unreachable: `requests=memory,dailyCost=memory,oauth=memory` (default). */
  RATE_LIMIT_FALLBACKS: rateLimitFallbacks,
  /**
   * Where the rate limits come from: `identity` (default) — the overrides security admins manage in the identity
   * service, polled every POLICY_POLL_MS, with RATE_LIMITS until the first poll succeeds; `setting` — RATE_LIMITS only
   * (measurements, tests that fix their own limits).
   */
  RATE_LIMITS_SOURCE: z.enum(["identity", "setting"]).default("identity"),
  /** Where the rate limits are read; default `${IDENTITY_URL}/access/rate-limits`. */
  RATE_LIMITS_URL: z.url().optional(),
  // Metering (docs/limits.md, "Metering").
  /** Where the per-minute usage per app and department is sent; default `${IDENTITY_URL}/usage/records`. */
  USAGE_URL: z.url().optional(),
  /** How often the gateway sends its usage aggregates (one signed POST per flush, nothing when idle). */
  USAGE_FLUSH_MS: z.coerce.number().int().min(100).max(600_000).default(60_000),
  /** Largest number of tokens a GraphQL document may have; longer documents fail to parse (400). */
  MAX_TOKENS: z.coerce.number().int().positive().default(3000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  /** How long a subgraph may take to answer the readiness probe. */
  READINESS_TIMEOUT_MS: z.coerce.number().int().positive().default(2000),
  /** Longest wait for in-flight requests on shutdown (SIGTERM), SHUTDOWN_DELAY_MS included. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().positive().default(10_000),
  /**
   * On SIGTERM, how long the gateway keeps listening after /readyz turned not ready, so load balancers that probe it
   * see it leave before it refuses connections; requests arriving meanwhile get 503 SHUTTING_DOWN (not run).
   * At most SHUTDOWN_GRACE_MS.
   */
  SHUTDOWN_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  // Authorization (docs/authorization.md).
  /** `filter`: denied fields come back null with FIELD_NOT_AUTHORIZED; `reject`: the whole operation is refused. */
  AUTHORIZATION_MODE: z.enum(["filter", "reject"]).default("filter"),
  /** How often the active access policies are polled from the identity service; a change applies within this. */
  POLICY_POLL_MS: z.coerce.number().int().min(100).max(60_000).default(1_000),
  /** Where the active access policies are read; default `${IDENTITY_URL}/access/policies`. */
  ACCESS_POLICIES_URL: z.url().optional(),
  /**
   * Where the purpose registry is read (polled every POLICY_POLL_MS); default `${IDENTITY_URL}/access/purposes`.
   * A declared purpose (x-og-purpose) that the registry does not allow for the caller ends the request with 403.
   */
  PURPOSES_URL: z.url().optional(),
  /**
   * Where the trusted documents are read (polled every POLICY_POLL_MS); default
   * `${IDENTITY_URL}/access/trusted-documents`. Apps in trusted-documents mode run only the operations listed there.
   */
  TRUSTED_DOCUMENTS_URL: z.url().optional(),
  /**
   * The audit service (data-access audit trail, docs/audit.md). Operations that read classified data are recorded
   * there; without it nothing is recorded, which production mode refuses.
   */
  AUDIT_URL: z.url().optional(),
  /**
   * Longest an answer with classified data waits for the audit service to confirm its record (never past the request
   * deadline); after it, the answer is 503 AUDIT_UNAVAILABLE with the classified fields withheld.
   */
  AUDIT_WAIT_MS: z.coerce.number().int().min(50).max(120_000).default(2_000),
  /** Answers that may wait for the audit service at once; beyond, 503 AUDIT_UNAVAILABLE at once (bounded memory). */
  AUDIT_MAX_WAITING: z.coerce.number().int().min(1).max(100_000).default(2_000),
  // Request hygiene and resilient subgraph traffic (docs/gateway.md: "Deadline, timeouts, retries, breakers" and
  // "Request hygiene").
  /** Longest time one request may take; every subgraph fetch gets at most the time left. */
  REQUEST_DEADLINE_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** Timeout of one subgraph fetch (one attempt). */
  SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(10).max(120_000).default(5_000),
  /** Per-subgraph timeouts: `name=ms,name=ms` (e.g. parking=8000 for a legacy-backed department). */
  SUBGRAPH_TIMEOUTS: namedNumbers("parking=8000"),
  /** Retries of a failed idempotent (query) fetch, with exponential backoff; mutations are never retried. */
  SUBGRAPH_RETRIES: z.coerce.number().int().min(0).max(5).default(2),
  /**
   * Subgraphs that accept batched requests (a JSON array; every subgraph built with subgraphs/kit does): `all`, or
   * `name,name`. The parallel fetches one request makes to such a subgraph go as one request. None by default: a
   * foreign subgraph may refuse batches (docs/gateway.md, "Fewer fetches").
   */
  SUBGRAPH_BATCHING: z
    .string()
    .default("")
    .transform((value) =>
      value.trim() === "all"
        ? "all"
        : value
            .split(",")
            .map((name) => name.trim())
            .filter(Boolean),
    )
    .refine((value) => value === "all" || value.every((name) => /^[a-z][a-z0-9_]*$/.test(name)), {
      message: "SUBGRAPH_BATCHING is `all` or subgraph names separated by commas (e.g. catalog,health)",
    }),
  /**
   * Plan alignment (docs/gateway.md, "Plan alignment"): `on` rewrites Apollo's plans so that parallel branches' later
   * entity fetches to one batching subgraph (SUBGRAPH_BATCHING) start together and go as one request; `off` runs the
   * plans as Apollo built them. It never changes an answer; without batching subgraphs it changes nothing.
   */
  PLAN_ALIGNMENT: z.enum(["on", "off"]).default("on"),
  /**
   * Who runs the query plans (docs/gateway.md, "The plan executor"): `own` (gateway/execution/planExecutor.ts: the
   * plan's fetches as Apollo runs them, shaped in one walk with masking and the audit's subjects) or `apollo` (Apollo
   * Gateway's executor, then our shaping where fields are masked or denied). The same answers either way.
   */
  EXECUTOR: z.enum(["own", "apollo"]).default("own"),
  /**
   * How far V8 lets the heap grow past what its last full collection kept, in percent (docs/gateway.md, "Memory"):
   * 50 lets it reach 1.5× the live set before collecting again. 0 leaves V8's own factor (1.1× to 4×, by how fast it
   * collects), under which the gateway's heap grew to 2–3× its live set and past 400 MB under load. Applied by
   * gateway/main.ts when the process starts.
   */
  HEAP_GROWTH_PERCENT: z.coerce.number().int().min(0).max(300).default(50),
  /**
   * The response cache for public data (docs/gateway.md, "Response cache"): `off`, `memory` (this process) or `redis`
   * (shared through REDIS_URL). Off by default: public data also changes without a mutation through the gateway.
   */
  RESPONSE_CACHE: z.enum(["off", "memory", "redis"]).default("off"),
  /** How long a cached public answer is served, unless RESPONSE_CACHE_TTLS names its subgraph. */
  RESPONSE_CACHE_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(30),
  /** Per-subgraph TTLs, `name=seconds,name=seconds`; 0 never caches that subgraph (e.g. `parking=0`). */
  RESPONSE_CACHE_TTLS: namedNumbers("catalog=300,parking=0", { unit: "seconds", min: 0, max: 86_400 }),
  /** Memory mode: most bytes of cached answers this process keeps (least recently used go first). */
  RESPONSE_CACHE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1_024)
    .default(64 * 1024 * 1024),
  /** Prefix of the response cache's keys in Redis. */
  RESPONSE_CACHE_KEY_PREFIX: z.string().min(1).max(100).default("og:response-cache:"),
  /** Redis mode: how long a replica reuses a subgraph's generation (its staleness after a mutation elsewhere). */
  RESPONSE_CACHE_GENERATION_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
  /** Redis mode: longest wait for one cache command; past it the fetch goes to the subgraph. */
  RESPONSE_CACHE_TIMEOUT_MS: z.coerce.number().int().min(5).max(5_000).default(50),
  /** Consecutive failed fetches that open a subgraph's circuit breaker. */
  BREAKER_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
  /** How long an open breaker fails fast before one trial fetch (half-open). */
  BREAKER_OPEN_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  /** Browser origins allowed to call the gateway (CORS): `https://a.example,https://b.example`; none by default. */
  CORS_ORIGINS: origins,
  /**
   * The load balancers or ingress proxies in front of the gateway, as CIDRs (`10.0.0.0/8,fd00::/8`); default none.
   * `X-Forwarded-For` is read only when the socket's peer is in this list (gateway/auth/clientAddress.ts); the client
   * address so derived is signed into every envelope (the identity service's login throttles use it).
   */
  TRUSTED_PROXIES: trustedProxies,
  /** `Strict-Transport-Security` max-age in seconds; 0 (default) sends no HSTS header (set it behind TLS). */
  HSTS_MAX_AGE_SECONDS: z.coerce.number().int().min(0).max(63_072_000).default(0),
  /** Production mode (introspection and suggestions only for INTROSPECTION_ROLES); default: NODE_ENV=production. */
  PRODUCTION_MODE: z
    .enum(["true", "false"])
    .optional()
    .transform((value) => (value === undefined ? undefined : value === "true")),
  /** Roles that may introspect the schema and see "Did you mean …" suggestions in production mode. */
  INTROSPECTION_ROLES: z
    .string()
    .default("security_admin")
    .transform((value) =>
      value
        .split(",")
        .map((role) => role.trim())
        .filter(Boolean),
    ),
});

/** `name=number,name=number` into a record of whole numbers in [min, max]; each problem reported. */
function namedNumbers(example: string, { unit = "milliseconds", min = 1, max = Number.MAX_SAFE_INTEGER } = {}) {
  return z
    .string()
    .default("")
    .transform((value, ctx) => {
      const result: Record<string, number> = {};
      for (const pair of value
        .split(",")
        .map((p) => p.trim())
        .filter(Boolean)) {
        const [name, raw] = pair.split("=", 2).map((s) => s.trim());
        const number = Number(raw);
        if (!name || !raw || !Number.isInteger(number) || number < min || number > max) {
          ctx.addIssue({ code: "custom", message: `"${pair}" is not name=${unit} (e.g. ${example})` });
          continue;
        }
        result[name] = number;
      }
      return result;
    });
}

/** Whether the gateway runs in production mode: PRODUCTION_MODE when set, otherwise NODE_ENV=production. */
export function isProductionMode(config: Pick<GatewayConfig, "PRODUCTION_MODE" | "NODE_ENV">): boolean {
  return config.PRODUCTION_MODE ?? config.NODE_ENV === "production";
}

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

export function loadGatewayConfig(env: Record<string, string | undefined>): GatewayConfig {
  const config = parseConfig(gatewayConfigSchema, env);
  if (config.SUPERGRAPH_SOURCE === "registry" && !config.REGISTRY_URL) {
    throw new ConfigError(["REGISTRY_URL: SUPERGRAPH_SOURCE=registry needs the schema registry's URL."]);
  }
  if (config.RESPONSE_CACHE === "redis" && !config.REDIS_URL) {
    throw new ConfigError(["REDIS_URL: RESPONSE_CACHE=redis keeps the cache in Redis; set REDIS_URL (or use memory)."]);
  }
  if (isProductionMode(config)) {
    // Production starts with nothing a developer's laptop holds: every problem named at once.
    const problems = developmentKeyProblems(env);
    if (!config.AUDIT_URL) {
      problems.push("AUDIT_URL: production mode records every access to classified data; set the audit service's URL.");
    }
    if (problems.length > 0) throw new ConfigError(problems);
  }
  return config;
}
