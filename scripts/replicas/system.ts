/**
 * Several gateway replicas, one system (issue 17; docs/deploy.md, "Several replicas on one machine"): the legacy
 * parking platform, the schema registry and every subgraph once, on PostgreSQL, then N gateway replicas on Redis that
 * take their supergraph from the registry, behind the small load balancer (./loadBalancer.ts). Each is a child
 * process started with scripts/benchSupport.ts; `npm run start:replicas` (./main.ts) and test/e2e/replicas.test.ts
 * drive it.
 */
import type { ChildProcess } from "node:child_process";
import { join } from "node:path";
import { shanghaiDate } from "../../subgraphs/kit/seedCalendar.ts";
import { subgraphModules } from "../../subgraphs/registry.ts";
import { root, start, waitFor } from "../benchSupport.ts";
import { envelopeEnv, loadOrCreateDevDirectoryKey, loadOrCreateDevKeys } from "../devKeys.ts";
import { type LoadBalancer, startLoadBalancer } from "./loadBalancer.ts";

export interface ReplicaSystemOptions {
  /** PostgreSQL: every subgraph (its own schema and role) and the registry. */
  databaseUrl: string;
  /** Redis: the replicas' shared rate-limit and quota counters. */
  redisUrl: string;
  host?: string;
  ports: {
    balancer: number;
    /** One per gateway replica. */
    gateways: number[];
    registry: number;
    platform: number;
    /** By subgraph name; default each module's own port. */
    subgraphs?: Record<string, number>;
  };
  /** Where the development envelope and resident-directory keys are kept (made once). */
  keysDir: string;
  /** Added to every process's environment (e.g. LOG_LEVEL). */
  env?: Record<string, string>;
  /** Added to each gateway replica's environment (e.g. POLICY_POLL_MS, RATE_LIMIT_KEY_PREFIX). */
  gatewayEnv?: Record<string, string>;
  /** Start a replica again when it exits without stop() (as a Deployment does). Default false. */
  restartOnExit?: boolean;
  /** Longest wait for a process to answer. Default 300 s (seeding nine databases on a busy machine). */
  startTimeoutMs?: number;
}

export interface ReplicaExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** From SIGTERM to exit. */
  ms: number;
}

export interface GatewayReplica {
  name: string;
  origin: string;
  url: string;
  pid(): number | undefined;
  /** SIGTERM, then waits for the exit (the gateway drains: docs/gateway.md, "Shutting down"). */
  stop(): Promise<ReplicaExit>;
  /** Starts the process (again) and waits until its /readyz answers 200. */
  start(): Promise<void>;
}

export interface ReplicaSystem {
  /** The load balancer's GraphQL URL. */
  url: string;
  balancer: LoadBalancer;
  replicas: GatewayReplica[];
  registryUrl: string;
  identityUrl: string;
  subgraphUrls: Record<string, string>;
  stop(): Promise<void>;
}

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (exited(child)) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
}

async function waitReady(url: string, timeoutMs: number, child: ChildProcess, label: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited(child)) throw new Error(`${label} exited (${child.signalCode ?? child.exitCode}) before it was ready`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
      await response.body?.cancel();
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${label} was not ready at ${url} within ${timeoutMs / 1000} s`);
}

export async function startReplicaSystem(options: ReplicaSystemOptions): Promise<ReplicaSystem> {
  const host = options.host ?? "127.0.0.1";
  const timeoutMs = options.startTimeoutMs ?? 300_000;
  const others: ChildProcess[] = [];
  const replicas: GatewayReplica[] = [];
  let balancer: LoadBalancer | undefined;
  let stopping = false;
  const stop = async () => {
    stopping = true;
    await balancer?.stop();
    await Promise.all(replicas.map((replica) => replica.stop()));
    await Promise.all(
      others.map((child) => {
        const done = exitOf(child);
        child.kill("SIGTERM");
        return done;
      }),
    );
  };
  try {
    const keys = await loadOrCreateDevKeys(options.keysDir);
    const directoryKey = await loadOrCreateDevDirectoryKey(options.keysDir);
    const portOf = (module: { name: string; defaultPort: number }) =>
      options.ports.subgraphs?.[module.name] ?? module.defaultPort;
    const originOf = (name: string) => {
      const module = subgraphModules.find((m) => m.name === name);
      if (!module) throw new Error(`no subgraph ${name}`);
      return `http://${host}:${portOf(module)}`;
    };
    const identityUrl = originOf("identity");
    const keyEnv = {
      ...envelopeEnv(keys.envelope),
      RESIDENT_DIRECTORY_KEY: directoryKey,
      RESIDENT_DIRECTORY_URL: `${identityUrl}/residents/streets`,
    };
    const common = { ...options.env, HOST: host, DATABASE_URL: options.databaseUrl };
    const platformUrl = `http://${host}:${options.ports.platform}`;
    const platform = start(["legacy/cityParkingPlatform/main.ts"], {
      ...options.env,
      PORT: String(options.ports.platform),
    });
    others.push(platform);
    await waitFor(`${platformUrl}/api/v1/health`, timeoutMs);
    const registryUrl = `http://${host}:${options.ports.registry}`;
    others.push(
      start(["registry/cli.ts", "serve"], {
        ...common,
        ...keyEnv,
        PORT: String(options.ports.registry),
        IDENTITY_URL: identityUrl,
      }),
    );
    // One seed date for every subgraph (as `npm start`).
    const seedDate = options.env?.SEED_DATE ?? shanghaiDate(new Date());
    const subgraphUrls: Record<string, string> = {};
    await Promise.all([
      waitFor(`${registryUrl}/healthz`, timeoutMs),
      ...subgraphModules.map((module) => {
        subgraphUrls[module.name] = `${originOf(module.name)}/graphql`;
        const child = start(["scripts/subgraph.ts", module.name], {
          ...common,
          ...keyEnv,
          PORT: String(portOf(module)),
          SEED_DATE: seedDate,
          CITY_PARKING_PLATFORM_URL: platformUrl,
        });
        others.push(child);
        return waitReady(`${originOf(module.name)}/healthz`, timeoutMs, child, `subgraph ${module.name}`);
      }),
    ]);

    const gatewayEnv = {
      ...options.env,
      ...envelopeEnv(keys.envelope),
      HOST: host,
      SUBGRAPH_URLS: Object.entries(subgraphUrls)
        .map(([name, url]) => `${name}=${url}`)
        .join(","),
      IDENTITY_URL: identityUrl,
      AUDIT_URL: originOf("audit"),
      REGISTRY_URL: registryUrl,
      // Every replica serves the registry's supergraph, and counts limits in the one Redis.
      SUPERGRAPH_SOURCE: "registry",
      REDIS_URL: options.redisUrl,
      RATE_LIMITS_SOURCE: "identity",
      ...options.gatewayEnv,
    };
    for (const [i, port] of options.ports.gateways.entries()) {
      const name = `gateway-${String.fromCharCode(97 + i)}`;
      const origin = `http://${host}:${port}`;
      let child: ChildProcess | undefined;
      let stoppingThis = false;
      const replica: GatewayReplica = {
        name,
        origin,
        url: `${origin}/graphql`,
        pid: () => (child && !exited(child) ? child.pid : undefined),
        stop: async () => {
          if (!child || exited(child))
            return { code: child?.exitCode ?? null, signal: child?.signalCode ?? null, ms: 0 };
          stoppingThis = true;
          const started = performance.now();
          const done = exitOf(child);
          child.kill("SIGTERM");
          const exit = await done;
          stoppingThis = false;
          return { ...exit, ms: Math.round(performance.now() - started) };
        },
        start: async () => {
          const spawned = start(["gateway/main.ts"], { ...gatewayEnv, PORT: String(port) });
          child = spawned;
          spawned.once("exit", (code, signal) => {
            if (stopping || stoppingThis || !options.restartOnExit) return;
            console.error(`${name} exited (${signal ?? code}); starting it again`);
            void replica.start().catch((error: Error) => console.error(`${name}: ${error.message}`));
          });
          await waitReady(`${origin}/readyz`, timeoutMs, spawned, name);
        },
      };
      replicas.push(replica);
    }
    await Promise.all(replicas.map((replica) => replica.start()));
    balancer = await startLoadBalancer({
      upstreams: replicas.map((replica) => replica.origin),
      port: options.ports.balancer,
      host,
    });
    return {
      url: `${balancer.origin}/graphql`,
      balancer,
      replicas,
      registryUrl,
      identityUrl,
      subgraphUrls,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The repository root, where `.data/keys` is kept by default. */
export const DEFAULT_KEYS_DIR = join(root, ".data/keys");
