/**
 * Revocation lasts until exp + skew (issue #11, item 7): a session revoked 5 s after its token was issued stays
 * refused for the token's whole acceptable life — its exp plus the gateway's clock tolerance — at both ends: the
 * identity service keeps listing it, and the gateway keeps refusing it even when a list leaves it out. The real
 * identity service, the gateway's own revocation list and token verifier, one injected clock, no sleeps.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createJwksSource } from "../../gateway/auth/jwks.ts";
import { createRevocationList } from "../../gateway/auth/revocations.ts";
import { createTokenVerifier, districtPrincipal, TokenRejected } from "../../gateway/auth/tokenVerifier.ts";
import { SYSTEM_SCOPES } from "../../lib/wire.ts";
import { createIdentitySubgraph } from "../../subgraphs/identity/index.ts";
import type { IdentityPrisma } from "../../subgraphs/identity/loaders.ts";
import type { SubgraphService } from "../../subgraphs/kit/service.ts";
import { gatewayCaller, signedGet, signedHeaders } from "../support/envelope.ts";
import { IDENTITY_PROXY } from "../support/identityClient.ts";

/** The gateway's revocation poller: a GET signed for exactly that URL, scope identity:revocations:read. */
const asPoller = (url: string) =>
  signedGet("identity", url, { principal: gatewayCaller(SYSTEM_SCOPES.revocationsRead) });

import { IDENTITY_SEED_FAMILY, IDENTITY_SEED_INSTANT, TEST_SEED_DATE } from "../support/seedDate.ts";
import { startTestSubgraph } from "../support/subgraphs.ts";
import { TEST_AUDIENCE, TEST_ISSUER } from "../support/tokens.ts";

const TTL = 300;
const SKEW = 30;

// The identity family's seed clock: identity starts from the run's shared identity snapshot (seedDate.ts).
let clock = IDENTITY_SEED_INSTANT.getTime();
const advanceTo = (issuedAt: number, seconds: number) => {
  clock = issuedAt + seconds * 1000;
};

describe("revocation until exp + skew", () => {
  let identity: SubgraphService<IdentityPrisma>;
  let base: string;

  beforeAll(async () => {
    identity = await startTestSubgraph(
      createIdentitySubgraph({ now: () => new Date(clock), accessTokenTtlSeconds: TTL }),
      { seedDate: TEST_SEED_DATE, snapshot: IDENTITY_SEED_FAMILY },
    );
    base = identity.url.replace(/\/graphql$/, "");
  });
  afterAll(async () => {
    await identity?.stop();
  });

  const gatewaySide = (url = `${base}/oauth/revoked-sessions`) => {
    const revocations = createRevocationList({
      url,
      headers: asPoller,
      intervalMs: 3_600_000,
      clockToleranceSeconds: SKEW,
      now: () => clock,
    });
    const verify = createTokenVerifier({
      clockToleranceSeconds: SKEW,
      isRevoked: revocations.isRevoked,
      now: () => clock,
      issuers: [
        {
          issuer: TEST_ISSUER,
          audience: TEST_AUDIENCE,
          algorithms: ["ES256"],
          jwks: createJwksSource({ url: `${base}/.well-known/jwks.json`, now: () => clock }),
          toPrincipal: districtPrincipal,
        },
      ],
    });
    return { revocations, verify };
  };

  const outcome = (verifying: Promise<unknown>) =>
    verifying.then(
      () => "accepted",
      (error: unknown) => (error instanceof TokenRejected ? error.reason : `error: ${String(error)}`),
    );

  async function post(path: string, params: Record<string, string>) {
    const body = new URLSearchParams(params).toString();
    const response = await fetch(`${base}${path}`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        ...signedHeaders(
          "identity",
          { method: "POST", path, body },
          { principal: IDENTITY_PROXY, clientAddress: "192.0.2.77" },
        ),
      },
      body,
    });
    return { status: response.status, body: (await response.json()) as any };
  }

  it("refuses a token revoked 5 s after issue until its exp + skew, though the session's until passed earlier", async () => {
    const { revocations, verify } = gatewaySide();
    const issuedAt = clock;
    const login = await post("/oauth/token", {
      grant_type: "password",
      username: "zhang.wei",
      password: "Resident#2026",
    });
    expect(login.status).toBe(200);
    const token: string = login.body.access_token;
    expect(await outcome(verify(token))).toBe("accepted");

    advanceTo(issuedAt, 5);
    expect((await post("/oauth/revoke", { token: login.body.refresh_token })).status).toBe(200);
    await revocations.refresh();
    expect(await outcome(verify(token))).toBe("revoked");

    // revokedAt + TTL (the session's `until`) is behind us; exp + skew is not: still refused, at every step.
    for (const seconds of [TTL + 5, TTL + 6, TTL + 15, TTL + SKEW - 1, TTL + SKEW]) {
      advanceTo(issuedAt, seconds);
      await revocations.refresh();
      expect(revocations.isRevoked(JSON.parse(payloadOf(token)).sid), `${seconds} s`).toBe(true);
      expect(await outcome(verify(token)), `${seconds} s after issue`).toBe("revoked");
    }
    // The identity service itself still lists the session for a gateway with this tolerance…
    const listed = await fetch(`${base}/oauth/revoked-sessions?skew=${SKEW}`, {
      headers: asPoller(`${base}/oauth/revoked-sessions?skew=${SKEW}`),
    });
    expect(((await listed.json()) as any).sessions.map((s: { sid: string }) => s.sid)).toContain(
      JSON.parse(payloadOf(token)).sid,
    );
    // …once exp + skew has passed the token is simply expired; the session leaves the lists at its until + skew.
    advanceTo(issuedAt, TTL + SKEW + 1);
    expect(await outcome(verify(token))).toBe("expired");
    advanceTo(issuedAt, 5 + TTL + SKEW + 1);
    await revocations.refresh();
    expect(revocations.isRevoked(JSON.parse(payloadOf(token)).sid)).toBe(false);
    expect(revocations.size()).toBe(0);
  });

  it("keeps refusing a revoked session that a later list leaves out, until until + skew by its own clock", async () => {
    // An identity service whose clock runs a minute ahead drops the session early; the gateway keeps it.
    const sessions = [{ sid: "sid-ahead", until: Math.floor(clock / 1000) + 100 }];
    const server = createServer((_req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ sessions }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth/revoked-sessions`;
    try {
      const { revocations } = gatewaySide(url);
      await revocations.refresh();
      const start = clock;
      sessions.length = 0;
      advanceTo(start, 100 + SKEW - 1);
      await revocations.refresh();
      expect(revocations.isRevoked("sid-ahead")).toBe(true);
      advanceTo(start, 100 + SKEW + 1);
      await revocations.refresh();
      expect(revocations.isRevoked("sid-ahead")).toBe(false);
      expect(revocations.size()).toBe(0);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("refuses a malformed skew with 400 and answers the gateway's envelope only", async () => {
    const bad = await fetch(`${base}/oauth/revoked-sessions?skew=lots`, {
      headers: asPoller(`${base}/oauth/revoked-sessions?skew=lots`),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).errors[0].message).toContain("skew must be a whole number");
    const unsigned = await fetch(`${base}/oauth/revoked-sessions?skew=30`);
    expect(unsigned.status).toBe(401);
  });
});

function payloadOf(token: string): string {
  return Buffer.from(token.split(".")[1] as string, "base64url").toString("utf8");
}
