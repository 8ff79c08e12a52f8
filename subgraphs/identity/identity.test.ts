import { createPublicKey, type JsonWebKey } from "node:crypto";
import jwt, { type JwtPayload } from "jsonwebtoken";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "../../lib/principal.ts";
import { SYSTEM_SCOPES } from "../../lib/wire.ts";
import { gatewayCaller, signedGet, signedHeaders } from "../../test/support/envelope.ts";
import { IDENTITY_PROXY } from "../../test/support/identityClient.ts";
import { TEST_SEED_DATE } from "../../test/support/seedDate.ts";
import { graphql, startTestSubgraph } from "../../test/support/subgraphs.ts";
import type { SubgraphService } from "../kit/service.ts";
import { createIdentitySubgraph } from "./index.ts";
import type { IdentityPrisma } from "./loaders.ts";
import { DEFAULT_ISSUER } from "./options.ts";
import { countRows } from "./seed.ts";
import { isValidIdNumber, KNOWN_ACCOUNTS } from "./seedData.ts";

/** The tests' clock: a fixed start that tests move forward (throttle delays, lockout, key-rotation overlap). */
let clock = new Date("2026-12-01T09:00:00+08:00");
const advance = (seconds: number) => {
  clock = new Date(clock.getTime() + seconds * 1000);
};
const identity = createIdentitySubgraph({ now: () => clock });

let service: SubgraphService<IdentityPrisma>;
let prisma: IdentityPrisma;
let base: string;

beforeAll(async () => {
  service = await startTestSubgraph(identity, { seedDate: TEST_SEED_DATE });
  prisma = service.prisma;
  base = service.url.replace(/\/graphql$/, "");
});

afterAll(async () => {
  await service?.stop();
});

// ---------------------------------------------------------------------------------------------------------------
// Helpers: the token endpoints as the gateway calls them, and GraphQL as a given principal.

let addressCounter = 0;
/** A fresh documentation-range address, so tests do not share a per-address throttle unless they mean to. */
const freshAddress = () => `192.0.2.${(addressCounter++ % 250) + 1}`;

interface PostOptions {
  /** Client address the gateway signs into the envelope; default a fresh one. */
  ip?: string;
  /** Send the request without an envelope, as a caller that reaches the service directly. */
  direct?: boolean;
  json?: boolean;
  headers?: Record<string, string>;
}

async function post(path: string, params: Record<string, string>, options: PostOptions = {}) {
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

const login = (username: string, password: string, options: PostOptions = {}) =>
  post("/oauth/token", { grant_type: "password", username, password }, options);

/** A one-time password opens nothing: the person chooses their own first (POST /oauth/password), then logs in. */
async function loginReplacing(username: string, oneTime: string, chosen = "Jingan-chosen-2027") {
  expect((await post("/oauth/password", { username, password: oneTime, new_password: chosen })).status).toBe(200);
  return login(username, chosen);
}

const refresh = (refreshToken: string) =>
  post("/oauth/token", { grant_type: "refresh_token", refresh_token: refreshToken });

async function jwks(): Promise<{ status: number; headers: Headers; keys: Array<JsonWebKey & { kid: string }> }> {
  const response = await fetch(`${base}/.well-known/jwks.json`);
  return { status: response.status, headers: response.headers, keys: ((await response.json()) as any).keys };
}

const REVOCATION_POLLER = gatewayCaller(SYSTEM_SCOPES.revocationsRead);

async function revokedSessions(
  headers: Record<string, string> = signedGet("identity", `${base}/oauth/revoked-sessions?skew=30`, {
    principal: REVOCATION_POLLER,
  }),
) {
  const response = await fetch(`${base}/oauth/revoked-sessions?skew=30`, { headers });
  return { status: response.status, body: (await response.json()) as any };
}

/** Verifies an access token as the gateway does: jsonwebtoken, ES256 only, the key from the JWKS by kid. */
async function verifyAccessToken(token: string): Promise<JwtPayload> {
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
function principalOf(accessToken: string): Principal {
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

async function principalFor(username: string, password: string): Promise<Principal> {
  const response = await login(username, password);
  expect(response.status).toBe(200);
  return principalOf(response.body.access_token);
}

const ANONYMOUS_PRINCIPAL: Principal = {
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

async function gql(document: string, variables?: Record<string, unknown>, principal?: Principal) {
  return (await graphql(service.url, document, variables, {}, { principal })).body;
}

/** Runs an operation and returns how many SQL statements it cost. */
async function sqlCost(document: string, variables: Record<string, unknown>, principal?: Principal) {
  const before = service.sqlQueries();
  const body = await gql(document, variables, principal);
  expect(body.errors).toBeUndefined();
  return { body, statements: service.sqlQueries() - before };
}

function errorCode(body: { errors?: any[] }): string | undefined {
  return body.errors?.[0]?.extensions?.code;
}

let admin: Principal;
let auditor: Principal;
let officer: Principal;
let resident: Principal;

beforeAll(async () => {
  admin = await principalFor("admin.security", "Admin#2026");
  auditor = await principalFor("auditor.chen", "Auditor#2026");
  officer = await principalFor("officer.health", "Officer#2026");
  resident = await principalFor("zhang.wei", "Resident#2026");
});

const RESIDENT_PASSWORD = "Resident#2026";

// ---------------------------------------------------------------------------------------------------------------

describe("password grant", () => {
  it("issues an ES256 access token that verifies with the JWKS key and carries the contract's claims", async () => {
    const response = await login("zhang.wei", RESIDENT_PASSWORD);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = response.body;
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 300, scope: "graph:read resident:self" });
    expect(body.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const header = jwt.decode(body.access_token, { complete: true })?.header;
    const keySet = await jwks();
    expect(header).toMatchObject({ alg: "ES256", kid: keySet.keys[0]?.kid });
    expect(keySet.headers.get("cache-control")).toContain("max-age=60");
    expect(keySet.keys[0]).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig" });

    const claims = await verifyAccessToken(body.access_token);
    const iat = Math.floor(clock.getTime() / 1000);
    expect(claims).toEqual({
      iss: "https://id.jingan.one-graph.local",
      aud: "jingan-one-graph",
      sub: "person-000001",
      kind: "resident",
      roles: ["resident"],
      scopes: ["graph:read", "resident:self"],
      dept: null,
      streets: [],
      rid: "resident-000001",
      sid: expect.stringMatching(/^sid-/),
      iat,
      nbf: iat,
      exp: iat + 300,
      jti: expect.any(String),
    });
  });

  it("gives an officer their department, jurisdiction and department scopes, also from a JSON body", async () => {
    const response = await login("Officer.Linfen", "Officer#2026", { json: true });
    expect(response.status).toBe(200);
    const claims = await verifyAccessToken(response.body.access_token);
    expect(claims).toMatchObject({
      sub: "person-000004",
      kind: "officer",
      roles: ["officer"],
      dept: "dept-health",
      streets: ["street-linfenlu"],
      rid: null,
    });
    expect(claims.scopes).toEqual(["catalog:read", "clearance:sensitive", "graph:read", "health:read"]);
  });

  it("narrows the scopes to the ones asked for, and refuses a scope that does not exist", async () => {
    const narrowed = await post("/oauth/token", {
      grant_type: "password",
      username: "officer.education",
      password: "Officer#2026",
      scope: "education:read health:read",
    });
    expect(narrowed.status).toBe(200);
    expect(narrowed.body.scope).toBe("education:read");
    const unknown = await post("/oauth/token", {
      grant_type: "password",
      username: "officer.education",
      password: "Officer#2026",
      scope: "everything:write",
    });
    expect(unknown).toMatchObject({ status: 400, body: { error: "invalid_scope" } });
  });

  it("answers malformed token requests with RFC 6749 errors", async () => {
    expect(await post("/oauth/token", { username: "zhang.wei" })).toMatchObject({
      status: 400,
      body: { error: "invalid_request", error_description: "grant_type is missing." },
    });
    expect(await post("/oauth/token", { grant_type: "authorization_code", code: "x" })).toMatchObject({
      status: 400,
      body: { error: "unsupported_grant_type" },
    });
    expect(await post("/oauth/token", { grant_type: "password", username: "zhang.wei" })).toMatchObject({
      status: 400,
      body: { error: "invalid_request", error_description: "password is missing." },
    });
    const wrongType = await post(
      "/oauth/token",
      { grant_type: "password" },
      { headers: { "content-type": "text/plain" } },
    );
    expect(wrongType).toMatchObject({ status: 400, body: { error: "invalid_request" } });
    const repeated = await fetch(`${base}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=password&username=a&username=b&password=x",
    });
    expect(repeated.status).toBe(400);
    const get = await fetch(`${base}/oauth/token`);
    expect(get.status).toBe(405);
    expect(await get.json()).toMatchObject({ error: "invalid_request" });
  });

  it("answers a wrong password, an unknown username and a disabled account with the same invalid_grant", async () => {
    const created = await gql(
      `mutation { createPerson(input: { username: "temp.officer.disabled", displayName: "顾敏", kind: OFFICER, departmentId: "dept-sports" }) { person { id } temporaryPassword } }`,
      {},
      admin,
    );
    const { id } = created.data.createPerson.person;
    const password = created.data.createPerson.temporaryPassword;
    const before = await loginReplacing("temp.officer.disabled", password);
    expect(before.status).toBe(200);

    const disabled = await gql(`mutation($id: ID!) { disablePerson(id: $id) { id status } }`, { id }, admin);
    expect(disabled.data.disablePerson).toEqual({ id, status: "DISABLED" });

    const refused = await login("temp.officer.disabled", "Jingan-chosen-2027");
    const wrong = await login("li.na", "not-her-password");
    const unknown = await login("nobody.here", "whatever-1");
    for (const answer of [refused, wrong, unknown]) {
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ error: "invalid_grant", error_description: "The username or password is wrong." });
    }
    // The disabled person's session died with the account.
    expect((await refresh(before.body.refresh_token)).body.error).toBe("invalid_grant");
    const sid = principalOf(before.body.access_token).sessionId;
    expect((await revokedSessions()).body.sessions.map((s: any) => s.sid)).toContain(sid);

    const outcomes = await prisma.loginAttempt.findMany({
      where: { usernameKey: { in: ["temp.officer.disabled", "nobody.here"] } },
      orderBy: { outcome: "asc" },
      select: { outcome: true, personId: true },
    });
    expect(outcomes).toEqual([
      { outcome: "SUCCESS", personId: id },
      { outcome: "UNKNOWN_USER", personId: null },
      { outcome: "DISABLED", personId: id },
      { outcome: "PASSWORD_CHANGED", personId: id },
    ]);
  });
});

describe("client credentials", () => {
  it("issues an access token (and no refresh token) to an integrator app", async () => {
    const response = await post("/oauth/token", {
      grant_type: "client_credentials",
      client_id: "app-portal",
      client_secret: "portal-dev-secret",
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ token_type: "Bearer", expires_in: 300, scope: "graph:read" });
    expect(response.body.refresh_token).toBeUndefined();
    const claims = await verifyAccessToken(response.body.access_token);
    expect(claims).toMatchObject({
      sub: "app-portal",
      kind: "app",
      roles: ["integrator"],
      scopes: ["graph:read"],
      dept: "dept-data",
      streets: [],
      rid: null,
    });
  });

  it("accepts HTTP Basic client authentication and a subset of the app's scopes", async () => {
    const basic = `Basic ${Buffer.from("app-parking-integrator:parking-dev-secret").toString("base64")}`;
    const response = await post(
      "/oauth/token",
      { grant_type: "client_credentials", scope: "parking:read" },
      { headers: { authorization: basic } },
    );
    expect(response.status).toBe(200);
    expect(response.body.scope).toBe("parking:read");
    expect((await verifyAccessToken(response.body.access_token)).scopes).toEqual(["parking:read"]);
  });

  it("refuses a wrong secret with invalid_client and a scope the app may not hold with invalid_scope", async () => {
    const wrong = await post("/oauth/token", {
      grant_type: "client_credentials",
      client_id: "app-portal",
      client_secret: "parking-dev-secret",
    });
    expect(wrong).toMatchObject({ status: 401, body: { error: "invalid_client" } });
    const basic = `Basic ${Buffer.from("app-portal:nope").toString("base64")}`;
    const basicWrong = await post(
      "/oauth/token",
      { grant_type: "client_credentials" },
      { headers: { authorization: basic } },
    );
    expect(basicWrong.status).toBe(401);
    expect(basicWrong.headers.get("www-authenticate")).toContain("Basic");
    const scope = await post("/oauth/token", {
      grant_type: "client_credentials",
      client_id: "app-portal",
      client_secret: "portal-dev-secret",
      scope: "parking:write",
    });
    expect(scope).toMatchObject({ status: 400, body: { error: "invalid_scope" } });
  });
});

describe("refresh tokens", () => {
  it("rotate: a refresh token buys a new pair in the same session", async () => {
    const first = await login("li.na", RESIDENT_PASSWORD);
    const sid = principalOf(first.body.access_token).sessionId;
    advance(60);
    const second = await refresh(first.body.refresh_token);
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.body.refresh_token);
    const claims = await verifyAccessToken(second.body.access_token);
    expect(claims).toMatchObject({ sub: "person-000002", sid, rid: "resident-000002" });
    expect(claims.iat).toBe(Math.floor(clock.getTime() / 1000));
    advance(1);
    const third = await refresh(second.body.refresh_token);
    expect(third.status).toBe(200);
    const chain = await prisma.refreshToken.findMany({ where: { sid: sid as string }, orderBy: { issuedAt: "asc" } });
    expect(chain).toHaveLength(3);
    expect(chain[0]?.replacedBy).toBe(chain[1]?.id);
    expect(chain.map((token) => token.usedAt !== null)).toEqual([true, true, false]);
  });

  it("treats reuse of a rotated refresh token as theft: the whole chain is revoked and the sid published", async () => {
    const first = await login("li.na", RESIDENT_PASSWORD);
    const sid = principalOf(first.body.access_token).sessionId;
    const second = await refresh(first.body.refresh_token);
    expect(second.status).toBe(200);

    const replay = await refresh(first.body.refresh_token);
    expect(replay).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    // The newer token of the chain, which a thief could hold, dies too.
    expect(await refresh(second.body.refresh_token)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });

    const revoked = await revokedSessions();
    expect(revoked.status).toBe(200);
    const entry = revoked.body.sessions.find((s: any) => s.sid === sid);
    expect(entry).toEqual({ sid, until: Math.floor(clock.getTime() / 1000) + 300 });
    const row = await prisma.revokedSession.findUniqueOrThrow({ where: { sid: sid as string } });
    expect(row.reason).toBe("refresh-token-reuse");
  });

  it("refuses a refresh token revoked at /oauth/revoke, which answers 200 for any token", async () => {
    const session = await login("li.na", RESIDENT_PASSWORD);
    const sid = principalOf(session.body.access_token).sessionId;
    const revoke = await post("/oauth/revoke", { token: session.body.refresh_token });
    expect(revoke.status).toBe(200);
    expect(await refresh(session.body.refresh_token)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    expect((await revokedSessions()).body.sessions.map((s: any) => s.sid)).toContain(sid);
    expect((await post("/oauth/revoke", { token: "never-issued" })).status).toBe(200);
    expect((await post("/oauth/revoke", { token: session.body.refresh_token })).status).toBe(200);
  });

  it("revokes the session of an access token presented at /oauth/revoke", async () => {
    const session = await login("li.na", RESIDENT_PASSWORD);
    const sid = principalOf(session.body.access_token).sessionId;
    expect((await post("/oauth/revoke", { token: session.body.access_token })).status).toBe(200);
    expect((await revokedSessions()).body.sessions.map((s: any) => s.sid)).toContain(sid);
    expect((await refresh(session.body.refresh_token)).body.error).toBe("invalid_grant");
  });

  it("publishes revoked sessions only to the gateway (signed envelope), until their tokens expire + the gateway's skew", async () => {
    expect((await revokedSessions({})).status).toBe(401);
    expect((await revokedSessions({ "x-og-envelope": "v2.forged.e30.AAAA" })).status).toBe(401);
    const wrongAudience = await revokedSessions(
      signedGet("health", `${base}/oauth/revoked-sessions?skew=30`, { principal: REVOCATION_POLLER }),
    );
    expect(wrongAudience.status).toBe(401);
    expect(wrongAudience.body.errors[0].extensions.code).toBe("ENVELOPE_INVALID");

    const session = await login("li.na", RESIDENT_PASSWORD);
    const sid = principalOf(session.body.access_token).sessionId;
    await post("/oauth/revoke", { token: session.body.refresh_token });
    expect((await revokedSessions()).body.sessions.map((s: any) => s.sid)).toContain(sid);
    advance(301);
    expect((await revokedSessions()).body.sessions.map((s: any) => s.sid)).toContain(sid);
    advance(30);
    expect((await revokedSessions()).body.sessions.map((s: any) => s.sid)).not.toContain(sid);
  });
});

describe("signing keys", () => {
  it("rotate with an overlap: old tokens keep verifying until they expire, new tokens use the new key", async () => {
    const old = await login("zhang.wei", RESIDENT_PASSWORD);
    const oldKid = jwt.decode(old.body.access_token, { complete: true })?.header.kid;

    const rotation = await gql(`mutation { rotateSigningKey { kid retiredKid activatedAt } }`, {}, admin);
    expect(rotation.errors).toBeUndefined();
    const { kid, retiredKid } = rotation.data.rotateSigningKey;
    expect(retiredKid).toBe(oldKid);
    expect(kid).not.toBe(oldKid);

    expect((await jwks()).keys.map((key) => key.kid)).toEqual([kid, oldKid]);
    advance(120);
    expect((await verifyAccessToken(old.body.access_token)).sub).toBe("person-000001");
    const fresh = await login("zhang.wei", RESIDENT_PASSWORD);
    expect(jwt.decode(fresh.body.access_token, { complete: true })?.header.kid).toBe(kid);
    expect((await verifyAccessToken(fresh.body.access_token)).sub).toBe("person-000001");

    advance(181); // 301 s after the rotation: every token of the old key has expired.
    expect((await jwks()).keys.map((key) => key.kid)).toEqual([kid]);
    await expect(verifyAccessToken(old.body.access_token)).rejects.toThrow(/not in the JWKS/);
    const keys = await prisma.signingKey.findMany({ orderBy: { createdAt: "asc" } });
    expect(keys.map((key) => key.status)).toEqual(["RETIRED", "ACTIVE"]);
    // The private key is stored encrypted, never as a PEM.
    expect(keys.every((key) => !key.privateKeyEncrypted.includes("PRIVATE KEY"))).toBe(true);
  });
});

describe("races", () => {
  it("lets exactly one of two simultaneous refreshes with the same token win, then ends the session", async () => {
    const session = await login("li.na", RESIDENT_PASSWORD);
    const answers = await Promise.all([refresh(session.body.refresh_token), refresh(session.body.refresh_token)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 400]);
    const winner = answers.find((a) => a.status === 200)!;
    // The loser looked like a replay, so the chain is revoked: the winner's new token is refused too.
    expect((await refresh(winner.body.refresh_token)).body.error).toBe("invalid_grant");
    const sid = principalOf(session.body.access_token).sessionId;
    expect((await revokedSessions()).body.sessions.map((s: any) => s.sid)).toContain(sid);
  });

  it("creates exactly one account when five admins ask for the same username at once", async () => {
    const before = await prisma.person.count();
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        gql(
          `mutation { createPerson(input: { username: "race.same.name", displayName: "赵磊", kind: AUDITOR }) { person { id } } }`,
          {},
          admin,
        ),
      ),
    );
    expect(answers.filter((a) => !a.errors)).toHaveLength(1);
    expect(answers.filter((a) => errorCode(a) === "BAD_USER_INPUT")).toHaveLength(4);
    expect(await prisma.person.count()).toBe(before + 1);
    expect(await prisma.personRole.count({ where: { person: { username: "race.same.name" } } })).toBe(1);
  });

  it("keeps exactly one ACTIVE signing key when rotations race", async () => {
    const answers = await Promise.all(
      Array.from({ length: 3 }, () => gql(`mutation { rotateSigningKey { kid } }`, {}, admin)),
    );
    const succeeded = answers.filter((a) => !a.errors);
    expect(succeeded.length).toBeGreaterThanOrEqual(1);
    for (const failed of answers.filter((a) => a.errors)) expect(errorCode(failed)).toBe("INVALID_STATE_TRANSITION");
    const active = await prisma.signingKey.findMany({ where: { status: "ACTIVE" } });
    expect(active).toHaveLength(1);
    const session = await login("zhang.wei", RESIDENT_PASSWORD);
    expect(jwt.decode(session.body.access_token, { complete: true })?.header.kid).toBe(active[0]?.kid);
  });
});

describe("login audit", () => {
  it("writes exactly one LoginAttempt row per attempt, none holding a password or a token", async () => {
    const before = await prisma.loginAttempt.count();
    const success = await login("zhang.wei", RESIDENT_PASSWORD);
    await login("zhang.wei", "Secret-Wrong#42");
    expect(await prisma.loginAttempt.count()).toBe(before + 2);

    const rows = await prisma.loginAttempt.findMany();
    const text = JSON.stringify(rows);
    const secrets = [
      ...KNOWN_ACCOUNTS.map((account) => account.password),
      "Secret-Wrong#42",
      "wrong-guess-",
      "not-her-password",
      "Password123",
      "x-password-1",
      success.body.access_token,
      success.body.refresh_token,
    ];
    for (const secret of secrets) expect(text).not.toContain(secret);
    // Neither does the refresh-token table: only hashes.
    const tokens = JSON.stringify(await prisma.refreshToken.findMany());
    expect(tokens).not.toContain(success.body.refresh_token);
  });
});

describe("me and residents", () => {
  const ME = /* GraphQL */ `{
    me {
      id kind displayName roles scopes mustChangePassword
      department { id }
      jurisdiction { id }
      resident { id name idNumberMasked phoneMasked street { id } }
    }
  }`;

  it("shows a resident themself with masked identity and phone numbers only", async () => {
    const response = await graphql(service.url, ME, {}, {}, { principal: resident });
    const row = await prisma.resident.findUniqueOrThrow({ where: { id: "resident-000001" } });
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data.me).toEqual({
      id: "person-000001",
      kind: "RESIDENT",
      displayName: "张伟",
      roles: ["resident"],
      scopes: ["graph:read", "resident:self"],
      mustChangePassword: false,
      department: null,
      jurisdiction: [],
      resident: {
        id: "resident-000001",
        name: "张伟",
        idNumberMasked: `${row.idNumber.slice(0, 3)}***********${row.idNumber.slice(-4)}`,
        phoneMasked: `${row.phone.slice(0, 3)}****${row.phone.slice(-4)}`,
        street: { id: "street-jingansi" },
      },
    });
    expect(response.body.data.me.resident.idNumberMasked).toMatch(/^310\*{11}[0-9]{3}[0-9X]$/);
    const text = JSON.stringify(response.body);
    expect(text).not.toContain(row.idNumber);
    expect(text).not.toContain(row.idNumber.slice(3, 14));
    expect(text).not.toContain(row.phone);
  });

  it("shows an officer their department and jurisdiction, an app its name, and nothing to anonymous callers", async () => {
    const asOfficer = await gql(ME, {}, officer);
    expect(asOfficer.data.me).toMatchObject({
      id: "person-000003",
      kind: "OFFICER",
      displayName: "王建华",
      department: { id: "dept-health" },
      resident: null,
    });
    expect(asOfficer.data.me.jurisdiction).toHaveLength(14);
    const app = await post("/oauth/token", {
      grant_type: "client_credentials",
      client_id: "app-portal",
      client_secret: "portal-dev-secret",
    });
    const asApp = await gql(`{ me { id kind displayName department { id } } }`, {}, principalOf(app.body.access_token));
    expect(asApp.data.me).toEqual({
      id: "app-portal",
      kind: "APP",
      displayName: "静安一网通办门户 (district portal)",
      department: { id: "dept-data" },
    });
    expect((await gql(`{ me { id } }`, {}, ANONYMOUS_PRINCIPAL)).data.me).toBeNull();
  });

  it("lets a resident read only their own details; anonymous callers none", async () => {
    const RESIDENTS = `query R($representations: [_Any!]!) { _entities(representations: $representations) { ... on Resident { id name phoneMasked } } }`;
    const representations = ["resident-000001", "resident-000002"].map((id) => ({ __typename: "Resident", id }));
    const own = await gql(RESIDENTS, { representations }, resident);
    expect(own.data._entities[0]).toMatchObject({ id: "resident-000001", name: "张伟" });
    // Another resident answers exactly like one who does not exist (the Resident row rule).
    expect(own.data._entities[1]).toBeNull();
    expect(own.errors).toBeUndefined();
    const anonymous = await gql(RESIDENTS, { representations }, ANONYMOUS_PRINCIPAL);
    expect(anonymous.data._entities).toEqual([null, null]);
    const asOfficer = await gql(RESIDENTS, { representations }, officer);
    expect(asOfficer.errors).toBeUndefined();
    expect(asOfficer.data._entities[1].name).toBe("李娜");
  });

  it("shows an officer only the residents of their streets: 临汾路 reads 李娜 (临汾路), not 张伟 (静安寺)", async () => {
    const RESIDENTS = `query R($representations: [_Any!]!) { _entities(representations: $representations) { ... on Resident { id name street { id } } } }`;
    const representations = ["resident-000001", "resident-000002", "resident-999999"].map((id) => ({
      __typename: "Resident",
      id,
    }));
    const linfen = await principalFor("officer.linfen", "Officer#2026");
    expect(linfen.streetIds).toEqual(["street-linfenlu"]);
    const seen = await gql(RESIDENTS, { representations }, linfen);
    expect(seen.errors).toBeUndefined();
    // Another street's resident answers exactly like one who does not exist.
    expect(seen.data._entities).toEqual([
      null,
      { id: "resident-000002", name: "李娜", street: { id: "street-linfenlu" } },
      null,
    ]);
    // No jurisdiction, no resident; anonymous callers none either.
    for (const principal of [{ ...linfen, streetIds: [] }, ANONYMOUS_PRINCIPAL]) {
      expect((await gql(RESIDENTS, { representations }, principal)).data._entities).toEqual([null, null, null]);
    }
    // An auditor reaches residents (to audit who accessed their data), never their identity.
    const auditor = { ...linfen, kind: "auditor" as const, roles: ["auditor"], departmentId: null, streetIds: [] };
    const audited = await gql(RESIDENTS, { representations }, auditor);
    expect(audited.data._entities[1]).toEqual({ id: "resident-000002", name: null, street: null });
    expect(errorCode(audited)).toBe("FORBIDDEN");
  });

  it("resolves Resident representations in the order asked, with null for unknown ids", async () => {
    const ids = ["resident-060000", "resident-060001", "resident-000002", "resident-999999"];
    const { body, statements } = await sqlCost(
      `query R($representations: [_Any!]!) { _entities(representations: $representations) { ... on Resident { id street { id } } } }`,
      { representations: ids.map((id) => ({ __typename: "Resident", id })) },
      officer,
    );
    expect(body.data._entities.map((e: any) => e?.id ?? null)).toEqual([
      "resident-060000",
      null,
      "resident-000002",
      null,
    ]);
    expect(statements).toBe(1);
  });

  it("resolves 500 Residents with the same number of SQL statements as 10", async () => {
    const document = `query R($representations: [_Any!]!) {
      _entities(representations: $representations) { ... on Resident { id name idNumberMasked phoneMasked street { id } } }
    }`;
    const reps = (n: number, offset: number) =>
      Array.from({ length: n }, (_, i) => ({
        __typename: "Resident",
        id: `resident-${String(offset + i * 97).padStart(6, "0")}`,
      }));
    const small = await sqlCost(document, { representations: reps(10, 1000) }, officer);
    const large = await sqlCost(document, { representations: reps(500, 3) }, officer);
    expect(large.body.data._entities.every((e: any) => e?.name && e.street.id.startsWith("street-"))).toBe(true);
    expect(small.statements).toBe(1);
    expect(large.statements).toBe(small.statements);
  });

  it("holds all 60,000 residents with unique, valid GB 11643 identity numbers and Jing'an area codes", async () => {
    const rows = await prisma.resident.findMany({ select: { idNumber: true, phone: true, streetId: true } });
    expect(rows).toHaveLength(60_000);
    expect(rows.every((row) => isValidIdNumber(row.idNumber))).toBe(true);
    expect(rows.every((row) => /^310(106|108)/.test(row.idNumber))).toBe(true);
    expect(new Set(rows.map((row) => row.idNumber)).size).toBe(60_000);
    expect(new Set(rows.map((row) => row.phone)).size).toBe(60_000);
    expect(rows.every((row) => /^1[3-9][0-9]{9}$/.test(row.phone))).toBe(true);
    const perStreet = new Map<string, number>();
    for (const row of rows) perStreet.set(row.streetId, (perStreet.get(row.streetId) ?? 0) + 1);
    expect(perStreet.size).toBe(14);
    // Pengpu town (彭浦镇) is the most populous, Tianmuxilu among the least.
    expect(perStreet.get("street-pengpu")).toBeGreaterThan(perStreet.get("street-tianmuxilu")! * 3);
  });
});

describe("administration", () => {
  const CREATE = /* GraphQL */ `
    mutation Create($input: CreateIdentityPersonInput!) {
      createPerson(input: $input) {
        temporaryPassword
        person { id username displayName kind status roles scopes mustChangePassword department { id } jurisdiction { id } resident { id name } }
      }
    }
  `;

  async function tableCounts() {
    const { residents: _, ...rest } = await countRows(prisma);
    return {
      ...rest,
      refreshTokens: await prisma.refreshToken.count(),
      linked: await prisma.resident.count({ where: { personId: { not: null } } }),
    };
  }

  it("refuses every administrative mutation to residents and officers (FORBIDDEN naming the role) and writes nothing", async () => {
    const before = await tableCounts();
    const mutations = [
      `mutation { createPerson(input: { username: "x.forbidden", displayName: "某", kind: AUDITOR }) { temporaryPassword } }`,
      `mutation { disablePerson(id: "person-000002") { id } }`,
      `mutation { assignRoles(personId: "person-000001", roles: ["security_admin"]) { id } }`,
      `mutation { resetCredentials(personId: "person-000002") { temporaryPassword } }`,
      `mutation { registerIntegratorApp(input: { key: "sneaky", name: "x", ownerDepartmentId: "dept-data", allowedScopes: ["graph:read"] }) { clientSecret } }`,
      `mutation { rotateSigningKey { kid } }`,
    ];
    for (const caller of [resident, officer, auditor]) {
      for (const mutation of mutations) {
        const body = await gql(mutation, {}, caller);
        expect(errorCode(body)).toBe("FORBIDDEN");
        expect(body.errors?.[0].message).toContain("needs the role security_admin");
      }
    }
    expect(errorCode(await gql(mutations[0] as string, {}, ANONYMOUS_PRINCIPAL))).toBe("AUTHENTICATION_REQUIRED");
    for (const query of [
      `{ people { totalCount } }`,
      `{ loginAttempts { totalCount } }`,
      `{ integratorApps { totalCount } }`,
    ]) {
      const body = await gql(query, {}, officer);
      expect(errorCode(body)).toBe("FORBIDDEN");
      expect(body.errors?.[0].message).toContain("security_admin or auditor");
    }
    expect(await tableCounts()).toEqual(before);
  });

  it("creates an officer with a one-time password that must be changed, and the account logs in", async () => {
    const body = await gql(
      CREATE,
      {
        input: {
          username: "Xu.Jing.Sports",
          displayName: "徐静",
          kind: "OFFICER",
          departmentId: "dept-sports",
          streetIds: ["street-daninglu", "street-pengpu"],
        },
      },
      admin,
    );
    expect(body.errors).toBeUndefined();
    const { person, temporaryPassword } = body.data.createPerson;
    expect(person).toEqual({
      id: expect.stringMatching(/^person-00[0-9]{4}$/),
      username: "xu.jing.sports",
      displayName: "徐静",
      kind: "OFFICER",
      status: "ACTIVE",
      roles: ["officer"],
      scopes: ["catalog:read", "clearance:personal", "graph:read", "sports:read"],
      mustChangePassword: true,
      department: { id: "dept-sports" },
      jurisdiction: [{ id: "street-daninglu" }, { id: "street-pengpu" }],
      resident: null,
    });
    expect(temporaryPassword).toMatch(/^[A-Za-z2-9]{4}(-[A-Za-z2-9]{4}){3}$/);
    const stored = await prisma.person.findUniqueOrThrow({ where: { id: person.id } });
    expect(stored.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    // The one-time password is right, and opens nothing until replaced (subgraphs/identity/productionSafety.test.ts).
    const session = await login("xu.jing.sports", temporaryPassword);
    expect(session).toMatchObject({ status: 400, body: { error: "password_change_required" } });
  });

  it("links a resident's new account to their record, once", async () => {
    const body = await gql(
      CREATE,
      { input: { username: "wang.fang", displayName: "王芳", kind: "RESIDENT", residentId: "resident-000777" } },
      admin,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.createPerson.person).toMatchObject({
      kind: "RESIDENT",
      roles: ["resident"],
      resident: { id: "resident-000777" },
    });
    const session = await loginReplacing("wang.fang", body.data.createPerson.temporaryPassword);
    expect((await verifyAccessToken(session.body.access_token)).rid).toBe("resident-000777");
  });

  it("refuses invalid accounts with BAD_USER_INPUT and writes nothing", async () => {
    const before = await tableCounts();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ username: "zhang.wei", displayName: "张伟", kind: "AUDITOR" }, "is taken"],
      [{ username: "9lives", displayName: "某", kind: "AUDITOR" }, "is not allowed"],
      [
        { username: "x.roles", displayName: "某", kind: "AUDITOR", roles: ["superuser"] },
        "cannot be given to a person",
      ],
      [{ username: "x.integrator", displayName: "某", kind: "AUDITOR", roles: ["integrator"] }, "cannot be given"],
      [{ username: "x.nodept", displayName: "某", kind: "OFFICER" }, "needs a department"],
      [
        {
          username: "x.street",
          displayName: "某",
          kind: "OFFICER",
          departmentId: "dept-health",
          streetIds: ["street-nowhere"],
        },
        "not one of the 14 street ids",
      ],
      [
        { username: "x.linked", displayName: "某", kind: "RESIDENT", residentId: "resident-000001" },
        "already has an account",
      ],
      [{ username: "x.ghost", displayName: "某", kind: "RESIDENT", residentId: "resident-070000" }, "no resident"],
      [{ username: "x.noresident", displayName: "某", kind: "RESIDENT" }, "needs residentId"],
      [{ username: "x.blank", displayName: "  ", kind: "AUDITOR" }, "displayName"],
    ];
    for (const [input, message] of cases) {
      const body = await gql(CREATE, { input }, admin);
      expect(errorCode(body), JSON.stringify(input)).toBe("BAD_USER_INPUT");
      expect(body.errors?.[0].message).toContain(message);
    }
    expect(await tableCounts()).toEqual(before);
  });

  it("assigns roles, which the next token carries, and refuses unknown roles or taking one's own admin role", async () => {
    const ASSIGN = `mutation A($personId: ID!, $roles: [String!]!) { assignRoles(personId: $personId, roles: $roles) { id roles scopes } }`;
    const body = await gql(ASSIGN, { personId: "person-000005", roles: ["officer", "auditor"] }, admin);
    expect(body.data.assignRoles).toEqual({
      id: "person-000005",
      roles: ["auditor", "officer"],
      scopes: ["audit:read", "catalog:read", "clearance:sensitive", "education:read", "graph:read", "identity:read"],
    });
    const session = await login("officer.education", "Officer#2026");
    expect((await verifyAccessToken(session.body.access_token)).roles).toEqual(["auditor", "officer"]);

    const before = await prisma.personRole.findMany({ orderBy: [{ personId: "asc" }, { roleName: "asc" }] });
    const failures: Array<[Record<string, unknown>, string, string]> = [
      [{ personId: "person-000005", roles: ["root"] }, "BAD_USER_INPUT", "cannot be given"],
      [{ personId: "person-000005", roles: [] }, "BAD_USER_INPUT", "at least one role"],
      [{ personId: "person-000006", roles: ["auditor"] }, "BAD_USER_INPUT", "from yourself"],
      [{ personId: "person-999999", roles: ["auditor"] }, "NOT_FOUND_ENTITY", "no account"],
    ];
    for (const [variables, code, message] of failures) {
      const failed = await gql(ASSIGN, variables, admin);
      expect(errorCode(failed)).toBe(code);
      expect(failed.errors?.[0].message).toContain(message);
    }
    expect(await prisma.personRole.findMany({ orderBy: [{ personId: "asc" }, { roleName: "asc" }] })).toEqual(before);
    await gql(ASSIGN, { personId: "person-000005", roles: ["officer"] }, admin);
  });

  it("resets credentials: the old password and sessions die, the one-time password must be replaced first", async () => {
    const created = await gql(CREATE, { input: { username: "reset.me", displayName: "陆静", kind: "AUDITOR" } }, admin);
    const { id } = created.data.createPerson.person;
    const first = created.data.createPerson.temporaryPassword;
    expect((await login("reset.me", first)).body.error).toBe("password_change_required");
    const second = await loginReplacing("reset.me", first, "Jingan-audit-2027");
    expect(second.status).toBe(200);
    const principal = principalOf(second.body.access_token);
    expect((await gql(`{ me { mustChangePassword } }`, {}, principal)).data.me.mustChangePassword).toBe(false);
    expect((await login("reset.me", first)).body.error).toBe("invalid_grant");

    const weak = await gql(
      `mutation { changeMyPassword(currentPassword: "Jingan-audit-2027", newPassword: "short1") }`,
      {},
      principal,
    );
    expect(errorCode(weak)).toBe("BAD_USER_INPUT");
    const wrongCurrent = await gql(
      `mutation { changeMyPassword(currentPassword: "not-it", newPassword: "Another-strong-2028") }`,
      {},
      principal,
    );
    expect(errorCode(wrongCurrent)).toBe("INVALID_CREDENTIALS");

    const reset = await gql(
      `mutation R($id: ID!) { resetCredentials(personId: $id) { temporaryPassword person { id mustChangePassword } } }`,
      { id },
      admin,
    );
    expect(reset.data.resetCredentials.person).toEqual({ id, mustChangePassword: true });
    expect((await login("reset.me", "Jingan-audit-2027")).body.error).toBe("invalid_grant");
    expect((await refresh(second.body.refresh_token)).body.error).toBe("invalid_grant");
    expect((await revokedSessions()).body.sessions.map((s: any) => s.sid)).toContain(
      principalOf(second.body.access_token).sessionId,
    );
    expect((await login("reset.me", reset.data.resetCredentials.temporaryPassword)).body.error).toBe(
      "password_change_required",
    );
    const missing = await gql(
      `mutation { resetCredentials(personId: "person-999999") { temporaryPassword } }`,
      {},
      admin,
    );
    expect(errorCode(missing)).toBe("NOT_FOUND_ENTITY");
  });

  it("disables and enables accounts, refusing one's own, an unknown id and a repeated change", async () => {
    const DISABLE = `mutation D($id: ID!) { disablePerson(id: $id) { id status disabledAt } }`;
    const ENABLE = `mutation E($id: ID!) { enablePerson(id: $id) { id status disabledAt } }`;
    expect(errorCode(await gql(DISABLE, { id: "person-000006" }, admin))).toBe("INVALID_STATE_TRANSITION");
    expect(errorCode(await gql(DISABLE, { id: "person-999999" }, admin))).toBe("NOT_FOUND_ENTITY");
    const disabled = await gql(DISABLE, { id: "person-000101" }, admin);
    expect(disabled.data.disablePerson).toEqual({
      id: "person-000101",
      status: "DISABLED",
      disabledAt: clock.toISOString(),
    });
    expect(errorCode(await gql(DISABLE, { id: "person-000101" }, admin))).toBe("INVALID_STATE_TRANSITION");
    const enabled = await gql(ENABLE, { id: "person-000101" }, admin);
    expect(enabled.data.enablePerson).toEqual({ id: "person-000101", status: "ACTIVE", disabledAt: null });
    expect(errorCode(await gql(ENABLE, { id: "person-000101" }, admin))).toBe("INVALID_STATE_TRANSITION");
  });

  it("registers an integrator app whose secret is shown once and works for client credentials", async () => {
    const REGISTER = `mutation R($input: RegisterIntegratorAppInput!) {
      registerIntegratorApp(input: $input) { clientId clientSecret app { id name allowedScopes status ownerDepartment { id } } }
    }`;
    const body = await gql(
      REGISTER,
      {
        input: {
          key: "sports-booking",
          name: "体育场馆预订系统",
          ownerDepartmentId: "dept-sports",
          allowedScopes: ["sports:read", "graph:read"],
        },
      },
      admin,
    );
    expect(body.errors).toBeUndefined();
    const { clientId, clientSecret, app } = body.data.registerIntegratorApp;
    expect(app).toEqual({
      id: "app-sports-booking",
      name: "体育场馆预订系统",
      allowedScopes: ["graph:read", "sports:read"],
      status: "ACTIVE",
      ownerDepartment: { id: "dept-sports" },
    });
    expect(clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = await prisma.integratorApp.findUniqueOrThrow({ where: { id: app.id } });
    expect(JSON.stringify(stored)).not.toContain(clientSecret);
    const token = await post("/oauth/token", {
      grant_type: "client_credentials",
      client_id: clientId,
      client_secret: clientSecret,
    });
    expect(token.status).toBe(200);
    expect((await verifyAccessToken(token.body.access_token)).sub).toBe("app-sports-booking");

    const before = await prisma.integratorApp.count();
    const failures: Array<[Record<string, unknown>, string]> = [
      [
        { key: "sports-booking", name: "再来", ownerDepartmentId: "dept-sports", allowedScopes: ["graph:read"] },
        "exists already",
      ],
      [
        { key: "admin-tool", name: "x", ownerDepartmentId: "dept-data", allowedScopes: ["identity:admin"] },
        "cannot be given to an application",
      ],
      [{ key: "no-scope", name: "x", ownerDepartmentId: "dept-data", allowedScopes: [] }, "at least one scope"],
      [
        { key: "bad-dept", name: "x", ownerDepartmentId: "health", allowedScopes: ["graph:read"] },
        "not a department id",
      ],
      [{ key: "Bad Key", name: "x", ownerDepartmentId: "dept-data", allowedScopes: ["graph:read"] }, "is not allowed"],
    ];
    for (const [input, message] of failures) {
      const failed = await gql(REGISTER, { input }, admin);
      expect(errorCode(failed)).toBe("BAD_USER_INPUT");
      expect(failed.errors?.[0].message).toContain(message);
    }
    expect(await prisma.integratorApp.count()).toBe(before);
  });
});

describe("account lists", () => {
  const PEOPLE = /* GraphQL */ `
    query People($filter: IdentityPersonFilter, $first: Int, $after: String) {
      people(filter: $filter, first: $first, after: $after) {
        totalCount
        edges { cursor node { id username kind status roles scopes department { id } jurisdiction { id } resident { id } } }
        pageInfo { hasNextPage endCursor }
      }
    }
  `;

  it("filters accounts by kind, status, department, role and part of the username", async () => {
    const count = async (filter: Record<string, unknown>) =>
      (
        await gql(
          `query P($filter: IdentityPersonFilter) { people(filter: $filter) { totalCount } }`,
          { filter },
          auditor,
        )
      ).data.people.totalCount;
    expect(await count({ kind: "SECURITY_ADMIN" })).toBe(1);
    expect(await count({ role: "auditor" })).toBeGreaterThanOrEqual(1);
    expect(await count({ departmentId: "dept-health" })).toBe(26);
    expect(await count({ departmentId: "dept-street-linfenlu" })).toBe(6);
    expect(await count({ status: "DISABLED", kind: "OFFICER" })).toBeGreaterThanOrEqual(8);
    // The four seeded officer.* accounts and temp.officer.disabled.
    expect(await count({ usernameContains: "OFFICER." })).toBe(5);
  });

  it("walks every account with cursors, once each, in id order", async () => {
    const total = await prisma.person.count();
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const body = await gql(PEOPLE, { first: 50, after }, admin);
      const page = body.data.people;
      seen.push(...page.edges.map((edge: any) => edge.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    expect(seen).toEqual([...seen].sort());
  });

  it("answers a foreign cursor or a page size out of range with a coded error", async () => {
    const apps = await gql(`{ integratorApps(first: 1) { pageInfo { endCursor } } }`, {}, admin);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ first: 5, after: apps.data.integratorApps.pageInfo.endCursor }, "INVALID_CURSOR"],
      [{ first: 5, after: "garbage" }, "INVALID_CURSOR"],
      [{ first: 0 }, "PAGE_SIZE_OUT_OF_RANGE"],
      [{ first: 101 }, "PAGE_SIZE_OUT_OF_RANGE"],
    ];
    for (const [variables, code] of cases) expect(errorCode(await gql(PEOPLE, variables, admin))).toBe(code);
  });

  it("loads roles, scopes, departments and residents of 10 or 100 accounts with the same SQL statements", async () => {
    const small = await sqlCost(PEOPLE, { first: 10 }, admin);
    const large = await sqlCost(PEOPLE, { first: 100 }, admin);
    expect(large.body.data.people.edges).toHaveLength(100);
    expect(large.statements).toBe(small.statements);
    // Page, count, person roles with their roles, memberships, residents.
    expect(small.statements).toBe(6);
    const zhang = small.body.data.people.edges[0].node;
    expect(zhang).toMatchObject({ id: "person-000001", resident: { id: "resident-000001" }, roles: ["resident"] });
  });

  it("lists integrator apps for security admins and auditors", async () => {
    const body = await gql(
      `{ integratorApps { nodes { id clientId allowedScopes ownerDepartment { id } } } }`,
      {},
      auditor,
    );
    expect(body.data.integratorApps.nodes.map((a: any) => a.id)).toEqual([
      "app-parking-integrator",
      "app-portal",
      "app-sports-booking",
    ]);
  });
});

describe("seed", () => {
  it("is idempotent: a second run adds nothing, keeps every password hash and the signing keys", async () => {
    const before = await countRows(prisma);
    const hashes = await prisma.person.findMany({ select: { id: true, passwordHash: true }, orderBy: { id: "asc" } });
    const summary = await identity.seed(prisma, service.db, { date: TEST_SEED_DATE, previousDates: [] });
    expect(summary).toEqual(before);
    expect(await prisma.person.findMany({ select: { id: true, passwordHash: true }, orderBy: { id: "asc" } })).toEqual(
      hashes,
    );
    expect(summary).toMatchObject({ residents: 60_000, roles: 5 });
  });
});
