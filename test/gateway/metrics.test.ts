/**
 * GET /metrics (prom-client): Node's process metrics, HTTP requests by route and status with bounded labels, and the
 * subgraph counters the gateway keeps, in the Prometheus text format.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GatewayServer } from "../../gateway/server.ts";
import { composeForeignSupergraph, type RunningSubgraph, startBooks, startReviews } from "../support/foreignGraph.ts";
import { startTestGateway } from "../support/gateway.ts";
import { graphql } from "../support/subgraphs.ts";

describe("gateway metrics", () => {
  let dir: string;
  let books: RunningSubgraph;
  let reviews: RunningSubgraph;
  let gateway: GatewayServer;
  const origin = () => gateway.url.replace(/\/graphql$/, "");
  const scrape = async () => {
    const response = await fetch(`${origin()}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.text();
  };
  /** The value of one sample line, by its exact label set. */
  const sample = (text: string, name: string, labels: string) => {
    const line = text.split("\n").find((l) => l.startsWith(`${name}{${labels}}`));
    return line === undefined ? undefined : Number(line.split(" ").at(-1));
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "og-metrics-"));
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

  it("exposes the process: resident memory, heap and event-loop lag", async () => {
    const text = await scrape();
    expect(text).toMatch(/^og_gateway_process_resident_memory_bytes \d+/m);
    expect(text).toMatch(/^og_gateway_nodejs_heap_size_used_bytes \d+/m);
    expect(text).toMatch(/^og_gateway_nodejs_eventloop_lag_p99_seconds /m);
  });

  it("counts requests by route, method and status, and subgraph fetches per subgraph", async () => {
    const before = await scrape();
    const okBefore =
      sample(before, "og_gateway_http_request_duration_seconds_count", 'route="/graphql",method="POST",status="200"') ??
      0;
    const fetchesBefore = sample(before, "og_gateway_subgraph_fetches_total", 'subgraph="reviews"') ?? 0;
    for (let i = 0; i < 3; i += 1) {
      expect((await graphql(gateway.url, "{ books { title reviews { stars } } }")).status).toBe(200);
    }
    const bad = await fetch(gateway.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{",
    });
    expect(bad.status).toBe(400);
    const after = await scrape();
    expect(
      sample(after, "og_gateway_http_request_duration_seconds_count", 'route="/graphql",method="POST",status="200"'),
    ).toBe(okBefore + 3);
    expect(
      sample(after, "og_gateway_http_request_duration_seconds_count", 'route="/graphql",method="POST",status="400"'),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(after, "og_gateway_subgraph_fetches_total", 'subgraph="reviews"')).toBe(fetchesBefore + 3);
    expect(sample(after, "og_gateway_subgraph_breaker_state", 'subgraph="books"')).toBe(0);
  });

  it("counts paths it does not serve under one label, so scanners cannot grow the series", async () => {
    for (const path of ["/wp-login.php", "/.env", "/admin?x=1", "/graphql/../etc/passwd"]) {
      await fetch(`${origin()}${path}`);
    }
    const text = await scrape();
    expect(text).not.toMatch(/wp-login|\.env|admin|passwd/);
    expect(
      sample(text, "og_gateway_http_request_duration_seconds_count", 'route="other",method="GET",status="404"'),
    ).toBeGreaterThanOrEqual(3);
  });
});
