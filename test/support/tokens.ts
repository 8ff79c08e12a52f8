/**
 * A stand-in token issuer for gateway tests: publishes a JWKS, a revoked-sessions list, the active access policies and
 * the purpose registry like the identity service, and signs ES256 access tokens with the district's claims.
 */
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import jwt from "jsonwebtoken";

export const TEST_ISSUER = "https://id.jingan.one-graph.local";
export const TEST_AUDIENCE = "jingan-one-graph";

export const es256Keys = () => generateKeyPairSync("ec", { namedCurve: "P-256" });
export const publicJwk = (key: KeyObject, kid: string, alg = "ES256") => ({
  ...key.export({ format: "jwk" }),
  kid,
  alg,
  use: "sig",
});

export interface TestIssuer {
  url: string;
  state: {
    keys: object[];
    revoked: Array<{ sid: string; until: number }>;
    jwksFetches: number;
    /** GET /oauth/revoked-sessions requests received (the gateway's revocation polls). */
    revocationPolls: number;
    /** What GET /access/policies answers (the identity service's shape); bump `revision` with every change. */
    policies: {
      revision: number;
      policies: Array<{ name: string; version: number; description: string; rule: unknown }>;
    };
    /** What GET /access/purposes answers; bump `revision` with every change. */
    purposes: { revision: number; purposes: Array<Record<string, unknown> & { name: string; version: number }> };
  };
  /**
   * Resolves when `count` more revocation polls have arrived: a test waits for the gateway to have fetched (and, a
   * poll or two later, applied) a change instead of sleeping for a guessed time.
   */
  revocationPolls(count: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestIssuer(keys: object[] = []): Promise<TestIssuer> {
  const state: TestIssuer["state"] = {
    keys,
    revoked: [],
    jwksFetches: 0,
    revocationPolls: 0,
    policies: { revision: 0, policies: [] },
    purposes: { revision: 1, purposes: TEST_PURPOSES },
  };
  const pollWaiters = new Set<{ at: number; resolve: () => void }>();
  const server: Server = createServer((req, res) => {
    res.setHeader("content-type", "application/json");
    if (req.url === "/.well-known/jwks.json") {
      state.jwksFetches += 1;
      res.end(JSON.stringify({ keys: state.keys }));
    } else if (req.url?.startsWith("/oauth/revoked-sessions")) {
      state.revocationPolls += 1;
      for (const waiter of [...pollWaiters]) {
        if (state.revocationPolls >= waiter.at) {
          pollWaiters.delete(waiter);
          waiter.resolve();
        }
      }
      res.end(JSON.stringify({ sessions: state.revoked }));
    } else if (req.url?.startsWith("/access/policies")) {
      res.end(JSON.stringify(state.policies));
    } else if (req.url?.startsWith("/access/purposes")) {
      res.end(JSON.stringify(state.purposes));
    } else {
      res.statusCode = 404;
      res.end("{}");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    state,
    revocationPolls: (count) =>
      new Promise<void>((resolve) => pollWaiters.add({ at: state.revocationPolls + count, resolve })),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * The stand-in's purpose registry: purposes any officer may declare without a case, so gateway tests can exercise
 * policies that name them. The district's own registry (subgraphs/identity/access/seedPurposes.ts) is stricter.
 */
export const TEST_PURPOSES = ["medical-treatment", "service-contact", "research"].map((name) => ({
  name,
  version: 1,
  legalBasis: "test",
  description: `${name} (test registry)`,
  kinds: ["officer"],
  roles: [],
  departments: [],
  requiresCase: false,
  retentionDays: 30,
}));

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** District access-token claims for an officer of 区卫健委; override any of them. */
export function districtClaims(overrides: Record<string, unknown> = {}) {
  return {
    iss: TEST_ISSUER,
    aud: TEST_AUDIENCE,
    sub: "person-officer-health",
    kind: "officer",
    roles: ["officer"],
    // What the identity service issues to an officer of 区卫健委 (subgraphs/identity/roles.ts).
    scopes: ["graph:read", "catalog:read", "health:read", "clearance:sensitive"],
    dept: "dept-health",
    streets: ["street-linfenlu"],
    rid: null,
    sid: "sess-officer-1",
    iat: nowSeconds(),
    nbf: nowSeconds(),
    exp: nowSeconds() + 300,
    ...overrides,
  };
}

export function residentClaims(residentId: string, overrides: Record<string, unknown> = {}) {
  return districtClaims({
    sub: `person-${residentId}`,
    kind: "resident",
    roles: ["resident"],
    scopes: ["graph:read", "resident:self"],
    dept: null,
    streets: [],
    rid: residentId,
    sid: `sess-${residentId}`,
    ...overrides,
  });
}

export function signToken(payload: object, key: KeyObject, kid: string): string {
  return jwt.sign(payload, key, { algorithm: "ES256", keyid: kid });
}
