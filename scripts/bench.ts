/**
 * `npm run bench`: measures representative operations through our gateway and through a plain Apollo Gateway over
 * the same subgraph processes, in the same run, and prints requests/s, p50/p99 latency, gateway CPU-ms per
 * request and subgraph fetches per request, with the ratio ours/plain.
 *
 * Everything runs on this machine: subgraphs on fresh PGlite databases with seed data, both gateways as separate
 * processes (so their CPU can be read from /proc), autocannon as the load generator in this process.
 * Each operation runs BENCH_ROUNDS times per gateway (default 2), alternating which goes first, and is averaged.
 * Environment: BENCH_SECONDS per run (default 5), BENCH_CONNECTIONS (default 10), BENCH_ROUNDS; BENCH_OPERATIONS
 * (comma-separated parts of operation names: only those run); BENCH_OURS_NODE_ARGS / BENCH_PLAIN_NODE_ARGS (extra
 * node options for that gateway, space-separated, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { rawRequest } from "graphql-request";
import jwt, { type JwtPayload } from "jsonwebtoken";
import { districtPrincipal } from "../gateway/auth/tokenVerifier.ts";
import { generateEnvelopeKeys } from "../lib/wire.ts";
import { subgraphModules } from "../subgraphs/registry.ts";
import { BENCH_RATE_LIMITS, cpuMs, root, start, stopAll, waitFor } from "./benchSupport.ts";
import { envelopeEnv } from "./devKeys.ts";

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const only = (process.env.BENCH_OPERATIONS ?? "").split(",").filter(Boolean);
const nodeArgs = (name: string) => (process.env[name] ?? "").split(" ").filter(Boolean);

export const operations: Array<{ name: string; query: string; headers?: Record<string, string> }> = [
  {
    name: "my street (7 subgraphs, logged in)",
    query: `query MyStreet {
      street(id: "street-linfenlu") {
        name population
        hospitals(kind: COMMUNITY_HEALTH_CENTRE) { name }
        schools { name stage }
        fitnessPoints { name maintenanceStatus equipmentCount }
        cultureVenues { name kind }
        sportsVenues { name }
        parkingFacilities(kind: GARAGE) { name availability { freeSpaces totalSpaces } }
        enterprises(first: 5) { totalCount nodes { name industryName } }
      }
    }`,
  },
  {
    // Wide fan-out (issue 16): nested lists over six subgraphs with fragments; Apollo's plan has 16 fetches, several
    // of them to one subgraph in parallel (streets' and departments' facilities; hospitals' street and department).
    name: "wide fan-out (6 subgraphs, 16 planned fetches)",
    query: `query WideFanOut {
      streets {
        ...StreetCard
        hospitals { ...Place street { name } department { ...Dept } }
        schools { name stage street { name } department { ...Dept } }
        cultureVenues { name kind department { ...Dept } }
        sportsVenues { name kind department { ...Dept } }
        parkingFacilities(kind: GARAGE) { name totalSpaces department { ...Dept } }
        fitnessPoints { name equipmentCount maintenanceStatus }
      }
      departments { ...Dept healthFacilities(kind: GENERAL) { name } parkingFacilities(kind: GARAGE) { name } sportsVenues { name } }
    }
    fragment StreetCard on Street { id name population office { ...Dept } }
    fragment Place on Hospital { name kind level }
    fragment Dept on Department { name shortName }`,
  },
  {
    name: "street dashboard (catalog + health)",
    query: `query StreetDashboard {
      street(id: "street-linfenlu") {
        name population
        hospitals { name kind level department { name } }
        resources(first: 5) { nodes { name classification } }
      }
    }`,
  },
  {
    name: "100 hospitals with street and department",
    query: `query HospitalList {
      hospitals(first: 100) { nodes { name kind street { name } department { name } } }
    }`,
  },
  {
    // Health records with a declared purpose that does not give clear view: notes and identities are masked by our
    // gateway after the subgraphs answer, and every request writes one audit record. The plain gateway does neither.
    // The four pilot homes are the only ones with follow-ups, as when health listed all 16 homes; the homes' names
    // are civil affairs' (registry-only, not in the committed supergraph), so the bench asks for the pilot hospital.
    name: "nursing-home follow-ups, masked + audited",
    headers: { "x-og-purpose": "public-health" },
    query: `query FollowUps {
      internetHospitalPilotHomes { id internetHospital { name } followUps { scheduledAt condition notes resident { name idNumber } } }
    }`,
  },
  {
    name: "open-data list page (catalog only)",
    query: `query OpenData {
      openDataList(first: 50) { nodes { code name updateFrequency ownerDepartment { name } } }
    }`,
  },
];

async function subgraphRequests(ports: number[]): Promise<number> {
  let total = 0;
  for (const port of ports) {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    total += Number(/og_subgraph_requests_total\{[^}]*\} (\d+)/.exec(text)?.[1] ?? 0);
  }
  return total;
}

interface Measurement {
  rps: number;
  p50: number;
  p99: number;
  cpuMsPerRequest: number;
  fetchesPerRequest: number;
  /** Subgraph requests for one request sent alone before the load (exact: nothing else in flight). */
  fetchesAlone: number;
  errors: number;
}

let authorization = "";

async function measure(
  url: string,
  pid: number,
  { query, headers: extra = {} }: { query: string; headers?: Record<string, string> },
  ports: number[],
): Promise<Measurement> {
  const body = JSON.stringify({ query });
  const headers: Record<string, string> = { "content-type": "application/json", ...extra };
  if (authorization) headers.authorization = authorization;
  const request = { url, method: "POST" as const, headers, body };
  // Check the answer once (graphql-request throws on any GraphQL error): a benchmark of errors measures nothing.
  // Sent alone, it also gives the subgraph requests one request costs: the least of three in a row, since requests
  // left in flight by the previous run may still be finishing.
  let fetchesAlone = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i += 1) {
    const before = await subgraphRequests(ports);
    await rawRequest({ url, query, requestHeaders: headers }).catch((error: unknown) => {
      throw new Error(`operation failed through ${url}: ${error instanceof Error ? error.message : String(error)}`);
    });
    fetchesAlone = Math.min(fetchesAlone, (await subgraphRequests(ports)) - before);
  }
  await autocannon({ ...request, connections, duration: 2 }); // warm-up: JIT, query-plan cache, connections
  const cpuBefore = await cpuMs(pid);
  const fetchesBefore = await subgraphRequests(ports);
  const result = await autocannon({ ...request, connections, duration: seconds });
  const cpuAfter = await cpuMs(pid);
  const fetchesAfter = await subgraphRequests(ports);
  const requests = result.requests.total;
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuMsPerRequest: (cpuAfter - cpuBefore) / requests,
    fetchesPerRequest: (fetchesAfter - fetchesBefore) / requests,
    fetchesAlone,
    errors: result.errors + result.non2xx,
  };
}

function average(runs: Measurement[]): Measurement {
  const mean = (pick: (m: Measurement) => number) => runs.reduce((sum, m) => sum + pick(m), 0) / runs.length;
  return {
    rps: mean((m) => m.rps),
    p50: mean((m) => m.p50),
    p99: mean((m) => m.p99),
    cpuMsPerRequest: mean((m) => m.cpuMsPerRequest),
    fetchesPerRequest: mean((m) => m.fetchesPerRequest),
    fetchesAlone: mean((m) => m.fetchesAlone),
    errors: runs.reduce((sum, m) => sum + m.errors, 0),
  };
}

const dataDir = await mkdtemp(join(tmpdir(), "og-bench-"));
const keyEnv = envelopeEnv(generateEnvelopeKeys());
try {
  const ports = subgraphModules.map((_, i) => 4500 + i);
  // The legacy city platform behind parking, without injected failures (a benchmark of errors measures nothing).
  start(["legacy/cityParkingPlatform/main.ts"], { PORT: "4599", FAILURE_RATE: "0" });
  await waitFor("http://127.0.0.1:4599/api/v1/health");
  await Promise.all(
    subgraphModules.map((module, i) => {
      start(["scripts/subgraph.ts", module.name], {
        ...keyEnv,
        PORT: String(ports[i]),
        DATA_DIR: join(dataDir, module.name),
        CITY_PARKING_PLATFORM_URL: "http://127.0.0.1:4599",
      });
      return waitFor(`http://127.0.0.1:${ports[i]}/healthz`);
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
  await waitFor("http://127.0.0.1:4490/readyz");
  // Operations beyond public fields run as a logged-in officer (a real login at the identity service).
  const login = await fetch("http://127.0.0.1:4490/oauth/token", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "password", username: "officer.health", password: "Officer#2026" }),
  });
  const { access_token: token } = (await login.json()) as { access_token: string };
  // Access tokens live five minutes: longer runs (BENCH_SECONDS × rounds × 10 > 300) would need a refresh.
  authorization = `Bearer ${token}`;
  const plainSupergraph = join(dataDir, "supergraph.graphql");
  let sdl = await readFile(join(root, "schema/supergraph.graphql"), "utf8");
  for (const [i, module] of subgraphModules.entries()) {
    sdl = sdl.replaceAll(`http://127.0.0.1:${module.defaultPort}/graphql`, `http://127.0.0.1:${ports[i]}/graphql`);
  }
  await import("node:fs/promises").then((fs) => fs.writeFile(plainSupergraph, sdl));
  const plain = start([...nodeArgs("BENCH_PLAIN_NODE_ARGS"), "scripts/plainGateway.ts"], {
    ...keyEnv,
    PORT: "4491",
    SUPERGRAPH_PATH: plainSupergraph,
    NODE_ENV: "production",
    // The same caller the subgraphs see behind our gateway (the plain one verifies no tokens).
    PLAIN_GATEWAY_PRINCIPAL: JSON.stringify(districtPrincipal(jwt.decode(token) as JwtPayload)),
  });
  await waitFor("http://127.0.0.1:4491/graphql?query=%7B__typename%7D");

  const setup = `${rounds} × ${seconds} s per gateway and operation (alternating), ${connections} connections`;
  console.log(`\nJing'an One Graph benchmark — ${setup}, Node ${process.version}\n`);

  const header = ["operation", "gateway", "req/s", "p50 ms", "p99 ms", "CPU ms/req", "fetches/req", "errors"];
  const rows: string[][] = [];
  const summaries: Array<[ours: Measurement, plain: Measurement]> = [];
  const selected = operations.filter((o) => only.length === 0 || only.some((part) => o.name.includes(part)));
  for (const operation of selected) {
    // Alternate which gateway goes first, so neither always meets the warmer (or more tired) subgraphs.
    const oursRuns: Measurement[] = [];
    const plainRuns: Measurement[] = [];
    for (let round = 0; round < rounds; round += 1) {
      const runOurs = () => measure("http://127.0.0.1:4490/graphql", ours.pid!, operation, ports);
      const runPlain = () => measure("http://127.0.0.1:4491/graphql", plain.pid!, operation, ports);
      if (round % 2 === 0) {
        oursRuns.push(await runOurs());
        plainRuns.push(await runPlain());
      } else {
        plainRuns.push(await runPlain());
        oursRuns.push(await runOurs());
      }
    }
    const a = average(oursRuns);
    const b = average(plainRuns);
    summaries.push([a, b]);
    const fmt = (m: Measurement) => [
      m.rps.toFixed(0),
      m.p50.toFixed(1),
      m.p99.toFixed(1),
      m.cpuMsPerRequest.toFixed(2),
      m.fetchesPerRequest.toFixed(2),
      String(m.errors),
    ];
    rows.push([operation.name, "ours", ...fmt(a)]);
    rows.push(["", "plain", ...fmt(b)]);
    rows.push([
      "",
      "ours/plain",
      (a.rps / b.rps).toFixed(2),
      (a.p50 / b.p50).toFixed(2),
      (a.p99 / b.p99).toFixed(2),
      (a.cpuMsPerRequest / b.cpuMsPerRequest).toFixed(2),
      (a.fetchesPerRequest / b.fetchesPerRequest).toFixed(2),
      "",
    ]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of rows) console.log(line(row));
  console.log();
  // Subgraph HTTP requests per client request (issue 16: fewer fetches). Alone: one request with nothing else in
  // flight (exact; what batching saves). Under load: the table's figure, which also counts what identical concurrent
  // fetches of the same principal shared (every connection here sends the same operation as the same officer).
  console.log("subgraph requests per client request, plain Apollo → ours");
  console.log(`  ${"operation".padEnd(widths[0]!)}  alone (exact)     under load (${connections} connections)`);
  for (const [i, operation] of selected.entries()) {
    const [a, b] = summaries[i]!;
    const alone = `${b.fetchesAlone.toFixed(0)} → ${a.fetchesAlone.toFixed(0)}`;
    const loaded = `${b.fetchesPerRequest.toFixed(2)} → ${a.fetchesPerRequest.toFixed(2)}`;
    console.log(`  ${operation.name.padEnd(widths[0]!)}  ${alone.padEnd(16)}  ${loaded}`);
  }
  console.log();
  // Resident memory of each gateway process after the runs, and its peak (issue 16: memory under load).
  const rss = async (pid: number) => {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024;
    return `${kb("VmRSS").toFixed(0)} MB (peak ${kb("VmHWM").toFixed(0)} MB)`;
  };
  console.log(`gateway resident memory after the runs: ours ${await rss(ours.pid!)}, plain ${await rss(plain.pid!)}`);
  console.log();
} finally {
  await stopAll();
  await rm(dataDir, { recursive: true, force: true });
}
