/**
 * The Grafana dashboard (deploy/grafana/one-graph.json) reads only metrics the services really export: every metric a
 * panel's PromQL names is in the gateway's or a subgraph's prom-client registry, so renaming a metric without the
 * dashboard (or the reverse) fails here instead of leaving an empty panel in production.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createGatewayMetrics } from "../../gateway/observability/metrics.ts";
import { subgraphMetrics } from "../../subgraphs/kit/service.ts";

const dashboard = JSON.parse(readFileSync(new URL("../../deploy/grafana/one-graph.json", import.meta.url), "utf8")) as {
  uid: string;
  panels: Array<{ id: number; type: string; title: string; targets?: Array<{ expr: string }> }>;
};
const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));

/** Names a Prometheus query can use for the registry's metrics: a histogram's series, a counter's name as exported. */
async function exportedNames(): Promise<Set<string>> {
  const gateway = createGatewayMetrics({
    fetchStats: () => [],
    policies: { all: () => [] } as never,
    audit: () => undefined,
    routes: [],
  }).registry;
  const names = new Set<string>();
  for (const registry of [
    gateway,
    subgraphMetrics(
      "health",
      () => 0,
      () => 0,
    ),
  ]) {
    for (const metric of await registry.getMetricsAsJSON()) {
      names.add(metric.name);
      if (String(metric.type) === "histogram")
        for (const suffix of ["_bucket", "_count", "_sum"]) names.add(metric.name + suffix);
    }
  }
  return names;
}

describe("the Grafana dashboard", () => {
  it("has panels with queries, unique ids, and a Prometheus data source chosen by the viewer", () => {
    expect(dashboard.uid).toBe("jingan-one-graph");
    expect(exprs.length).toBeGreaterThan(20);
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of dashboard.panels.filter((p) => p.type !== "row")) {
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
    }
  });

  it("names only metrics the gateway and the subgraphs export", async () => {
    const exported = await exportedNames();
    const named = exprs.flatMap(({ panel, expr }) =>
      (expr.match(/\bog_[a-z0-9_]+\b/g) ?? []).map((m) => ({ panel, m })),
    );
    expect(named.length).toBeGreaterThan(20);
    const missing = named.filter(({ m }) => !exported.has(m)).map(({ panel, m }) => `${panel}: ${m}`);
    expect(missing).toEqual([]);
  });

  it("shows the operation and subgraph-fetch histograms, the audit backlog and the replicas' agreement", () => {
    const all = exprs.map((e) => e.expr).join("\n");
    for (const metric of [
      "og_gateway_operation_duration_seconds_bucket",
      "og_gateway_subgraph_fetch_duration_seconds_bucket",
      "og_gateway_audit_waiting",
      "og_gateway_audit_confirmation_seconds_bucket",
      "og_gateway_access_policy_revision",
      "og_gateway_supergraph_info",
      "og_gateway_subgraph_breaker_state",
    ]) {
      expect(all).toContain(metric);
    }
  });
});
