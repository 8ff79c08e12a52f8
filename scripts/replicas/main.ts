/**
 * `npm run start:replicas`: the subgraphs and the registry once on PostgreSQL (DATABASE_URL), two gateway replicas on
 * Redis (REDIS_URL) taking their supergraph from the registry, and a small load balancer in front
 * (docs/deploy.md, "Several replicas on one machine"). A replica that exits is started again, so
 * `kill -TERM <pid>` one at a time is a rolling restart; Ctrl-C stops everything.
 *
 * Environment: DATABASE_URL and REDIS_URL (required); PORT (the load balancer, 4000); GATEWAY_PORTS (4001,4002);
 * <NAME>_PORT of each subgraph, REGISTRY_PORT (4110), CITY_PARKING_PLATFORM_PORT (4199), KEYS_DIR (.data/keys) as
 * `npm start`; LOG_LEVEL (warn).
 */
import { join } from "node:path";
import { subgraphModules } from "../../subgraphs/registry.ts";
import { root } from "../benchSupport.ts";
import { startReplicaSystem } from "./system.ts";

const env = process.env;
const missing = ["DATABASE_URL", "REDIS_URL"].filter((name) => !env[name]);
if (missing.length > 0) {
  console.error(
    `${missing.join(" and ")} must be set: the replicas share PostgreSQL and Redis, e.g.\n` +
      "  DATABASE_URL=postgresql://postgres@127.0.0.1:5432/one_graph REDIS_URL=redis://127.0.0.1:6379/0 npm run start:replicas",
  );
  process.exit(2);
}
const port = (name: string, fallback: number) => Number(env[name] ?? fallback);
const gatewayPorts = (env.GATEWAY_PORTS ?? "4001,4002").split(",").map((p) => Number(p.trim()));
if (gatewayPorts.length < 1 || gatewayPorts.some((p) => !Number.isInteger(p) || p <= 0)) {
  console.error("GATEWAY_PORTS must list one port per replica, comma-separated, e.g. 4001,4002");
  process.exit(2);
}
const host = env.HOST ?? "127.0.0.1";
console.log("Starting the subgraphs, the registry and the gateway replicas …");
const system = await startReplicaSystem({
  databaseUrl: env.DATABASE_URL as string,
  redisUrl: env.REDIS_URL as string,
  host,
  ports: {
    balancer: port("PORT", 4000),
    gateways: gatewayPorts,
    registry: port("REGISTRY_PORT", 4110),
    platform: port("CITY_PARKING_PLATFORM_PORT", 4199),
    subgraphs: Object.fromEntries(
      subgraphModules.map((m) => [m.name, port(`${m.name.toUpperCase()}_PORT`, m.defaultPort)]),
    ),
  },
  keysDir: join(root, env.KEYS_DIR ?? ".data/keys"),
  env: { LOG_LEVEL: env.LOG_LEVEL ?? "warn" },
  restartOnExit: true,
}).catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    void system.stop().then(() => process.exit(0));
  });
}
console.log(
  [
    "",
    "Jing'an One Graph is running as several replicas.",
    `  GraphQL      ${system.url}   load balancer (round robin over ready replicas; ${system.balancer.origin}/_lb)`,
    ...system.replicas.map((r) => `  ${r.name.padEnd(12)} ${r.url}   pid ${r.pid()}`),
    `  registry     ${system.registryUrl}`,
    ...Object.entries(system.subgraphUrls).map(([name, url]) => `  ${name.padEnd(12)} ${url}`),
    "Rolling restart: kill -TERM one replica's pid, wait until /_lb shows it ready again, then the next.",
    "Press Ctrl-C to stop.",
    "",
  ].join("\n"),
);
