import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Principal, systemPrincipal } from "../../lib/principal.ts";
import {
  createEnvelopeSigner,
  createEnvelopeVerifier,
  ENVELOPE_HEADER,
  ENVELOPE_TTL_SECONDS,
  generateEnvelopeKeys,
} from "../../lib/wire.ts";
import catalog from "../../subgraphs/catalog/index.ts";
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

describe("the identity envelope, from both ends", () => {
  const keys = generateEnvelopeKeys();
  let clock = Date.parse("2026-12-01T00:00:00Z");
  const sign = createEnvelopeSigner(keys.privateKey, () => clock);
  const verify = createEnvelopeVerifier([keys.publicKey], "health", () => clock);
  const envelope = () =>
    sign({ aud: "health", requestId: "req-00000001", purpose: "medical-treatment", principal: officer });

  it("carries principal, purpose and request id to the subgraph it was signed for", () => {
    const result = verify(envelope());
    expect(result).toEqual({
      ok: true,
      envelope: expect.objectContaining({
        aud: "health",
        requestId: "req-00000001",
        purpose: "medical-treatment",
        principal: officer,
      }),
    });
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
    expect(verify(undefined)).toEqual({ ok: false, reason: "missing" });
    expect(verify("not-an-envelope")).toEqual({ ok: false, reason: "malformed" });
    expect(verify(`${v}.${kid}.${forged}.${signature}`)).toEqual({ ok: false, reason: "bad-signature" });
    expect(verify(sign({ aud: "catalog", requestId: "req-00000001", purpose: null, principal: officer }))).toEqual({
      ok: false,
      reason: "wrong-audience",
    });
    expect(
      verify(otherSigner({ aud: "health", requestId: "req-00000001", purpose: null, principal: officer })),
    ).toEqual({
      ok: false,
      reason: "unknown-key",
    });
    clock += (ENVELOPE_TTL_SECONDS + 10) * 1000;
    expect(verify(good)).toEqual({ ok: false, reason: "expired" });
  });

  it("accepts envelopes from the old and the new key while both are configured (key rotation)", () => {
    const next = generateEnvelopeKeys();
    const both = createEnvelopeVerifier([keys.publicKey, next.publicKey], "health", () => clock);
    for (const privateKey of [keys.privateKey, next.privateKey]) {
      const signed = createEnvelopeSigner(
        privateKey,
        () => clock,
      )({
        aud: "health",
        requestId: "req-00000002",
        purpose: null,
        principal: systemPrincipal("gateway"),
      });
      expect(both(signed).ok).toBe(true);
    }
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

  for (const [name, query] of Object.entries(operations)) {
    it(`refuses ${name} without an envelope, with a tampered one and with an expired one`, async () => {
      const unsigned = await graphql(service.url, query, undefined, {}, { unsigned: true });
      const good = signedHeaders("catalog")[ENVELOPE_HEADER] as string;
      const tampered = `${good.slice(0, -6)}AAAAAA`;
      const expired = createEnvelopeSigner(
        testEnvelopeKeys.privateKey,
        () => Date.now() - 120_000,
      )({
        aud: "catalog",
        requestId: "req-expired-1",
        purpose: null,
        principal: systemPrincipal("old"),
      });
      const wrongAudience = signedHeaders("health")[ENVELOPE_HEADER] as string;
      for (const envelope of [undefined, tampered, expired, wrongAudience]) {
        const { status, body } = envelope
          ? await graphql(service.url, query, undefined, { [ENVELOPE_HEADER]: envelope }, { unsigned: true })
          : unsigned;
        expect(status).toBe(401);
        expect(body.data).toBeUndefined();
        expect(body.errors?.[0]?.extensions?.code).toBe("ENVELOPE_INVALID");
      }
    });

    it(`answers ${name} with a valid envelope`, async () => {
      const { status, body } = await graphql(service.url, query);
      expect(status).toBe(200);
      expect(body.errors).toBeUndefined();
    });
  }
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
