/**
 * `npm start`: every subgraph and the gateway as separate processes, on embedded PGlite databases with seed
 * data (or PostgreSQL when DATABASE_URL is set). Waits until each answers, prints the URLs, and stops them all on
 * Ctrl-C.
 *
 * Departments that join through the schema registry only — a folder `subgraphs/<name>/` with a `department.json` that
 * `subgraphs/registry.ts` does not list (civil affairs) — start the same way and are then published to the embedded
 * registry with their manifest, as their CI would (scripts/departmentOnboarding.ts). The gateway serves the registry's
 * supergraph (SUPERGRAPH_SOURCE=registry), so it serves them too; the committed schema/supergraph.graphql holds the
 * code registry's subgraphs only (docs/registry.md).
 *
 * With NODE_ENV=production nothing is seeded unless SEED=true, no development key is made or used (ENVELOPE_PRIVATE_KEY
 * and ENVELOPE_PUBLIC_KEYS must be given, and not the ones `npm start` made in .data/keys), and each service refuses the
 * published secrets it knows of; the first account comes from `npm run identity:bootstrap`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { developmentKeyProblems } from "../lib/developmentSecrets.ts";
import { shanghaiDate } from "../subgraphs/kit/seedCalendar.ts";
import { ensurePortalBuilt } from "./buildPortal.ts";
import { discoverDepartmentFolders, onboardDepartment } from "./departmentOnboarding.ts";
import { envelopeEnv, loadOrCreateDevDirectoryKey, loadOrCreateDevKeys } from "./devKeys.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const children: ChildProcess[] = [];
let shuttingDown = false;

function run(label: string, args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", ...args], {
    cwd: root,
    env,
    stdio: ["ignore", "inherit", "inherit"],
  });
  child.on("exit", (code, signal) => {
    if (shuttingDown) return;
    console.error(`\n${label} exited (${signal ?? code}); stopping everything.`);
    void shutdown(1);
  });
  children.push(child);
  return child;
}

async function waitFor(url: string, label: string, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (shuttingDown) throw new Error("shutting down");
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${label} did not become ready at ${url} within ${timeoutMs / 1000} s`);
}

async function shutdown(code: number): Promise<never> {
  shuttingDown = true;
  await Promise.all(
    children
      .filter((child) => child.exitCode === null && child.signalCode === null)
      .map(
        (child) =>
          new Promise<void>((resolve) => {
            child.once("exit", () => resolve());
            child.kill("SIGTERM");
          }),
      ),
  );
  process.exit(code);
}

/** One line per registry-only department: published, or why not. */
const onboarded: string[] = [];

process.once("SIGINT", () => void shutdown(0));
process.once("SIGTERM", () => void shutdown(0));

const host = process.env.HOST ?? "127.0.0.1";
const portOf = (module: { name: string; defaultPort: number }) =>
  Number(process.env[`${module.name.toUpperCase()}_PORT`] ?? module.defaultPort);
const gatewayPort = Number(process.env.PORT ?? 4000);
const registryPort = Number(process.env.REGISTRY_PORT ?? 4110);
const production = process.env.NODE_ENV === "production";
if (process.env.NODE_ENV === "production") {
  // Refused here, before anything starts (each service would refuse too, one by one).
  const problems = developmentKeyProblems(process.env);
  if (!process.env.ENVELOPE_PRIVATE_KEY || !process.env.ENVELOPE_PUBLIC_KEYS) {
    problems.unshift(
      "ENVELOPE_PRIVATE_KEY and ENVELOPE_PUBLIC_KEYS must be set with NODE_ENV=production: `npm start` makes development keys only outside production.",
    );
  }
  if (problems.length > 0) {
    console.error(`Refusing to start in production:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    process.exit(2);
  }
}
// Loaded after the production check, so a refusal comes at once rather than after every module has loaded.
const { subgraphModules: codeModules } = await import("../subgraphs/registry.ts");
// Departments that join only through the registry: their own folder and manifest, no line in subgraphs/registry.ts.
const departmentFolders = discoverDepartmentFolders(
  join(root, "subgraphs"),
  new Set(codeModules.map((module) => module.name)),
);
const departmentModules = await Promise.all(
  departmentFolders.map(
    async (folder) =>
      (await import(join(folder.dir, "index.ts"))).default as { name: string; defaultPort: number; title: string },
  ),
);
// Every subgraph process to start: the code registry's, then the registry-only departments'.
const subgraphModules = [...codeModules, ...departmentModules];
// Production passes its own keys; on a laptop they are made once and kept in .data/keys.
const keys = process.env.ENVELOPE_PRIVATE_KEY
  ? undefined
  : await loadOrCreateDevKeys(join(root, process.env.KEYS_DIR ?? ".data/keys"));
const identityModule = subgraphModules.find((m) => m.name === "identity");
const catalogModule = subgraphModules.find((m) => m.name === "catalog");
// Where residents live, for jurisdiction: identity's key-protected register, asked by every other subgraph.
const directoryKey =
  process.env.RESIDENT_DIRECTORY_KEY ??
  (process.env.NODE_ENV === "production"
    ? undefined
    : await loadOrCreateDevDirectoryKey(join(root, process.env.KEYS_DIR ?? ".data/keys")));
const keyEnv = {
  ...(keys ? envelopeEnv(keys.envelope) : {}),
  // The gateway's origin, shared by the gateway and identity's OpenID Connect provider (issuer <origin>/oidc).
  PUBLIC_ORIGIN: process.env.PUBLIC_ORIGIN ?? `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${gatewayPort}`,
  ...(directoryKey && identityModule
    ? {
        RESIDENT_DIRECTORY_KEY: directoryKey,
        RESIDENT_DIRECTORY_URL:
          process.env.RESIDENT_DIRECTORY_URL ?? `http://${host}:${portOf(identityModule)}/residents/streets`,
      }
    : {}),
};
// One seed date for every subgraph, taken once, so that a start just before midnight does not seed two days.
const seedDate = process.env.SEED_DATE ?? shanghaiDate(new Date());
// Not 4190: that port (sieve) is on the fetch standard's list of blocked ports, so fetch() refuses it.
const platformPort = Number(process.env.CITY_PARKING_PLATFORM_PORT ?? 4199);
const platformUrl = process.env.CITY_PARKING_PLATFORM_URL ?? `http://${host}:${platformPort}`;
// The portal (docs/portal.md): built while the services start when portal/dist is missing or stale; the gateway
// serves it at /portal/.
const portalBuilt = ensurePortalBuilt();
try {
  // The legacy city parking platform is not ours: it stands in for a system the district federates (parking).
  if (!process.env.CITY_PARKING_PLATFORM_URL) {
    run("city parking platform", ["legacy/cityParkingPlatform/main.ts"], {
      ...process.env,
      PORT: String(platformPort),
    });
    await waitFor(`${platformUrl}/api/v1/health`, "city parking platform");
  }
  // The schema registry (docs/registry.md) starts beside the subgraphs, bootstrapped with the code registry's subgraphs;
  // the gateway loads its supergraph from it and reports field usage to it. It keeps its data in memory unless
  // REGISTRY_DATA_DIR (or DATABASE_URL) is set: on a laptop the code is the source of the district's subgraphs, and a
  // registry kept from an earlier checkout would serve yesterday's schemas.
  const registryUrl = process.env.REGISTRY_URL ?? `http://${host}:${registryPort}`;
  if (!process.env.REGISTRY_URL) {
    run("registry", ["registry/cli.ts", "serve"], {
      ...process.env,
      ...keyEnv,
      PORT: String(registryPort),
      ...(process.env.REGISTRY_DATA_DIR || production
        ? { REGISTRY_DATA_DIR: process.env.REGISTRY_DATA_DIR ?? join(root, ".data/pglite/registry") }
        : {}),
      ...(identityModule && !process.env.IDENTITY_URL
        ? { IDENTITY_URL: `http://${host}:${portOf(identityModule)}` }
        : {}),
      // Department manifests go to identity and catalog, signed with the envelope key (docs/registry.md).
      ...(catalogModule && !process.env.CATALOG_URL ? { CATALOG_URL: `http://${host}:${portOf(catalogModule)}` } : {}),
    });
  }
  const registryReady = process.env.REGISTRY_URL ? Promise.resolve() : waitFor(`${registryUrl}/healthz`, "registry");
  // Subgraphs start together (each migrates and seeds its own database); the gateway waits for all of them.
  await Promise.all([
    registryReady,
    ...subgraphModules.map((module) => {
      const port = portOf(module);
      // The gateway's PORT must not leak into the subgraphs, nor one OTEL_SERVICE_NAME into every service: each names
      // itself (one-graph-<name>) unless HEALTH_OTEL_SERVICE_NAME … names it.
      const { OTEL_SERVICE_NAME: _oneNameForAll, ...inherited } = process.env;
      const env = {
        ...inherited,
        ...keyEnv,
        PORT: String(port),
        SEED_DATE: seedDate,
        CITY_PARKING_PLATFORM_URL: platformUrl,
      };
      run(`subgraph ${module.name}`, ["scripts/subgraph.ts", module.name], env);
      return waitFor(`http://${host}:${port}/healthz`, `subgraph ${module.name}`);
    }),
  ]);
  // The gateway reaches the subgraphs where they were started, whatever ports the supergraph names.
  const subgraphUrls = subgraphModules.map((m) => `${m.name}=http://${host}:${portOf(m)}/graphql`).join(",");
  const identity = subgraphModules.find((m) => m.name === "identity");
  const audit = subgraphModules.find((m) => m.name === "audit");
  await portalBuilt;
  // The young generation capped as in deploy/ (docs/benchmarks.md, "Where the gateway's memory goes").
  run("gateway", ["--max-semi-space-size=16", "gateway/main.ts"], {
    ...process.env,
    ...keyEnv,
    SUBGRAPH_URLS: process.env.SUBGRAPH_URLS ?? subgraphUrls,
    // The subgraphs of subgraphs/registry.ts are built with the kit, which accepts batched requests; departments
    // published only to the registry are not batched (docs/gateway.md, "Fewer fetches"; issue 16).
    SUBGRAPH_BATCHING: process.env.SUBGRAPH_BATCHING ?? subgraphModules.map((m) => m.name).join(","),
    ...(identity && !process.env.IDENTITY_URL ? { IDENTITY_URL: `http://${host}:${portOf(identity)}` } : {}),
    // The gateway's audit writer delivers data-access records here (gateway/audit/auditWriter.ts).
    ...(audit && !process.env.AUDIT_URL ? { AUDIT_URL: `http://${host}:${portOf(audit)}` } : {}),
    REGISTRY_URL: registryUrl,
    // The registry's supergraph: the code registry's subgraphs, and every department published to it.
    // In production the operator chooses (deploy/ sets it); there, departments publish from their own CI.
    SUPERGRAPH_SOURCE: process.env.SUPERGRAPH_SOURCE ?? (production ? "file" : "registry"),
    REGISTRY_POLL_MS: process.env.REGISTRY_POLL_MS ?? "1000",
  });
  await waitFor(`http://${host}:${gatewayPort}/readyz`, "gateway");
  const gatewayUrl = `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${gatewayPort}`;
  // Each registry-only department is published as its CI would: `registry publish` with its manifest.
  for (const [index, folder] of departmentFolders.entries()) {
    const module = departmentModules[index] as { name: string; defaultPort: number };
    const outcome = await onboardDepartment(folder, {
      gatewayUrl,
      registryUrl,
      subgraphUrl: `http://${host}:${portOf(module)}/graphql`,
      production,
      env: process.env,
    });
    onboarded.push(
      outcome.published
        ? `  ${folder.name.padEnd(12)} published to the registry by ${folder.manifest.department.name} (${outcome.lines.join("; ")})`
        : `  ${folder.name.padEnd(12)} not published: ${outcome.reason}`,
    );
  }
  // Trusted operations: each folder of TRUSTED_OPERATION_FOLDERS (default app-portal=portal/operations) is registered
  // for its app through the registry (registry/operationFiles.ts, docs/registry.md), after the departments above
  // joined, so that operations may use their types.
  const { registerOperationFoldersAtStart } = await import("../registry/operationFiles.ts");
  for (const line of await registerOperationFoldersAtStart({ root, registryUrl, gatewayUrl, env: process.env })) {
    console.log(line);
  }
} catch (error) {
  console.error((error as Error).message);
  await shutdown(1);
}

const lines = [
  "",
  "Jing'an One Graph is running.",
  `  GraphQL      http://${host}:${gatewayPort}/graphql`,
  `  portal       http://${host}:${gatewayPort}/portal/   门户: residents, enterprises, developers, security, audit (docs/portal.md)`,
  `  probes       http://${host}:${gatewayPort}/healthz  http://${host}:${gatewayPort}/readyz  http://${host}:${gatewayPort}/metrics`,
  `  legacy       ${platformUrl}/openapi.yaml   city parking and charging platform (simulated)`,
  `  seed date    ${seedDate}   schedules and registrations are seeded from here (SEED_DATE; docs/data.md)`,
  ...subgraphModules.map((m) => `  ${m.name.padEnd(12)} http://${host}:${portOf(m)}/graphql   ${m.title}`),
  `  registry     http://${host}:${registryPort}   schema registry: npm run registry -- history health (docs/registry.md)`,
  ...onboarded,
  `Try: curl -s http://${host}:${gatewayPort}/graphql -H 'content-type: application/json' \\`,
  `       -d '{"query":"{ street(id: \\"street-linfenlu\\") { name hospitals { name kind } } }"}'`,
  "Press Ctrl-C to stop.",
  "",
];
console.log(lines.join("\n"));
