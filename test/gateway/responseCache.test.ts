/**
 * The response cache for public data (issue 16, docs/gateway.md "Response cache"), through a real gateway in front of
 * two small subgraphs that count the requests they receive:
 * - a repeated public query is answered from the cache: the subgraphs receive no further request;
 * - a fetch that selects one non-public field (here `Book.price`, which the planner fetches for `@requires`) is never
 *   cached, while the other subgraph's public `_entities` fetch of the same operation is;
 * - a mutation to the owning subgraph makes the next read fetch fresh data;
 * - what a signed-in caller reads is never cached nor served to anyone else — not even public fields, which a
 *   subgraph may show them more of (a row rule: officers see an internal book);
 * - with Redis, two gateways share entries and invalidation (OG_TEST_REDIS_URL, as the other Redis tests).
 *
 * The subgraphs read the principal from the envelope's payload (unverified: they stand in for a row rule, not for the
 * kit's envelope guard).
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import type { IncomingHttpHeaders } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { buildSchema } from "graphql";
import { gql } from "graphql-tag";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyseFetch, cacheHintsOf, MemoryStore } from "../../gateway/execution/responseCache.ts";
import type { GatewayServer } from "../../gateway/server.ts";
import { ENVELOPE_HEADER } from "../../lib/wire.ts";
import { composeSupergraph } from "../../scripts/composeSupergraph.ts";
import { startTestGateway } from "../support/gateway.ts";
import {
  districtClaims,
  es256Keys,
  publicJwk,
  signToken,
  startTestIssuer,
  type TestIssuer,
} from "../support/tokens.ts";

const redisUrl = process.env.OG_TEST_REDIS_URL;

const ACCESS_LINK = `
  extend schema
    @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@composeDirective", "@external", "@requires"])
    @link(url: "https://specs.jingan.gov.cn/one-graph/access/v0.1", import: ["@public"])
    @composeDirective(name: "@public")
  directive @public on FIELD_DEFINITION | OBJECT | INTERFACE
`;

/** The owners' cache hints: a spec of their own, composed into the supergraph like `@public`. */
const CACHE_LINK = `
  extend schema
    @link(url: "https://specs.jingan.gov.cn/one-graph/cache/v0.1", import: ["@cacheHint"])
    @composeDirective(name: "@cacheHint")
  directive @cacheHint(maxAge: Int!) on FIELD_DEFINITION
`;

const shelfTypeDefs = `
  ${ACCESS_LINK}
  ${CACHE_LINK}
  type Book @key(fields: "id") {
    id: ID! @public
    title: String! @public
    "Not public."
    price: Int!
  }
  type Query {
    "Public, but officers see internal books too (a row rule on a public type)."
    books: [Book!]! @public
    "Not public: a new answer for every request."
    note: String!
    "Public, live: its owner says never to cache it."
    stock: Int! @public @cacheHint(maxAge: 0)
    "Public, with a long hint: the subgraph's TTL still bounds it."
    shelfName: String! @public @cacheHint(maxAge: 3600)
    "Public; answers when the test opens the gate."
    gated: String! @public
  }
  type Mutation {
    renameBook(id: ID!, title: String!): Book
  }
`;

const reviewsTypeDefs = `
  ${ACCESS_LINK}
  type Book @key(fields: "id") {
    id: ID!
    price: Int! @external
    "Public; needs the (non-public) price from the shelf."
    reviews: [Review!]! @public @requires(fields: "price")
  }
  type Review @public {
    stars: Int!
  }
`;

interface Counted {
  url: string;
  requests: number;
  stop(): Promise<unknown>;
}

/** The principal's kind from the envelope's payload (`v2.<kid>.<payload>.<signature>`). */
function principalKindOf(headers: IncomingHttpHeaders): string {
  const envelope = String(headers[ENVELOPE_HEADER] ?? "");
  const payload = envelope.split(".")[2] ?? "";
  try {
    return JSON.parse(Buffer.from(payload, "base64url").toString()).principal.kind;
  } catch {
    return "unknown";
  }
}

async function serve(typeDefs: string, resolvers: object): Promise<Counted> {
  const counted = { url: "", requests: 0, stop: async () => {} } as Counted;
  const server = new ApolloServer<{ kind: string }>({
    schema: buildSubgraphSchema({ typeDefs: gql(typeDefs), resolvers: resolvers as never }),
  });
  const { url } = await startStandaloneServer(server, {
    listen: { port: 0, host: "127.0.0.1" },
    context: async ({ req }) => {
      counted.requests += 1;
      return { kind: principalKindOf(req.headers) };
    },
  });
  counted.url = url;
  counted.stop = () => server.stop();
  return counted;
}

const books = [
  { id: "b1", title: "长恨歌", price: 30, internal: false },
  { id: "b2", title: "繁花", price: 45, internal: false },
  { id: "b3", title: "内部资料", price: 0, internal: true },
];
let notes = 0;
const gate = { arrived: 0, open: Promise.resolve(), release: () => {} };

const key = es256Keys();
let issuer: TestIssuer;
let shelf: Counted;
let reviews: Counted;
let dir: string;
const gateways: GatewayServer[] = [];

beforeAll(async () => {
  issuer = await startTestIssuer([publicJwk(key.publicKey, "k1")]);
  shelf = await serve(shelfTypeDefs, {
    Query: {
      books: (_: unknown, __: unknown, { kind }: { kind: string }) =>
        books.filter((book) => !book.internal || kind === "officer"),
      note: () => `note ${++notes}`,
      stock: () => ++notes,
      shelfName: () => "静安书架",
      gated: async () => {
        gate.arrived += 1;
        await gate.open;
        return "opened";
      },
    },
    Mutation: {
      renameBook: (_: unknown, { id, title }: { id: string; title: string }) => {
        const book = books.find((b) => b.id === id);
        if (book) book.title = title;
        return book;
      },
    },
    Book: { __resolveReference: (ref: { id: string }) => books.find((b) => b.id === ref.id) },
  });
  reviews = await serve(reviewsTypeDefs, {
    Book: {
      reviews: (book: { id: string; price: number }) => [{ stars: book.price > 40 ? 5 : 3 }],
    },
  });
  const outcome = composeSupergraph([
    { name: "shelf", url: shelf.url, typeDefs: gql(shelfTypeDefs) },
    { name: "reviews", url: reviews.url, typeDefs: gql(reviewsTypeDefs) },
  ]);
  if (!outcome.ok) throw new Error(outcome.errors.join("\n"));
  dir = await mkdtemp(join(tmpdir(), "og-response-cache-"));
  await writeFile(join(dir, "supergraph.graphql"), outcome.supergraphSdl);
});

afterAll(async () => {
  await Promise.all(gateways.map((gateway) => gateway.stop()));
  await Promise.all([shelf?.stop(), reviews?.stop(), issuer?.stop()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function gatewayWith(env: Record<string, string>): Promise<GatewayServer> {
  const gateway = await startTestGateway({
    SUPERGRAPH_PATH: join(dir, "supergraph.graphql"),
    IDENTITY_URL: issuer.url,
    ...env,
  });
  gateways.push(gateway);
  return gateway;
}

const officer = (sub: string) => ({
  authorization: `Bearer ${signToken(districtClaims({ sub, sid: `sess-${sub}` }), key.privateKey, "k1")}`,
});

async function post(gateway: GatewayServer, query: string, headers: Record<string, string> = {}): Promise<any> {
  const response = await fetch(gateway.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query }),
  });
  return response.json();
}

const TITLES = "{ books { id title } }";

describe("the response cache in memory", () => {
  let gateway: GatewayServer;
  beforeAll(async () => {
    gateway = await gatewayWith({ RESPONSE_CACHE: "memory" });
  });

  it("answers a repeated public query from the cache: the subgraph receives one request", async () => {
    const before = shelf.requests;
    const first = await post(gateway, "query Titles { books { id title } }");
    expect(first.data.books.map((b: { id: string }) => b.id)).toEqual(["b1", "b2"]);
    for (let i = 0; i < 4; i += 1) {
      expect(await post(gateway, "query Titles { books { id title } }")).toEqual(first);
    }
    expect(shelf.requests - before).toBe(1);
    expect(gateway.fetchStats().shelf?.fetches).toBe(1);
    expect(gateway.responseCacheStats().shelf).toMatchObject({ hits: 4, misses: 1, stores: 1 });
    const metrics = await (await fetch(gateway.url.replace("/graphql", "/metrics"))).text();
    expect(metrics).toContain('og_gateway_response_cache_lookups_total{subgraph="shelf",result="hit"} 4');
  });

  it("never caches a fetch that selects a non-public field; the public _entities fetch of the same operation is", async () => {
    const query = "{ books { id reviews { stars } } }";
    const shelfBefore = shelf.requests;
    const reviewsBefore = reviews.requests;
    const first = await post(gateway, query);
    expect(first.data.books).toEqual([
      { id: "b1", reviews: [{ stars: 3 }] },
      { id: "b2", reviews: [{ stars: 5 }] },
    ]);
    expect(await post(gateway, query)).toEqual(first);
    expect(await post(gateway, query)).toEqual(first);
    // The shelf fetch selects Book.price (for @requires): sent every time. The reviews fetch: once.
    expect(shelf.requests - shelfBefore).toBe(3);
    expect(reviews.requests - reviewsBefore).toBe(1);
  });

  it("fetches fresh data after a mutation to the owning subgraph", async () => {
    const before = await post(gateway, TITLES);
    const requests = shelf.requests;
    expect(await post(gateway, TITLES)).toEqual(before);
    expect(shelf.requests).toBe(requests);
    const renamed = await post(
      gateway,
      'mutation { renameBook(id: "b1", title: "长恨歌（新版）") { id } }',
      officer("o-1"),
    );
    expect(renamed.errors).toBeUndefined();
    const after = await post(gateway, TITLES);
    expect(after.data.books[0].title).toBe("长恨歌（新版）");
    expect(gateway.responseCacheStats().shelf?.invalidations).toBeGreaterThan(0);
    books[0] = { ...books[0], title: "长恨歌" } as (typeof books)[number];
  });

  it("never caches or shares what a signed-in caller reads, public fields included", async () => {
    const requests = shelf.requests;
    const query = "query OfficersFirst { books { id title } }";
    // An officer sees the internal book (a row rule on a public type): that answer must not reach anyone else.
    const seen = await post(gateway, query, officer("o-1"));
    expect(seen.data.books.map((b: { id: string }) => b.id)).toEqual(["b1", "b2", "b3"]);
    const again = await post(gateway, query, officer("o-2"));
    expect(again.data.books).toHaveLength(3);
    expect(shelf.requests - requests).toBe(2);
    // Anonymous callers get the anonymous view, whatever officers read before.
    const anonymous = await post(gateway, query);
    expect(anonymous.data.books.map((b: { id: string }) => b.id)).toEqual(["b1", "b2"]);
    // Non-public answers differ per request and per principal: never one from another's fetch.
    const a = await post(gateway, "{ note }", officer("o-1"));
    const b = await post(gateway, "{ note }", officer("o-2"));
    const c = await post(gateway, "{ note }", officer("o-1"));
    expect(new Set([a.data.note, b.data.note, c.data.note]).size).toBe(3);
  });

  it("follows the owners' cache hints: a field hinted maxAge 0 is never cached, nor is a fetch that selects it", async () => {
    const requests = shelf.requests;
    const stock = [];
    for (let i = 0; i < 3; i += 1) stock.push(await post(gateway, "query Stock { stock }"));
    expect(new Set(stock.map((answer) => answer.data.stock)).size).toBe(3);
    await post(gateway, "query Mixed { shelfName books { id } stock }");
    await post(gateway, "query Mixed { shelfName books { id } stock }");
    expect(shelf.requests - requests).toBe(5);
    await post(gateway, "query Named { shelfName }");
    await post(gateway, "query Named { shelfName }");
    expect(shelf.requests - requests).toBe(6);
  });

  it("sends one fetch for identical misses in flight, whoever asks (anonymous callers at other addresses)", async () => {
    const proxied = await gatewayWith({ RESPONSE_CACHE: "memory", TRUSTED_PROXIES: "127.0.0.1,::1,::ffff:127.0.0.1" });
    gate.open = new Promise<void>((resolve) => {
      gate.release = resolve;
    });
    const arrivedBefore = gate.arrived;
    const answers = ["10.1.0.1", "10.1.0.2", "10.1.0.3"].map((address) =>
      post(proxied, "query Gated { gated }", { "x-forwarded-for": address }),
    );
    // The first caller's fetch is at the subgraph; the other two wait for it in the cache.
    await expect.poll(() => proxied.responseCacheStats().shelf?.shared ?? 0, { timeout: 10_000 }).toBe(2);
    expect(gate.arrived - arrivedBefore).toBe(1);
    gate.release();
    for (const answer of await Promise.all(answers)) expect(answer.data).toEqual({ gated: "opened" });
    expect(gate.arrived - arrivedBefore).toBe(1);
    expect(proxied.fetchStats().shelf?.fetches).toBe(1);
  });

  it("still runs every check before execution: an anonymous caller selecting a non-public field is refused", async () => {
    await post(gateway, TITLES);
    const refused = await post(gateway, "{ books { id title price } }");
    expect(refused.errors?.[0]?.extensions?.code).toBe("AUTHENTICATION_REQUIRED");
  });
});

describe("the response cache with Redis down", () => {
  it("answers every request from the subgraph, never with an error", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", () => resolve()));
    const { port } = closed.address() as { port: number };
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const gateway = await gatewayWith({
      RESPONSE_CACHE: "redis",
      REDIS_URL: `redis://127.0.0.1:${port}`,
      RATE_LIMIT_FALLBACKS: "requests=open,dailyCost=open,oauth=open",
    });
    const requests = shelf.requests;
    for (let i = 0; i < 3; i += 1) {
      const answer = await post(gateway, "query RedisDown { books { id } }");
      expect(answer.errors).toBeUndefined();
      expect(answer.data.books).toHaveLength(2);
    }
    expect(shelf.requests - requests).toBe(3);
    expect(gateway.responseCacheStats().shelf?.hits ?? 0).toBe(0);
  });
});

describe("a new supergraph", () => {
  it("starts an empty cache: the first read after a reload goes to the subgraph", async () => {
    const path = join(dir, "reloading.graphql");
    const compose = (extra: string) => {
      const outcome = composeSupergraph([
        {
          name: "shelf",
          url: shelf.url,
          typeDefs: gql(shelfTypeDefs.replace("type Mutation {", `${extra}\ntype Mutation {`)),
        },
        { name: "reviews", url: reviews.url, typeDefs: gql(reviewsTypeDefs) },
      ]);
      if (!outcome.ok) throw new Error(outcome.errors.join("\n"));
      return outcome.supergraphSdl;
    };
    await writeFile(path, compose(""));
    const gateway = await gatewayWith({ RESPONSE_CACHE: "memory", SUPERGRAPH_PATH: path });
    const query = "query AcrossReloads { books { id } }";
    await post(gateway, query);
    const requests = shelf.requests;
    await post(gateway, query);
    expect(shelf.requests).toBe(requests);
    const loads = gateway.supergraphLoads();
    await writeFile(`${path}.next`, compose('"A type the shelf does not serve yet." type Shelf { name: String }'));
    await rename(`${path}.next`, path);
    await expect.poll(() => gateway.supergraphLoads(), { timeout: 10_000 }).toBe(loads + 1);
    await post(gateway, query);
    expect(shelf.requests).toBe(requests + 1);
    await post(gateway, query);
    expect(shelf.requests).toBe(requests + 1);
  });
});

describe("the memory store", () => {
  it("keeps at most its bytes, dropping the least recently used, and forgets entries at their TTL", async () => {
    let now = 0;
    const store = new MemoryStore(1_000, () => now);
    await store.set("a", "x".repeat(100), 1_000);
    await store.set("b", "y".repeat(100), 1_000);
    expect(await store.get("a")).toBeDefined(); // a is now the most recent
    for (let i = 0; i < 9; i += 1) await store.set(`c${i}`, "z".repeat(100), 1_000);
    expect(store.size.bytes).toBeLessThanOrEqual(1_000);
    expect(await store.get("b")).toBeUndefined();
    expect(await store.get("a")).toBeDefined();
    await store.set("huge", "h".repeat(200), 1_000); // more than an eighth: not kept
    expect(await store.get("huge")).toBeUndefined();
    now = 1_000;
    expect(await store.get("a")).toBeUndefined();
  });
});

describe("the fetch analysis", () => {
  const schema = buildSchema(`
    type Query { books: [Book!]!, shelf: Shelf }
    type Shelf { name: String!, books: [Book!]! }
    type Book { id: ID!, title: String!, price: Int! }
  `);
  const facts = {
    plannerSdl: "",
    publicFields: new Set(["Query.books", "Query.shelf", "Shelf.name", "Shelf.books", "Book.id", "Book.title"]),
    classification: new Map<string, unknown>([["Book.title", {}]]),
  };
  const cacheable = (query: string) => analyseFetch(facts, schema, query).cacheable;

  it("reads fields through fragments, _entities and nesting, and refuses what is not public, classified or unknown", () => {
    expect(cacheable("{ books { id __typename } }")).toBe(true);
    expect(cacheable("{ shelf { name books { ...F } } } fragment F on Book { id }")).toBe(true);
    expect(cacheable("query ($r: [_Any!]!) { _entities(representations: $r) { ... on Book { id } } }")).toBe(true);
    expect(cacheable("query ($r: [_Any!]!) { _entities(representations: $r) { ... on Book { price } } }")).toBe(false);
    expect(cacheable("{ shelf { books { ...F } } } fragment F on Book { price }")).toBe(false);
    expect(cacheable("{ books { title } }")).toBe(false); // classified
    expect(cacheable("{ _service { sdl } }")).toBe(false);
    expect(analyseFetch(facts, schema, "mutation { x }").operation).toBe("mutation");
  });

  it("takes the smallest cache hint of the selected fields", () => {
    const hints = cacheHintsOf(`
      type Query { books: [Book!]! @cacheHint(maxAge: 600), shelf: Shelf }
      type Shelf { name: String! @cacheHint(maxAge: 60), books: [Book!]! }
      type Book { id: ID! @cacheHint(maxAge: 0) }
    `);
    expect(Object.fromEntries(hints)).toEqual({ "Query.books": 600_000, "Shelf.name": 60_000, "Book.id": 0 });
    expect(analyseFetch(facts, schema, "{ shelf { name } }", hints).maxAgeMs).toBe(60_000);
    expect(analyseFetch(facts, schema, "{ books { __typename } shelf { name } }", hints).maxAgeMs).toBe(60_000);
    expect(analyseFetch(facts, schema, "{ shelf { books { id } } }", hints).maxAgeMs).toBe(0);
    expect(analyseFetch(facts, schema, "{ shelf { __typename } }", hints).maxAgeMs).toBe(Infinity);
  });
});

describe.skipIf(!redisUrl)("the response cache in Redis, shared by two gateways", () => {
  const prefix = `og:test:response-cache:${randomBytes(6).toString("hex")}:`;
  let a: GatewayServer;
  let b: GatewayServer;
  beforeAll(async () => {
    const env = {
      RESPONSE_CACHE: "redis",
      REDIS_URL: redisUrl ?? "",
      RATE_LIMIT_KEY_PREFIX: `${prefix}limits:`,
      RESPONSE_CACHE_KEY_PREFIX: prefix,
      // Every read asks Redis for the generation: no staleness window to wait out in the test.
      RESPONSE_CACHE_GENERATION_MS: "0",
    };
    a = await gatewayWith(env);
    b = await gatewayWith(env);
  });

  it("shares entries and invalidation between replicas", async () => {
    const query = "query Shared { books { title id } }";
    const first = await post(a, query);
    const requests = shelf.requests;
    expect(await post(b, query)).toEqual(first);
    expect(await post(a, query)).toEqual(first);
    expect(shelf.requests).toBe(requests);
    expect(b.fetchStats().shelf?.fetches ?? 0).toBe(0);
    expect(b.responseCacheStats().shelf).toMatchObject({ hits: 1, misses: 0 });

    const renamed = await post(a, 'mutation { renameBook(id: "b2", title: "繁花（再版）") { id } }', officer("o-1"));
    expect(renamed.errors).toBeUndefined();
    const fresh = await post(b, query);
    expect(fresh.data.books[1].title).toBe("繁花（再版）");
    expect(shelf.requests).toBe(requests + 2);
    books[1] = { ...books[1], title: "繁花" } as (typeof books)[number];
  });
});
