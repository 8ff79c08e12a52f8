/**
 * The gateway's meter without a server (gateway/observability/metering.ts): attribution per app and department,
 * minute rows, bounded memory, re-sending a failed batch with its id, and the /metrics counters. The identity end of
 * the flush is tested in test/gateway/limitsAsData.test.ts.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { createMeter, type UsageRow } from "../../gateway/observability/metering.ts";
import { loadSubgraphOwners, ownersPathOf } from "../../gateway/supergraph/subgraphOwners.ts";
import { createLogger } from "../../lib/log.ts";
import { ANONYMOUS, type Principal, systemPrincipal } from "../../lib/principal.ts";
import { createEnvelopeSigner } from "../../lib/wire.ts";
import { openEnvelope, testEnvelopeKeys } from "../support/envelope.ts";

const log = createLogger({ service: "test", level: "silent" });
const app: Principal = { ...ANONYMOUS, kind: "app", id: "app-portal", departmentId: "dept-data" };
const officer: Principal = { ...ANONYMOUS, kind: "officer", id: "person-3", departmentId: "dept-health" };
const MINUTE = Date.parse("2026-12-06T02:41:00Z");

interface Sent {
  flushId: string;
  rows: UsageRow[];
  envelope: string | null;
}

function fakeIngest(answers: number[]) {
  const sent: Sent[] = [];
  const fetch = (async (_url: string, init: RequestInit) => {
    const headers = init.headers as Record<string, string>;
    const body = JSON.parse(Buffer.from(init.body as Uint8Array).toString("utf8"));
    sent.push({ ...body, envelope: headers["x-og-envelope"] ?? null });
    return new Response("{}", { status: answers.shift() ?? 200 });
  }) as typeof globalThis.fetch;
  return { sent, fetch };
}

describe("the meter", () => {
  it("sums each minute per app and department, and leaves the gateway's own calls out", async () => {
    let now = MINUTE + 5_000;
    const ingest = fakeIngest([]);
    const meter = createMeter({
      url: "http://identity.test/usage/records",
      signEnvelope: createEnvelopeSigner(testEnvelopeKeys.privateKey),
      log,
      flushMs: 0,
      now: () => now,
      fetch: ingest.fetch,
      ownerOf: (subgraph) => (subgraph === "catalog" ? "dept-data" : null),
    });
    meter.record(app, { requests: 1, cost: 12.4, fetches: new Map([["catalog", 2]]) });
    meter.record(app, { requests: 1, errors: 1, cost: 3 });
    meter.record(officer, { requests: 1, classifiedFields: 2 });
    meter.record(ANONYMOUS, { requests: 1, errors: 1 });
    meter.record(systemPrincipal("gateway-readiness"), { requests: 1 });
    now += 60_000;
    meter.record(app, { requests: 1 });
    await meter.flush();

    expect(ingest.sent).toHaveLength(1);
    const rows = ingest.sent[0]?.rows ?? [];
    expect(rows).toEqual([
      {
        minute: "2026-12-06T02:41:00.000Z",
        appId: "app-portal",
        departmentId: "dept-data",
        requests: 2,
        errors: 1,
        cost: 15,
        subgraphFetches: 2,
        classifiedFields: 0,
      },
      {
        minute: "2026-12-06T02:41:00.000Z",
        appId: null,
        departmentId: "dept-health",
        requests: 1,
        errors: 0,
        cost: 0,
        subgraphFetches: 0,
        classifiedFields: 2,
      },
      {
        minute: "2026-12-06T02:41:00.000Z",
        appId: null,
        departmentId: null,
        requests: 1,
        errors: 1,
        cost: 0,
        subgraphFetches: 0,
        classifiedFields: 0,
      },
      {
        minute: "2026-12-06T02:42:00.000Z",
        appId: "app-portal",
        departmentId: "dept-data",
        requests: 1,
        errors: 0,
        cost: 0,
        subgraphFetches: 0,
        classifiedFields: 0,
      },
    ]);
    // Signed for identity as the gateway's usage writer, with only that scope.
    const envelope = openEnvelope(ingest.sent[0]?.envelope ?? undefined);
    expect(envelope.aud).toBe("identity");
    expect(envelope.principal).toMatchObject({ kind: "system", id: "gateway-usage", scopes: ["identity:usage:write"] });
    // Nothing waits, nothing is sent again.
    await meter.flush();
    expect(ingest.sent).toHaveLength(1);
    expect(meter.stats()).toMatchObject({ waitingRows: 0, sent: 4, dropped: 0 });
  });

  it("re-sends a failed batch with the same id, and keeps at most maxRows waiting", async () => {
    let now = MINUTE;
    const ingest = fakeIngest([503, 503, 200, 200]);
    const meter = createMeter({
      url: "http://identity.test/usage/records",
      signEnvelope: createEnvelopeSigner(testEnvelopeKeys.privateKey),
      log,
      flushMs: 0,
      maxRows: 3,
      now: () => now,
      fetch: ingest.fetch,
    });
    meter.record(app, { requests: 1 });
    await meter.flush();
    now += 60_000;
    meter.record(app, { requests: 1 });
    await meter.flush();
    // Two rows wait (one batch failed twice); one more fits, the fourth minute is dropped.
    now += 60_000;
    meter.record(app, { requests: 1 });
    now += 60_000;
    meter.record(app, { requests: 1 });
    expect(meter.stats()).toMatchObject({ waitingRows: 3, dropped: 1, failedFlushes: 2 });

    await meter.flush();
    // The failed batch goes first, with its id, until it is confirmed; then the later ones in order.
    const ids = ingest.sent.map((batch) => batch.flushId);
    expect(ids).toEqual([ids[0], ids[0], ids[0], ids[3], ids[4]]);
    expect(new Set(ids).size).toBe(3);
    expect(ingest.sent.slice(2).map((batch) => batch.rows.map((row) => row.minute))).toEqual([
      ["2026-12-06T02:41:00.000Z"],
      ["2026-12-06T02:42:00.000Z"],
      ["2026-12-06T02:43:00.000Z"],
    ]);
    expect(meter.stats()).toMatchObject({ waitingRows: 0, sent: 3, dropped: 1 });

    // /metrics counts every request, dropped rows included, per app and department.
    const registry = new Registry();
    meter.register(registry);
    const text = await registry.metrics();
    expect(text).toContain('og_gateway_usage_requests_total{app="app-portal",department="dept-data"} 4');
    expect(text).toContain("og_gateway_usage_dropped_total 1");
  });

  it("counts subgraph fetches against the department that owns each subgraph, under the caller's app", async () => {
    const ingest = fakeIngest([]);
    const owners: Record<string, string> = { health: "dept-health", catalog: "dept-data", sports: "dept-sports" };
    const meter = createMeter({
      url: "http://identity.test/usage/records",
      signEnvelope: createEnvelopeSigner(testEnvelopeKeys.privateKey),
      log,
      flushMs: 0,
      now: () => MINUTE,
      fetch: ingest.fetch,
      ownerOf: (subgraph) => owners[subgraph] ?? null,
    });
    // An app of the data centre asks health twice and catalog once; a health officer asks sports once and identity
    // (a platform service, no owning department) once; an anonymous caller asks catalog once.
    meter.record(app, {
      requests: 1,
      cost: 30,
      fetches: new Map([
        ["health", 2],
        ["catalog", 1],
      ]),
    });
    meter.record(officer, {
      requests: 1,
      classifiedFields: 1,
      fetches: new Map([
        ["sports", 1],
        ["identity", 1],
      ]),
    });
    meter.record(ANONYMOUS, { requests: 1, fetches: new Map([["catalog", 1]]) });
    await meter.flush();

    const rows = (ingest.sent[0]?.rows ?? []).map(({ minute: _minute, ...row }) => row);
    const zero = { requests: 0, errors: 0, cost: 0, subgraphFetches: 0, classifiedFields: 0 };
    expect(rows).toEqual([
      // Requests, cost and classified fields are the caller's; fetches go to each subgraph's owner.
      { appId: "app-portal", departmentId: "dept-data", ...zero, requests: 1, cost: 30, subgraphFetches: 1 },
      { appId: "app-portal", departmentId: "dept-health", ...zero, subgraphFetches: 2 },
      { appId: null, departmentId: "dept-health", ...zero, requests: 1, classifiedFields: 1 },
      { appId: null, departmentId: "dept-sports", ...zero, subgraphFetches: 1 },
      // identity has no owning department: its fetch counts under none, with the anonymous request.
      { appId: null, departmentId: null, ...zero, requests: 1, subgraphFetches: 1 },
      { appId: null, departmentId: "dept-data", ...zero, subgraphFetches: 1 },
    ]);

    const registry = new Registry();
    meter.register(registry);
    const text = await registry.metrics();
    expect(text).toContain('og_gateway_usage_subgraph_fetches_total{app="app-portal",department="dept-health"} 2');
    expect(text).toContain('og_gateway_usage_subgraph_fetches_total{app="none",department="dept-sports"} 1');
    expect(text).toContain('og_gateway_usage_requests_total{app="app-portal",department="dept-health"} 0');
  });

  it("bounds the /metrics series, counting further pairs under other", async () => {
    const meter = createMeter({
      signEnvelope: createEnvelopeSigner(testEnvelopeKeys.privateKey),
      log,
      flushMs: 0,
      maxSeries: 2,
    });
    for (const id of ["app-a", "app-b", "app-c", "app-d"]) meter.record({ ...app, id }, { requests: 1 });
    const registry = new Registry();
    meter.register(registry);
    const text = await registry.metrics();
    expect(text).toContain('og_gateway_usage_requests_total{app="app-a",department="dept-data"} 1');
    expect(text).toContain('og_gateway_usage_requests_total{app="other",department="other"} 2');
    expect(text).not.toContain("app-c");
  });
});

describe("the subgraph owners published with the supergraph", () => {
  it("are read beside the supergraph, re-read on reload, and an invalid file keeps the owners read before", async () => {
    const dir = await mkdtemp(join(tmpdir(), "og-owners-"));
    try {
      const path = ownersPathOf(join(dir, "supergraph.graphql"));
      expect(path).toBe(join(dir, "supergraph.owners.json"));
      // No file (a foreign graph): no owner known.
      const owners = await loadSubgraphOwners(path, log);
      expect(owners.ownerOf("health")).toBeNull();

      await writeFile(path, JSON.stringify({ health: "dept-health" }));
      await owners.reload();
      expect(owners.ownerOf("health")).toBe("dept-health");
      expect(owners.ownerOf("identity")).toBeNull();

      await writeFile(path, JSON.stringify({ health: 42 }));
      await owners.reload();
      expect(owners.ownerOf("health")).toBe("dept-health");
      await writeFile(path, "{ half-written");
      await owners.reload();
      expect(owners.ownerOf("health")).toBe("dept-health");

      await writeFile(path, JSON.stringify({ health: "dept-civil-affairs" }));
      await owners.reload();
      expect(owners.ownerOf("health")).toBe("dept-civil-affairs");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
