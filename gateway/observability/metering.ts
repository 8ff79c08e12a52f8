/**
 * Metering (资源计量): what each app and department uses — requests, errors, estimated cost, subgraph fetches and
 * classified fields returned — counted by the gateway per request, aggregated in memory per minute, app and
 * department, exported on /metrics (totals per app and department) and sent to the identity service every
 * `flushMs` (POST /usage/records, signed over the body with scope `identity:usage:write`), which serves `usage(…)` in
 * the graph (docs/limits.md, "Metering").
 *
 * Attribution: `app` is the integrator app's client id for app tokens, none for people and anonymous callers;
 * `department` is the caller's department (an officer's, an app's owner department), none otherwise — except for
 * subgraph fetches, which count against the department that **owns the subgraph** that served them (`ownerOf`, from
 * the owners published with the supergraph, gateway/supergraph/subgraphOwners.ts), under the caller's app.
 *
 * Bounded memory: at most `maxRows` minute rows wait to be sent (counting batches that failed and wait to be re-sent);
 * past that, counts of new rows are dropped and counted in og_gateway_usage_dropped_total, while the /metrics totals
 * go on (their series are bounded by `maxSeries` app–department pairs, past which they count under `other`). A batch
 * that fails is re-sent with its id, so one that arrived but whose answer was lost is added once.
 */
import { randomUUID } from "node:crypto";
import { Counter, type Registry } from "prom-client";
import type { Logger } from "../../lib/log.ts";
import { type Principal, systemPrincipal } from "../../lib/principal.ts";
import { ENVELOPE_HEADER, type EnvelopeSigner, requestPath, SYSTEM_SCOPES } from "../../lib/wire.ts";

/** What one request used. */
export interface UsageCounts {
  requests: number;
  errors: number;
  cost: number;
  subgraphFetches: number;
  classifiedFields: number;
}

/** One request's running usage, carried in its context (subgraph fetches and cost are added as they happen). */
export interface RequestUsage {
  /** Fetches by subgraph name. */
  fetches: Map<string, number>;
  cost: number;
}

/** What one request used, as recorded: subgraph fetches by subgraph, every other count the caller's. */
export interface RecordedUsage extends Partial<Omit<UsageCounts, "subgraphFetches">> {
  fetches?: ReadonlyMap<string, number>;
}

export interface UsageRow extends UsageCounts {
  /** The minute's start, ISO 8601. */
  minute: string;
  appId: string | null;
  departmentId: string | null;
}

export interface MeterOptions {
  /** The identity service's /usage/records; absent: usage is counted for /metrics only. */
  url?: string;
  signEnvelope: EnvelopeSigner;
  log: Logger;
  /** How often to send (ms); 0: only when `flush()` is called. */
  flushMs?: number;
  /** Minute rows waiting to be sent, at most. */
  maxRows?: number;
  /** App–department pairs on /metrics, at most. */
  maxSeries?: number;
  /** Rows per batch (the identity service takes at most 5,000). */
  batchRows?: number;
  timeoutMs?: number;
  now?: () => number;
  fetch?: typeof fetch;
  /** The department owning a subgraph (null: none known, counted under `none`); read at every record. */
  ownerOf?: (subgraph: string) => string | null;
}

export interface Meter {
  /**
   * Counts one request's usage against its caller's app and department, and its subgraph fetches against the caller's
   * app and each subgraph's owning department.
   */
  record(principal: Principal, usage: RecordedUsage): void;
  /** Sends every waiting row now (tests, shutdown); resolves when done or failed (rows then wait for the next). */
  flush(): Promise<void>;
  /** Registers the counters on a Prometheus registry (the gateway's, gateway/observability/metrics.ts). */
  register(registry: Registry): void;
  stats(): { waitingRows: number; dropped: number; sent: number; failedFlushes: number };
  /** Stops the timer and sends what waits (best effort). */
  stop(): Promise<void>;
}

const COUNT_NAMES = ["requests", "errors", "cost", "subgraphFetches", "classifiedFields"] as const;
const NONE = "none";

interface Batch {
  flushId: string;
  rows: UsageRow[];
}

export function createMeter(options: MeterOptions): Meter {
  const {
    url,
    signEnvelope,
    log,
    flushMs = 60_000,
    maxRows = 10_000,
    maxSeries = 1_000,
    batchRows = 5_000,
    timeoutMs = 5_000,
    now = Date.now,
    ownerOf = () => null,
  } = options;
  const doFetch = options.fetch ?? fetch;
  const principal = systemPrincipal("gateway-usage", [SYSTEM_SCOPES.usageWrite]);
  /** Rows not yet batched, by minute|app|department. */
  let open = new Map<string, UsageRow>();
  /** Batches cut and not yet confirmed, oldest first. */
  const queued: Batch[] = [];
  let queuedRows = 0;
  /** Totals since start per app|department, for /metrics. */
  const totals = new Map<string, UsageCounts & { app: string; department: string }>();
  const stats = { dropped: 0, sent: 0, failedFlushes: 0 };

  const empty = (): UsageCounts => ({ requests: 0, errors: 0, cost: 0, subgraphFetches: 0, classifiedFields: 0 });
  const add = (target: UsageCounts, usage: Partial<UsageCounts>) => {
    for (const name of COUNT_NAMES) target[name] += Math.max(0, Math.round(usage[name] ?? 0));
  };

  /** The current minute's ISO string, made once a minute rather than once a request. */
  let cachedMinute = { start: Number.NaN, iso: "" };
  const addTo = (appId: string | null, departmentId: string | null, usage: Partial<UsageCounts>, minute: string) => {
    const pair = `${appId ?? NONE}|${departmentId ?? NONE}`;
    let total = totals.get(pair);
    if (!total) {
      const overflow = totals.size >= maxSeries;
      const key = overflow ? "other|other" : pair;
      total = totals.get(key);
      if (!total) {
        total = {
          ...empty(),
          app: overflow ? "other" : (appId ?? NONE),
          department: overflow ? "other" : (departmentId ?? NONE),
        };
        totals.set(key, total);
      }
    }
    add(total, usage);

    const key = `${minute}|${pair}`;
    let row = open.get(key);
    if (!row) {
      if (open.size + queuedRows >= maxRows) {
        stats.dropped += 1;
        return;
      }
      row = { minute, appId, departmentId, ...empty() };
      open.set(key, row);
    }
    add(row, usage);
  };
  const record = (caller: Principal, usage: RecordedUsage) => {
    if (caller.kind === "system") return;
    const appId = caller.kind === "app" ? caller.id : null;
    const minuteStart = Math.floor(now() / 60_000) * 60_000;
    if (minuteStart !== cachedMinute.start)
      cachedMinute = { start: minuteStart, iso: new Date(minuteStart).toISOString() };
    const minute = cachedMinute.iso;
    const { fetches, ...own } = usage;
    addTo(appId, caller.departmentId, own, minute);
    if (!fetches) return;
    for (const [subgraph, count] of fetches) {
      if (count > 0) addTo(appId, ownerOf(subgraph), { subgraphFetches: count }, minute);
    }
  };

  const send = async (batch: Batch) => {
    const body = Buffer.from(JSON.stringify(batch));
    const endpoint = url as string;
    const response = await doFetch(endpoint, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        [ENVELOPE_HEADER]: signEnvelope(
          { aud: "identity", requestId: randomUUID(), purpose: null, principal },
          { method: "POST", path: requestPath(endpoint), body },
        ),
      },
      body: new Uint8Array(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) throw new Error(`usage ingest answered HTTP ${response.status}`);
  };

  let flushing: Promise<void> | undefined;
  const flushNow = async () => {
    if (!url) {
      open = new Map();
      return;
    }
    if (open.size > 0) {
      const rows = [...open.values()];
      open = new Map();
      for (let start = 0; start < rows.length; start += batchRows) {
        const slice = rows.slice(start, start + batchRows);
        queued.push({ flushId: randomUUID(), rows: slice });
        queuedRows += slice.length;
      }
    }
    while (queued.length > 0) {
      const batch = queued[0] as Batch;
      try {
        await send(batch);
      } catch (error) {
        stats.failedFlushes += 1;
        log.warn(
          { err: { message: (error as Error).message }, waitingRows: queuedRows },
          "usage not sent; retrying later",
        );
        return;
      }
      queued.shift();
      queuedRows -= batch.rows.length;
      stats.sent += batch.rows.length;
    }
  };
  const flush = () => {
    flushing ??= flushNow().finally(() => {
      flushing = undefined;
    });
    return flushing;
  };
  const timer = flushMs > 0 ? setInterval(() => void flush(), flushMs) : undefined;
  timer?.unref();

  return {
    record,
    flush,
    register(registry) {
      const labelNames = ["app", "department"] as const;
      const metric = (name: string, help: string, count: keyof UsageCounts) =>
        new Counter({
          name,
          help,
          labelNames,
          registers: [registry],
          collect() {
            this.reset();
            for (const total of totals.values()) {
              this.inc({ app: total.app, department: total.department }, total[count]);
            }
          },
        });
      metric("og_gateway_usage_requests_total", "Requests per app and department (refusals included).", "requests");
      metric(
        "og_gateway_usage_errors_total",
        "Requests answered with at least one error, per app and department.",
        "errors",
      );
      metric("og_gateway_usage_cost_total", "Estimated operation cost per app and department.", "cost");
      metric("og_gateway_usage_subgraph_fetches_total", "Subgraph fetches per app and department.", "subgraphFetches");
      metric(
        "og_gateway_usage_classified_fields_total",
        "Classified field selections answered (masked or in clear) per app and department.",
        "classifiedFields",
      );
      new Counter({
        name: "og_gateway_usage_dropped_total",
        help: "Requests whose usage was not kept for the usage store because too many rows waited to be sent.",
        registers: [registry],
        collect() {
          this.reset();
          this.inc(stats.dropped);
        },
      });
    },
    stats: () => ({ waitingRows: open.size + queuedRows, ...stats }),
    async stop() {
      if (timer) clearInterval(timer);
      await flush();
    },
  };
}
