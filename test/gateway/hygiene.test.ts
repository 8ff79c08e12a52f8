/**
 * Request hygiene (issue #6 item 3): CORS by allow-list, Apollo's CSRF prevention, security headers on every
 * response, and — in production mode — introspection and "Did you mean …?" hints only for the roles that need them.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { schemaExposureError, withoutSuggestion } from "../../gateway/protection/schemaExposure.ts";
import type { GatewayServer } from "../../gateway/server.ts";
import { ANONYMOUS, type Principal } from "../../lib/principal.ts";
import { composeForeignSupergraph, type RunningSubgraph, startBooks, startReviews } from "../support/foreignGraph.ts";
import { startTestGateway } from "../support/gateway.ts";
import {
  districtClaims,
  es256Keys,
  publicJwk,
  signToken,
  startTestIssuer,
  type TestIssuer,
} from "../support/tokens.ts";

const PORTAL = "https://portal.jingan.example";
const EVIL = "https://evil.example";

describe("request hygiene at the gateway", () => {
  const key = es256Keys();
  let issuer: TestIssuer;
  let dir: string;
  let books: RunningSubgraph;
  let reviews: RunningSubgraph;
  let production: GatewayServer;
  let development: GatewayServer;
  const token = (kind: string, roles: string[]) =>
    signToken(districtClaims({ kind, roles, sub: `person-${kind}` }), key.privateKey, "k1");

  beforeAll(async () => {
    issuer = await startTestIssuer([publicJwk(key.publicKey, "k1")]);
    dir = await mkdtemp(join(tmpdir(), "og-hygiene-"));
    books = await startBooks();
    reviews = await startReviews();
    await writeFile(join(dir, "supergraph.graphql"), composeForeignSupergraph(books, reviews));
    const common = { SUPERGRAPH_PATH: join(dir, "supergraph.graphql"), IDENTITY_URL: issuer.url };
    production = await startTestGateway({
      ...common,
      PRODUCTION_MODE: "true",
      // Production mode requires an audit service; this graph reads nothing classified, so nothing is sent.
      AUDIT_URL: "http://127.0.0.1:9",
      CORS_ORIGINS: `${PORTAL},https://ops.jingan.example`,
      HSTS_MAX_AGE_SECONDS: "31536000",
    });
    development = await startTestGateway(common);
  });

  afterAll(async () => {
    await Promise.all([production?.stop(), development?.stop()]);
    await Promise.all([books?.stop(), reviews?.stop(), issuer?.stop()]);
    await rm(dir, { recursive: true, force: true });
  });

  const post = (gateway: GatewayServer, query: string, headers: Record<string, string> = {}) =>
    fetch(gateway.url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ query }),
    });

  it("tells Apollo Gateway not to report the host to Apollo's servers", () => {
    // Read by @apollo/gateway's constructor: without it, an hourly OpenTelemetry export to Apollo (and cloud
    // metadata probes at start). Both gateways here were started by startGateway.
    expect(process.env.APOLLO_TELEMETRY_DISABLED).toBe("true");
  });

  describe("security headers", () => {
    const expected = {
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      "x-frame-options": "DENY",
      "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
      "cache-control": "no-store",
    };

    it("are on answers, refusals, health and unknown paths alike", async () => {
      const base = production.url.replace("/graphql", "");
      const responses = [
        await post(production, "{ books { id } }"),
        await post(production, "{ books { isbn } }"),
        await fetch(production.url, { method: "POST", headers: { "content-type": "text/plain" }, body: "{}" }),
        await fetch(`${base}/healthz`),
        await fetch(`${base}/admin`),
      ];
      expect(responses.map((r) => r.status)).toEqual([200, 400, 415, 200, 404]);
      for (const response of responses) {
        for (const [name, value] of Object.entries(expected)) expect(response.headers.get(name)).toBe(value);
        expect(response.headers.get("strict-transport-security")).toBe("max-age=31536000");
      }
    });

    it("send HSTS only when configured", async () => {
      const response = await post(development, "{ books { id } }");
      expect(response.headers.get("strict-transport-security")).toBeNull();
      expect(response.headers.get("x-frame-options")).toBe("DENY");
    });
  });

  describe("CORS", () => {
    it("answers a preflight from an allowed origin", async () => {
      const response = await fetch(production.url, {
        method: "OPTIONS",
        headers: {
          origin: PORTAL,
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type, authorization",
        },
      });
      expect(response.status).toBe(204);
      expect(response.headers.get("access-control-allow-origin")).toBe(PORTAL);
      expect(response.headers.get("access-control-allow-methods")).toBe("GET, POST");
      expect(response.headers.get("access-control-allow-headers")).toContain("authorization");
      expect(response.headers.get("vary")).toBe("Origin");
    });

    it("refuses a preflight from any other origin, without CORS headers", async () => {
      const response = await fetch(production.url, {
        method: "OPTIONS",
        headers: { origin: EVIL, "access-control-request-method": "POST" },
      });
      expect(response.status).toBe(403);
      expect(response.headers.get("access-control-allow-origin")).toBeNull();
      expect(((await response.json()) as any).errors[0].extensions.code).toBe("ORIGIN_NOT_ALLOWED");
    });

    it("lets an allowed origin read the answer and the request id", async () => {
      const response = await post(production, "{ books { id } }", { origin: PORTAL });
      expect(response.status).toBe(200);
      expect(response.headers.get("access-control-allow-origin")).toBe(PORTAL);
      expect(response.headers.get("access-control-expose-headers")).toContain("x-request-id");
      expect(((await response.json()) as any).data.books).toHaveLength(2);
    });

    it("refuses requests from other origins, including the null origin, before anything runs", async () => {
      for (const origin of [EVIL, "null", `${PORTAL}.evil.example`, "http://portal.jingan.example"]) {
        const response = await post(production, "{ books { id } }", { origin });
        expect(response.status).toBe(403);
        expect(response.headers.get("access-control-allow-origin")).toBeNull();
        expect(((await response.json()) as any).errors[0].extensions.code).toBe("ORIGIN_NOT_ALLOWED");
      }
    });

    it("refuses every browser origin when none is configured, and leaves servers alone", async () => {
      const browser = await post(development, "{ books { id } }", { origin: PORTAL });
      expect(browser.status).toBe(403);
      const server = await post(development, "{ books { id } }");
      expect(server.status).toBe(200);
      expect(server.headers.get("access-control-allow-origin")).toBeNull();
    });
  });

  describe("CSRF prevention (Apollo's, kept on)", () => {
    const query = encodeURIComponent("{ books { id } }");

    it("refuses a simple cross-site GET without a preflight-forcing header", async () => {
      const response = await fetch(`${production.url}?query=${query}`, { headers: { origin: PORTAL } });
      expect(response.status).toBe(400);
      const body = (await response.json()) as any;
      expect(body.data).toBeUndefined();
      expect(body.errors[0].extensions.code).toBe("BAD_REQUEST");
      expect(body.errors[0].message).toContain("CSRF");
    });

    it("serves the same GET when it carries a header that forces a preflight", async () => {
      const response = await fetch(`${production.url}?query=${query}`, {
        headers: { origin: PORTAL, "apollo-require-preflight": "true" },
      });
      expect(response.status).toBe(200);
    });

    it("refuses simple POSTs (form and text bodies) with 415", async () => {
      for (const contentType of [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
      ]) {
        const response = await fetch(production.url, {
          method: "POST",
          headers: { "content-type": contentType, origin: PORTAL },
          body: '{"query":"{ books { id } }"}',
        });
        expect(response.status).toBe(415);
        expect(((await response.json()) as any).errors[0].extensions.code).toBe("UNSUPPORTED_MEDIA_TYPE");
      }
    });
  });

  describe("schema exposure in production mode", () => {
    const introspection = "{ __schema { queryType { name } } }";
    const typeQuery = '{ __type(name: "Book") { fields { name } } }';

    it("refuses introspection to anonymous callers (401, the guard: nothing but public fields)", async () => {
      const response = await post(production, introspection);
      expect(response.status).toBe(401);
      expect(((await response.json()) as any).errors[0].extensions.code).toBe("AUTHENTICATION_REQUIRED");
    });

    it("refuses introspection to officers and residents with 403 FORBIDDEN", async () => {
      for (const authorization of [
        `Bearer ${token("officer", ["officer"])}`,
        `Bearer ${token("resident", ["resident"])}`,
      ]) {
        for (const query of [
          introspection,
          typeQuery,
          `{ ...F } fragment F on Query { __schema { types { name } } }`,
        ]) {
          const response = await post(production, query, { authorization });
          const body = (await response.json()) as any;
          expect(response.status).toBe(403);
          expect(body.data).toBeUndefined();
          expect(body.errors[0].extensions).toEqual({ code: "FORBIDDEN" });
          expect(body.errors[0].message).toContain("security_admin");
        }
      }
    });

    it("lets a security administrator introspect", async () => {
      const response = await post(production, introspection, {
        authorization: `Bearer ${token("security_admin", ["security_admin"])}`,
      });
      expect(response.status).toBe(200);
      expect(((await response.json()) as any).data).toEqual({ __schema: { queryType: { name: "Query" } } });
    });

    it("still answers __typename, which is not introspection", async () => {
      const response = await post(production, "{ __typename books { __typename id } }");
      expect(response.status).toBe(200);
    });

    it("strips 'Did you mean' hints except for the roles that may explore the schema", async () => {
      const anonymous = (await (await post(production, "{ books { titel } }")).json()) as any;
      expect(anonymous.errors[0].message).toBe('Cannot query field "titel" on type "Book".');
      const officer = (await (
        await post(production, "{ books { titel } }", { authorization: `Bearer ${token("officer", ["officer"])}` })
      ).json()) as any;
      expect(officer.errors[0].message).not.toContain("Did you mean");
      const admin = (await (
        await post(production, "{ books { titel } }", {
          authorization: `Bearer ${token("security_admin", ["security_admin"])}`,
        })
      ).json()) as any;
      expect(admin.errors[0].message).toContain('Did you mean "title"?');
    });

    it("leaves introspection and hints open outside production mode", async () => {
      const response = await post(development, introspection, {
        authorization: `Bearer ${token("officer", ["officer"])}`,
      });
      expect(response.status).toBe(200);
      const hint = (await (await post(development, "{ books { titel } }")).json()) as any;
      expect(hint.errors[0].message).toContain('Did you mean "title"?');
    });
  });
});

describe("schemaExposureError (for the operation guard)", () => {
  const options = { production: true, roles: ["security_admin", "auditor"] };
  const as = (kind: Principal["kind"], roles: string[]): Principal => ({ ...ANONYMOUS, kind, roles, id: "p" });

  it("refuses __schema and __type anywhere in the document, fragments included", () => {
    for (const query of [
      "{ __schema { types { name } } }",
      '{ books { id } __type(name: "Book") { name } }',
      "query A { books { id } } query B { ...F } fragment F on Query { __schema { queryType { name } } }",
    ]) {
      const error = schemaExposureError(ANONYMOUS, parse(query), options);
      expect(error?.extensions).toMatchObject({ code: "FORBIDDEN", http: { status: 403 } });
      expect(error?.message).toBe(
        "Introspection (__schema, __type) is open only to the roles security_admin, auditor on this server; use the published schema documentation instead.",
      );
    }
  });

  it("allows the listed roles, documents without introspection, and everything outside production", () => {
    const introspect = parse("{ __schema { types { name } } }");
    expect(schemaExposureError(as("officer", ["officer", "auditor"]), introspect, options)).toBeNull();
    expect(schemaExposureError(as("security_admin", []), introspect, options)).toBeNull();
    expect(schemaExposureError(as("officer", ["officer"]), introspect, options)).not.toBeNull();
    expect(schemaExposureError(ANONYMOUS, parse("{ __typename books { id } }"), options)).toBeNull();
    expect(schemaExposureError(ANONYMOUS, introspect, { ...options, production: false })).toBeNull();
  });

  it("strips only the trailing suggestion", () => {
    expect(withoutSuggestion('Cannot query field "titel" on type "Book". Did you mean "title" or "tile"?')).toBe(
      'Cannot query field "titel" on type "Book".',
    );
    expect(withoutSuggestion("Unknown argument.")).toBe("Unknown argument.");
  });
});
