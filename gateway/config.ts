/**
 * Gateway configuration: one zod schema over the environment, validated at start-up with every problem reported
 * at once. Modules receive the typed result and never read `process.env` themselves.
 */
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { parseConfig } from "../lib/config.ts";

const DEFAULT_SUPERGRAPH = fileURLToPath(new URL("../schema/supergraph.graphql", import.meta.url));

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
        kind: z.enum(["officer", "resident"]).default("officer"),
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

export const gatewayConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().min(1).default("127.0.0.1"),
  /** The Federation 2 supergraph to serve; reloaded when the file changes. */
  SUPERGRAPH_PATH: z.string().min(1).default(DEFAULT_SUPERGRAPH),
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
  /** `aud` every accepted access token must carry. */
  TOKEN_AUDIENCE: z.string().min(1).default("jingan-one-graph"),
  TOKEN_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  /** How often revoked sessions are fetched from the identity service. */
  REVOCATION_POLL_MS: z.coerce.number().int().positive().default(2000),
  /** Departments' own identity providers trusted by issuer and JWKS, with their claims mapped (JSON array). */
  TRUSTED_ISSUERS: externalIssuers,
  /** Operation limits: defaults, per role and per integrator app (JSON; see docs/gateway.md). */
  OPERATION_LIMITS: operationLimits,
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
  /** Longest wait for in-flight requests on shutdown. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().positive().default(10_000),
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

export function loadGatewayConfig(env: Record<string, string | undefined>): GatewayConfig {
  return parseConfig(gatewayConfigSchema, env);
}
