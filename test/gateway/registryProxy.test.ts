/**
 * The schema registry's app-operations route on the gateway's origin (gateway/registryProxy.ts, docs/registry.md,
 * issues 13 and 15): `POST /registry/apps/<appId>/operations` reaches the real registry with the caller's own token
 * and comes back as the registry answered (registered, or TRUSTED_DOCUMENT_INVALID with its problems, or the
 * registry's own 401); a token issued through single sign-on (`<PUBLIC_ORIGIN>/oidc`) is accepted by the registry
 * too. Refused at the gateway, before the registry: a body that is not JSON (415), any other path under /registry/
 * (404), other methods (405). A registry that does not answer is 502 REGISTRY_UNAVAILABLE without its address; a
 * gateway without REGISTRY_URL answers 503 REGISTRY_NOT_CONFIGURED.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GatewayServer } from "../../gateway/server.ts";
import type { CheckedOperation } from "../../registry/operations.ts";
import type { TrustedOperationStore } from "../../registry/trustedOperations.ts";
import { composeForeignSupergraph, type RunningSubgraph, startBooks, startReviews } from "../support/foreignGraph.ts";
import { startTestGateway } from "../support/gateway.ts";
import { startTestRegistry, type TestRegistry } from "../support/registry.ts";

const PUBLIC_ORIGIN = "http://portal.jingan.test:8080";
const STREETS = "query StreetNames {\n  streets {\n    id\n    name\n  }\n}";

/** A port nothing listens on: taken from the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("the registry's app-operations route on the gateway", () => {
  let dir: string;
  let books: RunningSubgraph;
  let reviews: RunningSubgraph;
  let registry: TestRegistry;
  let gateway: GatewayServer;
  let unconfigured: GatewayServer;
  let downUrl: string;
  let down: GatewayServer;
  /** What reached identity's side of the registry: the operations it registered, per app and person. */
  const registered: Array<{ appId: string; actor: string | null; operations: CheckedOperation[] }> = [];
  const operations: TrustedOperationStore = {
    async register(appId, checked, actor) {
      registered.push({ appId, actor: actor.id, operations: checked });
      return checked.map(({ hash, operationName }) => ({ hash, operationName }));
    },
    async all() {
      return [];
    },
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "og-registry-proxy-"));
    books = await startBooks();
    reviews = await startReviews();
    await writeFile(join(dir, "supergraph.graphql"), composeForeignSupergraph(books, reviews));
    // The registry bootstraps the district's graph: the operations are checked against its supergraph.
    registry = await startTestRegistry({ operations, config: { PUBLIC_ORIGIN } });
    downUrl = `http://127.0.0.1:${await closedPort()}`;
    const common = {
      SUPERGRAPH_PATH: join(dir, "supergraph.graphql"),
      IDENTITY_URL: "http://127.0.0.1:9",
      PUBLIC_ORIGIN,
      FIELD_USAGE_FLUSH_MS: "0",
    };
    [gateway, unconfigured, down] = await Promise.all([
      startTestGateway({ ...common, REGISTRY_URL: registry.url }),
      startTestGateway(common),
      startTestGateway({ ...common, REGISTRY_URL: downUrl }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([gateway?.stop(), unconfigured?.stop(), down?.stop()]);
    await Promise.all([registry?.stop(), books?.stop(), reviews?.stop()]);
    await rm(dir, { recursive: true, force: true });
  });

  async function post(
    target: GatewayServer,
    path: string,
    body: string,
    headers: Record<string, string> = { "content-type": "application/json" },
    method = "POST",
  ) {
    const response = await fetch(`http://127.0.0.1:${target.port}${path}`, { method, headers, body });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, body: JSON.parse(text) };
  }
  const bearer = (token: string) => ({ "content-type": "application/json", authorization: `Bearer ${token}` });

  it("forwards a registration with the caller's token and returns the registry's answer", async () => {
    const answer = await post(
      gateway,
      "/registry/apps/app-clinic-queue/operations",
      JSON.stringify({ documents: [STREETS] }),
      bearer(registry.token()),
    );
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({
      appId: "app-clinic-queue",
      registered: [{ operationName: "StreetNames", hash: expect.stringMatching(/^[0-9a-f]{64}$/) }],
    });
    expect(registered).toEqual([
      {
        appId: "app-clinic-queue",
        actor: "person-officer-health",
        operations: [expect.objectContaining({ document: STREETS })],
      },
    ]);
  });

  it("passes back the registry's coded problems and its refusal of a missing token", async () => {
    const before = registered.length;
    const invalid = await post(
      gateway,
      "/registry/apps/app-clinic-queue/operations",
      JSON.stringify({ documents: ["query Nope { noSuchField }", "{ streets { id } }"] }),
      bearer(registry.token()),
    );
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors[0].extensions.code).toBe("TRUSTED_DOCUMENT_INVALID");
    const problems = invalid.body.errors[0].extensions.problems as Array<{ index: number; message: string }>;
    expect(problems.map((p) => p.index).sort()).toEqual([0, 1]);
    const anonymous = await post(
      gateway,
      "/registry/apps/app-clinic-queue/operations",
      JSON.stringify({ documents: [STREETS] }),
    );
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.errors[0].extensions.code).toBe("INVALID_TOKEN");
    expect(registered.length).toBe(before);
  });

  it("is accepted with a token from single sign-on (issuer <PUBLIC_ORIGIN>/oidc, audience <PUBLIC_ORIGIN>/graphql)", async () => {
    const token = registry.token({ iss: `${PUBLIC_ORIGIN}/oidc`, aud: `${PUBLIC_ORIGIN}/graphql` });
    const answer = await post(
      gateway,
      "/registry/apps/app-clinic-queue/operations",
      JSON.stringify({ documents: [STREETS] }),
      bearer(token),
    );
    expect(answer.status).toBe(201);
    const elsewhere = registry.token({ iss: "http://elsewhere.test/oidc", aud: `${PUBLIC_ORIGIN}/graphql` });
    const refused = await post(
      gateway,
      "/registry/apps/app-clinic-queue/operations",
      JSON.stringify({ documents: [STREETS] }),
      bearer(elsewhere),
    );
    expect(refused.status).toBe(401);
  });

  it("refuses a body that is not JSON with 415, before the registry", async () => {
    const before = registered.length;
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "application/jsonp"]) {
      const answer = await post(gateway, "/registry/apps/app-clinic-queue/operations", `documents=${STREETS}`, {
        "content-type": type,
        authorization: `Bearer ${registry.token()}`,
      });
      expect(answer.status).toBe(415);
      expect(answer.body.errors[0].extensions.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    }
    expect(registered.length).toBe(before);
  });

  it.each([
    ["POST", "/registry/supergraph"],
    ["POST", "/registry/usage"],
    ["POST", "/registry/subgraphs/health/publish"],
    ["POST", "/registry/apps/app-clinic-queue/operations/extra"],
    ["POST", "/registry/apps/..%2Fsupergraph/operations"],
    ["POST", "/registry/apps/APP/operations"],
    ["POST", "/registry/"],
    ["GET", "/registry"],
  ])("answers %s %s with 404 and does not forward it", async (method, path) => {
    const answer = await post(
      gateway,
      path,
      method === "GET" ? (undefined as unknown as string) : "{}",
      bearer(registry.token()),
      method,
    );
    expect(answer.status).toBe(404);
    expect(answer.body.errors[0].extensions.code).toBe("NOT_FOUND");
    expect(answer.text).not.toContain(registry.url);
  });

  it("answers other methods on the route with 405", async () => {
    const response = await fetch(`http://127.0.0.1:${gateway.port}/registry/apps/app-clinic-queue/operations`);
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
  });

  it("answers 502 REGISTRY_UNAVAILABLE without the registry's address when it does not answer", async () => {
    const answer = await post(
      down,
      "/registry/apps/app-clinic-queue/operations",
      JSON.stringify({ documents: [STREETS] }),
      bearer(registry.token()),
    );
    expect(answer.status).toBe(502);
    expect(answer.body.errors[0].extensions.code).toBe("REGISTRY_UNAVAILABLE");
    expect(answer.headers.get("retry-after")).toBe("5");
    expect(answer.text).not.toContain(downUrl.replace("http://", ""));
    expect(answer.text).not.toMatch(/at .*\.ts:\d+|ECONNREFUSED/);
  });

  it("answers 503 REGISTRY_NOT_CONFIGURED on a gateway without REGISTRY_URL", async () => {
    const answer = await post(
      unconfigured,
      "/registry/apps/app-clinic-queue/operations",
      JSON.stringify({ documents: [STREETS] }),
      bearer(registry.token()),
    );
    expect(answer.status).toBe(503);
    expect(answer.body.errors[0].extensions.code).toBe("REGISTRY_NOT_CONFIGURED");
  });
});
