/**
 * Runs one district subgraph as a service: `tsx scripts/subgraph.ts health`.
 * Environment: PORT, HOST, DATABASE_URL (else PGlite in DATA_DIR), SEED, SEED_DATE, LOG_LEVEL,
 * ENVELOPE_PUBLIC_KEYS (subgraphs/kit/config.ts).
 * Variables may be prefixed with the subgraph's name in upper case (HEALTH_PORT) to configure one of several.
 */
import { ConfigError } from "../lib/config.ts";
import { loadSubgraphConfig } from "../subgraphs/kit/config.ts";
import { startSubgraph } from "../subgraphs/kit/service.ts";
import { subgraphModules } from "../subgraphs/registry.ts";

const name = process.argv[2];
const module = subgraphModules.find((m) => m.name === name);
if (!module) {
  console.error(`Unknown subgraph "${name ?? ""}"; choose one of: ${subgraphModules.map((m) => m.name).join(", ")}.`);
  process.exit(2);
}

/** HEALTH_PORT wins over PORT, so one environment can configure every subgraph. */
function scopedEnv(prefix: string): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith(prefix)) env[key.slice(prefix.length)] = value;
  }
  return env;
}

try {
  const config = loadSubgraphConfig(module.name, module.defaultPort, scopedEnv(`${module.name.toUpperCase()}_`));
  const service = await startSubgraph(module, {
    port: config.PORT,
    host: config.HOST,
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATABASE_URL ? undefined : config.DATA_DIR,
    seed: config.SEED,
    seedDate: config.SEED_DATE,
    logLevel: config.LOG_LEVEL,
    shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
    envelopePublicKeys: config.ENVELOPE_PUBLIC_KEYS,
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      service.log.info({ signal }, "shutting down");
      service.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`${module.name}: ${error.message}`);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
}
