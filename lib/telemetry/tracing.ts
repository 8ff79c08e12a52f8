/**
 * Distributed tracing on OpenTelemetry: one trace per client request, from the gateway's HTTP edge through parse,
 * validation, the guard, Apollo's query planner and every subgraph fetch, into each subgraph's resolvers and SQL.
 *
 * The provider is process-wide (OpenTelemetry's API is), registered once at the process edge by `startTracing`
 * from a parsed `TracingConfig` (./tracingConfig.ts). **Off by default**: then nothing is registered and every hook
 * below returns at its first line — no span objects, no context switches, no header writes.
 *
 * Between services the trace travels as a W3C `traceparent` header next to the signed envelope (lib/wire.ts). It is
 * not signed: it decides only which trace a subgraph's spans join, never what a request may read. The gateway does
 * not continue a trace a client started (its clients are the public; a forged sampled flag would choose what the
 * district pays to record): each request starts its own trace there.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  type Attributes,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  NodeTracerProvider,
  ParentBasedSampler,
  type Sampler,
  SimpleSpanProcessor,
  type SpanExporter,
  TraceIdRatioBasedSampler,
} from "@opentelemetry/sdk-trace-node";
import type { TracingConfig } from "./tracingConfig.ts";

export const TRACEPARENT_HEADER = "traceparent";

const TRACER_NAME = "jingan-one-graph";
/**
 * Taken anew at every start and stop: a tracer taken from one registration keeps sending spans to that provider after
 * a later start registers another (tests start and stop tracing many times in one process).
 */
let tracer = trace.getTracer(TRACER_NAME);
/** Whether a provider is registered: read first by every hook, so the off path costs one branch. */
let active = false;

export interface Tracing {
  /** True when spans are recorded and exported. */
  enabled: boolean;
  /** Exports what is still buffered and unregisters the provider. */
  shutdown(): Promise<void>;
}

export interface StartTracingOptions {
  /**
   * Export here instead of what the configuration names (tests: `InMemorySpanExporter`); spans are then handed over
   * one by one as they end, not in batches.
   */
  exporter?: SpanExporter;
}

const OFF: Tracing = { enabled: false, shutdown: async () => {} };

export function startTracing(config: TracingConfig, options: StartTracingOptions = {}): Tracing {
  if (active) throw new Error("Tracing is already started in this process; stop it first.");
  const exporter = options.exporter ?? configuredExporter(config);
  if (!exporter) return OFF;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ ...config.resourceAttributes, "service.name": config.serviceName }),
    sampler: samplerOf(config),
    spanProcessors: [options.exporter ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter)],
  });
  // W3C trace context only: baggage from outside is not something any service here reads.
  provider.register({ propagator: new W3CTraceContextPropagator() });
  tracer = trace.getTracer(TRACER_NAME);
  active = true;
  return {
    enabled: true,
    shutdown: async () => {
      active = false;
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
      tracer = trace.getTracer(TRACER_NAME);
    },
  };
}

function configuredExporter(config: TracingConfig): SpanExporter | undefined {
  switch (config.exporter) {
    case "otlp":
      return new OTLPTraceExporter({
        url: config.otlpUrl,
        headers: config.otlpHeaders,
        timeoutMillis: config.otlpTimeoutMs,
      });
    case "console":
      return new ConsoleSpanExporter();
    default:
      return undefined;
  }
}

function samplerOf(config: TracingConfig): Sampler {
  const ratio = new TraceIdRatioBasedSampler(config.samplerRatio);
  switch (config.sampler) {
    case "always_on":
      return new AlwaysOnSampler();
    case "always_off":
      return new AlwaysOffSampler();
    case "traceidratio":
      return ratio;
    case "parentbased_always_off":
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case "parentbased_traceidratio":
      return new ParentBasedSampler({ root: ratio });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

/** True while tracing is on in this process. */
export function tracingEnabled(): boolean {
  return active;
}

export interface ServerSpanOptions {
  /** Paths the service serves; others are named `other`, so a scanner cannot grow the set of span names. */
  routes: ReadonlySet<string>;
  /** Join the trace named by the request's `traceparent` (subgraphs, behind the gateway) or start a new one. */
  continueTrace: boolean;
}

/**
 * Runs `handler` for one HTTP request inside a server span that ends when the response is finished (or the
 * connection closes). With tracing off, just runs it.
 */
export function inServerSpan(
  req: IncomingMessage,
  res: ServerResponse,
  options: ServerSpanOptions,
  handler: () => void,
): void {
  if (!active) {
    handler();
    return;
  }
  const path = (req.url ?? "/").split("?")[0] ?? "/";
  const route = options.routes.has(path) ? path : "other";
  const method = req.method ?? "GET";
  const parent = options.continueTrace ? propagation.extract(ROOT_CONTEXT, req.headers) : ROOT_CONTEXT;
  const span = tracer.startSpan(
    `${method} ${route}`,
    { kind: SpanKind.SERVER, attributes: { "http.request.method": method, "http.route": route } },
    parent,
  );
  res.once("close", () => {
    span.setAttribute("http.response.status_code", res.statusCode);
    if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  context.with(trace.setSpan(parent, span), handler);
}

/**
 * Sends one outgoing HTTP request inside a client span, with the span's `traceparent` added to `headers` (mutated),
 * so the receiver's spans join this trace. With tracing off, just sends.
 */
export async function inClientSpan<T extends { status: number }>(
  name: string,
  attributes: Attributes,
  headers: Record<string, string>,
  send: () => Promise<T>,
): Promise<T> {
  if (!active) return send();
  const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes });
  const spanContext = trace.setSpan(context.active(), span);
  propagation.inject(spanContext, headers);
  try {
    const response = await context.with(spanContext, send);
    span.setAttribute("http.response.status_code", response.status);
    if (response.status >= 400) span.setStatus({ code: SpanStatusCode.ERROR });
    return response;
  } catch (error) {
    failed(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/** Runs `fn` inside an internal span (its children nest under it). With tracing off, just runs it. */
export async function inSpan<T>(name: string, attributes: Attributes, fn: () => Promise<T>): Promise<T> {
  if (!active) return fn();
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn();
    } catch (error) {
      failed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * Starts a span under the active one, ended by calling the returned function (with the error, if it failed); for
 * hooks that see a phase start and end but do not wrap it (Apollo's `parsingDidStart` …). Undefined when off.
 */
export function startSpan(name: string, attributes?: Attributes): ((error?: unknown) => void) | undefined {
  if (!active) return undefined;
  const span = tracer.startSpan(name, { attributes });
  return (error) => {
    if (error) failed(span, error);
    span.end();
  };
}

/** A span for something that already happened (Prisma reports a SQL statement after it ran), under the active span. */
export function recordSpan(name: string, startMs: number, durationMs: number, attributes?: Attributes): void {
  if (!active) return;
  tracer.startSpan(name, { kind: SpanKind.CLIENT, startTime: startMs, attributes }).end(startMs + durationMs);
}

/** Adds attributes to the active span (the request's server span, in a request's hooks). */
export function annotateActiveSpan(attributes: Attributes): void {
  if (!active) return;
  trace.getActiveSpan()?.setAttributes(attributes);
}

/** The trace id of the active span, for log lines; undefined when tracing is off. */
export function activeTraceId(): string | undefined {
  if (!active) return undefined;
  return trace.getActiveSpan()?.spanContext().traceId;
}

/**
 * Marks a span failed with the error's name or code only: messages can quote the data that caused them, and spans
 * leave the district for a collector.
 */
function failed(span: Span, error: unknown): void {
  const err = error as { name?: string; extensions?: { code?: unknown } } | undefined;
  const code = typeof err?.extensions?.code === "string" ? err.extensions.code : (err?.name ?? "Error");
  span.setStatus({ code: SpanStatusCode.ERROR, message: code });
  span.setAttribute("error.type", code);
}
