/** Gateway entry point: `npm run gateway` (and `npm start`, which also starts the subgraphs). */
// Memory (issue 16, docs/benchmarks.md "Where the gateway's memory goes"): in production mode the source maps that
// tsx switches on are switched off before the gateway's modules load, so Node does not keep a parsed source map for
// each of its ~1,000 modules (about 40 MB); stack traces then name the transpiled lines. Development keeps them.
// The imports below are dynamic for that reason: static ones would load before this line runs.
if (process.env.NODE_ENV === "production") process.setSourceMapsEnabled(false);

const { setFlagsFromString } = await import("node:v8");
const { ConfigError } = await import("../lib/config.ts");
const { startTracing } = await import("../lib/telemetry/tracing.ts");
const { loadTracingConfig } = await import("../lib/telemetry/tracingConfig.ts");
const { loadGatewayConfig } = await import("./config.ts");
const { startGateway } = await import("./server.ts");
try {
  const config = loadGatewayConfig(process.env);
  // V8 reads this factor at every full collection (docs/gateway.md, "Memory"); not a NODE_OPTIONS flag, so set here.
  if (config.HEAP_GROWTH_PERCENT > 0) setFlagsFromString(`--heap-growing-percent=${config.HEAP_GROWTH_PERCENT}`);
  // OpenTelemetry from the standard OTEL_* variables; off (no exporter) unless they ask for it (docs/gateway.md).
  const tracingConfig = loadTracingConfig(process.env, "one-graph-gateway");
  const tracing = startTracing(tracingConfig);
  const gateway = await startGateway(config);
  if (tracing.enabled) {
    gateway.log.info({ exporter: tracingConfig.exporter, serviceName: tracingConfig.serviceName }, "tracing on");
  }
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      gateway.log.info({ signal }, "shutting down");
      // Not ready at once; listening for SHUTDOWN_DELAY_MS more, in-flight requests given SHUTDOWN_GRACE_MS in all.
      gateway
        .stop({ delayMs: config.SHUTDOWN_DELAY_MS })
        .then(() => tracing.shutdown())
        .then(
          () => process.exit(0),
          () => process.exit(1),
        );
    });
  }
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}
