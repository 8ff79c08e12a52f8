import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import jwt from "jsonwebtoken";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GatewayServer } from "../../gateway/server.ts";
import { ENVELOPE_HEADER } from "../../lib/wire.ts";
import { openEnvelope } from "../support/envelope.ts";
import { composeForeignSupergraph, type RunningSubgraph, startBooks, startReviews } from "../support/foreignGraph.ts";
import { startTestGateway } from "../support/gateway.ts";
import {
  districtClaims,
  es256Keys,
  nowSeconds,
  publicJwk,
  startTestIssuer,
  TEST_AUDIENCE,
  TEST_ISSUER,
  type TestIssuer,
} from "../support/tokens.ts";

const ISSUER = TEST_ISSUER;
const AUDIENCE = TEST_AUDIENCE;
const es256 = es256Keys;
const jwk = publicJwk;
const now = nowSeconds;
const claims = districtClaims;

describe("authentication at the gateway", () => {
  let district: TestIssuer;
  let department: TestIssuer;
  const key1 = es256();
  const key2 = es256();
  const deptKey = generateKeyPairSync("rsa", { modulusLength: 2048 });
  let dir: string;
  let books: RunningSubgraph;
  let reviews: RunningSubgraph;
  let gateway: GatewayServer;
  const sign = (payload: object, key: KeyObject = key1.privateKey, kid = "k1") =>
    jwt.sign(payload, key, { algorithm: "ES256", keyid: kid });

  /** How far the gateway's key-cache clock runs ahead of the wall clock: moved, never slept through. */
  let jwksClockAheadMs = 0;

  beforeAll(async () => {
    district = await startTestIssuer([jwk(key1.publicKey, "k1")]);
    department = await startTestIssuer([jwk(deptKey.publicKey, "dept-k1", "RS256")]);
    const identityUrl = district.url;
    const departmentUrl = department.url;
    dir = await mkdtemp(join(tmpdir(), "og-auth-"));
    books = await startBooks();
    reviews = await startReviews();
    await writeFile(join(dir, "supergraph.graphql"), composeForeignSupergraph(books, reviews));
    gateway = await startTestGateway(
      {
        SUPERGRAPH_PATH: join(dir, "supergraph.graphql"),
        IDENTITY_URL: identityUrl,
        REVOCATION_POLL_MS: "100",
        TRUSTED_ISSUERS: JSON.stringify([
          {
            issuer: "https://idp.health.example",
            jwksUrl: `${departmentUrl}/.well-known/jwks.json`,
            audience: AUDIENCE,
            algorithms: ["RS256"],
            departmentId: "dept-health",
            kind: "officer",
            rolesClaim: "groups",
            roleMap: { doctors: "officer" },
            scopes: ["health:read"],
          },
        ]),
      },
      { now: () => Date.now() + jwksClockAheadMs },
    );
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([books?.stop(), reviews?.stop(), district?.stop(), department?.stop()]);
    await rm(dir, { recursive: true, force: true });
  });

  async function ask(query: string, token?: string, authorization?: string) {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (token) headers.authorization = `Bearer ${token}`;
    if (authorization) headers.authorization = authorization;
    const response = await fetch(gateway.url, { method: "POST", headers, body: JSON.stringify({ query }) });
    const text = await response.text();
    return {
      status: response.status,
      text,
      body: JSON.parse(text),
      wwwAuthenticate: response.headers.get("www-authenticate"),
    };
  }

  it("lets anonymous callers read public fields only, naming what needs a login", async () => {
    expect((await ask("{ books { title } }")).body.data.books).toHaveLength(2);
    const refused = await ask("{ books { title } bookCount }");
    expect(refused.status).toBe(401);
    expect(refused.wwwAuthenticate).toMatch(/^Bearer/);
    expect(refused.body.errors[0].extensions.code).toBe("AUTHENTICATION_REQUIRED");
    expect(refused.body.errors[0].message).toContain("Query.bookCount");
    expect(refused.body.data).toBeUndefined();
  });

  it("turns a valid token into a principal that reaches the subgraphs inside the signed envelope", async () => {
    const { status, body } = await ask("{ bookCount books { reviews { stars } } }", sign(claims()));
    expect(status).toBe(200);
    expect(body.data.bookCount).toBe(2);
    const envelope = openEnvelope(reviews.received.at(-1)?.[ENVELOPE_HEADER]);
    expect(envelope).toMatchObject({ v: 2, aud: "reviews", method: "POST", path: "/" });
    expect(envelope.nonce).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(envelope.principal).toEqual({
      kind: "officer",
      id: "person-officer-health",
      roles: ["officer"],
      scopes: ["graph:read", "catalog:read", "health:read", "clearance:sensitive"],
      departmentId: "dept-health",
      streetIds: ["street-linfenlu"],
      residentId: null,
      sessionId: "sess-officer-1",
      issuer: ISSUER,
    });
  });

  const otherKey = es256();
  const hostile: Record<string, () => string> = {
    "alg none": () =>
      `${Buffer.from('{"alg":"none","typ":"JWT","kid":"k1"}').toString("base64url")}.${Buffer.from(JSON.stringify(claims())).toString("base64url")}.`,
    "HS256 signed with the public key": () =>
      jwt.sign(claims(), key1.publicKey.export({ format: "pem", type: "spki" }) as string, {
        algorithm: "HS256",
        keyid: "k1",
      }),
    "a wrong key under a known kid": () => sign(claims(), otherKey.privateKey, "k1"),
    "an unknown kid": () => sign(claims(), otherKey.privateKey, "forged-kid"),
    expired: () => sign(claims({ iat: now() - 900, nbf: now() - 900, exp: now() - 600 })),
    "not yet valid": () => sign(claims({ nbf: now() + 600, exp: now() + 900 })),
    "a wrong issuer": () => sign(claims({ iss: "https://evil.example" })),
    "a wrong audience": () => sign(claims({ aud: "another-graph" })),
    "no expiry": () => {
      const { exp: _exp, ...withoutExpiry } = claims();
      return sign(withoutExpiry);
    },
    "a system principal kind": () => sign(claims({ kind: "system" })),
    truncated: () => sign(claims()).slice(0, -20),
    garbage: () => "aaaa.bbbb.cccc",
  };

  for (const [name, token] of Object.entries(hostile)) {
    it(`refuses a token with ${name}: 401 INVALID_TOKEN without detail`, async () => {
      const { status, body, text, wwwAuthenticate } = await ask("{ books { title } }", token());
      expect(status).toBe(401);
      expect(wwwAuthenticate).toMatch(/^Bearer/);
      expect(body.errors[0].extensions.code).toBe("INVALID_TOKEN");
      expect(text).not.toMatch(/expired|signature|issuer|audience|kid|alg/i);
    });
  }

  it("refuses an Authorization header that is not a bearer token", async () => {
    const { status, body } = await ask("{ books { title } }", undefined, "Basic YWRtaW46YWRtaW4=");
    expect(status).toBe(401);
    expect(body.errors[0].extensions.code).toBe("INVALID_TOKEN");
  });

  it("accepts tokens of a rotated-in key and of the previous key while the issuer publishes both", async () => {
    const before = district.state.jwksFetches;
    district.state.keys = [jwk(key1.publicKey, "k1"), jwk(key2.publicKey, "k2")];
    // Past the 10 s refetch guard for unknown kids, on the injected clock.
    jwksClockAheadMs += 10_100;
    expect((await ask("{ bookCount }", sign(claims({ sid: "s-new" }), key2.privateKey, "k2"))).status).toBe(200);
    expect((await ask("{ bookCount }", sign(claims({ sid: "s-old" }), key1.privateKey, "k1"))).status).toBe(200);
    expect(district.state.jwksFetches).toBe(before + 1);
  });

  it("refuses a token whose session was revoked at the identity service, within a poll interval", async () => {
    const token = sign(claims({ sid: "sess-to-revoke" }));
    expect((await ask("{ bookCount }", token)).status).toBe(200);
    district.state.revoked = [{ sid: "sess-to-revoke", until: now() + 300 }];
    await district.revocationPolls(3);
    const { status, body } = await ask("{ bookCount }", token);
    expect(status).toBe(401);
    expect(body.errors[0].extensions.code).toBe("INVALID_TOKEN");
  });

  it("trusts a department's own provider by issuer and JWKS, mapping its groups onto district roles", async () => {
    const deptToken = (groups: string[]) =>
      jwt.sign(
        { iss: "https://idp.health.example", aud: AUDIENCE, sub: "doctor-42", groups, exp: now() + 300 },
        deptKey.privateKey,
        { algorithm: "RS256", keyid: "dept-k1" },
      );
    expect((await ask("{ bookCount }", deptToken(["doctors"]))).status).toBe(200);
    expect(openEnvelope(books.received.at(-1)?.[ENVELOPE_HEADER]).principal).toMatchObject({
      kind: "officer",
      id: "ext:dept-health:doctor-42",
      roles: ["officer"],
      departmentId: "dept-health",
      issuer: "https://idp.health.example",
    });
    expect((await ask("{ bookCount }", deptToken(["visitors"]))).status).toBe(401);
  });
});
