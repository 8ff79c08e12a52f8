/**
 * A schema registry under test (registry/registryService.ts): its own database (test/support/database.ts), tokens
 * from a test issuer whose JWKS it trusts (IDENTITY_URL), the test envelope key for the gateway's routes, silent logs.
 * `delivery` and `operations` replace what ENVELOPE_PRIVATE_KEY would configure (manifest delivery to identity and
 * catalog, trusted operations at identity); `config` overrides any environment variable.
 */
import { registryConfigSchema } from "../../registry/config.ts";
import type { ManifestDelivery } from "../../registry/delivery.ts";
import { type RegistryServer, startRegistry } from "../../registry/registryService.ts";
import type { TrustedOperationStore } from "../../registry/trustedOperations.ts";
import { createTestDatabase, type TestDatabase } from "./database.ts";
import { testEnvelopeKeys } from "./envelope.ts";
import { districtClaims, es256Keys, publicJwk, signToken, startTestIssuer, type TestIssuer } from "./tokens.ts";

export interface TestRegistry {
  registry: RegistryServer;
  url: string;
  issuer: TestIssuer;
  database: TestDatabase;
  /** A bearer token the registry accepts: an officer of dept-health unless `claims` say otherwise. */
  token(claims?: Record<string, unknown>): string;
  /** One JSON request to the registry, with a bearer token or none. */
  call(method: string, path: string, bearer: string | null, body?: unknown): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

export async function startTestRegistry(
  options: { config?: Record<string, string>; delivery?: ManifestDelivery; operations?: TrustedOperationStore } = {},
): Promise<TestRegistry> {
  const keys = es256Keys();
  const issuer = await startTestIssuer([publicJwk(keys.publicKey, "k1")]);
  const database = await createTestDatabase();
  const registry = await startRegistry(
    registryConfigSchema.parse({
      PORT: "0",
      DATABASE_URL: database.url,
      IDENTITY_URL: issuer.url,
      ENVELOPE_PUBLIC_KEYS: testEnvelopeKeys.publicKey,
      LOG_LEVEL: "silent",
      ...options.config,
    }),
    { delivery: options.delivery, operations: options.operations },
  );
  return {
    registry,
    url: registry.url,
    issuer,
    database,
    token: (claims = {}) => signToken(districtClaims(claims), keys.privateKey, "k1"),
    async call(method, path, bearer, body) {
      const response = await fetch(`${registry.url}${path}`, {
        method,
        headers: { "content-type": "application/json", ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json().catch(() => null)) as any };
    },
    async stop() {
      await registry.stop();
      await issuer.stop();
      await database.drop();
    },
  };
}
