import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GatewayServer } from "../../gateway/server.ts";
import { composeForeignSupergraph, type RunningSubgraph, startBooks, startReviews } from "../support/foreignGraph.ts";
import { startTestGateway } from "../support/gateway.ts";
import { graphql } from "../support/subgraphs.ts";

/** Nothing a client sends may produce a 500, a stack trace or an internal address. */
function expectNoLeak(text: string) {
  expect(text).not.toMatch(/127\.0\.0\.1|localhost|ECONNREFUSED|stacktrace|\bat .+\.(js|ts):\d+/);
}

describe("bad input gets a 4xx with a coded GraphQL error", () => {
  let dir: string;
  let books: RunningSubgraph;
  let reviews: RunningSubgraph;
  let gateway: GatewayServer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "og-hostile-"));
    books = await startBooks();
    reviews = await startReviews();
    await writeFile(join(dir, "supergraph.graphql"), composeForeignSupergraph(books, reviews));
    gateway = await startTestGateway({ SUPERGRAPH_PATH: join(dir, "supergraph.graphql"), MAX_BODY_BYTES: "65536" });
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([books?.stop(), reviews?.stop()]);
    await rm(dir, { recursive: true, force: true });
  });

  async function post(body: string, contentType = "application/json") {
    const response = await fetch(gateway.url, { method: "POST", headers: { "content-type": contentType }, body });
    const text = await response.text();
    expectNoLeak(text);
    return { status: response.status, text, json: JSON.parse(text) as { errors?: any[]; data?: any } };
  }

  const cases: Array<[string, () => Promise<{ status: number; json: { errors?: any[] } }>, number, string]> = [
    ["malformed JSON", () => post('{"query": "{ books { id } }"'), 400, "INVALID_JSON"],
    ["a JSON body that is not an object", () => post('"{ books { id } }"'), 400, "BAD_REQUEST"],
    ["a batch (JSON array)", () => post('[{"query":"{ books { id } }"}]'), 400, "BAD_REQUEST"],
    [
      "a wrong content type",
      () => post("query=%7Bbooks%7Bid%7D%7D", "application/x-www-form-urlencoded"),
      415,
      "UNSUPPORTED_MEDIA_TYPE",
    ],
    [
      "text/plain (a CSRF-style simple request)",
      () => post('{"query":"{ books { id } }"}', "text/plain"),
      415,
      "UNSUPPORTED_MEDIA_TYPE",
    ],
    ["an unknown field", () => post(JSON.stringify({ query: "{ books { isbn } }" })), 400, "GRAPHQL_VALIDATION_FAILED"],
    ["a syntax error", () => post(JSON.stringify({ query: "{ books { id " })), 400, "GRAPHQL_PARSE_FAILED"],
    ["a missing query", () => post(JSON.stringify({ variables: {} })), 400, "BAD_REQUEST"],
    [
      "variables of the wrong type",
      () =>
        post(JSON.stringify({ query: "query ($ms: Int!) { slowReviewCount(ms: $ms) }", variables: { ms: "soon" } })),
      400,
      "BAD_USER_INPUT",
    ],
    [
      "an operation name not in the document",
      () => post(JSON.stringify({ query: "query A { books { id } }", operationName: "B" })),
      400,
      "OPERATION_RESOLUTION_FAILURE",
    ],
    [
      "a body over the size limit",
      () => post(JSON.stringify({ query: `{ books { id } } #${"x".repeat(70_000)}` })),
      413,
      "PAYLOAD_TOO_LARGE",
    ],
  ];

  for (const [name, send, status, code] of cases) {
    it(`answers ${name} with ${status} ${code}`, async () => {
      const result = await send();
      expect(result.status).toBe(status);
      expect(result.json.errors?.[0]?.extensions?.code).toBe(code);
      expect(result.json.errors?.[0]?.message).toMatch(/\w+ \w+/);
    });
  }

  it("refuses a mutation over GET and an unknown method without a 500", async () => {
    const get = await fetch(`${gateway.url}?query=${encodeURIComponent("mutation { x }")}`, {
      headers: { "apollo-require-preflight": "true" },
    });
    expect(get.status).toBeGreaterThanOrEqual(400);
    expect(get.status).toBeLessThan(500);
    const del = await fetch(gateway.url, { method: "DELETE" });
    expect(del.status).toBe(405);
    expect(((await del.json()) as any).errors[0].extensions.code).toBe("METHOD_NOT_ALLOWED");
  });

  it("answers unknown paths with 404 NOT_FOUND", async () => {
    const response = await fetch(gateway.url.replace("/graphql", "/admin"));
    expect(response.status).toBe(404);
    expect(((await response.json()) as any).errors[0].extensions.code).toBe("NOT_FOUND");
  });

  it("keeps serving after all of the above", async () => {
    const { status, body } = await graphql(gateway.url, "{ books { id } }");
    expect(status).toBe(200);
    expect(body.data.books).toHaveLength(2);
  });
});

describe("a subgraph that is down", () => {
  let dir: string;
  let books: RunningSubgraph;
  let reviews: RunningSubgraph;
  let gateway: GatewayServer;

  let clockAheadMs = 0;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "og-down-"));
    books = await startBooks();
    reviews = await startReviews();
    await writeFile(join(dir, "supergraph.graphql"), composeForeignSupergraph(books, reviews));
    gateway = await startTestGateway(
      { SUPERGRAPH_PATH: join(dir, "supergraph.graphql") },
      { now: () => Date.now() + clockAheadMs },
    );
  });

  afterAll(async () => {
    await gateway?.stop();
    await books?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("is ready while every subgraph answers", async () => {
    const response = await fetch(gateway.url.replace("/graphql", "/readyz"));
    expect(response.status).toBe(200);
    const body = (await response.json()) as any;
    expect(body.subgraphs.map((s: { name: string; ok: boolean }) => [s.name, s.ok])).toEqual([
      ["books", true],
      ["reviews", true],
    ]);
  });

  it("gives partial data and a masked SUBGRAPH_UNAVAILABLE error, and stays up", async () => {
    await reviews.stop();
    const response = await fetch(gateway.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ books { id title reviews { stars } } }" }),
    });
    const text = await response.text();
    expectNoLeak(text);
    expect(response.status).toBe(200);
    const body = JSON.parse(text);
    // reviews is non-null, so null propagates to each book; the error names the department, not its address.
    expect(body.errors[0].extensions).toEqual({ code: "SUBGRAPH_UNAVAILABLE", subgraph: "reviews" });
    expect(body.errors[0].message).toContain("reviews service did not answer");
    const again = await graphql(gateway.url, "{ books { id title } }");
    expect(again.body).toEqual({
      data: {
        books: [
          { id: "b1", title: "长恨歌" },
          { id: "b2", title: "繁花" },
        ],
      },
    });
  });

  it("reports not ready, naming the subgraph but not its address", async () => {
    clockAheadMs += 1_100; // past the readiness cache (1 s), on the gateway's injected clock
    const response = await fetch(gateway.url.replace("/graphql", "/readyz"));
    const text = await response.text();
    expect(response.status).toBe(503);
    expectNoLeak(text);
    expect(JSON.parse(text).subgraphs).toContainEqual(
      expect.objectContaining({ name: "reviews", ok: false, reason: "unreachable" }),
    );
  });
});
