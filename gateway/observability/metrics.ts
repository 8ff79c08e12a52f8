/**
 * The gateway's Prometheus metrics (`GET /metrics`), on prom-client: one registry per gateway (tests run several in
 * one process), Node's process metrics (CPU, resident memory, heap, event-loop lag, GC), HTTP requests by route and
 * status, and the counters the gateway keeps elsewhere — subgraph fetches, resilience and the audit writer — read at
 * scrape time, so the hot path only increments plain numbers — and the rate-limit and quota decisions.
 *
 * Labels are bounded: subgraph names come from the supergraph, routes from the gateway's own route table (anything
 * else is `other`), methods from Node's HTTP parser (it refuses unknown ones) and statuses from our own answers.
 * Operation names are the one label clients choose: an unnamed operation is `anonymous`, one that never resolved
 * (unparsable, unknown name) `unknown`, and only names of operations that ran claim one of at most
 * `maxOperationNames` (default 100) slots; later new names count as `other`.
 */
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { AuditWriterStats } from "../audit/auditWriter.ts";
import type { ResponseCacheStats } from "../execution/responseCache.ts";
import type { SubgraphFetchStats } from "../execution/subgraphDataSource.ts";
import type { SubgraphPolicies } from "../execution/subgraphPolicy.ts";
import type { DecisionCount } from "../limits/rateLimiter.ts";
import type { SupergraphSnapshot } from "../supergraph/supergraphSnapshot.ts";

/** How one GraphQL request ended: answered without errors, answered with some, refused (4xx) or failed (5xx). */
export type OperationOutcome = "success" | "partial" | "refused" | "failed";

export interface GatewayMetricsSources {
  /** Fetches per subgraph since start. */
  fetchStats: () => Iterable<[string, SubgraphFetchStats]>;
  policies: SubgraphPolicies;
  audit: () => AuditWriterStats | undefined;
  /** Rate-limit and quota decisions since start (gateway/limits/rateLimiter.ts). */
  rateLimits?: () => DecisionCount[];
  /** Paths the gateway serves; requests to others are counted as `other`, so a scanner cannot grow the label set. */
  routes: readonly string[];
  /** The supergraph being served and how many were loaded since start. */
  supergraph?: () => { current: SupergraphSnapshot | null; loads: number };
  /** The schema registry's revision of the supergraph being served (only with SUPERGRAPH_SOURCE=registry). */
  supergraphRevision?: () => number;
  /** Revisions of the access policies and of the purpose registry this gateway applies. */
  policyRevision?: () => number;
  purposeRevision?: () => number;
  /** The response cache's counters per subgraph (absent when RESPONSE_CACHE=off). */
  responseCache?: () => Iterable<[string, ResponseCacheStats]>;
  /** Distinct operation names kept as label values (default 100). */
  maxOperationNames?: number;
}

export interface OperationObservation {
  /** The resolved operation's name; null for an unnamed one; undefined when no operation was resolved. */
  operationName: string | null | undefined;
  operationType: string | undefined;
  outcome: OperationOutcome;
  seconds: number;
}

export interface GatewayMetrics {
  registry: Registry;
  /** Call at the start of every HTTP request: counts it, with its duration, when the response finishes. */
  observe(req: IncomingMessage, res: ServerResponse): void;
  /** One GraphQL request, by operation name, type and outcome. */
  observeOperation(observation: OperationObservation): void;
  /** One HTTP attempt of a subgraph fetch (retries are attempts of their own). */
  observeSubgraphFetch(subgraph: string, seconds: number, ok: boolean): void;
  /** How long an answer waited for the audit service to confirm its record, and whether it did. */
  observeAuditConfirmation(seconds: number, ok: boolean): void;
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

  const operationDuration = new Histogram({
    name: "og_gateway_operation_duration_seconds",
    help: "GraphQL requests by operation name (bounded), operation type and outcome, from arrival to the last byte sent.",
    labelNames: ["operation_name", "operation_type", "outcome"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const operationNames = new Set<string>();
  const maxOperationNames = sources.maxOperationNames ?? 100;
  const operationNameLabel = ({ operationName, outcome }: OperationObservation): string => {
    if (operationName === undefined) return "unknown";
    if (operationName === null) return "anonymous";
    if (operationNames.has(operationName)) return operationName;
    // Refused operations never claim a slot: a stream of junk names that fail the guard cannot fill the table.
    if (operationNames.size >= maxOperationNames || outcome === "refused") return "other";
    operationNames.add(operationName);
    return operationName;
  };
  const fetchDuration = new Histogram({
    name: "og_gateway_subgraph_fetch_duration_seconds",
    help: "HTTP attempts of subgraph fetches by subgraph and outcome (ok, or failed: no answer, timeout, non-2xx).",
    labelNames: ["subgraph", "outcome"] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const auditConfirmation = new Histogram({
    name: "og_gateway_audit_confirmation_seconds",
    help: "Time an answer with classified data waited for the audit service to confirm its record, by outcome (confirmed, unavailable).",
    labelNames: ["outcome"] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2],
    registers: [registry],
  });
  new Gauge({
    name: "og_gateway_access_policy_revision",
    help: "Revision of the access policies this gateway applies (replicas should agree within seconds).",
    registers: [registry],
    collect() {
      if (sources.policyRevision) this.set(sources.policyRevision());
    },
  });
  new Gauge({
    name: "og_gateway_purpose_registry_revision",
    help: "Revision of the purpose registry this gateway applies.",
    registers: [registry],
    collect() {
      if (sources.purposeRevision) this.set(sources.purposeRevision());
    },
  });
  new Counter({
    name: "og_gateway_supergraph_loads_total",
    help: "Supergraphs loaded since start (1 after start, +1 per accepted reload).",
    registers: [registry],
    collect() {
      this.reset();
      const loads = sources.supergraph?.().loads;
      if (loads) this.inc(loads);
    },
  });
  if (sources.supergraphRevision) {
    const revision = sources.supergraphRevision;
    new Gauge({
      name: "og_gateway_supergraph_revision",
      help: "The schema registry's revision of the supergraph this gateway serves (SUPERGRAPH_SOURCE=registry only): every replica shows the same number once a publish reached it.",
      registers: [registry],
      collect() {
        this.set(revision());
      },
    });
  }
  /** The served supergraph's hash, computed once per snapshot (snapshots are immutable). */
  const hashes = new WeakMap<SupergraphSnapshot, string>();
  new Gauge({
    name: "og_gateway_supergraph_info",
    help: "1 for the supergraph being served, labelled with the first 12 hex digits of the SHA-256 of its planner SDL: replicas serving different supergraphs show different values.",
    labelNames: ["sha256"] as const,
    registers: [registry],
    collect() {
      this.reset();
      const current = sources.supergraph?.().current;
      if (!current) return;
      let sha256 = hashes.get(current);
      if (!sha256) {
        sha256 = createHash("sha256").update(current.plannerSdl).digest("hex").slice(0, 12);
        hashes.set(current, sha256);
      }
      this.set({ sha256 }, 1);
    },
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
  perSubgraph(
    "og_gateway_subgraph_fetches_collapsed_total",
    "Subgraph fetches that shared an identical in-flight fetch instead of sending a request.",
    () => fetches().map(([name, s]) => [name, s.collapsed]),
  );
  perSubgraph("og_gateway_subgraph_batches_total", "Batched requests sent (several fetches in one).", () =>
    fetches().map(([name, s]) => [name, s.batches]),
  );
  const cached = () => [...(sources.responseCache?.() ?? [])];
  new Counter({
    name: "og_gateway_response_cache_lookups_total",
    help: "Cacheable public subgraph fetches by outcome: hit (answered from the response cache), shared (waited for an identical miss in flight) or miss (sent).",
    labelNames: ["subgraph", "result"] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [subgraph, s] of cached()) {
        this.inc({ subgraph, result: "hit" }, s.hits);
        this.inc({ subgraph, result: "miss" }, s.misses);
        this.inc({ subgraph, result: "shared" }, s.shared);
      }
    },
  });
  perSubgraph("og_gateway_response_cache_stores_total", "Public subgraph answers stored in the response cache.", () =>
    cached().map(([name, s]) => [name, s.stores]),
  );
  perSubgraph(
    "og_gateway_response_cache_invalidations_total",
    "Invalidations of a subgraph's cached answers (a mutation fetch to it bumps its generation before and after).",
    () => cached().map(([name, s]) => [name, s.invalidations]),
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
    observeOperation(observation) {
      operationDuration.observe(
        {
          operation_name: operationNameLabel(observation),
          operation_type: observation.operationType ?? "unknown",
          outcome: observation.outcome,
        },
        observation.seconds,
      );
    },
    observeSubgraphFetch(subgraph, seconds, ok) {
      fetchDuration.observe({ subgraph, outcome: ok ? "ok" : "failed" }, seconds);
    },
    observeAuditConfirmation(seconds, ok) {
      auditConfirmation.observe({ outcome: ok ? "confirmed" : "unavailable" }, seconds);
    },
    async scrape() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
