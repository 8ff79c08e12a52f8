/**
 * The gateway's Prometheus metrics (`GET /metrics`), on prom-client: one registry per gateway (tests run several in
 * one process), Node's process metrics (CPU, resident memory, heap, event-loop lag, GC), HTTP requests by route and
 * status, and the counters the gateway keeps elsewhere — subgraph fetches, resilience and the audit writer — read at
 * scrape time, so the hot path only increments plain numbers — and the rate-limit and quota decisions.
 *
 * Labels are bounded: subgraph names come from the supergraph, routes from the gateway's own route table (anything
 * else is `other`), methods from Node's HTTP parser (it refuses unknown ones) and statuses from our own answers.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { AuditWriterStats } from "../audit/auditWriter.ts";
import type { SubgraphFetchStats } from "../execution/subgraphDataSource.ts";
import type { SubgraphPolicies } from "../execution/subgraphPolicy.ts";
import type { DecisionCount } from "../limits/rateLimiter.ts";

export interface GatewayMetricsSources {
  /** Fetches per subgraph since start. */
  fetchStats: () => Iterable<[string, SubgraphFetchStats]>;
  policies: SubgraphPolicies;
  audit: () => AuditWriterStats | undefined;
  /** Rate-limit and quota decisions since start (gateway/limits/rateLimiter.ts). */
  rateLimits?: () => DecisionCount[];
  /** Paths the gateway serves; requests to others are counted as `other`, so a scanner cannot grow the label set. */
  routes: readonly string[];
}

export interface GatewayMetrics {
  registry: Registry;
  /** Call at the start of every HTTP request: counts it, with its duration, when the response finishes. */
  observe(req: IncomingMessage, res: ServerResponse): void;
  /** The exposition text and its content type. */
  scrape(): Promise<{ contentType: string; body: string }>;
}

const BREAKER_STATE = { closed: 0, open: 1, "half-open": 2 } as const;

export function createGatewayMetrics(sources: GatewayMetricsSources): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "og_gateway_" });
  const routes = new Set(sources.routes);

  const requestDuration = new Histogram({
    name: "og_gateway_http_request_duration_seconds",
    help: "HTTP requests by route, method and status, from the first byte received to the last byte sent.",
    labelNames: ["route", "method", "status"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  /** A counter per subgraph whose value lives elsewhere, read when scraped. */
  const perSubgraph = (name: string, help: string, read: () => Iterable<[string, number]>) =>
    new Counter({
      name,
      help,
      labelNames: ["subgraph"] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const [subgraph, value] of read()) this.inc({ subgraph }, value);
      },
    });
  const fetches = () => [...sources.fetchStats()];
  const policies = () => sources.policies.all();
  perSubgraph("og_gateway_subgraph_fetches_total", "Fetches sent to each subgraph.", () =>
    fetches().map(([name, s]) => [name, s.fetches]),
  );
  perSubgraph("og_gateway_subgraph_failures_total", "Subgraph fetches that failed.", () =>
    fetches().map(([name, s]) => [name, s.failures]),
  );
  perSubgraph("og_gateway_subgraph_retries_total", "Retries of idempotent subgraph fetches.", () =>
    policies().map((p) => [p.name, p.stats.retries]),
  );
  perSubgraph("og_gateway_subgraph_timeouts_total", "Subgraph fetches that ran out of time.", () =>
    policies().map((p) => [p.name, p.stats.timeouts]),
  );
  perSubgraph(
    "og_gateway_subgraph_short_circuits_total",
    "Subgraph fetches refused at once because the breaker was open.",
    () => policies().map((p) => [p.name, p.stats.shortCircuits]),
  );
  perSubgraph("og_gateway_subgraph_breaker_opens_total", "Times a subgraph's breaker opened.", () =>
    policies().map((p) => [p.name, p.stats.opens]),
  );
  new Gauge({
    name: "og_gateway_subgraph_breaker_state",
    help: "Circuit breaker per subgraph: 0 closed, 1 open, 2 half-open.",
    labelNames: ["subgraph"] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const p of policies()) this.set({ subgraph: p.name }, BREAKER_STATE[p.state]);
    },
  });

  /** An audit-writer figure, present only when the gateway audits (AUDIT_URL set). */
  const audit = (name: string, help: string, read: (s: AuditWriterStats) => number, kind: "counter" | "gauge") => {
    const options = { name, help, registers: [registry] };
    if (kind === "gauge") {
      new Gauge({
        ...options,
        collect() {
          const stats = sources.audit();
          if (stats) this.set(read(stats));
        },
      });
    } else {
      new Counter({
        ...options,
        collect() {
          const stats = sources.audit();
          this.reset();
          if (stats) this.inc(read(stats));
        },
      });
    }
  };
  audit(
    "og_gateway_audit_waiting",
    "Answers waiting for the audit service to confirm their record.",
    (s) => s.waiting,
    "gauge",
  );
  audit("og_gateway_audit_records_total", "Audit records the audit service appended.", (s) => s.delivered, "counter");
  audit(
    "og_gateway_audit_unavailable_total",
    "Records not confirmed in time or refused (answered 503 AUDIT_UNAVAILABLE).",
    (s) => s.unavailable,
    "counter",
  );
  audit(
    "og_gateway_audit_failed_deliveries_total",
    "Deliveries to the audit service that failed and were retried.",
    (s) => s.failedDeliveries,
    "counter",
  );

  // Labels: limit (requests, dailyCost, oauth), tier (a principal kind or a configured role or app override), the
  // decision, and which store decided — all bounded by the configuration.
  new Counter({
    name: "og_gateway_rate_limit_decisions_total",
    help: "Rate-limit and quota decisions: allowed, limited, uncounted (store down, fails open) or unavailable (store down, fails closed), by the primary store or the in-memory insurance.",
    labelNames: ["limit", "tier", "decision", "store"] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const { limit, tier, decision, store, count } of sources.rateLimits?.() ?? []) {
        this.inc({ limit, tier, decision, store }, count);
      }
    },
  });

  return {
    registry,
    observe(req, res) {
      const end = requestDuration.startTimer();
      res.once("finish", () => {
        const path = (req.url ?? "/").split("?")[0] ?? "/";
        end({ route: routes.has(path) ? path : "other", method: req.method ?? "GET", status: String(res.statusCode) });
      });
    },
    async scrape() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
