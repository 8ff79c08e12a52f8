/** Gateway entry point: `npm run gateway` (and `npm start`, which also starts the subgraphs). */
import { ConfigError } from "../lib/config.ts";
import { startTracing } from "../lib/telemetry/tracing.ts";
import { loadTracingConfig } from "../lib/telemetry/tracingConfig.ts";
import { loadGatewayConfig } from "./config.ts";
import { startGateway } from "./server.ts";

try {
  const config = loadGatewayConfig(process.env);
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
