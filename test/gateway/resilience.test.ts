/**
 * Resilient subgraph traffic (issue #6 item 2): a request deadline, per-subgraph timeouts, retries for queries only,
 * a circuit breaker per subgraph that survives supergraph reloads, and reused connections — against two small
 * in-process subgraphs, one of which can be told to hang, fail or recover.
 */

import { mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { ApolloServer } from "@apollo/server";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { gql } from "graphql-tag";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { GatewayServer } from "../../gateway/server.ts";
import { createGraphQLListener } from "../../lib/http/graphqlHttp.ts";
import { createLogger } from "../../lib/log.ts";
import { composeSupergraph } from "../../scripts/composeSupergraph.ts";
import { startTestGateway } from "../support/gateway.ts";
import { graphql } from "../support/subgraphs.ts";

const ACCESS_LINK = `
  extend schema
    @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@composeDirective"])
    @link(url: "https://specs.jingan.gov.cn/one-graph/access/v0.1", import: ["@public"])
    @composeDirective(name: "@public")
  directive @public on FIELD_DEFINITION | OBJECT | INTERFACE
`;

const shelfTypeDefs = (extra = "") => gql`
  ${ACCESS_LINK}
  type Book @key(fields: "id") @public {
    id: ID!
    title: String!
  }
  type Query {
    books: [Book!]! @public
    ${extra}
  }
`;

const reviewsTypeDefs = gql`
  ${ACCESS_LINK}
  type Book @key(fields: "id") @public {
    id: ID!
    "Nullable, so an outage of reviews nulls only this field."
    reviews: [Review!]
  }
  type Review @public {
    stars: Int!
  }
  type Query {
    reviewCount: Int @public
  }
  type Mutation {
    addReview(bookId: ID!, stars: Int!): Review @public
  }
`;

type Mode = "ok" | "hang" | "503" | "reset";

/** A subgraph behind a raw `node:http` server, so tests can make it hang or fail and count what reaches it. */
interface ControlledSubgraph {
  url: string;
  mode: Mode;
  /** When > 0, this many requests get `failWith` before `mode` applies again. */
  failNext: number;
  failWith: Exclude<Mode, "ok" | "hang">;
  requests: { query: number; mutation: number };
  /** TCP connections accepted so far. */
  connections: number;
  stop(): Promise<void>;
}

async function startControlled(typeDefs: ReturnType<typeof gql>, resolvers: object): Promise<ControlledSubgraph> {
  const apollo = new ApolloServer({ schema: buildSubgraphSchema({ typeDefs, resolvers: resolvers as never }) });
  await apollo.start();
  const log = createLogger({ service: "controlled", level: "silent" });
  const listener = createGraphQLListener({
    server: apollo,
    log,
    requestId: () => "controlled",
    context: async () => ({}),
  });
  const hanging: ServerResponse[] = [];
  const state: ControlledSubgraph = {
    url: "",
    mode: "ok",
    failNext: 0,
    failWith: "503",
    requests: { query: 0, mutation: 0 },
    connections: 0,
    stop: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await apollo.stop();
    },
  };
  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    state.requests[/^\s*mutation\b/.test(JSON.parse(body || "{}").query ?? "") ? "mutation" : "query"] += 1;
    let mode: Mode = state.mode;
    if (state.failNext > 0) {
      state.failNext -= 1;
      mode = state.failWith;
    }
    if (mode === "hang") {
      hanging.push(res);
      return;
    }
    if (mode === "503") {
      res.statusCode = 503;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ errors: [{ message: "overloaded at db-7.internal:5432" }] }));
      return;
    }
    if (mode === "reset") {
      req.socket.destroy();
      return;
    }
    // Replay the body into the shared edge, which serves it through Apollo.
    const replay = Object.assign(Readable.from([Buffer.from(body)]), {
      headers: req.headers,
      method: req.method,
      url: req.url,
    });
    listener(replay as unknown as IncomingMessage, res);
  });
  server.on("connection", () => {
    state.connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  return state;
}

const BOOKS = [
  { id: "b1", title: "长恨歌" },
  { id: "b2", title: "繁花" },
];

async function startPair() {
  const shelf = await startControlled(shelfTypeDefs(), {
    Query: { books: () => BOOKS },
    Book: { __resolveReference: (ref: { id: string }) => BOOKS.find((b) => b.id === ref.id) },
  });
  const reviews = await startControlled(reviewsTypeDefs, {
    Query: { reviewCount: () => 3 },
    Mutation: { addReview: (_: unknown, args: { stars: number }) => ({ stars: args.stars }) },
    Book: { reviews: (book: { id: string }) => (book.id === "b1" ? [{ stars: 5 }, { stars: 4 }] : [{ stars: 3 }]) },
  });
  return { shelf, reviews };
}

function supergraphOf(shelf: { url: string }, reviews: { url: string }, extra = "") {
  const outcome = composeSupergraph([
    { name: "shelf", url: shelf.url, typeDefs: shelfTypeDefs(extra) },
    { name: "reviews", url: reviews.url, typeDefs: reviewsTypeDefs },
  ]);
  if (!outcome.ok) throw new Error(outcome.errors.join("\n"));
  return outcome.supergraphSdl;
}

const BOOKS_WITH_REVIEWS = "{ books { id title reviews { stars } } }";
const FULL_ANSWER = {
  data: {
    books: [
      { id: "b1", title: "长恨歌", reviews: [{ stars: 5 }, { stars: 4 }] },
      { id: "b2", title: "繁花", reviews: [{ stars: 3 }] },
    ],
  },
};

function expectNoLeak(value: unknown) {
  expect(JSON.stringify(value)).not.toMatch(/127\.0\.0\.1|localhost|internal|ECONN|stack|\bat .+\.(js|ts):\d+/);
}

async function metrics(gateway: GatewayServer): Promise<string> {
  return (await fetch(gateway.url.replace("/graphql", "/metrics"))).text();
}

function metric(text: string, name: string, subgraph: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${name}{subgraph="${subgraph}"} `));
  return line ? Number(line.split(" ")[1]) : Number.NaN;
}

describe("a hanging subgraph and the request deadline", () => {
  let dir: string;
  let pair: Awaited<ReturnType<typeof startPair>>;
  let gateway: GatewayServer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "og-deadline-"));
    pair = await startPair();
    await writeFile(join(dir, "supergraph.graphql"), supergraphOf(pair.shelf, pair.reviews));
    gateway = await startTestGateway({
      SUPERGRAPH_PATH: join(dir, "supergraph.graphql"),
      REQUEST_DEADLINE_MS: "1500",
      // Longer than the test's own timeout (60 s): an answer at all can only come from the request's deadline.
      SUBGRAPH_TIMEOUT_MS: "120000",
      BREAKER_FAILURES: "100",
    });
  });

  afterEach(() => {
    pair.reviews.mode = "ok";
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([pair?.shelf.stop(), pair?.reviews.stop()]);
    await rm(dir, { recursive: true, force: true });
  });

  it("answers in full while every subgraph answers", async () => {
    const { body } = await graphql(gateway.url, BOOKS_WITH_REVIEWS);
    expect(body).toEqual(FULL_ANSWER);
  });

  it("gives the partial answer with a masked error within the deadline when a subgraph hangs", async () => {
    pair.reviews.mode = "hang";
    const before = pair.reviews.requests.query;
    const result = await graphql(gateway.url, BOOKS_WITH_REVIEWS);
    expect(result.status).toBe(200);
    expect(result.body.data).toEqual({
      books: [
        { id: "b1", title: "长恨歌", reviews: null },
        { id: "b2", title: "繁花", reviews: null },
      ],
    });
    expect(result.body.errors?.[0].extensions).toEqual({ code: "SUBGRAPH_UNAVAILABLE", subgraph: "reviews" });
    expect(result.body.errors?.[0].message).toContain("reviews service did not answer");
    expectNoLeak(result.body);
    // The hanging subgraph never answers and its own timeout is longer than this test may run, so an answer at all
    // means the request's deadline cut the wait short (how fast belongs to the benchmarks). Asked once: a hanging
    // service is not asked again within the deadline.
    expect(pair.reviews.requests.query - before).toBe(1);
  });

  it("keeps serving other requests while one subgraph hangs", async () => {
    pair.reviews.mode = "hang";
    const hanging = graphql(gateway.url, BOOKS_WITH_REVIEWS);
    const benign = graphql(gateway.url, "{ books { id title } }");
    // The benign request, sent after the hanging one, is answered while the hanging one still waits.
    const first = await Promise.race([hanging.then(() => "hanging"), benign.then(() => "benign")]);
    expect(first).toBe("benign");
    expect((await benign).body).toEqual({ data: { books: BOOKS } });
    expect((await hanging).body.errors?.[0].extensions?.code).toBe("SUBGRAPH_UNAVAILABLE");
  });

  it("times a subgraph out at its own timeout when that is shorter than the time left", async () => {
    await gateway.stop();
    gateway = await startTestGateway({
      SUPERGRAPH_PATH: join(dir, "supergraph.graphql"),
      REQUEST_DEADLINE_MS: "5000",
      SUBGRAPH_TIMEOUTS: "reviews=300",
      BREAKER_FAILURES: "100",
    });
    pair.reviews.mode = "hang";
    const before = pair.reviews.requests.query;
    const result = await graphql(gateway.url, BOOKS_WITH_REVIEWS);
    // At the subgraph's own timeout (counted as a timeout, "in time"), not the request's deadline ("before this
    // request's deadline", not counted against the subgraph).
    expect(result.body.errors?.[0].message).toContain("reviews service did not answer in time");
    // A timed-out query is not retried: a hanging service would only eat the deadline.
    expect(pair.reviews.requests.query - before).toBe(1);
    expect(metric(await metrics(gateway), "og_gateway_subgraph_timeouts_total", "reviews")).toBe(1);
  });
});

describe("the circuit breaker per subgraph", () => {
  /** Far longer than any test here runs on the real clock: only the moved date opens the window. */
  const OPEN_MS = 600_000;
  const pastTheOpenWindow = () => vi.setSystemTime(Date.now() + OPEN_MS + 1);
  let dir: string;
  let pair: Awaited<ReturnType<typeof startPair>>;
  let gateway: GatewayServer;
  const path = () => join(dir, "supergraph.graphql");

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "og-breaker-"));
    pair = await startPair();
    await writeFile(path(), supergraphOf(pair.shelf, pair.reviews));
    gateway = await startTestGateway({
      SUPERGRAPH_PATH: path(),
      SUBGRAPH_TIMEOUTS: "reviews=200",
      BREAKER_FAILURES: "3",
      BREAKER_OPEN_MS: String(OPEN_MS),
    });
    // The breaker's open window runs on Date.now(); the test moves the date past it instead of waiting (timers stay
    // real, and the date still moves with them).
    vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
  });

  afterAll(async () => {
    vi.useRealTimers();
    await gateway?.stop();
    await Promise.all([pair?.shelf.stop(), pair?.reviews.stop()]);
    await rm(dir, { recursive: true, force: true });
  });

  it("opens after repeated failures, fails fast while open, and closes when the subgraph recovers", async () => {
    pair.reviews.mode = "hang";
    for (let i = 0; i < 3; i += 1) {
      const { body } = await graphql(gateway.url, BOOKS_WITH_REVIEWS);
      expect(body.errors?.[0].message).toContain("did not answer in time");
    }
    const sent = pair.reviews.requests.query;
    expect(sent).toBe(3);
    let text = await metrics(gateway);
    expect(metric(text, "og_gateway_subgraph_breaker_state", "reviews")).toBe(1);
    expect(metric(text, "og_gateway_subgraph_breaker_opens_total", "reviews")).toBe(1);

    // Open: the subgraph is not asked (the count below stays), the rest of the graph still answers.
    for (let i = 0; i < 5; i += 1) {
      const result = await graphql(gateway.url, BOOKS_WITH_REVIEWS);
      expect(result.body.data.books.map((b: { title: string }) => b.title)).toEqual(["长恨歌", "繁花"]);
      expect(result.body.errors?.[0].extensions).toEqual({ code: "SUBGRAPH_UNAVAILABLE", subgraph: "reviews" });
      expect(result.body.errors?.[0].message).toContain("is not asking it for a few seconds");
      expectNoLeak(result.body);
    }
    expect(pair.reviews.requests.query).toBe(sent);
    text = await metrics(gateway);
    expect(metric(text, "og_gateway_subgraph_short_circuits_total", "reviews")).toBe(5);
    expect(metric(text, "og_gateway_subgraph_fetches_total", "reviews")).toBe(3);
    expect(metric(text, "og_gateway_subgraph_breaker_state", "shelf")).toBe(0);

    // The subgraph recovers; after BREAKER_OPEN_MS one trial goes through and closes the breaker.
    pair.reviews.mode = "ok";
    const stillOpen = await graphql(gateway.url, BOOKS_WITH_REVIEWS);
    expect(stillOpen.body.errors?.[0].message).toContain("is not asking it");
    expect(pair.reviews.requests.query).toBe(sent);
    pastTheOpenWindow();
    expect((await graphql(gateway.url, BOOKS_WITH_REVIEWS)).body).toEqual(FULL_ANSWER);
    expect(pair.reviews.requests.query).toBe(sent + 1);
    expect(metric(await metrics(gateway), "og_gateway_subgraph_breaker_state", "reviews")).toBe(0);
    expect((await graphql(gateway.url, BOOKS_WITH_REVIEWS)).body).toEqual(FULL_ANSWER);
  });

  it("opens again when the half-open trial fails", async () => {
    pair.reviews.mode = "hang";
    for (let i = 0; i < 3; i += 1) await graphql(gateway.url, BOOKS_WITH_REVIEWS);
    expect(metric(await metrics(gateway), "og_gateway_subgraph_breaker_state", "reviews")).toBe(1);
    const sent = pair.reviews.requests.query;
    // Past the open window the breaker half-opens and lets one trial through; the trial times out.
    pastTheOpenWindow();
    await graphql(gateway.url, BOOKS_WITH_REVIEWS);
    expect(pair.reviews.requests.query).toBe(sent + 1);
    // Open again: the next request is not sent.
    const { body } = await graphql(gateway.url, BOOKS_WITH_REVIEWS);
    expect(body.errors?.[0].message).toContain("is not asking it");
    expect(pair.reviews.requests.query).toBe(sent + 1);
    expect(metric(await metrics(gateway), "og_gateway_subgraph_breaker_opens_total", "reviews")).toBe(3);
  });

  it("keeps the breaker's state across a supergraph reload", async () => {
    const before = await metrics(gateway);
    const opens = metric(before, "og_gateway_subgraph_breaker_opens_total", "reviews");
    const fetches = metric(before, "og_gateway_subgraph_fetches_total", "reviews");
    expect(opens).toBeGreaterThan(0);
    const loads = gateway.supergraphLoads();
    await writeFile(`${path()}.next`, supergraphOf(pair.shelf, pair.reviews, "bookCount: Int @public"));
    await rename(`${path()}.next`, path());
    await expect.poll(() => gateway.supergraphLoads(), { timeout: 5000 }).toBe(loads + 1);
    // A reload builds new data sources, not new policies: the breaker is still open, and its counters (which a new
    // policy would start from zero) are the ones from before.
    const { body } = await graphql(gateway.url, BOOKS_WITH_REVIEWS);
    expect(body.errors?.[0].message).toContain("is not asking it");
    const after = await metrics(gateway);
    expect(metric(after, "og_gateway_subgraph_breaker_opens_total", "reviews")).toBe(opens);
    expect(metric(after, "og_gateway_subgraph_fetches_total", "reviews")).toBe(fetches);
    pair.reviews.mode = "ok";
  });
});

describe("retries and connections", () => {
  let dir: string;
  let pair: Awaited<ReturnType<typeof startPair>>;
  let gateway: GatewayServer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "og-retry-"));
    pair = await startPair();
    await writeFile(join(dir, "supergraph.graphql"), supergraphOf(pair.shelf, pair.reviews));
    gateway = await startTestGateway({
      SUPERGRAPH_PATH: join(dir, "supergraph.graphql"),
      SUBGRAPH_RETRIES: "2",
      BREAKER_FAILURES: "100",
    });
  });

  afterEach(() => {
    pair.reviews.failNext = 0;
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([pair?.shelf.stop(), pair?.reviews.stop()]);
    await rm(dir, { recursive: true, force: true });
  });

  it("retries a query that met a 503 and answers in full", async () => {
    const before = pair.reviews.requests.query;
    pair.reviews.failNext = 2;
    pair.reviews.failWith = "503";
    const { body } = await graphql(gateway.url, BOOKS_WITH_REVIEWS);
    expect(body).toEqual(FULL_ANSWER);
    expect(pair.reviews.requests.query - before).toBe(3);
    expect(metric(await metrics(gateway), "og_gateway_subgraph_retries_total", "reviews")).toBe(2);
  });

  it("retries a query whose connection was reset", async () => {
    const before = pair.reviews.requests.query;
    pair.reviews.failNext = 1;
    pair.reviews.failWith = "reset";
    const { body } = await graphql(gateway.url, "{ reviewCount }");
    expect(body).toEqual({ data: { reviewCount: 3 } });
    expect(pair.reviews.requests.query - before).toBe(2);
  });

  it("gives up after the retry cap with a masked error", async () => {
    const before = pair.reviews.requests.query;
    pair.reviews.failNext = 10;
    pair.reviews.failWith = "503";
    const { body } = await graphql(gateway.url, "{ reviewCount }");
    expect(body.data).toEqual({ reviewCount: null });
    expect(body.errors?.[0].extensions).toEqual({ code: "SUBGRAPH_UNAVAILABLE", subgraph: "reviews" });
    expectNoLeak(body);
    expect(pair.reviews.requests.query - before).toBe(3);
  });

  it("never retries a mutation", async () => {
    const before = pair.reviews.requests.mutation;
    pair.reviews.failNext = 1;
    pair.reviews.failWith = "503";
    const { body } = await graphql(gateway.url, 'mutation { addReview(bookId: "b1", stars: 5) { stars } }');
    expect(body.data).toEqual({ addReview: null });
    expect(body.errors?.[0].extensions).toEqual({ code: "SUBGRAPH_UNAVAILABLE", subgraph: "reviews" });
    expect(pair.reviews.requests.mutation - before).toBe(1);
    // The same mutation goes through once the subgraph answers again.
    const again = await graphql(gateway.url, 'mutation { addReview(bookId: "b1", stars: 5) { stars } }');
    expect(again.body).toEqual({ data: { addReview: { stars: 5 } } });
  });

  it("reuses connections to a subgraph instead of opening one per fetch", async () => {
    const before = { connections: pair.reviews.connections, requests: pair.reviews.requests.query };
    for (let i = 0; i < 30; i += 1) {
      const { body } = await graphql(gateway.url, BOOKS_WITH_REVIEWS);
      expect(body).toEqual(FULL_ANSWER);
    }
    expect(pair.reviews.requests.query - before.requests).toBe(30);
    expect(pair.reviews.connections - before.connections).toBeLessThanOrEqual(1);
  });
});
