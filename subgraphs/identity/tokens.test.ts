import jwt from "jsonwebtoken";
import { describe, expect, it } from "vitest";
import { signedGet } from "../../test/support/envelope.ts";
import {
  admin,
  advance,
  base,
  clock,
  errorCode,
  gql,
  jwks,
  login,
  loginReplacing,
  post,
  principalOf,
  prisma,
  RESIDENT_PASSWORD,
  REVOCATION_POLLER,
  refresh,
  revokedSessions,
  useIdentitySubgraph,
  verifyAccessToken,
} from "./identityTestbed.ts";
import { KNOWN_ACCOUNTS } from "./seedData.ts";

useIdentitySubgraph();

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
      ent: null,
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
