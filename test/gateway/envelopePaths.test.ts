/**
 * Every gateway→subgraph path, end to end against real kit services (identity and audit on PGlite): the subgraph
 * fetch, the readiness probe, the identity proxy with the client's address signed inside the envelope, and which
 * address that is — the socket's, or X-Forwarded-For only from a trusted proxy (TRUSTED_PROXIES).
 */

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClientAddressOf } from "../../gateway/auth/clientAddress.ts";
import { loadGatewayConfig } from "../../gateway/config.ts";
import { subgraphFetcher, withAttempt } from "../../gateway/execution/subgraphFetcher.ts";
import type { GatewayServer } from "../../gateway/server.ts";
import { ConfigError } from "../../lib/config.ts";
import { systemPrincipal } from "../../lib/principal.ts";
import { createEnvelopeSigner, createEnvelopeVerifier, ENVELOPE_HEADER, type Envelope } from "../../lib/wire.ts";
import { composeSupergraph } from "../../scripts/composeSupergraph.ts";
import auditModule from "../../subgraphs/audit/index.ts";
import { createIdentitySubgraph } from "../../subgraphs/identity/index.ts";
import type { IdentityPrisma } from "../../subgraphs/identity/loaders.ts";
import type { SubgraphService } from "../../subgraphs/kit/service.ts";
import { testEnvelopeKeys } from "../support/envelope.ts";
import { startTestGateway } from "../support/gateway.ts";
import { startTestSubgraph } from "../support/subgraphs.ts";

/** A request as the gateway's edge sees it: a socket peer and an X-Forwarded-For header. */
const fromPeer = (remoteAddress: string, forwardedFor?: string) =>
  ({
    socket: { remoteAddress },
    headers: forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor },
  }) as unknown as IncomingMessage;

describe("the client address the gateway signs", () => {
  it("is the socket's peer when no proxy is trusted, whatever X-Forwarded-For says", () => {
    const addressOf = createClientAddressOf([]);
    expect(addressOf(fromPeer("198.51.100.7", "203.0.113.9"))).toBe("198.51.100.7");
    expect(addressOf(fromPeer("::ffff:198.51.100.7", "203.0.113.9"))).toBe("198.51.100.7");
    expect(addressOf(fromPeer("2001:db8::7"))).toBe("2001:db8::7");
  });

  it("reads X-Forwarded-For only from a trusted peer, from the right, skipping trusted hops", () => {
    const addressOf = createClientAddressOf(["10.0.0.0/8", "fd00::/8", "192.0.2.10"]);
    // An untrusted peer's header is ignored.
    expect(addressOf(fromPeer("198.51.100.7", "203.0.113.9"))).toBe("198.51.100.7");
    // A trusted proxy's last hop is the client; what the client wrote further left is not believed.
    expect(addressOf(fromPeer("10.1.2.3", "6.6.6.6, 203.0.113.9"))).toBe("203.0.113.9");
    // A chain of trusted proxies (an ingress behind a load balancer) is skipped hop by hop.
    expect(addressOf(fromPeer("10.1.2.3", "203.0.113.9, 192.0.2.10, 10.9.9.9"))).toBe("203.0.113.9");
    expect(addressOf(fromPeer("fd00::1", "2001:db8::42"))).toBe("2001:db8::42");
    // No header, or a malformed hop: the last address known good.
    expect(addressOf(fromPeer("10.1.2.3"))).toBe("10.1.2.3");
    expect(addressOf(fromPeer("10.1.2.3", "203.0.113.9, not-an-ip"))).toBe("10.1.2.3");
    expect(addressOf(fromPeer("10.1.2.3", "not-an-ip, 10.4.4.4"))).toBe("10.4.4.4");
    // Several headers are one list.
    expect(
      addressOf({ ...fromPeer("10.1.2.3"), headers: { "x-forwarded-for": ["6.6.6.6", "203.0.113.8"] } } as any),
    ).toBe("203.0.113.8");
  });

  it("refuses a malformed TRUSTED_PROXIES at start-up, naming the entry", () => {
    const load = (value: string) =>
      loadGatewayConfig({ ENVELOPE_PRIVATE_KEY: testEnvelopeKeys.privateKey, TRUSTED_PROXIES: value });
    expect(load("10.0.0.0/8, fd00::/8").TRUSTED_PROXIES).toEqual(["10.0.0.0/8", "fd00::/8"]);
    expect(load("").TRUSTED_PROXIES).toEqual([]);
    expect(() => load("10.0.0.0/33")).toThrow(ConfigError);
    expect(() => load("everyone")).toThrow(/everyone/);
  });
});

describe("the subgraph fetcher", () => {
  it("signs the bytes it sends, anew for every attempt, and sends nothing outside an attempt", async () => {
    const received: Array<{ header: string; method: string; path: string; body: Buffer }> = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        received.push({
          header: String(req.headers[ENVELOPE_HEADER]),
          method: req.method ?? "",
          path: req.url ?? "",
          body: Buffer.concat(chunks),
        });
        res.setHeader("content-type", "application/json");
        res.end('{"data":{"__typename":"Query"}}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql?probe=1`;
    try {
      const sign = createEnvelopeSigner(testEnvelopeKeys.privateKey);
      const claims = { aud: "books", requestId: "req-fetcher-1", purpose: null, principal: systemPrincipal("t") };
      const body = JSON.stringify({ query: "{ __typename }", variables: { name: "静安寺" } });
      const attempt = () =>
        withAttempt(
          {
            signal: AbortSignal.timeout(5000),
            headers: { "x-request-id": "req-fetcher-1" },
            sign: (r) => sign(claims, r),
          },
          async () => {
            const response = await subgraphFetcher(url, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body,
            });
            await response.text();
          },
        );
      await attempt();
      await attempt();
      const verify = createEnvelopeVerifier([testEnvelopeKeys.publicKey], "books");
      const envelopes = received.map(({ header, method, path, body: bytes }) => {
        const result = verify(header, { method, path, body: bytes });
        expect(result.ok).toBe(true);
        return (result as { ok: true; envelope: Envelope }).envelope;
      });
      expect(envelopes.map((e) => e.path)).toEqual(["/graphql?probe=1", "/graphql?probe=1"]);
      expect(envelopes[0]?.nonce).not.toBe(envelopes[1]?.nonce);
      await expect(subgraphFetcher(url, { method: "POST", headers: {}, body })).rejects.toThrow(/not sent unsigned/);
      expect(received).toHaveLength(2);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("every gateway→subgraph path, end to end", () => {
  let identity: SubgraphService<IdentityPrisma>;
  let audit: SubgraphService;
  let dir: string;
  /** No trusted proxy (the default). */
  let direct: GatewayServer;
  /** Behind a proxy on 127.0.0.1 (the test client plays the proxy). */
  let proxied: GatewayServer;

  beforeAll(async () => {
    const identityModule = createIdentitySubgraph();
    // Default options change no data: the registered module's seeded snapshot fits.
    identity = await startTestSubgraph(identityModule, { snapshot: true });
    audit = await startTestSubgraph(auditModule, { seed: false });
    const outcome = composeSupergraph([
      { name: "identity", url: identity.url, typeDefs: identityModule.typeDefs },
      { name: "audit", url: audit.url, typeDefs: auditModule.typeDefs },
    ]);
    if (!outcome.ok) throw new Error(outcome.errors.join("\n"));
    dir = await mkdtemp(join(tmpdir(), "og-envelope-paths-"));
    await writeFile(join(dir, "supergraph.graphql"), outcome.supergraphSdl);
    const env = {
      SUPERGRAPH_PATH: join(dir, "supergraph.graphql"),
      IDENTITY_URL: identity.url.replace(/\/graphql$/, ""),
      AUDIT_URL: audit.url.replace(/\/graphql$/, ""),
    };
    direct = await startTestGateway(env);
    proxied = await startTestGateway({ ...env, TRUSTED_PROXIES: "127.0.0.1/32,::1/128" });
  }, 120_000);

  afterAll(async () => {
    await direct?.stop();
    await proxied?.stop();
    await identity?.stop();
    await audit?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const base = (gateway: GatewayServer) => gateway.url.replace(/\/graphql$/, "");

  /** A failed login through the gateway's identity proxy, and the address the identity service recorded for it. */
  async function recordedAddress(gateway: GatewayServer, username: string, forwardedFor?: string) {
    const response = await fetch(`${base(gateway)}/oauth/token`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        ...(forwardedFor ? { "x-forwarded-for": forwardedFor } : {}),
      },
      body: new URLSearchParams({ grant_type: "password", username, password: "Wrong-password-1" }).toString(),
    });
    expect(response.status).toBe(400);
    const rows = await identity.prisma.loginAttempt.findMany({ where: { usernameKey: username } });
    expect(rows).toHaveLength(1);
    return rows[0]?.clientIp;
  }

  it("serves a query through a signed subgraph fetch that the kit verified", async () => {
    const before = identity.requests();
    const response = await fetch(direct.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ me { id } }" }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { me: null } });
    expect(identity.requests()).toBeGreaterThan(before);
  });

  it("is ready: each subgraph accepted the readiness probe's envelope, bound to the probe", async () => {
    const response = await fetch(`${base(direct)}/readyz`);
    const body = (await response.json()) as { status: string; subgraphs: Array<{ name: string; ok: boolean }> };
    expect(body.subgraphs.map(({ name, ok }) => ({ name, ok })).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: "audit", ok: true },
      { name: "identity", ok: true },
    ]);
    expect(response.status).toBe(200);
  });

  it("ignores X-Forwarded-For from a peer that is not a trusted proxy: identity records the socket's address", async () => {
    expect(await recordedAddress(direct, "ghost.untrusted", "203.0.113.90")).toBe("127.0.0.1");
  });

  it("honours X-Forwarded-For from a trusted proxy, and the signed address is what identity records", async () => {
    expect(await recordedAddress(proxied, "ghost.proxied", "6.6.6.6, 203.0.113.91")).toBe("203.0.113.91");
    expect(await recordedAddress(proxied, "ghost.proxied-none")).toBe("127.0.0.1");
  });
});
