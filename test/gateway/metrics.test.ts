/**
 * GET /metrics (prom-client): Node's process metrics, HTTP requests by route and status with bounded labels, and the
 * subgraph counters the gateway keeps, in the Prometheus text format.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createGatewayMetrics } from "../../gateway/observability/metrics.ts";
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

  it("times GraphQL requests by operation name, type and outcome, and each subgraph fetch, in histogram buckets", async () => {
    /** Sum of the samples of `name` whose labels contain every `labels` pair (label order does not matter). */
    const total = (text: string, name: string, labels: Record<string, string>) =>
      text
        .split("\n")
        .filter((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)))
        .reduce((sum, l) => sum + Number(l.split(" ").at(-1)), 0);
    const op = "og_gateway_operation_duration_seconds";
    const named = { operation_name: "BooksWithReviews", operation_type: "query", outcome: "success" };
    const before = await scrape();
    for (let i = 0; i < 2; i += 1) {
      expect((await graphql(gateway.url, "query BooksWithReviews { books { title reviews { stars } } }")).status).toBe(
        200,
      );
    }
    expect((await graphql(gateway.url, "{ books { title } }")).status).toBe(200);
    // Anonymous callers may not read bookCount: refused before anything runs.
    expect((await graphql(gateway.url, "query Count { bookCount }")).status).toBe(401);
    await fetch(gateway.url, { method: "POST", headers: { "content-type": "application/json" }, body: "{" });
    const after = await vi.waitFor(async () => {
      const text = await scrape();
      expect(total(text, `${op}_count`, { outcome: "refused", operation_name: "unknown" })).toBeGreaterThan(
        total(before, `${op}_count`, { outcome: "refused", operation_name: "unknown" }),
      );
      return text;
    });
    expect(total(after, `${op}_count`, named) - total(before, `${op}_count`, named)).toBe(2);
    // Every bucket boundary is there, cumulative up to +Inf, which equals the count.
    const buckets = after.split("\n").filter((l) => l.startsWith(`${op}_bucket{`) && l.includes('"BooksWithReviews"'));
    expect(buckets.map((l) => /le="([^"]+)"/.exec(l)?.[1])).toEqual([
      "0.005",
      "0.01",
      "0.025",
      "0.05",
      "0.1",
      "0.25",
      "0.5",
      "1",
      "2.5",
      "5",
      "10",
      "+Inf",
    ]);
    expect(total(after, `${op}_bucket`, { ...named, le: "+Inf" })).toBe(total(after, `${op}_count`, named));
    expect(total(after, `${op}_count`, { operation_name: "anonymous", outcome: "success" })).toBeGreaterThanOrEqual(1);
    // A refused operation keeps its type but does not claim an operation-name slot.
    expect(total(after, `${op}_count`, { operation_name: "other", operation_type: "query", outcome: "refused" })).toBe(
      total(before, `${op}_count`, { operation_name: "other", operation_type: "query", outcome: "refused" }) + 1,
    );
    expect(after).not.toContain('operation_name="Count"');
    const fetchMetric = "og_gateway_subgraph_fetch_duration_seconds";
    expect(
      total(after, `${fetchMetric}_count`, { subgraph: "reviews", outcome: "ok" }) -
        total(before, `${fetchMetric}_count`, { subgraph: "reviews", outcome: "ok" }),
    ).toBe(2);
    expect(total(after, `${fetchMetric}_bucket`, { subgraph: "books", le: "+Inf" })).toBeGreaterThanOrEqual(3);
  });

  it("shows which supergraph, policy and purpose revisions this replica serves", async () => {
    const text = await scrape();
    expect(text).toMatch(/^og_gateway_supergraph_info\{sha256="[0-9a-f]{12}"\} 1$/m);
    expect(sample(text, "og_gateway_supergraph_loads_total", "")).toBeUndefined();
    expect(text).toMatch(/^og_gateway_supergraph_loads_total 1$/m);
    expect(text).toMatch(/^og_gateway_access_policy_revision \d+$/m);
    expect(text).toMatch(/^og_gateway_purpose_registry_revision \d+$/m);
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

describe("operation-name labels", () => {
  const sources = { fetchStats: () => [], policies: { all: () => [] } as never, audit: () => undefined, routes: [] };
  const countsByName = async (metrics: ReturnType<typeof createGatewayMetrics>) => {
    const { body } = await metrics.scrape();
    const counts: Record<string, number> = {};
    for (const line of body.split("\n").filter((l) => l.startsWith("og_gateway_operation_duration_seconds_count{"))) {
      const name = /operation_name="([^"]*)"/.exec(line)?.[1] ?? "";
      counts[name] = (counts[name] ?? 0) + Number(line.split(" ").at(-1));
    }
    return counts;
  };

  it("keeps at most maxOperationNames names; later new names, unnamed and unresolved operations collapse", async () => {
    const metrics = createGatewayMetrics({ ...sources, maxOperationNames: 2 });
    const observe = (operationName: string | null | undefined, outcome: "success" | "refused" = "success") =>
      metrics.observeOperation({ operationName, operationType: "query", outcome, seconds: 0.01 });
    observe("Refused", "refused");
    observe("First");
    observe("Second");
    observe("Third");
    observe("First");
    observe(null);
    observe(undefined, "refused");
    expect(await countsByName(metrics)).toEqual({
      First: 2,
      Second: 1,
      other: 2,
      anonymous: 1,
      unknown: 1,
    });
  });
});
