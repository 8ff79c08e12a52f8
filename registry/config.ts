/** Schema registry configuration: one zod schema over the environment, every problem reported at once. */
import { z } from "zod";
import { parseConfig } from "../lib/config.ts";
import { publicOriginSchema } from "../lib/publicOrigin.ts";

const keyList = z
  .string()
  .default("")
  .transform((value) =>
    value
      .split(",")
      .map((key) => key.trim())
      .filter(Boolean),
  );

export const registryConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4110),
  HOST: z.string().min(1).default("127.0.0.1"),
  /** PostgreSQL connection string (schema `registry`, role `og_registry`); absent: embedded PGlite. */
  DATABASE_URL: z.string().optional(),
  /** Folder of the embedded database; absent (and no DATABASE_URL): in memory. */
  REGISTRY_DATA_DIR: z.string().optional(),
  /** The identity service: department and security-administrator tokens are verified with its JWKS. */
  IDENTITY_URL: z.url().default("http://127.0.0.1:4108"),
  TOKEN_ISSUER: z.string().min(1).default("https://id.jingan.one-graph.local"),
  TOKEN_AUDIENCE: z.string().min(1).default("jingan-one-graph"),
  /**
   * The gateway's public origin: people signed in through single sign-on (the portal) hold tokens issued as
   * `<PUBLIC_ORIGIN>/oidc` for `<PUBLIC_ORIGIN>/graphql`, accepted beside TOKEN_ISSUER's (lib/publicOrigin.ts).
   */
  PUBLIC_ORIGIN: publicOriginSchema,
  TOKEN_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  /**
   * The gateway's envelope public key(s), base64 spki, comma-separated: the supergraph and usage routes answer only
   * requests the gateway signed. Empty: those routes refuse every request.
   */
  ENVELOPE_PUBLIC_KEYS: keyList,
  /**
   * The registry's own envelope key (Ed25519, base64 pkcs8): it signs department manifests it delivers to identity and
   * catalog, whose ENVELOPE_PUBLIC_KEYS list its public key. Absent: a publish with a manifest is refused
   * (MANIFEST_DELIVERY_FAILED), since nothing could deliver it.
   */
  ENVELOPE_PRIVATE_KEY: z.string().min(1).optional(),
  /** The catalog service, which takes the data-resource entries of a department manifest. */
  CATALOG_URL: z.url().default("http://127.0.0.1:4101"),
  /** A breaking change to a field some client used within this many hours is refused, naming the clients. */
  USAGE_WINDOW_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 400)
    .default(24 * 30),
  /** On an empty registry, register the district's subgraphs (subgraphs/<name>/schema.graphql) as their version 1. */
  REGISTRY_BOOTSTRAP: z
    .enum(["true", "false"])
    .default("true")
    .transform((value) => value === "true"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type RegistryConfig = z.infer<typeof registryConfigSchema>;

export function loadRegistryConfig(env: Record<string, string | undefined>): RegistryConfig {
  return parseConfig(registryConfigSchema, env);
}
