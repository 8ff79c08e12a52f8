import { mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GatewayServer } from "../../gateway/server.ts";
import { composeForeignSupergraph, type RunningSubgraph, startBooks, startReviews } from "../support/foreignGraph.ts";
import { startTestGateway } from "../support/gateway.ts";
import { graphql } from "../support/subgraphs.ts";

describe("the gateway serves any Federation 2 supergraph given by file", () => {
  let dir: string;
  let path: string;
  let books: RunningSubgraph;
  let booksWithYear: RunningSubgraph;
  let reviews: RunningSubgraph;
  let gateway: GatewayServer;

  /** Slow requests the reviews subgraph has started executing. */
  const slowStarted = { count: 0 };
  /** The gateway's log, to wait for what it did with a file rather than for a guessed time. */
  const captured = capturingLogger();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "og-foreign-"));
    path = join(dir, "supergraph.graphql");
    books = await startBooks();
    booksWithYear = await startBooks({ withYear: true });
    reviews = await startReviews({ onSlowStarted: () => slowStarted.count++ });
    await writeFile(path, composeForeignSupergraph(books, reviews));
    gateway = await startTestGateway({ SUPERGRAPH_PATH: path }, { log: captured.log });
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([books?.stop(), booksWithYear?.stop(), reviews?.stop()]);
    await rm(dir, { recursive: true, force: true });
  });

  it("answers a query that joins both foreign subgraphs", async () => {
    const { status, body } = await graphql(gateway.url, "{ books { id title reviews { stars } } }");
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.books).toEqual([
      { id: "b1", title: "长恨歌", reviews: [{ stars: 5 }, { stars: 4 }] },
      { id: "b2", title: "繁花", reviews: [{ stars: 3 }] },
    ]);
  });

  it("propagates the caller's request id to every subgraph fetch and echoes it", async () => {
    const requestId = "req-foreign-0001";
    const response = await fetch(gateway.url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": requestId },
      body: JSON.stringify({ query: "{ books { reviews { stars } } }" }),
    });
    expect(response.headers.get("x-request-id")).toBe(requestId);
    expect(books.received.at(-1)?.["x-request-id"]).toBe(requestId);
    expect(reviews.received.at(-1)?.["x-request-id"]).toBe(requestId);
  });

  it("replaces a request id that is not a safe token with a fresh one", async () => {
    const response = await fetch(gateway.url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "bad id\twith spaces" },
      body: JSON.stringify({ query: "{ books { id } }" }),
    });
    const echoed = response.headers.get("x-request-id");
    expect(echoed).toMatch(/^[0-9a-f-]{36}$/);
    expect(books.received.at(-1)?.["x-request-id"]).toBe(echoed);
  });

  it("masks a foreign subgraph's internal error message", async () => {
    const { body } = await graphql(gateway.url, "{ failing books { id } }");
    expect(body.data.books).toHaveLength(2);
    expect(body.data.failing).toBeNull();
    const text = JSON.stringify(body.errors);
    expect(text).not.toMatch(/10\.0\.3\.7|ECONNREFUSED|\/srv\/|stacktrace/);
    expect(body.errors?.[0].extensions.code).toBe("INTERNAL_SERVER_ERROR");
  });

  it("reloads when the supergraph file changes, without failing requests in flight", async () => {
    const loadsBefore = gateway.supergraphLoads();
    // Requests that take 400 ms in the reviews subgraph are in flight while the file is replaced.
    const startedBefore = slowStarted.count;
    const inFlight = Array.from({ length: 12 }, () => graphql(gateway.url, "{ slowReviewCount(ms: 400) }"));
    await expect.poll(() => slowStarted.count - startedBefore, { interval: 10 }).toBeGreaterThan(0);
    // Replace atomically, as a deploy tool would: write a temporary file, then rename over the old one.
    await writeFile(`${path}.next`, composeForeignSupergraph(booksWithYear, reviews, { withYear: true }));
    await rename(`${path}.next`, path);

    const results = await Promise.all(inFlight);
    for (const { status, body } of results) {
      expect(status).toBe(200);
      expect(body).toEqual({ data: { slowReviewCount: 7 } });
    }
    await expect.poll(() => gateway.supergraphLoads(), { timeout: 5000 }).toBe(loadsBefore + 1);
    const { body } = await graphql(gateway.url, "{ books { title year } }");
    expect(body.errors).toBeUndefined();
    expect(body.data.books[1]).toEqual({ title: "繁花", year: 2012 });
  });

  it("keeps serving the loaded supergraph when the file is replaced by something invalid", async () => {
    const loadsBefore = gateway.supergraphLoads();
    const rejectedBefore = captured.count("keeping the loaded supergraph");
    await writeFile(path, "this is not a supergraph");
    await expect
      .poll(() => captured.count("keeping the loaded supergraph"), { timeout: 5000 })
      .toBeGreaterThan(rejectedBefore);
    expect(gateway.supergraphLoads()).toBe(loadsBefore);
    const { body } = await graphql(gateway.url, "{ books { title year } }");
    expect(body.data.books).toHaveLength(2);
  });
});

/** A gateway logger that keeps its lines in memory (at info level, nothing printed); counts lines with some words. */
function capturingLogger() {
  const lines: string[] = [];
  const log = pino({ level: "info" }, { write: (line: string) => void lines.push(line) });
  return { log, count: (words: string) => lines.filter((line) => line.includes(words)).length };
}
