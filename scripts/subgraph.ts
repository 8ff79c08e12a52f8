/**
 * Runs one district subgraph as a service: `tsx scripts/subgraph.ts health`.
 * Environment: PORT, HOST, DATABASE_URL (else PGlite in DATA_DIR), SEED, SEED_DATE, LOG_LEVEL,
 * ENVELOPE_PUBLIC_KEYS, ENVELOPE_NONCE_REDIS_URL (subgraphs/kit/config.ts); tracing from the standard OTEL_* variables
 * (lib/telemetry/tracingConfig.ts; off unless asked for, service name `one-graph-<name>` by default).
 * Variables may be prefixed with the subgraph's name in upper case (HEALTH_PORT) to configure one of several.
 */
import { existsSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ConfigError } from "../lib/config.ts";
import { startTracing } from "../lib/telemetry/tracing.ts";
import { loadTracingConfig } from "../lib/telemetry/tracingConfig.ts";
import { loadSubgraphConfig } from "../subgraphs/kit/config.ts";
import type { SubgraphEntry, SubgraphModule } from "../subgraphs/kit/module.ts";
import { createRedisNonceStore } from "../subgraphs/kit/redisNonceStore.ts";
import { httpResidentDirectory } from "../subgraphs/kit/residentDirectory.ts";
import { startSubgraph } from "../subgraphs/kit/service.ts";

// Only the chosen department's module is loaded, not the registry (nine Prisma clients and schemas): start-up stays
// cheap. Its options come from the environment here, the process edge, through the module's `configure(env)`.
const subgraphsDir = fileURLToPath(new URL("../subgraphs/", import.meta.url));
const names = readdirSync(subgraphsDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && entry.name !== "kit" && existsSync(`${subgraphsDir}${entry.name}/index.ts`))
  .map((entry) => entry.name)
  .sort();
const name = process.argv[2] ?? "";
if (!names.includes(name)) {
  console.error(`Unknown subgraph "${name}"; choose one of: ${names.join(", ")}.`);
  process.exit(2);
}
const moduleUrl = new URL(`../subgraphs/${name}/index.ts`, import.meta.url).href;
const entry = (await import(moduleUrl)) as SubgraphEntry;

/** HEALTH_PORT wins over PORT, so one environment can configure every subgraph. */
function scopedEnv(prefix: string): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith(prefix)) env[key.slice(prefix.length)] = value;
  }
  return env;
}

let module: SubgraphModule<any, any> = entry.default;
try {
  const env = scopedEnv(`${name.toUpperCase()}_`);
  module = entry.configure ? entry.configure(env) : entry.default;
  const config = loadSubgraphConfig(module.name, module.defaultPort, env);
  const tracing = startTracing(loadTracingConfig(env, `one-graph-${module.name}`));
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
    // Several replicas share one nonce store, or a replay refused by one is accepted once by each other.
    ...(config.ENVELOPE_NONCE_REDIS_URL
      ? { nonceStore: await createRedisNonceStore({ url: config.ENVELOPE_NONCE_REDIS_URL }) }
      : {}),
    ...(config.RESIDENT_DIRECTORY_URL && config.RESIDENT_DIRECTORY_KEY
      ? {
          residentDirectory: httpResidentDirectory({
            url: config.RESIDENT_DIRECTORY_URL,
            key: config.RESIDENT_DIRECTORY_KEY,
          }),
        }
      : {}),
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      service.log.info({ signal }, "shutting down");
      service
        .stop()
        .then(() => tracing.shutdown())
        .then(
          () => process.exit(0),
          () => process.exit(1),
        );
    });
  }
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`${name}: ${error.message}`);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
}
