import type { IncomingMessage } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../lib/log.ts";
import { type Principal, systemPrincipal } from "../../lib/principal.ts";
import {
  bodySha256,
  createEnvelopeSigner,
  createEnvelopeVerifier,
  EMPTY_BODY_SHA256,
  ENVELOPE_CLOCK_SKEW_SECONDS,
  ENVELOPE_HEADER,
  ENVELOPE_TTL_SECONDS,
  generateEnvelopeKeys,
  SYSTEM_SCOPES,
} from "../../lib/wire.ts";
import catalog from "../../subgraphs/catalog/index.ts";
import { createEnvelopeGuard } from "../../subgraphs/kit/envelopeGuard.ts";
import { createMemoryNonceStore, type NonceStore } from "../../subgraphs/kit/nonceStore.ts";
import type { SubgraphService } from "../../subgraphs/kit/service.ts";
import { subgraphModules } from "../../subgraphs/registry.ts";
import { signedHeaders, testEnvelopeKeys } from "../support/envelope.ts";
import { graphql, startTestSubgraph } from "../support/subgraphs.ts";

const officer: Principal = {
  kind: "officer",
  id: "person-officer-health",
  roles: ["officer"],
  scopes: ["health:read"],
  departmentId: "dept-health",
  streetIds: ["street-linfenlu"],
  residentId: null,
  sessionId: "sess-1",
  issuer: "jingan-one-graph-identity",
};

const BODY = JSON.stringify({ query: "{ hospitals { name } }" });
const POST_GRAPHQL = { method: "POST", path: "/graphql", body: BODY };

describe("the identity envelope, from both ends", () => {
  const keys = generateEnvelopeKeys();
  let clock = Date.parse("2026-12-01T00:00:00Z");
  const sign = createEnvelopeSigner(keys.privateKey, () => clock);
  const verify = createEnvelopeVerifier([keys.publicKey], "health", () => clock);
  const claims = {
    aud: "health",
    requestId: "req-00000001",
    purpose: "medical-treatment",
    caseReference: "WJW-2026-000123",
    principal: officer,
    clientAddress: "203.0.113.7",
  };
  const envelope = () => sign(claims, POST_GRAPHQL);

  it("carries principal, purpose, case, request id and client address, bound to method, path, body hash and a nonce", () => {
    const result = verify(envelope(), POST_GRAPHQL);
    expect(result).toEqual({
      ok: true,
      envelope: {
        v: 2,
        aud: "health",
        iat: clock / 1000,
        exp: clock / 1000 + ENVELOPE_TTL_SECONDS,
        nonce: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
        method: "POST",
        path: "/graphql",
        bodySha256: bodySha256(Buffer.from(BODY)),
        requestId: "req-00000001",
        purpose: "medical-treatment",
        caseReference: "WJW-2026-000123",
        principal: officer,
        clientAddress: "203.0.113.7",
      },
    });
    // 600 nonces: more than two refills of the signer's pool of random bytes (256 nonces each), none repeated.
    const nonces = new Set(Array.from({ length: 600 }, () => (verify(envelope(), POST_GRAPHQL) as any).envelope.nonce));
    expect(nonces.size).toBe(600);
    expect(EMPTY_BODY_SHA256).toBe("47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
  });

  it("is refused when missing, malformed, tampered, for another subgraph, signed by another key, or expired", () => {
    const good = envelope();
    const [v, kid, payload, signature] = good.split(".") as [string, string, string, string];
    const forged = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(payload, "base64url").toString()),
        principal: { ...officer, roles: ["security_admin"] },
      }),
    ).toString("base64url");
    const otherKeys = generateEnvelopeKeys();
    const otherSigner = createEnvelopeSigner(otherKeys.privateKey, () => clock);
    expect(verify(undefined, POST_GRAPHQL)).toEqual({ ok: false, reason: "missing" });
    expect(verify("not-an-envelope", POST_GRAPHQL)).toEqual({ ok: false, reason: "malformed" });
    expect(verify(`v1.${kid}.${payload}.${signature}`, POST_GRAPHQL)).toEqual({ ok: false, reason: "malformed" });
    expect(verify(`${v}.${kid}.${forged}.${signature}`, POST_GRAPHQL)).toEqual({ ok: false, reason: "bad-signature" });
    expect(verify(sign({ ...claims, aud: "catalog" }, POST_GRAPHQL), POST_GRAPHQL)).toEqual({
      ok: false,
      reason: "wrong-audience",
    });
    expect(verify(otherSigner(claims, POST_GRAPHQL), POST_GRAPHQL)).toEqual({ ok: false, reason: "unknown-key" });
    clock += (ENVELOPE_TTL_SECONDS + ENVELOPE_CLOCK_SKEW_SECONDS + 1) * 1000;
    expect(verify(good, POST_GRAPHQL)).toEqual({ ok: false, reason: "expired" });
  });

  it("is refused as malformed when a validly signed payload breaks the contract (kind, principal fields)", () => {
    const robot = { ...officer, kind: "robot" } as unknown as Principal;
    const { roles: _roles, ...roleless } = officer;
    expect(verify(sign({ ...claims, principal: robot }, POST_GRAPHQL), POST_GRAPHQL)).toEqual({
      ok: false,
      reason: "malformed",
    });
    expect(verify(sign({ ...claims, principal: roleless as Principal }, POST_GRAPHQL), POST_GRAPHQL)).toEqual({
      ok: false,
      reason: "malformed",
    });
    // Keys the contract does not know are dropped, not passed on to the subgraph.
    const extra = verify(
      sign({ ...claims, principal: { ...officer, admin: true } as Principal }, POST_GRAPHQL),
      POST_GRAPHQL,
    );
    expect(extra.ok && extra.envelope.principal).toEqual(officer);
  });

  it("is refused on any other request than the one it was signed for: method, path, query string, body", () => {
    const good = envelope();
    const notBound = { ok: false, reason: "not-bound" };
    expect(verify(good, { ...POST_GRAPHQL, method: "GET" })).toEqual(notBound);
    expect(verify(good, { ...POST_GRAPHQL, path: "/audit/records" })).toEqual(notBound);
    expect(verify(good, { ...POST_GRAPHQL, path: "/graphql?since=1" })).toEqual(notBound);
    expect(verify(good, { ...POST_GRAPHQL, body: BODY.replace("name", "nam3") })).toEqual(notBound);
    expect(verify(good, { ...POST_GRAPHQL, body: `${BODY} ` })).toEqual(notBound);
    expect(verify(good, { ...POST_GRAPHQL, body: null })).toEqual(notBound);
    // The same bytes as a Buffer or as a string are the same request.
    expect(verify(good, { ...POST_GRAPHQL, body: Buffer.from(BODY) }).ok).toBe(true);
    const get = sign(claims, { method: "get", path: "/oauth/revoked-sessions?skew=30" });
    expect(verify(get, { method: "GET", path: "/oauth/revoked-sessions?skew=30" }).ok).toBe(true);
    expect(verify(get, { method: "GET", path: "/oauth/revoked-sessions?skew=30", body: "x" })).toEqual(notBound);
    expect(verify(get, { method: "GET", path: "/oauth/revoked-sessions?skew=300" })).toEqual(notBound);
  });

  it("accepts envelopes from the old and the new key while both are configured (key rotation)", () => {
    const next = generateEnvelopeKeys();
    const both = createEnvelopeVerifier([keys.publicKey, next.publicKey], "health", () => clock);
    for (const privateKey of [keys.privateKey, next.privateKey]) {
      const signed = createEnvelopeSigner(privateKey, () => clock)(
        { aud: "health", requestId: "req-00000002", purpose: null, principal: systemPrincipal("gateway") },
        POST_GRAPHQL,
      );
      expect(both(signed, POST_GRAPHQL).ok).toBe(true);
    }
  });
});

describe("the receiving end's guard (nonce, scope, fail closed)", () => {
  const keys = generateEnvelopeKeys();
  const sign = createEnvelopeSigner(keys.privateKey);
  const verify = createEnvelopeVerifier([keys.publicKey], "audit");
  const log = createLogger({ service: "test", level: "silent" });
  const request = (header: string, path = "/audit/records") =>
    ({ method: "POST", url: path, headers: { [ENVELOPE_HEADER]: header } }) as unknown as IncomingMessage;
  const body = Buffer.from('{"records":[]}');
  const as = (principal: Principal) =>
    sign(
      { aud: "audit", requestId: "r-1", purpose: null, principal },
      { method: "POST", path: "/audit/records", body },
    );

  it("accepts an envelope once: the second use is ENVELOPE_REPLAYED", async () => {
    const guard = createEnvelopeGuard({ verify, nonces: createMemoryNonceStore(), log });
    const header = as(systemPrincipal("writer", [SYSTEM_SCOPES.auditWrite]));
    expect((await guard.check(request(header), body, { scope: SYSTEM_SCOPES.auditWrite })).ok).toBe(true);
    expect(await guard.check(request(header), body, { scope: SYSTEM_SCOPES.auditWrite })).toMatchObject({
      ok: false,
      status: 401,
      code: "ENVELOPE_REPLAYED",
    });
  });

  it("requires the route's scope of a system principal: readiness cannot write audit records", async () => {
    const guard = createEnvelopeGuard({ verify, nonces: createMemoryNonceStore(), log });
    for (const principal of [
      systemPrincipal("gateway-readiness", [SYSTEM_SCOPES.readiness]),
      systemPrincipal("gateway-revocations", [SYSTEM_SCOPES.revocationsRead]),
      { ...officer, scopes: [SYSTEM_SCOPES.auditWrite] },
    ]) {
      expect(await guard.check(request(as(principal)), body, { scope: SYSTEM_SCOPES.auditWrite })).toMatchObject({
        ok: false,
        status: 403,
        code: "ENVELOPE_SCOPE_MISSING",
      });
    }
  });

  it("refuses with 503 ENVELOPE_STORE_UNAVAILABLE when the nonce store cannot answer or is full", async () => {
    const failing: NonceStore = { claim: () => Promise.reject(new Error("connection refused")) };
    const full = createMemoryNonceStore({ maxEntries: 1 });
    for (const nonces of [failing, full]) {
      const guard = createEnvelopeGuard({ verify, nonces, log });
      const writer = systemPrincipal("writer", [SYSTEM_SCOPES.auditWrite]);
      if (nonces === full) expect((await guard.check(request(as(writer)), body)).ok).toBe(true);
      expect(await guard.check(request(as(writer)), body)).toMatchObject({
        ok: false,
        status: 503,
        code: "ENVELOPE_STORE_UNAVAILABLE",
      });
    }
  });

  it("forgets a nonce only after its envelope expired, and keeps memory bounded", async () => {
    let now = 1_000_000;
    const store = createMemoryNonceStore({ maxEntries: 3, now: () => now });
    expect(await store.claim("a", now + 35_000)).toBe("fresh");
    expect(await store.claim("a", now + 35_000)).toBe("seen");
    now += 34_999;
    expect(await store.claim("a", now + 35_000)).toBe("seen");
    expect(await store.claim("b", now + 35_000)).toBe("fresh");
    expect(await store.claim("c", now + 35_000)).toBe("fresh");
    expect(await store.claim("d", now + 35_000)).toBe("unavailable");
    now += 2;
    expect(await store.claim("d", now + 35_000)).toBe("fresh");
    expect(store.size?.()).toBe(3);
  });
});

describe("a subgraph called directly", () => {
  let service: SubgraphService;
  beforeAll(async () => {
    service = await startTestSubgraph(catalog);
  });
  afterAll(async () => {
    await service?.stop();
  });

  const operations = {
    "a query": "{ streets { name } }",
    _service: "{ _service { sdl } }",
    _entities: `{ _entities(representations: [{ __typename: "Street", id: "street-linfenlu" }]) { ... on Street { name } } }`,
  };

  /** POSTs exactly `body` with `header` as the envelope. */
  const send = async (body: string, header: string | undefined, path = "/graphql") => {
    const response = await fetch(service.url.replace(/\/graphql$/, path), {
      method: "POST",
      headers: { "content-type": "application/json", ...(header ? { [ENVELOPE_HEADER]: header } : {}) },
      body,
    });
    return { status: response.status, body: (await response.json()) as { data?: any; errors?: any[] } };
  };
  const envelopeFor = (body: string, request: { method?: string; path?: string } = {}, audience = "catalog") =>
    signedHeaders(audience, { method: request.method ?? "POST", path: request.path ?? "/graphql", body })[
      ENVELOPE_HEADER
    ] as string;

  for (const [name, query] of Object.entries(operations)) {
    const body = JSON.stringify({ query });
    it(`refuses ${name} without an envelope, with a tampered one, an expired one and another subgraph's`, async () => {
      const good = envelopeFor(body);
      const tampered = `${good.slice(0, -6)}AAAAAA`;
      const expired = createEnvelopeSigner(testEnvelopeKeys.privateKey, () => Date.now() - 120_000)(
        { aud: "catalog", requestId: "req-expired-1", purpose: null, principal: systemPrincipal("old") },
        { method: "POST", path: "/graphql", body },
      );
      for (const envelope of [undefined, tampered, expired, envelopeFor(body, {}, "health")]) {
        const { status, body: answer } = await send(body, envelope);
        expect(status).toBe(401);
        expect(answer.data).toBeUndefined();
        expect(answer.errors?.[0]?.extensions?.code).toBe("ENVELOPE_INVALID");
      }
    });

    it(`answers ${name} with a valid envelope, once: the same envelope again is ENVELOPE_REPLAYED`, async () => {
      const envelope = envelopeFor(body);
      const first = await send(body, envelope);
      expect(first.status).toBe(200);
      expect(first.body.errors).toBeUndefined();
      const replay = await send(body, envelope);
      expect(replay.status).toBe(401);
      expect(replay.body.data).toBeUndefined();
      expect(replay.body.errors?.[0]?.extensions?.code).toBe("ENVELOPE_REPLAYED");
    });
  }

  it("refuses an envelope moved to another route or method, and a body changed under a valid envelope", async () => {
    const body = JSON.stringify({ query: "{ streets { name } }" });
    const changed = JSON.stringify({ query: "{ departments { name } }" });
    const cases = {
      "signed for another path": send(body, envelopeFor(body, { path: "/audit/records" })),
      "signed with another query string": send(body, envelopeFor(body, { path: "/graphql?x=1" })),
      "signed for a GET": send(body, envelopeFor(body, { method: "GET" })),
      "another body": send(changed, envelopeFor(body)),
      "one byte more": send(`${body}\n`, envelopeFor(body)),
    };
    for (const [name, answer] of Object.entries(cases)) {
      const { status, body: refused } = await answer;
      expect(status, name).toBe(401);
      expect(refused.data, name).toBeUndefined();
      expect(refused.errors?.[0]?.extensions?.code, name).toBe("ENVELOPE_NOT_BOUND");
    }
  });

  it("does not spend an envelope on a refused move: the request it was signed for still succeeds once", async () => {
    const body = JSON.stringify({ query: "{ streets { name } }" });
    const envelope = envelopeFor(body);
    expect((await send(JSON.stringify({ query: "{ __typename }" }), envelope)).status).toBe(401);
    expect((await send(body, envelope)).status).toBe(200);
  });
});

describe("every district subgraph", () => {
  for (const module of subgraphModules) {
    it(`${module.name} refuses _service and _entities without the gateway's envelope`, async () => {
      const service = await startTestSubgraph(module, { seed: false });
      try {
        for (const query of ["{ _service { sdl } }", `{ _entities(representations: []) { __typename } }`]) {
          const refused = await graphql(service.url, query, undefined, {}, { unsigned: true });
          expect(refused.status).toBe(401);
          expect(refused.body.errors?.[0]?.extensions?.code).toBe("ENVELOPE_INVALID");
          expect(refused.body.data).toBeUndefined();
        }
        const signed = await graphql(service.url, "{ _service { sdl } }");
        expect(signed.status).toBe(200);
        expect(signed.body.data._service.sdl).toContain("@key");
      } finally {
        await service.stop();
      }
      // Starting a database per subgraph takes ~3 s alone, but far longer while the one-command start test seeds
      // every department on the same two cores.
    }, 180_000);
  }
});
