/**
 * Tracing configuration from the standard OpenTelemetry variables, parsed once at a process's edge (gateway/main.ts,
 * scripts/subgraph.ts) and handed to `startTracing` (./tracing.ts). Every problem is reported at once.
 *
 * Tracing is **off by default**: no exporter, no provider registered, and the hooks in the request path skip their work.
 * It turns on with `OTEL_TRACES_EXPORTER=otlp` (or `console`), or when an OTLP endpoint is set and
 * `OTEL_TRACES_EXPORTER` is not. Only OTLP over HTTP with JSON bodies is built in (`OTEL_EXPORTER_OTLP_PROTOCOL`
 * unset or `http/json`; collectors accept it on port 4318): the protobuf and gRPC exporters need code generation and
 * native add-ons this project avoids.
 */
import { z } from "zod";
import { parseConfig } from "../config.ts";

export type TracesExporterKind = "none" | "otlp" | "console";
export type SamplerKind =
  | "always_on"
  | "always_off"
  | "traceidratio"
  | "parentbased_always_on"
  | "parentbased_always_off"
  | "parentbased_traceidratio";

export interface TracingConfig {
  exporter: TracesExporterKind;
  /** `service.name` of every span this process exports. */
  serviceName: string;
  /** Extra resource attributes (`OTEL_RESOURCE_ATTRIBUTES`, `key=value,key=value`). */
  resourceAttributes: Record<string, string>;
  /** Where OTLP/HTTP trace batches go (the full URL, `…/v1/traces`). */
  otlpUrl: string;
  /** Headers sent with every export (`OTEL_EXPORTER_OTLP_HEADERS`: `authorization=Bearer …`). */
  otlpHeaders: Record<string, string>;
  /** Longest wait for one export, ms. */
  otlpTimeoutMs: number;
  sampler: SamplerKind;
  /** The ratio for the `…traceidratio` samplers, 0–1. */
  samplerRatio: number;
}

const keyValues = (what: string) =>
  z
    .string()
    .default("")
    .transform((value, ctx) => {
      const pairs: Record<string, string> = {};
      for (const entry of value
        .split(",")
        .map((p) => p.trim())
        .filter(Boolean)) {
        const at = entry.indexOf("=");
        if (at <= 0) {
          ctx.addIssue({ code: "custom", message: `"${entry.slice(0, 40)}" is not key=value (${what})` });
          continue;
        }
        pairs[decodeURIComponent(entry.slice(0, at).trim())] = decodeURIComponent(entry.slice(at + 1).trim());
      }
      return pairs;
    });

/** An empty variable counts as unset (deployment templates often write `VAR=`). */
const url = z.preprocess(
  (value) => (value === "" ? undefined : value),
  z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }).optional(),
);

const schema = z.object({
  OTEL_SDK_DISABLED: z.enum(["true", "false", ""]).optional(),
  OTEL_TRACES_EXPORTER: z
    .enum(["none", "otlp", "console", ""], {
      error: "must be none, otlp or console (only OTLP over HTTP/JSON is built in)",
    })
    .optional(),
  OTEL_SERVICE_NAME: z.string().max(200).optional(),
  OTEL_RESOURCE_ATTRIBUTES: keyValues("OTEL_RESOURCE_ATTRIBUTES"),
  OTEL_EXPORTER_OTLP_ENDPOINT: url,
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: url,
  OTEL_EXPORTER_OTLP_HEADERS: keyValues("OTEL_EXPORTER_OTLP_HEADERS"),
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: keyValues("OTEL_EXPORTER_OTLP_TRACES_HEADERS"),
  OTEL_EXPORTER_OTLP_PROTOCOL: z
    .enum(["http/json", ""], { error: "only http/json is built in (OTLP over HTTP with JSON bodies, port 4318)" })
    .optional(),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: z
    .enum(["http/json", ""], { error: "only http/json is built in (OTLP over HTTP with JSON bodies, port 4318)" })
    .optional(),
  OTEL_EXPORTER_OTLP_TIMEOUT: z.coerce.number().int().positive().max(120_000).default(10_000),
  OTEL_TRACES_SAMPLER: z
    .enum([
      "always_on",
      "always_off",
      "traceidratio",
      "parentbased_always_on",
      "parentbased_always_off",
      "parentbased_traceidratio",
    ])
    .default("parentbased_always_on"),
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1),
});

/**
 * The tracing configuration of one service. `defaultServiceName` names it when `OTEL_SERVICE_NAME` is not set
 * (`one-graph-gateway`, `one-graph-health` …).
 */
export function loadTracingConfig(env: Record<string, string | undefined>, defaultServiceName: string): TracingConfig {
  const c = parseConfig(schema, env);
  const endpoint = c.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
    ? c.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
    : c.OTEL_EXPORTER_OTLP_ENDPOINT
      ? `${c.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, "")}/v1/traces`
      : undefined;
  const chosen = c.OTEL_TRACES_EXPORTER || (endpoint ? "otlp" : "none");
  return {
    exporter: c.OTEL_SDK_DISABLED === "true" ? "none" : chosen,
    serviceName: c.OTEL_SERVICE_NAME || defaultServiceName,
    resourceAttributes: c.OTEL_RESOURCE_ATTRIBUTES,
    otlpUrl: endpoint ?? "http://localhost:4318/v1/traces",
    otlpHeaders: { ...c.OTEL_EXPORTER_OTLP_HEADERS, ...c.OTEL_EXPORTER_OTLP_TRACES_HEADERS },
    otlpTimeoutMs: c.OTEL_EXPORTER_OTLP_TIMEOUT,
    sampler: c.OTEL_TRACES_SAMPLER,
    samplerRatio: c.OTEL_TRACES_SAMPLER_ARG,
  };
}
