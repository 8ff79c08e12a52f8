/**
 * The abuse suite (安全防护): hostile operations get a 4xx with a coded error that names the limit and the measured
 * value, while the gateway keeps serving everyone else.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GatewayServer } from "../../gateway/server.ts";
import { composeForeignSupergraph, type RunningSubgraph, startBooks, startReviews } from "../support/foreignGraph.ts";
import { startTestGateway } from "../support/gateway.ts";
import { graphql } from "../support/subgraphs.ts";

describe("operation limits at the gateway", () => {
  let dir: string;
  let books: RunningSubgraph;
  let reviews: RunningSubgraph;
  let gateway: GatewayServer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "og-abuse-"));
    books = await startBooks();
    reviews = await startReviews();
    await writeFile(join(dir, "supergraph.graphql"), composeForeignSupergraph(books, reviews));
    gateway = await startTestGateway({ SUPERGRAPH_PATH: join(dir, "supergraph.graphql") });
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([books?.stop(), reviews?.stop()]);
    await rm(dir, { recursive: true, force: true });
  });

  const nest = (levels: number) => `{ books { ${"similar { ".repeat(levels)}title${" }".repeat(levels)} } }`;

  const cases: Array<[string, () => string, string, Record<string, unknown>]> = [
    ["a depth bomb", () => nest(20), "OPERATION_LIMIT_EXCEEDED", { limit: "depth", max: 12, measured: 22 }],
    [
      "40 aliases",
      () => `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: books { id }`).join(" ")} }`,
      "OPERATION_LIMIT_EXCEEDED",
      { limit: "rootFields", max: 20, measured: 40 },
    ],
    [
      "1,000 aliases (over the token limit before anything is planned)",
      () => `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: books { id }`).join(" ")} }`,
      "GRAPHQL_PARSE_FAILED",
      {},
    ],
    ["10,000 directives", () => `{ books ${"@include(if: true) ".repeat(10_000)} { id } }`, "GRAPHQL_PARSE_FAILED", {}],
    [
      "60 directives within the token limit",
      () => `{ books { ${"id @skip(if: false) ".repeat(60)} } }`,
      "OPERATION_LIMIT_EXCEEDED",
      { limit: "directives", max: 50, measured: 60 },
    ],
    ["deeply nested lists (cost)", () => nest(6), "OPERATION_LIMIT_EXCEEDED", { limit: "cost" }],
    [
      "circular fragments",
      () => "{ books { ...A } } fragment A on Book { similar { ...B } } fragment B on Book { similar { ...A } }",
      "GRAPHQL_VALIDATION_FAILED",
      {},
    ],
  ];

  for (const [name, query, code, extensions] of cases) {
    it(`answers ${name} with 400 ${code}`, async () => {
      const { status, body } = await graphql(gateway.url, query());
      expect(status).toBe(400);
      expect(body.data).toBeUndefined();
      expect(body.errors?.[0].extensions).toMatchObject({ code, ...extensions });
      expect(body.errors?.[0].message).toMatch(/\w+ \w+/);
    });
  }

  it("keeps serving ordinary operations while hostile ones are refused", async () => {
    const hostile = Array.from({ length: 20 }, () => graphql(gateway.url, nest(20)));
    const ordinary = Array.from({ length: 5 }, () => graphql(gateway.url, "{ books { title similar { title } } }"));
    const [refused, served] = await Promise.all([Promise.all(hostile), Promise.all(ordinary)]);
    expect(refused.every((r) => r.status === 400)).toBe(true);
    expect(served.every((r) => r.status === 200 && r.body.data.books.length === 2)).toBe(true);
  });
});
