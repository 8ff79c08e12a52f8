/**
 * Observability of one cross-department request (catalog + health behind our gateway, in one process): one trace
 * from the gateway's HTTP edge through parse, validation, the guard, Apollo's plan and each subgraph fetch into both
 * subgraphs' resolvers and SQL, joined by the W3C traceparent sent next to the envelope; and the request's one log
 * line, with trace id, request id, principal id and outcome, and no personal data.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { SpanKind } from "@opentelemetry/api";
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-node";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { GatewayServer } from "../../gateway/server.ts";
import { REDACTED_PATHS } from "../../lib/log.ts";
import { startTracing, type Tracing } from "../../lib/telemetry/tracing.ts";
import { loadTracingConfig } from "../../lib/telemetry/tracingConfig.ts";
import { composeSupergraph } from "../../scripts/composeSupergraph.ts";
import type { SubgraphService } from "../../subgraphs/kit/service.ts";
import { subgraphModules } from "../../subgraphs/registry.ts";
import { startTestGateway } from "../support/gateway.ts";
import { startTestSubgraph } from "../support/subgraphs.ts";
import {
  districtClaims,
  es256Keys,
  publicJwk,
  signToken,
  startTestIssuer,
  type TestIssuer,
} from "../support/tokens.ts";

const DEPARTMENTS = ["catalog", "health"];
/** What a careless client might put in a request: an identity-card and a phone number, and a name. */
const ID_NUMBER = "310106198507120027";
const PHONE = "13812345678";
const NAME = "王秀英";

describe("observability of a cross-department request", () => {
  const exporter = new InMemorySpanExporter();
  const logLines: Array<Record<string, unknown>> = [];
  let rawLog = "";
  let tracing: Tracing;
  let dir: string;
  let issuer: TestIssuer;
  let gateway: GatewayServer;
  const subgraphs: SubgraphService[] = [];
  const keys = es256Keys();
  const token = () => signToken(districtClaims(), keys.privateKey, "test-k1");

  beforeAll(async () => {
    // The in-memory exporter in place of OTLP; the configuration is what an operator's OTEL_* variables would give.
    tracing = startTracing(loadTracingConfig({ OTEL_TRACES_EXPORTER: "otlp" }, "one-graph-test"), { exporter });
    dir = await mkdtemp(join(tmpdir(), "og-observability-"));
    const modules = subgraphModules.filter((m) => DEPARTMENTS.includes(m.name));
    for (const module of modules) subgraphs.push(await startTestSubgraph(module));
    const outcome = composeSupergraph(
      modules.map((m, i) => ({ name: m.name, url: subgraphs[i]!.url, typeDefs: m.typeDefs })),
    );
    if (!outcome.ok) throw new Error(outcome.errors.join("\n"));
    await writeFile(join(dir, "supergraph.graphql"), outcome.supergraphSdl);
    issuer = await startTestIssuer([publicJwk(keys.publicKey, "test-k1")]);
    // The gateway's own logger, as production builds it (same redaction), writing into this test.
    const sink = new Writable({
      write(chunk, _encoding, done) {
        const text = String(chunk);
        rawLog += text;
        for (const line of text.split("\n").filter(Boolean)) logLines.push(JSON.parse(line));
        done();
      },
    });
    const log = pino({ level: "info", base: { service: "gateway" }, redact: { paths: REDACTED_PATHS } }, sink);
    gateway = await startTestGateway(
      { SUPERGRAPH_PATH: join(dir, "supergraph.graphql"), IDENTITY_URL: issuer.url },
      { log },
    );
  }, 240_000);

  afterAll(async () => {
    await gateway?.stop();
    await issuer?.stop();
    for (const service of subgraphs) await service.stop();
    await tracing?.shutdown();
    await rm(dir, { recursive: true, force: true });
  });

  /** Sends an operation as the officer; returns the answer and its request id. */
  const send = async (body: object, headers: Record<string, string> = {}) => {
    const response = await fetch(gateway.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token()}`, ...headers },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      json: (await response.json()) as any,
      requestId: response.headers.get("x-request-id")!,
    };
  };
  const spanOf = (spans: ReadableSpan[], id: string | undefined) => spans.find((s) => s.spanContext().spanId === id);

  it("records one trace from the gateway's edge into both subgraphs' resolvers and SQL", async () => {
    // A client's own trace is not continued at the public edge: the gateway starts the request's trace.
    const clientTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
    const { status, json, requestId } = await send(
      { query: `query StreetHospitals { street(id: "street-linfenlu") { name hospitals { name } } }` },
      { traceparent: `00-${clientTrace}-00f067aa0ba902b7-01` },
    );
    expect(status).toBe(200);
    expect(json.data.street.name).toBe("临汾路街道");
    expect(json.data.street.hospitals.length).toBeGreaterThan(0);

    // The gateway's server span ends when its response closed, which may be just after the client has the body.
    const edge = await vi.waitFor(() => {
      const span = exporter
        .getFinishedSpans()
        .find((s) => s.kind === SpanKind.SERVER && s.attributes["og.request_id"] === requestId);
      if (!span) throw new Error("the gateway's server span has not ended yet");
      return span;
    });
    const traceId = edge.spanContext().traceId;
    expect(traceId).not.toBe(clientTrace);
    expect(edge.parentSpanContext).toBeUndefined();
    expect(edge.name).toBe("POST /graphql");
    expect(edge.attributes).toMatchObject({
      "graphql.operation.name": "StreetHospitals",
      "graphql.operation.type": "query",
      "http.response.status_code": 200,
    });

    const trace = () => exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
    const names = new Set(trace().map((s) => s.name));
    for (const phase of ["graphql.parse", "graphql.validate", "og.guard", "gateway.request", "gateway.plan"]) {
      expect(names, phase).toContain(phase);
    }

    // Each subgraph fetch is a client span whose traceparent the subgraph continued: its server span is the child,
    // and that subgraph's resolver and SQL spans are in the same trace under it.
    for (const department of DEPARTMENTS) {
      const fetch = trace().find((s) => s.kind === SpanKind.CLIENT && s.name === `POST ${department}`);
      expect(fetch, `client span of the ${department} fetch`).toBeDefined();
      expect(spanOf(trace(), fetch!.parentSpanContext?.spanId)?.name).toBe("gateway.fetch");
      const served = trace().find(
        (s) => s.kind === SpanKind.SERVER && s.parentSpanContext?.spanId === fetch!.spanContext().spanId,
      );
      expect(served, `${department}'s server span under the fetch`).toBeDefined();
      const inSubgraph = trace().filter((s) => s.parentSpanContext?.spanId === served!.spanContext().spanId);
      expect(inSubgraph.some((s) => s.name.startsWith("resolve Query."))).toBe(true);
      const sql = inSubgraph.filter((s) => s.name === "sql");
      expect(sql.length, `${department}'s SQL spans`).toBeGreaterThan(0);
      expect(sql[0]!.attributes["db.namespace"]).toBe(department);
    }
  });

  it("writes one log line per request: trace id, request id, principal id, operation, duration and outcome", async () => {
    const { status, requestId } = await send({
      // A document and variables with personal data in them: neither may reach the log.
      query: `query FindHospitals($q: String) { street(id: "street-linfenlu") { name hospitals { name } } hospitals(filter: { nameContains: $q }, first: 1) { totalCount } note: __typename }
              # caller wrote ${NAME} ${ID_NUMBER}`,
      variables: { q: `${NAME} ${PHONE} ${ID_NUMBER}` },
    });
    expect(status).toBe(200);
    const line = await vi.waitFor(() => {
      const found = logLines.filter((l) => l.msg === "request" && l.requestId === requestId);
      expect(found).toHaveLength(1);
      return found[0]!;
    });
    const edge = exporter
      .getFinishedSpans()
      .find((s) => s.kind === SpanKind.SERVER && s.attributes["og.request_id"] === requestId);
    expect(line).toMatchObject({
      requestId,
      traceId: edge!.spanContext().traceId,
      principalKind: "officer",
      principalId: "person-officer-health",
      app: null,
      operationName: "FindHospitals",
      operationType: "query",
      route: "/graphql",
      status: 200,
    });
    expect(["success", "partial"]).toContain(line.outcome);
    expect(typeof line.ms).toBe("number");
    for (const personal of [NAME, PHONE, ID_NUMBER]) expect(rawLog).not.toContain(personal);
  });

  it("logs a request refused before any operation ran, with its outcome and no principal", async () => {
    const response = await fetch(gateway.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer not-a-token" },
      body: JSON.stringify({ query: '{ street(id: "street-linfenlu") { name } }' }),
    });
    expect(response.status).toBe(401);
    const requestId = response.headers.get("x-request-id");
    const line = await vi.waitFor(() => {
      const found = logLines.find((l) => l.msg === "request" && l.requestId === requestId);
      if (!found) throw new Error("no line yet");
      return found;
    });
    expect(line).toMatchObject({ status: 401, outcome: "refused", principalId: null, operationName: null });
    expect(rawLog).not.toContain("not-a-token");
  });
});
