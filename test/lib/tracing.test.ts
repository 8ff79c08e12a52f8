/**
 * Tracing's configuration from the standard OTEL_* variables (off unless asked for, every problem at once) and the
 * off path: with no provider started, the request-path hooks add nothing — no header, no trace id, no span.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../lib/config.ts";
import {
  activeTraceId,
  inClientSpan,
  inServerSpan,
  startTracing,
  type Tracing,
  tracingEnabled,
} from "../../lib/telemetry/tracing.ts";
import { loadTracingConfig } from "../../lib/telemetry/tracingConfig.ts";

describe("tracing configuration", () => {
  it("is off by default, with the service's own name", () => {
    const config = loadTracingConfig({}, "one-graph-health");
    expect(config).toMatchObject({
      exporter: "none",
      serviceName: "one-graph-health",
      sampler: "parentbased_always_on",
    });
    expect(startTracing(config).enabled).toBe(false);
    expect(tracingEnabled()).toBe(false);
  });

  it("turns OTLP on with an endpoint, appending the traces path; a traces endpoint is taken as it is", () => {
    expect(
      loadTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/" }, "one-graph-gateway"),
    ).toMatchObject({ exporter: "otlp", otlpUrl: "http://collector:4318/v1/traces" });
    expect(
      loadTracingConfig(
        {
          OTEL_TRACES_EXPORTER: "otlp",
          OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318",
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://traces.example/ingest",
          OTEL_EXPORTER_OTLP_HEADERS: "authorization=Bearer%20abc,x-tenant=jingan",
          OTEL_SERVICE_NAME: "gateway-a",
          OTEL_RESOURCE_ATTRIBUTES: "deployment.environment=staging",
          OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
          OTEL_TRACES_SAMPLER_ARG: "0.25",
        },
        "one-graph-gateway",
      ),
    ).toEqual({
      exporter: "otlp",
      serviceName: "gateway-a",
      resourceAttributes: { "deployment.environment": "staging" },
      otlpUrl: "https://traces.example/ingest",
      otlpHeaders: { authorization: "Bearer abc", "x-tenant": "jingan" },
      otlpTimeoutMs: 10_000,
      sampler: "parentbased_traceidratio",
      samplerRatio: 0.25,
    });
  });

  it("stays off with OTEL_TRACES_EXPORTER=none or OTEL_SDK_DISABLED=true, whatever the endpoint", () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" };
    expect(loadTracingConfig({ ...endpoint, OTEL_TRACES_EXPORTER: "none" }, "x").exporter).toBe("none");
    expect(loadTracingConfig({ ...endpoint, OTEL_SDK_DISABLED: "true" }, "x").exporter).toBe("none");
  });

  it("reports every problem at once: an exporter, protocol or sampler ratio it cannot honour, a malformed header", () => {
    let error: unknown;
    try {
      loadTracingConfig(
        {
          OTEL_TRACES_EXPORTER: "zipkin",
          OTEL_EXPORTER_OTLP_PROTOCOL: "grpc",
          OTEL_TRACES_SAMPLER_ARG: "2",
          OTEL_EXPORTER_OTLP_HEADERS: "no-equals-sign",
          OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318",
        },
        "x",
      );
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join("\n");
    for (const name of [
      "OTEL_TRACES_EXPORTER",
      "OTEL_EXPORTER_OTLP_PROTOCOL",
      "OTEL_TRACES_SAMPLER_ARG",
      "OTEL_EXPORTER_OTLP_HEADERS",
      "OTEL_EXPORTER_OTLP_ENDPOINT",
    ]) {
      expect(problems).toContain(name);
    }
  });
});

describe("with tracing off", () => {
  let tracing: Tracing | undefined;
  afterEach(async () => {
    await tracing?.shutdown();
    tracing = undefined;
  });

  it("sends requests without a traceparent and logs no trace id", async () => {
    const headers: Record<string, string> = { "x-og-envelope": "v2.k.p.s" };
    const response = await inClientSpan("POST health", {}, headers, async () => ({ status: 200 }));
    expect(response.status).toBe(200);
    expect(headers).toEqual({ "x-og-envelope": "v2.k.p.s" });
    let traceId: string | undefined = "unset";
    inServerSpan(
      { url: "/graphql", method: "POST", headers: {} } as never,
      { once: () => {} } as never,
      { routes: new Set(["/graphql"]), continueTrace: true },
      () => {
        traceId = activeTraceId();
      },
    );
    expect(traceId).toBeUndefined();
  });

  it("adds a traceparent once tracing is on, and none again after it is shut down", async () => {
    const { InMemorySpanExporter } = await import("@opentelemetry/sdk-trace-node");
    const exporter = new InMemorySpanExporter();
    tracing = startTracing(loadTracingConfig({}, "one-graph-test"), { exporter });
    const on: Record<string, string> = {};
    await inClientSpan("POST health", {}, on, async () => ({ status: 200 }));
    expect(on.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(["POST health"]);
    await tracing.shutdown();
    tracing = undefined;
    const off: Record<string, string> = {};
    await inClientSpan("POST health", {}, off, async () => ({ status: 200 }));
    expect(off).toEqual({});
  });
});
