/**
 * The abuse suite (安全防护): hostile operations get a 4xx with a coded error that names the limit and the measured
 * value, while the gateway keeps serving everyone else.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { gql } from "graphql-tag";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GatewayServer } from "../../gateway/server.ts";
import { composeSupergraph } from "../../scripts/composeSupergraph.ts";
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
  /** Each fragment spreads the next twice: 2^levels expansions from a document of a few hundred bytes. */
  const fanOut = (levels: number) =>
    `query Q{...F0} ${Array.from({ length: levels }, (_, i) => `fragment F${i} on Query{...F${i + 1} ...F${i + 1}}`).join(" ")} fragment F${levels} on Query{books{id title}}`;

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
      "a fragment fan-out of 22 levels",
      () => fanOut(22),
      "OPERATION_LIMIT_EXCEEDED",
      { limit: "expandedFields", max: 2000, measured: 3 * 2 ** 22 },
    ],
    [
      "a fragment fan-out of 30 levels",
      () => fanOut(30),
      "OPERATION_LIMIT_EXCEEDED",
      { limit: "expandedFields", measured: 3 * 2 ** 30 },
    ],
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
    const hostile = Array.from({ length: 20 }, (_, i) => graphql(gateway.url, i % 2 ? nest(20) : fanOut(30)));
    const ordinary = Array.from({ length: 5 }, () => graphql(gateway.url, "{ books { title similar { title } } }"));
    const [refused, served] = await Promise.all([Promise.all(hostile), Promise.all(ordinary)]);
    expect(refused.every((r) => r.status === 400)).toBe(true);
    expect(served.every((r) => r.status === 200 && r.body.data.books.length === 2)).toBe(true);
  });
});

/** A small catalogue with paged, nested lists and a mutation: for the cases that need `first` or a mutation. */
const ACCESS_LINK = `
  extend schema
    @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@composeDirective"])
    @link(url: "https://specs.jingan.gov.cn/one-graph/access/v0.1", import: ["@public"])
    @composeDirective(name: "@public")
  directive @public on FIELD_DEFINITION | OBJECT | INTERFACE
`;
const catalogueTypeDefs = gql`
  ${ACCESS_LINK}
  type Shelf @key(fields: "id") @public {
    id: ID!
    name: String!
    "Shelves near this one: a list of lists of lists, for cost tests."
    nearby(first: Int): [Shelf!]!
  }
  type Query {
    shelves(first: Int): [Shelf!]! @public
  }
  type Mutation {
    renameShelf(id: ID!, name: String!): Shelf @public
  }
`;

describe("the abuse suite over HTTP: every case a 4xx while the gateway keeps serving", () => {
  let dir: string;
  let catalogue: { url: string; stop: () => Promise<void> };
  let gateway: GatewayServer;
  const renames: string[] = [];
  const SHELVES = [
    { id: "s1", name: "东" },
    { id: "s2", name: "西" },
  ];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "og-abuse-http-"));
    const server = new ApolloServer({
      schema: buildSubgraphSchema({
        typeDefs: catalogueTypeDefs,
        resolvers: {
          Query: { shelves: (_: unknown, { first }: { first?: number }) => SHELVES.slice(0, first ?? 10) },
          Shelf: {
            __resolveReference: (ref: { id: string }) => SHELVES.find((s) => s.id === ref.id),
            nearby: (shelf: { id: string }) => SHELVES.filter((s) => s.id !== shelf.id),
          },
          Mutation: {
            renameShelf: (_: unknown, { id, name }: { id: string; name: string }) => {
              renames.push(id);
              return { id, name };
            },
          },
        } as never,
      }),
    });
    const { url } = await startStandaloneServer(server, { listen: { port: 0, host: "127.0.0.1" } });
    catalogue = { url, stop: () => server.stop() };
    const outcome = composeSupergraph([{ name: "catalogue", url, typeDefs: catalogueTypeDefs }]);
    if (!outcome.ok) throw new Error(outcome.errors.join("\n"));
    await writeFile(join(dir, "supergraph.graphql"), outcome.supergraphSdl);
    gateway = await startTestGateway({ SUPERGRAPH_PATH: join(dir, "supergraph.graphql") });
  });

  afterAll(async () => {
    await gateway?.stop();
    await catalogue?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const fetches = () => gateway.fetchStats().catalogue?.fetches ?? 0;
  const post = (body: RequestInit["body"], init: RequestInit = {}) =>
    fetch(gateway.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      ...init,
    });
  const expectCoded = async (response: Response, status: number, code: string, extensions = {}) => {
    const text = await response.text();
    expect(response.status).toBe(status);
    expect(text).not.toMatch(/127\.0\.0\.1|stacktrace|\bat .+\.(js|ts):\d+/);
    const body = JSON.parse(text);
    expect(body.data).toBeUndefined();
    expect(body.errors[0].extensions).toMatchObject({ code, ...extensions });
    expect(body.errors[0].message).toMatch(/\w+ \w+/);
  };
  const fiveMegabytes = () => JSON.stringify({ query: `{ shelves { id } } #${"x".repeat(5 * 1024 * 1024)}` });
  const nestedLists = (levels: number, first: number) =>
    `{ shelves(first: ${first}) { ${"nearby(first: 50) { ".repeat(levels)}name${" }".repeat(levels)} } }`;

  const cases: Array<[string, () => Promise<Response>, number, string, Record<string, unknown>?]> = [
    ["a 5 MB body", () => post(fiveMegabytes()), 413, "PAYLOAD_TOO_LARGE"],
    [
      "a 5 MB body streamed without Content-Length",
      () =>
        post(
          new ReadableStream({
            start(controller) {
              const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
              for (let i = 0; i < 80; i += 1) controller.enqueue(chunk);
              controller.close();
            },
          }),
          { duplex: "half" } as RequestInit,
        ),
      413,
      "PAYLOAD_TOO_LARGE",
    ],
    ["malformed JSON", () => post('{"query": "{ shelves { id } }"'), 400, "INVALID_JSON"],
    [
      "a wrong content type",
      () => post('{"query":"{ shelves { id } }"}', { headers: { "content-type": "text/plain" } }),
      415,
      "UNSUPPORTED_MEDIA_TYPE",
    ],
    [
      "a batch of 100 operations",
      () => post(JSON.stringify(Array.from({ length: 100 }, () => ({ query: "{ shelves { id } }" })))),
      400,
      "BAD_REQUEST",
    ],
    [
      "one document with 100 operations and no operationName",
      () =>
        post(
          JSON.stringify({ query: Array.from({ length: 100 }, (_, i) => `query q${i} { shelves { id } }`).join(" ") }),
        ),
      400,
      "OPERATION_RESOLUTION_FAILURE",
    ],
    [
      "a mutation over GET",
      () =>
        fetch(`${gateway.url}?query=${encodeURIComponent('mutation { renameShelf(id: "s1", name: "x") { id } }')}`, {
          headers: { "apollo-require-preflight": "true" },
        }),
      405,
      "BAD_REQUEST",
    ],
    [
      "a mutation over GET without a preflight header (CSRF)",
      () => fetch(`${gateway.url}?query=${encodeURIComponent('mutation { renameShelf(id: "s1", name: "x") { id } }')}`),
      400,
      "BAD_REQUEST",
    ],
    [
      "first: 1000000",
      () => post(JSON.stringify({ query: "{ shelves(first: 1000000) { id } }" })),
      400,
      "OPERATION_LIMIT_EXCEEDED",
      { limit: "pageSize", max: 500, measured: 1_000_000 },
    ],
    [
      "first: 1000000 in a variable",
      () =>
        post(JSON.stringify({ query: "query ($n: Int) { shelves(first: $n) { id } }", variables: { n: 1_000_000 } })),
      400,
      "OPERATION_LIMIT_EXCEEDED",
      { limit: "pageSize", measured: 1_000_000 },
    ],
    [
      "first: 1000000 as a variable's default",
      () => post(JSON.stringify({ query: "query ($n: Int = 1000000) { shelves(first: $n) { id } }" })),
      400,
      "OPERATION_LIMIT_EXCEEDED",
      { limit: "pageSize", measured: 1_000_000 },
    ],
    [
      "deeply nested lists (50 × 50 × 50 × 50)",
      () => post(JSON.stringify({ query: nestedLists(3, 50) })),
      400,
      "OPERATION_LIMIT_EXCEEDED",
      { limit: "cost", max: 20_000 },
    ],
  ];

  for (const [name, send, status, code, extensions] of cases) {
    it(`answers ${name} with ${status} ${code}, asking no subgraph`, async () => {
      const before = fetches();
      await expectCoded(await send(), status, code, extensions);
      expect(fetches()).toBe(before);
    });
  }

  it("never runs a mutation sent over GET", () => {
    expect(renames).toEqual([]);
  });

  it("keeps serving ordinary operations while every kind of abuse arrives at once", async () => {
    const hostile = [
      ...cases.map(([, send]) => send()),
      ...cases.map(([, send]) => send()),
      post(
        JSON.stringify({ query: `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: shelves { id }`).join(" ")} }` }),
      ),
      post(JSON.stringify({ query: `{ shelves ${"@include(if: true) ".repeat(10_000)} { id } }` })),
      post(
        JSON.stringify({
          query: "{ shelves { ...A } } fragment A on Shelf { nearby { ...B } } fragment B on Shelf { nearby { ...A } }",
        }),
      ),
    ];
    const ordinary = Array.from({ length: 10 }, () =>
      graphql(gateway.url, "{ shelves(first: 2) { name nearby(first: 5) { name } } }"),
    );
    const [refused, served] = await Promise.all([Promise.all(hostile), Promise.all(ordinary)]);
    expect(refused.map((r) => r.status).filter((status) => status < 400 || status >= 500)).toEqual([]);
    for (const { status, body } of served) {
      expect(status).toBe(200);
      expect(body.data.shelves).toEqual([
        { name: "东", nearby: [{ name: "西" }] },
        { name: "西", nearby: [{ name: "东" }] },
      ]);
    }
  });
});
