/**
 * Runs the city parking platform simulator as its own process: `tsx legacy/cityParkingPlatform/main.ts`.
 * Environment: PORT (default 4199), HOST (127.0.0.1), LATENCY_MS_MIN / LATENCY_MS_MAX (20 / 80),
 * FAILURE_RATE (0.02, the share of data calls answered with 503), SEED (7), LOG_LEVEL (info).
 * The parking subgraph finds it through CITY_PARKING_PLATFORM_URL (default http://127.0.0.1:4199).
 */
import { z } from "zod";
import { ConfigError, parseConfig } from "../../lib/config.ts";
import { createLogger } from "../../lib/log.ts";
import { startCityParkingPlatform } from "./server.ts";

const configSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(4199),
    HOST: z.string().min(1).default("127.0.0.1"),
    LATENCY_MS_MIN: z.coerce.number().int().min(0).default(20),
    LATENCY_MS_MAX: z.coerce.number().int().min(0).default(80),
    FAILURE_RATE: z.coerce.number().min(0).max(1).default(0.02),
    SEED: z.coerce.number().int().default(7),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  })
  .refine((c) => c.LATENCY_MS_MAX >= c.LATENCY_MS_MIN, {
    message: "must be at least LATENCY_MS_MIN",
    path: ["LATENCY_MS_MAX"],
  });

try {
  const config = parseConfig(configSchema, process.env);
  const log = createLogger({ service: "city-parking-platform", level: config.LOG_LEVEL });
  const platform = await startCityParkingPlatform({
    port: config.PORT,
    host: config.HOST,
    latencyMs: { min: config.LATENCY_MS_MIN, max: config.LATENCY_MS_MAX },
    failureRate: config.FAILURE_RATE,
    seed: config.SEED,
    log,
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      log.info({ signal }, "shutting down");
      platform.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`city-parking-platform: ${error.message}`);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
}
