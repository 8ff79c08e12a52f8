/**
 * `tsx scripts/benchHotpath.ts`: the one-fetch operations of `npm run bench` (open-data list page, nursing-home
 * follow-ups masked + audited) through our gateway and a plain Apollo Gateway, with only the four subgraphs they need
 * (catalog, health, identity, audit) — quick enough to run with a profiler and on a loaded machine (issue 16).
 *
 * Prints gateway CPU ms per request (user + system from /proc, as `npm run bench`; in brackets the part V8's helper
 * threads spent, mostly the garbage collector's concurrent and parallel work), requests/s, the load average
 * beside each figure, and each gateway's resident memory (now and peak) after the runs.
 * Environment: BENCH_SECONDS (default 8), BENCH_ROUNDS (2), BENCH_CONNECTIONS (1), BENCH_PORT_BASE (4800; other
 * helpers' benchmarks use 4490–4599), BENCH_OURS_SEMI_SPACE (16: MB per semi-space, as deployed; empty for V8's
 * default), BENCH_OURS_NODE_ARGS / BENCH_PLAIN_NODE_ARGS (extra node options, e.g.
 * `--cpu-prof --cpu-prof-dir=/tmp/prof`), BENCH_SUBGRAPH_NODE_ARGS (the same for the four subgraphs), BENCH_OURS_ENV (JSON object of extra variables for our gateway),
 * BENCH_OURS_ENTRY (default gateway/main.ts), BENCH_BEFORE_ENTRY (another build of ours, e.g. a `git archive` of an
 * earlier commit, measured in the same run as "before": ratios ours/before share one machine load), BENCH_BEFORE_ENV
 * (JSON object of extra variables for "before": e.g. `BENCH_BEFORE_ENTRY=gateway/main.ts
 * BENCH_BEFORE_ENV='{"EXECUTOR":"apollo"}'` measures Apollo's executor against ours in one run).
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import jwt, { type JwtPayload } from "jsonwebtoken";
import { districtPrincipal } from "../gateway/auth/tokenVerifier.ts";
import { generateEnvelopeKeys } from "../lib/wire.ts";
import { subgraphModules } from "../subgraphs/registry.ts";
import { BENCH_RATE_LIMITS, cpuMs, helperCpuMs, root, start, stopAll, waitFor } from "./benchSupport.ts";
import { envelopeEnv } from "./devKeys.ts";

const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 1);
const base = Number(process.env.BENCH_PORT_BASE ?? 4800);
const nodeArgs = (name: string) => (process.env[name] ?? "").split(" ").filter(Boolean);
/** Our gateway as deployed (deploy/base/gateway/gateway.yaml NODE_OPTIONS); BENCH_OURS_SEMI_SPACE= (empty) for V8's default. */
const semiSpaceMb = process.env.BENCH_OURS_SEMI_SPACE ?? "16";
const semiSpace = semiSpaceMb ? [`--max-semi-space-size=${semiSpaceMb}`] : [];

/** The same operations as scripts/bench.ts. */
const operations = [
  {
    name: "open-data list page (catalog only)",
    headers: {} as Record<string, string>,
    query: `query OpenData {
      openDataList(first: 50) { nodes { code name updateFrequency ownerDepartment { name } } }
    }`,
  },
  {
    name: "nursing-home follow-ups, masked + audited",
    headers: { "x-og-purpose": "public-health" } as Record<string, string>,
    query: `query FollowUps {
      internetHospitalPilotHomes { id internetHospital { name } followUps { scheduledAt condition notes resident { name idNumber } } }
    }`,
  },
].filter(
  (o) => !process.env.BENCH_OPERATIONS || process.env.BENCH_OPERATIONS.split(",").some((p) => o.name.includes(p)),
);

const ALL = subgraphModules.map((m) => m.name);
const STARTED = ["catalog", "health", "identity", "audit"];
const portOf = (name: string) => base + ALL.indexOf(name);

async function memory(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const mb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024;
  return { rss: mb("VmRSS"), peak: mb("VmHWM") };
}

const load = () => loadavg()[0]!.toFixed(1);

const dataDir = await mkdtemp(join(tmpdir(), "og-hotpath-"));
const keyEnv = {
  ...envelopeEnv(generateEnvelopeKeys()),
  // identity's register of residence, as `npm run bench` and `npm start` configure it: without it the officer reaches
  // no resident, the follow-ups answer is empty and the masked operation masks and audits no subject.
  RESIDENT_DIRECTORY_KEY: randomBytes(32).toString("base64url"),
};
try {
  await Promise.all(
    STARTED.map((name) => {
      start([...nodeArgs("BENCH_SUBGRAPH_NODE_ARGS"), "scripts/subgraph.ts", name], {
        ...keyEnv,
        PORT: String(portOf(name)),
        DATA_DIR: join(dataDir, name),
        RESIDENT_DIRECTORY_URL: `http://127.0.0.1:${portOf("identity")}/residents/streets`,
      });
      return waitFor(`http://127.0.0.1:${portOf(name)}/healthz`, 600_000);
    }),
  );
  const urls = ALL.map((name) => `${name}=http://127.0.0.1:${portOf(name)}/graphql`).join(",");
  const oursPort = base + 90;
  const plainPort = base + 91;
  const beforePort = base + 92;
  const startOurs = (entry: string, port: number, env: Record<string, string>) =>
    start([...semiSpace, ...nodeArgs("BENCH_OURS_NODE_ARGS"), entry], {
      ...keyEnv,
      PORT: String(port),
      SUBGRAPH_URLS: urls,
      IDENTITY_URL: `http://127.0.0.1:${portOf("identity")}`,
      AUDIT_URL: `http://127.0.0.1:${portOf("audit")}`,
      NODE_ENV: "production",
      RATE_LIMITS: BENCH_RATE_LIMITS,
      RATE_LIMITS_SOURCE: "setting",
      SUBGRAPH_BATCHING: "all",
      ...env,
    });
  const envOf = (name: string) => JSON.parse(process.env[name] ?? "{}") as Record<string, string>;
  const ours = startOurs(process.env.BENCH_OURS_ENTRY ?? "gateway/main.ts", oursPort, envOf("BENCH_OURS_ENV"));
  // Another build of ours measured in the same run (a "before"), so before/after ratios share one machine load.
  const before = process.env.BENCH_BEFORE_ENTRY
    ? startOurs(process.env.BENCH_BEFORE_ENTRY, beforePort, envOf("BENCH_BEFORE_ENV"))
    : null;
  await waitFor(`http://127.0.0.1:${oursPort}/healthz`, 600_000);
  if (before) await waitFor(`http://127.0.0.1:${beforePort}/healthz`, 600_000);
  const login = await fetch(`http://127.0.0.1:${oursPort}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "password", username: "officer.health", password: "Officer#2026" }),
  });
  const { access_token: token } = (await login.json()) as { access_token: string };
  let sdl = await readFile(join(root, "schema/supergraph.graphql"), "utf8");
  for (const module of subgraphModules) {
    sdl = sdl.replaceAll(
      `http://127.0.0.1:${module.defaultPort}/graphql`,
      `http://127.0.0.1:${portOf(module.name)}/graphql`,
    );
  }
  const plainSupergraph = join(dataDir, "supergraph.graphql");
  await writeFile(plainSupergraph, sdl);
  const plain = start([...nodeArgs("BENCH_PLAIN_NODE_ARGS"), "scripts/plainGateway.ts"], {
    ...keyEnv,
    PORT: String(plainPort),
    SUPERGRAPH_PATH: plainSupergraph,
    NODE_ENV: "production",
    PLAIN_GATEWAY_PRINCIPAL: JSON.stringify(districtPrincipal(jwt.decode(token) as JwtPayload)),
  });
  await waitFor(`http://127.0.0.1:${plainPort}/graphql?query=%7B__typename%7D`, 600_000);

  console.log(
    `\nhot path — ${rounds} × ${seconds} s per gateway and operation (alternating), ${connections} connections, Node ${process.version}\n`,
  );
  for (const operation of operations) {
    const headers: Record<string, string> = {
      "content-type": "application/json",
      authorization: `Bearer ${token}`,
      ...operation.headers,
    };
    const body = JSON.stringify({ query: operation.query });
    const answerBytes = new Map<number, number>();
    const run = async (port: number, pid: number) => {
      const url = `http://127.0.0.1:${port}/graphql`;
      const check = await fetch(url, { method: "POST", headers, body });
      const text = await check.text();
      const answer = JSON.parse(text) as { errors?: unknown };
      if (!check.ok || answer.errors) throw new Error(`${url}: ${check.status} ${JSON.stringify(answer.errors)}`);
      answerBytes.set(port, text.length);
      await autocannon({ url, method: "POST", headers, body, connections, duration: 2 });
      const [before, helpersBefore] = [await cpuMs(pid), await helperCpuMs(pid)];
      const loadBefore = loadavg()[0]!;
      const result = await autocannon({ url, method: "POST", headers, body, connections, duration: seconds });
      const cpu = ((await cpuMs(pid)) - before) / result.requests.total;
      const helpers = ((await helperCpuMs(pid)) - helpersBefore) / result.requests.total;
      const errors = result.errors + result.non2xx;
      return { cpu, helpers, rps: result.requests.average, errors, load: (loadBefore + loadavg()[0]!) / 2 };
    };
    type Run = Awaited<ReturnType<typeof run>>;
    const gateways = [
      { name: "ours", port: oursPort, pid: ours.pid!, runs: [] as Run[] },
      ...(before ? [{ name: "before", port: beforePort, pid: before.pid!, runs: [] as Run[] }] : []),
      { name: "plain", port: plainPort, pid: plain.pid!, runs: [] as Run[] },
    ];
    // The order rotates each round, so no gateway always runs first (or right after another).
    for (let round = 0; round < rounds; round += 1) {
      for (let i = 0; i < gateways.length; i += 1) {
        const gateway = gateways[(round + i) % gateways.length]!;
        gateway.runs.push(await run(gateway.port, gateway.pid));
      }
    }
    const fmt = (runs: Run[]) =>
      runs
        .map(
          (r) =>
            `${r.cpu.toFixed(2)} ms (${r.rps.toFixed(0)} req/s, load ${r.load.toFixed(1)}${r.errors ? `, ${r.errors} errors` : ""})`,
        )
        .join("; ");
    const mean = (runs: Run[], of: (r: Run) => number = (r) => r.cpu) =>
      runs.reduce((s, r) => s + of(r), 0) / runs.length;
    console.log(
      `${operation.name} (answer ${answerBytes.get(oursPort)} characters through ours, ${answerBytes.get(plainPort)} through plain)`,
    );
    for (const gateway of gateways) {
      console.log(
        `  ${gateway.name.padEnd(6)} CPU/req ${mean(gateway.runs).toFixed(2)} ms (V8 helper threads ${mean(gateway.runs, (r) => r.helpers).toFixed(2)})  runs: ${fmt(gateway.runs)}`,
      );
    }
    const plainMean = mean(gateways.at(-1)!.runs);
    for (const gateway of gateways.slice(0, -1)) {
      console.log(`  ${gateway.name}/plain ${(mean(gateway.runs) / plainMean).toFixed(2)}`);
    }
    if (before) console.log(`  ours/before ${(mean(gateways[0]!.runs) / mean(gateways[1]!.runs)).toFixed(2)}`);
  }
  const [a, b] = [await memory(ours.pid!), await memory(plain.pid!)];
  const c = before ? await memory(before.pid!) : undefined;
  const beforeMemory = c ? `, before ${c.rss.toFixed(0)} MB (peak ${c.peak.toFixed(0)})` : "";
  console.log(
    `\nresident memory after the runs: ours ${a.rss.toFixed(0)} MB (peak ${a.peak.toFixed(0)})${beforeMemory}, plain ${b.rss.toFixed(0)} MB (peak ${b.peak.toFixed(0)}); load ${load()}\n`,
  );
} finally {
  await stopAll();
  await new Promise((resolve) => setTimeout(resolve, 3000)); // profiles are written on exit
  await rm(dataDir, { recursive: true, force: true });
}
