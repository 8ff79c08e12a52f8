/**
 * `npm run bench`: measures representative operations through three gateways over the same subgraph processes, in
 * the same run: **ours**, a **plain Apollo Gateway** (scripts/plainGateway.ts) and **Hive Gateway with the Rust query
 * planner** (scripts/hiveGateway.ts). It prints requests/s, p50/p99 latency, gateway CPU-ms per request, the
 * subgraphs' CPU-ms per request and subgraph fetches per request, with the ratios ours/plain and ours/hive, then each
 * gateway's resident memory.
 *
 * Everything runs on this machine: subgraphs with seed data (fresh PGlite databases, or one fresh PostgreSQL database
 * with BENCH_DATABASE_URL), the three gateways as separate processes (so their CPU and memory can be read from /proc),
 * autocannon as the load generator in this process. Before measuring an operation, its answer through each gateway is
 * fetched and compared (canonical JSON): the run stops with the difference if they are not identical.
 * Each operation runs BENCH_ROUNDS times per gateway (default 2), the order of the three rotated each round, averaged.
 * Environment:
 * - BENCH_SECONDS per run (default 5); BENCH_ROUNDS (default 2);
 * - BENCH_WARMUP_SECONDS (default 3): before any measurement, each operation through each gateway this long, at the
 *   largest connection count, so that no gateway's first run meets subgraphs still busy from start-up; 0 skips it;
 * - BENCH_CONNECTIONS, comma-separated connection counts, one table each (default 1,10);
 * - BENCH_OPERATIONS, comma-separated parts of operation names to run (default all), e.g. `wide,open-data`;
 * - BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres: the subgraphs on PostgreSQL, in a database
 *   `bench_og_<pid>` created for the run and dropped after it (default: PGlite);
 * - BENCH_OURS_NODE_ARGS / BENCH_PLAIN_NODE_ARGS / BENCH_HIVE_NODE_ARGS: extra node options for that gateway,
 *   space-separated, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import jwt, { type JwtPayload } from "jsonwebtoken";
import pg from "pg";
import { districtPrincipal } from "../gateway/auth/tokenVerifier.ts";
import { generateEnvelopeKeys } from "../lib/wire.ts";
import { subgraphModules } from "../subgraphs/registry.ts";
import { type Answer, compareAnswers } from "./benchAnswers.ts";
import { type Operation, operations } from "./benchOperations.ts";
import { BENCH_RATE_LIMITS, cpuMs, root, start, stopAll, waitFor } from "./benchSupport.ts";
import { envelopeEnv } from "./devKeys.ts";

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
/** Extra node options for one gateway, space-separated (BENCH_OURS_NODE_ARGS, BENCH_PLAIN_NODE_ARGS, BENCH_HIVE_NODE_ARGS). */
const nodeArgs = (name: string) => (process.env[name] ?? "").split(" ").filter(Boolean);
const connectionCounts = (process.env.BENCH_CONNECTIONS ?? "1,10").split(",").map((c) => Number(c.trim()));
if (connectionCounts.some((c) => !Number.isInteger(c) || c < 1)) {
  throw new Error(`BENCH_CONNECTIONS must be positive integers, comma-separated: ${process.env.BENCH_CONNECTIONS}`);
}
const benchDatabaseUrl = process.env.BENCH_DATABASE_URL;
/** Nine subgraphs seed their databases at once: on a shared, loaded machine that takes minutes. */
const START_TIMEOUT_MS = 600_000;

const selected = (() => {
  const filter = process.env.BENCH_OPERATIONS?.split(",")
    .map((part) => part.trim().toLowerCase())
    .filter(Boolean);
  if (!filter?.length) return operations;
  const chosen = operations.filter((op) => filter.some((part) => op.name.toLowerCase().includes(part)));
  if (chosen.length === 0) throw new Error(`BENCH_OPERATIONS matches no operation: ${process.env.BENCH_OPERATIONS}`);
  return chosen;
})();

async function subgraphRequests(ports: number[]): Promise<number> {
  let total = 0;
  for (const port of ports) {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    total += Number(/og_subgraph_requests_total\{[^}]*\} (\d+)/.exec(text)?.[1] ?? 0);
  }
  return total;
}

interface Gateway {
  name: "ours" | "plain" | "hive";
  url: string;
  pid: number;
}

interface Measurement {
  rps: number;
  p50: number;
  p99: number;
  cpuMsPerRequest: number;
  /** CPU the subgraph processes spent per client request: what a gateway's fetches cost the services behind it. */
  subgraphCpuMsPerRequest: number;
  fetchesPerRequest: number;
  /** Subgraph requests for one request sent alone before the load (exact: nothing else in flight). */
  fetchesAlone: number;
  errors: number;
}

let authorization = "";
let authorizedAt = 0;

/** A real officer login at the identity service through our gateway; tokens live five minutes, so renewed each minute. */
async function login(): Promise<string> {
  if (Date.now() - authorizedAt < 60_000) return authorization;
  const response = await fetch("http://127.0.0.1:4490/oauth/token", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "password", username: "officer.health", password: "Officer#2026" }),
  });
  const { access_token: token } = (await response.json()) as { access_token?: string };
  if (!token) throw new Error(`officer login failed: HTTP ${response.status}`);
  authorization = `Bearer ${token}`;
  authorizedAt = Date.now();
  return authorization;
}

function requestOf(url: string, { query, headers: extra = {} }: Operation) {
  const headers: Record<string, string> = { "content-type": "application/json", ...extra };
  if (authorization) headers.authorization = authorization;
  return { url, method: "POST" as const, headers, body: JSON.stringify({ query }) };
}

/** The answer through one gateway, parsed; any GraphQL error or non-200 stops the run (errors measure nothing). */
async function answer(gateway: Gateway, operation: Operation): Promise<Answer> {
  const { url, ...init } = requestOf(gateway.url, operation);
  const response = await fetch(url, init);
  const raw = await response.text();
  let body: { errors?: unknown };
  try {
    body = JSON.parse(raw) as { errors?: unknown };
  } catch {
    throw new Error(
      `${operation.name} through ${gateway.name}: HTTP ${response.status}, not JSON: ${raw.slice(0, 300)}`,
    );
  }
  if (response.status !== 200 || body.errors) {
    throw new Error(`${operation.name} through ${gateway.name}: HTTP ${response.status} ${raw.slice(0, 600)}`);
  }
  return { raw, body };
}

/** The operation's answer through each gateway, compared (scripts/benchAnswers.ts); throws if they differ. */
async function checkBodies(gateways: Gateway[], operation: Operation): Promise<string> {
  const answers: Partial<Record<Gateway["name"], Answer>> = {};
  for (const gateway of gateways) answers[gateway.name] = await answer(gateway, operation);
  return compareAnswers(operation, answers as Record<Gateway["name"], Answer>);
}

/** CPU time of the subgraph processes together, in ms. */
async function subgraphCpuMs(pids: number[]): Promise<number> {
  let total = 0;
  for (const pid of pids) total += await cpuMs(pid);
  return total;
}

async function measure(
  gateway: Gateway,
  operation: Operation,
  subgraphs: { ports: number[]; pids: number[] },
  connections: number,
) {
  const { ports, pids } = subgraphs;
  const request = requestOf(gateway.url, operation);
  // Sent alone, one request gives the subgraph requests it costs: the least of three in a row, since requests left
  // in flight by the previous run may still be finishing.
  // A lone request that fails (e.g. a keep-alive connection the subgraph closed just as the gateway reused it) is
  // reported and not counted; three failures stop the run.
  let fetchesAlone = Number.POSITIVE_INFINITY;
  const failures: string[] = [];
  for (let i = 0; i < 3; i += 1) {
    const before = await subgraphRequests(ports);
    try {
      await answer(gateway, operation);
    } catch (error) {
      failures.push(error instanceof Error ? error.message.slice(0, 300) : String(error));
      continue;
    }
    fetchesAlone = Math.min(fetchesAlone, (await subgraphRequests(ports)) - before);
  }
  if (failures.length === 3) throw new Error(failures.join("\n"));
  for (const failure of failures) console.log(`  (lone request failed, not counted: ${failure})`);
  await autocannon({ ...request, connections, duration: 2 }); // warm-up: JIT, query-plan cache, connections
  const cpuBefore = await cpuMs(gateway.pid);
  const subgraphCpuBefore = await subgraphCpuMs(pids);
  const fetchesBefore = await subgraphRequests(ports);
  const result = await autocannon({ ...request, connections, duration: seconds });
  const cpuAfter = await cpuMs(gateway.pid);
  const subgraphCpuAfter = await subgraphCpuMs(pids);
  const fetchesAfter = await subgraphRequests(ports);
  const requests = Math.max(1, result.requests.total);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuMsPerRequest: (cpuAfter - cpuBefore) / requests,
    subgraphCpuMsPerRequest: (subgraphCpuAfter - subgraphCpuBefore) / requests,
    fetchesPerRequest: (fetchesAfter - fetchesBefore) / requests,
    fetchesAlone,
    errors: result.errors + result.non2xx,
  } satisfies Measurement;
}

function average(runs: Measurement[]): Measurement {
  const mean = (pick: (m: Measurement) => number) => runs.reduce((sum, m) => sum + pick(m), 0) / runs.length;
  return {
    rps: mean((m) => m.rps),
    p50: mean((m) => m.p50),
    p99: mean((m) => m.p99),
    cpuMsPerRequest: mean((m) => m.cpuMsPerRequest),
    subgraphCpuMsPerRequest: mean((m) => m.subgraphCpuMsPerRequest),
    fetchesPerRequest: mean((m) => m.fetchesPerRequest),
    fetchesAlone: mean((m) => m.fetchesAlone),
    errors: runs.reduce((sum, m) => sum + m.errors, 0),
  };
}

/** Peak and current resident set of a process, in MiB (/proc/<pid>/status VmHWM and VmRSS). */
async function memory(pid: number): Promise<{ peak: number; now: number }> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
  return { peak: kib("VmHWM") / 1024, now: kib("VmRSS") / 1024 };
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join("  ")
      .trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of rows) console.log(line(row));
  console.log();
}

/** With BENCH_DATABASE_URL: a fresh database for this run, so nothing collides with tests or `npm start`. */
async function createBenchDatabase(url: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `bench_og_${process.pid}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  return { url: target.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

const dataDir = await mkdtemp(join(tmpdir(), "og-bench-"));
const keyEnv = {
  ...envelopeEnv(generateEnvelopeKeys()),
  // identity's register of residence, as `npm start` configures it: without it the officer reaches no resident, and
  // the masked operation would answer no follow-ups (nothing to mask, nothing measured).
  RESIDENT_DIRECTORY_KEY: randomBytes(32).toString("base64url"),
};
const database = benchDatabaseUrl ? await createBenchDatabase(benchDatabaseUrl) : null;
try {
  const ports = subgraphModules.map((_, i) => 4500 + i);
  const identityIndex = subgraphModules.findIndex((m) => m.name === "identity");
  // Fixed ports: refuse to start over another run's processes (their answers would be measured as ours).
  const busy = await portsInUse([4490, 4491, 4492, 4599, ...ports]);
  if (busy.length > 0) throw new Error(`ports in use (another benchmark running?): ${busy.join(", ")}`);
  // The legacy city platform behind parking, without injected failures (a benchmark of errors measures nothing).
  start(["legacy/cityParkingPlatform/main.ts"], { PORT: "4599", FAILURE_RATE: "0" });
  await waitFor("http://127.0.0.1:4599/api/v1/health", START_TIMEOUT_MS);
  console.error(`starting the legacy platform, ${subgraphModules.length} subgraphs and three gateways…`);
  const subgraphPids: number[] = [];
  await Promise.all(
    subgraphModules.map((module, i) => {
      const child = start(["scripts/subgraph.ts", module.name], {
        ...keyEnv,
        PORT: String(ports[i]),
        ...(database ? { DATABASE_URL: database.url } : { DATA_DIR: join(dataDir, module.name) }),
        CITY_PARKING_PLATFORM_URL: "http://127.0.0.1:4599",
        RESIDENT_DIRECTORY_URL: `http://127.0.0.1:${ports[identityIndex]}/residents/streets`,
      });
      subgraphPids.push(child.pid!);
      return waitFor(`http://127.0.0.1:${ports[i]}/healthz`, START_TIMEOUT_MS);
    }),
  );
  const urls = subgraphModules.map((m, i) => `${m.name}=http://127.0.0.1:${ports[i]}/graphql`).join(",");
  const portOf = (name: string) => ports[subgraphModules.findIndex((m) => m.name === name)];
  // Our gateway as deployed: the young generation capped (deploy/base/gateway/gateway.yaml NODE_OPTIONS).
  const ours = start(["--max-semi-space-size=16", ...nodeArgs("BENCH_OURS_NODE_ARGS"), "gateway/main.ts"], {
    ...keyEnv,
    PORT: "4490",
    SUBGRAPH_URLS: urls,
    IDENTITY_URL: `http://127.0.0.1:${portOf("identity")}`,
    AUDIT_URL: `http://127.0.0.1:${portOf("audit")}`,
    NODE_ENV: "production",
    RATE_LIMITS: BENCH_RATE_LIMITS,
    // The benchmark's own limits, not the identity service's tiers (limits as data, docs/limits.md).
    RATE_LIMITS_SOURCE: "setting",
    // Every subgraph here is built with the kit, which accepts batches (issue 16, docs/gateway.md "Fewer fetches").
    SUBGRAPH_BATCHING: "all",
  });
  await waitFor("http://127.0.0.1:4490/readyz", START_TIMEOUT_MS);
  // Operations beyond public fields run as a logged-in officer (a real login at the identity service); the peers
  // verify no tokens and sign every envelope with that officer's principal, so the subgraphs see the same caller.
  await login();
  const principal = JSON.stringify(districtPrincipal(jwt.decode(authorization.slice(7)) as JwtPayload));
  const peerSupergraph = join(dataDir, "supergraph.graphql");
  let sdl = await readFile(join(root, "schema/supergraph.graphql"), "utf8");
  for (const [i, module] of subgraphModules.entries()) {
    sdl = sdl.replaceAll(`http://127.0.0.1:${module.defaultPort}/graphql`, `http://127.0.0.1:${ports[i]}/graphql`);
  }
  await writeFile(peerSupergraph, sdl);
  const plain = start([...nodeArgs("BENCH_PLAIN_NODE_ARGS"), "scripts/plainGateway.ts"], {
    ...keyEnv,
    PORT: "4491",
    SUPERGRAPH_PATH: peerSupergraph,
    NODE_ENV: "production",
    PLAIN_GATEWAY_PRINCIPAL: principal,
  });
  const hive = start([...nodeArgs("BENCH_HIVE_NODE_ARGS"), "scripts/hiveGateway.ts"], {
    ...keyEnv,
    PORT: "4492",
    SUPERGRAPH_PATH: peerSupergraph,
    NODE_ENV: "production",
    HIVE_GATEWAY_PRINCIPAL: principal,
  });
  await waitFor("http://127.0.0.1:4491/graphql?query=%7B__typename%7D", START_TIMEOUT_MS);
  await waitFor("http://127.0.0.1:4492/graphql?query=%7B__typename%7D", START_TIMEOUT_MS);
  const gateways: Gateway[] = [
    { name: "ours", url: "http://127.0.0.1:4490/graphql", pid: ours.pid! },
    { name: "plain", url: "http://127.0.0.1:4491/graphql", pid: plain.pid! },
    { name: "hive", url: "http://127.0.0.1:4492/graphql", pid: hive.pid! },
  ];

  const tier = database ? "subgraphs on PostgreSQL" : "subgraphs on PGlite";
  console.log(`\nJing'an One Graph benchmark — ours, plain Apollo Gateway, Hive Gateway (Rust planner); ${tier}`);
  console.log(
    `${rounds} × ${seconds} s per gateway and operation (order rotated each round), Node ${process.version}\n`,
  );

  // Before any load: the same answer through the three gateways, for every operation measured.
  console.log("answers compared (canonical JSON, ours against plain and hive, plain against hive):");
  for (const operation of selected) {
    await login();
    console.log(`  ${await checkBodies(gateways, operation)}`);
  }
  console.log();

  // Before any measurement, every operation through every gateway for a moment. Without it the first measured run —
  // always ours, on the first operation — met subgraphs still busy from start-up (compiling, collecting the seed's
  // garbage, their databases' first plans), and its figures (the subgraphs' CPU most of all) carried that cost.
  const warmUpSeconds = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
  if (warmUpSeconds > 0) {
    console.error(`warming up: each operation through each gateway for ${warmUpSeconds} s…`);
    for (const operation of selected) {
      await login();
      for (const gateway of gateways) {
        await autocannon({
          ...requestOf(gateway.url, operation),
          connections: Math.max(...connectionCounts),
          duration: warmUpSeconds,
        });
      }
    }
  }

  for (const connections of connectionCounts) {
    const header = [
      "operation",
      "gateway",
      "req/s",
      "p50 ms",
      "p99 ms",
      "CPU ms/req",
      "subgraph CPU",
      "fetches/req",
      "errors",
    ];
    const rows: string[][] = [];
    const summaries: Array<Record<Gateway["name"], Measurement>> = [];
    for (const [index, operation] of selected.entries()) {
      await login();
      const runs: Record<Gateway["name"], Measurement[]> = { ours: [], plain: [], hive: [] };
      for (let round = 0; round < rounds; round += 1) {
        // Rotate which gateway goes first, so none always meets the warmer (or more tired) subgraphs.
        const first = (round + index) % gateways.length;
        for (const gateway of [...gateways.slice(first), ...gateways.slice(0, first)]) {
          runs[gateway.name].push(await measure(gateway, operation, { ports, pids: subgraphPids }, connections));
        }
      }
      const m = { ours: average(runs.ours), plain: average(runs.plain), hive: average(runs.hive) };
      summaries.push(m);
      const fmt = (x: Measurement) => [
        x.rps.toFixed(0),
        x.p50.toFixed(1),
        x.p99.toFixed(1),
        x.cpuMsPerRequest.toFixed(2),
        x.subgraphCpuMsPerRequest.toFixed(2),
        x.fetchesPerRequest.toFixed(2),
        String(x.errors),
      ];
      const ratio = (a: Measurement, b: Measurement) => [
        (a.rps / b.rps).toFixed(2),
        (a.p50 / b.p50).toFixed(2),
        (a.p99 / b.p99).toFixed(2),
        (a.cpuMsPerRequest / b.cpuMsPerRequest).toFixed(2),
        (a.subgraphCpuMsPerRequest / b.subgraphCpuMsPerRequest).toFixed(2),
        (a.fetchesPerRequest / b.fetchesPerRequest).toFixed(2),
        "",
      ];
      rows.push([operation.name, "ours", ...fmt(m.ours)]);
      rows.push(["", "plain", ...fmt(m.plain)]);
      rows.push(["", "hive", ...fmt(m.hive)]);
      rows.push(["", "ours/plain", ...ratio(m.ours, m.plain)]);
      rows.push(["", "ours/hive", ...ratio(m.ours, m.hive)]);
    }
    console.log(`${connections} connection${connections === 1 ? "" : "s"}, load average ${await loadAverage()}`);
    printTable(header, rows);
    // Subgraph HTTP requests per client request (issue 16: fewer fetches). Alone: one request with nothing else in
    // flight (exact; what batching saves). Under load: the table's figure, which also counts what identical
    // concurrent fetches shared (every connection here sends the same operation as the same officer).
    console.log(`subgraph requests per client request, plain / hive / ours (${connections} connections)`);
    printTable(
      ["operation", "alone (exact)", "under load"],
      selected.map((operation, i) => {
        const { ours: a, plain: b, hive: c } = summaries[i]!;
        return [
          operation.name,
          `${b.fetchesAlone.toFixed(0)} / ${c.fetchesAlone.toFixed(0)} / ${a.fetchesAlone.toFixed(0)}`,
          `${b.fetchesPerRequest.toFixed(2)} / ${c.fetchesPerRequest.toFixed(2)} / ${a.fetchesPerRequest.toFixed(2)}`,
        ];
      }),
    );
  }
  console.log("gateway resident memory at the end of the load (/proc/<pid>/status)");
  printTable(
    ["gateway", "", "peak MiB (VmHWM)", "now MiB (VmRSS)"],
    await Promise.all(
      gateways.map(async (g) => {
        const { peak, now } = await memory(g.pid);
        return [g.name, "", peak.toFixed(0), now.toFixed(0)];
      }),
    ),
  );
} finally {
  await stopAll();
  await rm(dataDir, { recursive: true, force: true });
  await database
    ?.drop()
    .catch((error: unknown) => console.error(`could not drop the bench database: ${String(error)}`));
}

async function portsInUse(candidates: number[]): Promise<number[]> {
  const busy: number[] = [];
  for (const port of candidates) {
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once("error", () => resolve(false));
      probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
    });
    if (!free) busy.push(port);
  }
  return busy;
}

async function loadAverage(): Promise<string> {
  return (await readFile("/proc/loadavg", "utf8")).split(" ").slice(0, 3).join(" ");
}
