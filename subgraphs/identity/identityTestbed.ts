/** What identity's test files share: one seeded identity service per file on a movable clock, the token endpoints as the gateway calls them, and GraphQL as a given principal. */
import { createPublicKey, type JsonWebKey } from "node:crypto";
import jwt, { type JwtPayload } from "jsonwebtoken";
import { afterAll, beforeAll, expect } from "vitest";
import { revokedSessionsSchema } from "../../lib/contracts/revokedSessions.ts";
import type { Principal } from "../../lib/principal.ts";
import { SYSTEM_SCOPES } from "../../lib/wire.ts";
import { gatewayCaller, signedGet, signedHeaders } from "../../test/support/envelope.ts";
import { IDENTITY_PROXY } from "../../test/support/identityClient.ts";
import { IDENTITY_SEED_FAMILY, IDENTITY_SEED_INSTANT, TEST_SEED_DATE } from "../../test/support/seedDate.ts";
import { graphql, startTestSubgraph } from "../../test/support/subgraphs.ts";
import type { SubgraphService } from "../kit/service.ts";
import { createIdentitySubgraph } from "./index.ts";
import type { IdentityPrisma } from "./loaders.ts";
import { DEFAULT_ISSUER } from "./options.ts";

/** The tests' clock: a fixed start that tests move forward (throttle delays, lockout, key-rotation overlap). */
export let clock = IDENTITY_SEED_INSTANT;
export const advance = (seconds: number) => {
  clock = new Date(clock.getTime() + seconds * 1000);
};
export const identity = createIdentitySubgraph({ now: () => clock });

export let service: SubgraphService<IdentityPrisma>;
export let prisma: IdentityPrisma;
export let base: string;

// ---------------------------------------------------------------------------------------------------------------
// Helpers: the token endpoints as the gateway calls them, and GraphQL as a given principal.

export let addressCounter = 0;
/** A fresh documentation-range address, so tests do not share a per-address throttle unless they mean to. */
export const freshAddress = () => `192.0.2.${(addressCounter++ % 250) + 1}`;

interface PostOptions {
  /** Client address the gateway signs into the envelope; default a fresh one. */
  ip?: string;
  /** Send the request without an envelope, as a caller that reaches the service directly. */
  direct?: boolean;
  json?: boolean;
  headers?: Record<string, string>;
}

export async function post(path: string, params: Record<string, string>, options: PostOptions = {}) {
  const body = options.json ? JSON.stringify(params) : new URLSearchParams(params).toString();
  const headers: Record<string, string> = {
    "content-type": options.json ? "application/json" : "application/x-www-form-urlencoded",
    ...(options.direct
      ? {}
      : signedHeaders(
          "identity",
          { method: "POST", path, body },
          { principal: IDENTITY_PROXY, purpose: "authentication", clientAddress: options.ip ?? freshAddress() },
        )),
    ...options.headers,
  };
  const response = await fetch(`${base}${path}`, { method: "POST", headers, body });
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

export const login = (username: string, password: string, options: PostOptions = {}) =>
  post("/oauth/token", { grant_type: "password", username, password }, options);

/** A one-time password opens nothing: the person chooses their own first (POST /oauth/password), then logs in. */
export async function loginReplacing(username: string, oneTime: string, chosen = "Jingan-chosen-2027") {
  expect((await post("/oauth/password", { username, password: oneTime, new_password: chosen })).status).toBe(200);
  return login(username, chosen);
}

export const refresh = (refreshToken: string) =>
  post("/oauth/token", { grant_type: "refresh_token", refresh_token: refreshToken });

export async function jwks(): Promise<{ status: number; headers: Headers; keys: Array<JsonWebKey & { kid: string }> }> {
  const response = await fetch(`${base}/.well-known/jwks.json`);
  return { status: response.status, headers: response.headers, keys: ((await response.json()) as any).keys };
}

export const REVOCATION_POLLER = gatewayCaller(SYSTEM_SCOPES.revocationsRead);

export async function revokedSessions(
  headers: Record<string, string> = signedGet("identity", `${base}/oauth/revoked-sessions?skew=30`, {
    principal: REVOCATION_POLLER,
  }),
) {
  const response = await fetch(`${base}/oauth/revoked-sessions?skew=30`, { headers });
  const body = await response.json();
  // A list must be what the gateway reads (lib/contracts/revokedSessions.ts); errors keep their own shape.
  return { status: response.status, body: (response.ok ? revokedSessionsSchema.parse(body) : body) as any };
}

/** Verifies an access token as the gateway does: jsonwebtoken, ES256 only, the key from the JWKS by kid. */
export async function verifyAccessToken(token: string): Promise<JwtPayload> {
  const decoded = jwt.decode(token, { complete: true });
  const jwk = (await jwks()).keys.find((key) => key.kid === decoded?.header.kid);
  if (!jwk) throw new Error(`kid ${decoded?.header.kid} is not in the JWKS`);
  return jwt.verify(token, createPublicKey({ key: jwk, format: "jwk" }), {
    algorithms: ["ES256"],
    issuer: DEFAULT_ISSUER,
    audience: "jingan-one-graph",
    clockTimestamp: Math.floor(clock.getTime() / 1000),
  }) as JwtPayload;
}

/** The principal the gateway derives from a token's claims and signs into the envelope. */
export function principalOf(accessToken: string): Principal {
  const claims = jwt.decode(accessToken) as JwtPayload;
  return {
    kind: claims.kind,
    id: claims.sub ?? null,
    roles: claims.roles,
    scopes: claims.scopes,
    departmentId: claims.dept,
    streetIds: claims.streets,
    residentId: claims.rid,
    sessionId: claims.sid,
    issuer: claims.iss ?? null,
  };
}

export async function principalFor(username: string, password: string): Promise<Principal> {
  const response = await login(username, password);
  expect(response.status).toBe(200);
  return principalOf(response.body.access_token);
}

export const ANONYMOUS_PRINCIPAL: Principal = {
  kind: "anonymous",
  id: null,
  roles: [],
  scopes: [],
  departmentId: null,
  streetIds: [],
  residentId: null,
  sessionId: null,
  issuer: null,
};

export async function gql(document: string, variables?: Record<string, unknown>, principal?: Principal) {
  return (await graphql(service.url, document, variables, {}, { principal })).body;
}

/** Runs an operation and returns how many SQL statements it cost. */
export async function sqlCost(document: string, variables: Record<string, unknown>, principal?: Principal) {
  const before = service.sqlQueries();
  const body = await gql(document, variables, principal);
  expect(body.errors).toBeUndefined();
  return { body, statements: service.sqlQueries() - before };
}

export function errorCode(body: { errors?: any[] }): string | undefined {
  return body.errors?.[0]?.extensions?.code;
}

export let admin: Principal;
export let auditor: Principal;
export let officer: Principal;
export let resident: Principal;

export const RESIDENT_PASSWORD = "Resident#2026";

// ---------------------------------------------------------------------------------------------------------------

/** Starts this file's subgraph before its tests and stops it after them; call it once at the top of a test file. */
export function useIdentitySubgraph(): void {
  beforeAll(async () => {
    // The three files of the test bed build the same module on the same clock: the first seeds, the others copy it.
    service = await startTestSubgraph(identity, { seedDate: TEST_SEED_DATE, snapshot: IDENTITY_SEED_FAMILY });
    prisma = service.prisma;
    base = service.url.replace(/\/graphql$/, "");
  });
  afterAll(async () => {
    await service?.stop();
  });
  beforeAll(async () => {
    admin = await principalFor("admin.security", "Admin#2026");
    auditor = await principalFor("auditor.chen", "Auditor#2026");
    officer = await principalFor("officer.health", "Officer#2026");
    resident = await principalFor("zhang.wei", "Resident#2026");
  });
}
