/**
 * Bearer-token verification (gateway/auth/tokenVerifier.ts) and the JWKS key cache (gateway/auth/jwks.ts) without a
 * server or a port: keys come from an in-memory JWKS, time from an injected clock. Each refusal names its reason.
 */
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import jwt from "jsonwebtoken";
import { describe, expect, it } from "vitest";
import { createJwksSource } from "../../gateway/auth/jwks.ts";
import {
  createTokenVerifier,
  districtPrincipal,
  type TokenRejection,
  type TrustedIssuer,
} from "../../gateway/auth/tokenVerifier.ts";
import { districtClaims, es256Keys, publicJwk, signToken, TEST_AUDIENCE, TEST_ISSUER } from "../support/tokens.ts";

const T0 = Date.UTC(2027, 2, 1, 9, 0, 0);
const seconds = (ms: number) => Math.floor(ms / 1000);

/** A clock the test moves; starts at T0. */
function clock() {
  let at = T0;
  return { now: () => at, advance: (ms: number) => (at += ms) };
}

/** An in-memory JWKS endpoint: what it publishes, and how often it was asked. */
function jwksEndpoint(keys: object[]) {
  const endpoint = {
    keys,
    fetches: 0,
    fetch: (async () => {
      endpoint.fetches += 1;
      return new Response(JSON.stringify({ keys: endpoint.keys }), { status: 200 });
    }) as typeof fetch,
  };
  return endpoint;
}

function setup(options: { revoked?: Set<string> } = {}) {
  const time = clock();
  const key1 = es256Keys();
  const endpoint = jwksEndpoint([publicJwk(key1.publicKey, "k1")]);
  const issuer: TrustedIssuer = {
    issuer: TEST_ISSUER,
    audience: TEST_AUDIENCE,
    algorithms: ["ES256"],
    jwks: createJwksSource({ url: "https://id.example/jwks", now: time.now, fetch: endpoint.fetch }),
    toPrincipal: districtPrincipal,
  };
  const revoked = options.revoked ?? new Set<string>();
  const verify = createTokenVerifier({
    issuers: [issuer],
    clockToleranceSeconds: 30,
    isRevoked: (sid) => revoked.has(sid),
    now: time.now,
  });
  const claims = (overrides: Record<string, unknown> = {}) =>
    districtClaims({ iat: seconds(T0), nbf: seconds(T0), exp: seconds(T0) + 300, ...overrides });
  return { time, key1, endpoint, verify, claims, revoked };
}

async function rejection(promise: Promise<unknown>): Promise<TokenRejection | "accepted"> {
  try {
    await promise;
    return "accepted";
  } catch (error) {
    return (error as { reason: TokenRejection }).reason;
  }
}

/** A JWT with the given header, payload and signature segments (for tokens a library would refuse to make). */
function rawToken(header: object, payload: object, signature = ""): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part(header)}.${part(payload)}.${signature}`;
}

describe("token verification", () => {
  it("turns a valid district token into its principal", async () => {
    const { verify, claims, key1 } = setup();
    const principal = await verify(signToken(claims(), key1.privateKey, "k1"));
    expect(principal).toMatchObject({
      kind: "officer",
      id: "person-officer-health",
      departmentId: "dept-health",
      sessionId: "sess-officer-1",
    });
  });

  it("refuses an expired token once past the clock tolerance, and not before", async () => {
    const { verify, claims, key1, time } = setup();
    const token = signToken(claims({ exp: seconds(T0) + 60 }), key1.privateKey, "k1");
    time.advance(60_000 + 29_000);
    expect(await rejection(verify(token))).toBe("accepted");
    time.advance(2_000);
    expect(await rejection(verify(token))).toBe("expired");
    const fresh = setup();
    fresh.time.advance(120_000);
    expect(
      await rejection(fresh.verify(signToken(fresh.claims({ exp: seconds(T0) + 60 }), fresh.key1.privateKey, "k1"))),
    ).toBe("expired");
  });

  it("refuses a token not valid yet, and one without an expiry", async () => {
    const { verify, claims, key1 } = setup();
    expect(await rejection(verify(signToken(claims({ nbf: seconds(T0) + 120 }), key1.privateKey, "k1")))).toBe(
      "not-yet-valid",
    );
    const { exp: _exp, ...noExpiry } = claims();
    expect(await rejection(verify(signToken(noExpiry, key1.privateKey, "k1")))).toBe("no-expiry");
  });

  it("refuses a token of an issuer it does not trust, and one for another audience", async () => {
    const { verify, claims, key1 } = setup();
    expect(await rejection(verify(signToken(claims({ iss: "https://evil.example" }), key1.privateKey, "k1")))).toBe(
      "unknown-issuer",
    );
    expect(await rejection(verify(signToken(claims({ aud: "another-graph" }), key1.privateKey, "k1")))).toBe("invalid");
  });

  it("refuses alg none, HS256 signed with the public key, and an algorithm not on the issuer's list", async () => {
    const { verify, claims, key1 } = setup();
    expect(await rejection(verify(rawToken({ alg: "none", kid: "k1" }, claims())))).toBe("algorithm-not-allowed");
    const publicPem = key1.publicKey.export({ format: "pem", type: "spki" });
    const confused = jwt.sign(claims(), publicPem, { algorithm: "HS256", keyid: "k1" });
    expect(await rejection(verify(confused))).toBe("algorithm-not-allowed");
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const rs256 = jwt.sign(claims(), rsa.privateKey, { algorithm: "RS256", keyid: "k1" });
    expect(await rejection(verify(rs256))).toBe("algorithm-not-allowed");
  });

  it("refuses a forged signature: another key under a published kid, or a payload changed after signing", async () => {
    const { verify, claims, key1 } = setup();
    const forger = es256Keys();
    expect(await rejection(verify(signToken(claims(), forger.privateKey, "k1")))).toBe("invalid");
    const [header, , signature] = signToken(claims(), key1.privateKey, "k1").split(".");
    const elevated = Buffer.from(JSON.stringify(claims({ roles: ["security_admin"] }))).toString("base64url");
    expect(await rejection(verify(`${header}.${elevated}.${signature}`))).toBe("invalid");
  });

  it("refuses a kid the issuer does not publish, and a token without a kid", async () => {
    const { verify, claims, key1 } = setup();
    expect(await rejection(verify(signToken(claims(), key1.privateKey, "k-unknown")))).toBe("unknown-key");
    expect(await rejection(verify(jwt.sign(claims(), key1.privateKey as KeyObject, { algorithm: "ES256" })))).toBe(
      "unknown-key",
    );
  });

  it("refuses malformed tokens and claims that do not describe a district identity", async () => {
    const { verify, claims, key1 } = setup();
    expect(await rejection(verify("not-a-jwt"))).toBe("malformed");
    expect(await rejection(verify(signToken(claims({ kind: "wizard" }), key1.privateKey, "k1")))).toBe("bad-claims");
  });

  it("refuses a revoked session, also once verified and cached, and keeps refusing it if the list forgets", async () => {
    const revoked = new Set<string>();
    const { verify, claims, key1 } = setup({ revoked });
    const token = signToken(claims({ sid: "sess-stolen" }), key1.privateKey, "k1");
    expect(await rejection(verify(token))).toBe("accepted");
    revoked.add("sess-stolen");
    expect(await rejection(verify(token))).toBe("revoked");
    revoked.delete("sess-stolen");
    expect(await rejection(verify(token))).toBe("revoked");
    expect(await rejection(verify(signToken(claims({ sid: "sess-other" }), key1.privateKey, "k1")))).toBe("accepted");
  });

  it("refuses to trust an issuer configured with a symmetric algorithm", () => {
    expect(() =>
      createTokenVerifier({
        issuers: [
          {
            issuer: "x",
            audience: "y",
            algorithms: ["HS256"],
            jwks: { key: async () => undefined },
            toPrincipal: districtPrincipal,
          },
        ],
      }),
    ).toThrow(/non-asymmetric/);
  });
});

describe("the JWKS key cache", () => {
  it("fetches once, then answers known kids from the cache", async () => {
    const { verify, claims, key1, endpoint } = setup();
    for (let i = 0; i < 5; i += 1) await verify(signToken(claims({ sid: `s-${i}` }), key1.privateKey, "k1"));
    expect(endpoint.fetches).toBe(1);
  });

  it("picks up a rotated-in key on an unknown kid, at most once per refetch guard", async () => {
    const { verify, claims, key1, endpoint, time } = setup();
    await verify(signToken(claims(), key1.privateKey, "k1"));
    const key2 = es256Keys();
    endpoint.keys = [publicJwk(key1.publicKey, "k1"), publicJwk(key2.publicKey, "k2")];
    const rotated = () => signToken(claims({ sid: `s-${time.now()}` }), key2.privateKey, "k2");
    // Within the 10 s guard an unknown kid does not reach the issuer (forged kids cannot flood it).
    time.advance(5_000);
    expect(await rejection(verify(rotated()))).toBe("unknown-key");
    expect(endpoint.fetches).toBe(1);
    // Past it, one refetch brings the new key; the old one still verifies while it is published.
    time.advance(5_001);
    expect(await rejection(verify(rotated()))).toBe("accepted");
    expect(await rejection(verify(signToken(claims({ sid: "s-old" }), key1.privateKey, "k1")))).toBe("accepted");
    expect(endpoint.fetches).toBe(2);
  });

  it("refreshes every max age even when every kid is known, dropping a key the issuer withdrew", async () => {
    const time = clock();
    const key1 = es256Keys();
    const endpoint = jwksEndpoint([publicJwk(key1.publicKey, "k1")]);
    const jwks = createJwksSource({
      url: "https://id.example/jwks",
      now: time.now,
      fetch: endpoint.fetch,
      maxAgeMs: 60_000,
    });
    expect(await jwks.key("k1")).toBeDefined();
    endpoint.keys = [];
    time.advance(59_000);
    expect(await jwks.key("k1")).toBeDefined();
    expect(endpoint.fetches).toBe(1);
    time.advance(2_000);
    expect(await jwks.key("k1")).toBeUndefined();
    expect(endpoint.fetches).toBe(2);
  });

  it("keeps verifying with the keys it has while the issuer is unreachable, and skips malformed keys", async () => {
    const time = clock();
    const key1 = es256Keys();
    let reachable = true;
    let fetches = 0;
    const jwks = createJwksSource({
      url: "https://id.example/jwks",
      now: time.now,
      maxAgeMs: 60_000,
      fetch: (async () => {
        fetches += 1;
        if (!reachable) throw new TypeError("fetch failed");
        return new Response(
          JSON.stringify({ keys: [{ kid: "bad", kty: "EC", crv: "P-256", x: "AA" }, publicJwk(key1.publicKey, "k1")] }),
        );
      }) as typeof fetch,
    });
    expect(await jwks.key("k1")).toBeDefined();
    expect(await jwks.key("bad")).toBeUndefined();
    reachable = false;
    time.advance(61_000);
    expect(await jwks.key("k1")).toBeDefined();
    expect(fetches).toBeGreaterThanOrEqual(2);
  });

  it("shares one fetch between concurrent lookups", async () => {
    const time = clock();
    const endpoint = jwksEndpoint([publicJwk(es256Keys().publicKey, "k1")]);
    const jwks = createJwksSource({ url: "https://id.example/jwks", now: time.now, fetch: endpoint.fetch });
    await Promise.all(Array.from({ length: 10 }, () => jwks.key("k1")));
    expect(endpoint.fetches).toBe(1);
  });
});
