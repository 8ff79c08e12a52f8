/**
 * `npm run bench:attack`: the fragment fan-out attack (安全防护) against our gateway, measured.
 *
 * The hostile documents spread fragments that each spread the next twice —
 * `query Q{...F0} fragment F0 on Query{...F1 ...F1} … fragment F22 on Query{streets{id name}}` — so 22 levels ask for
 * 2^22 expansions and 30 levels for 2^30, from a few hundred bytes. Before the one-view change the gateway walked
 * every expansion on its event loop (about 6.4 s for 22 levels) and every other request waited.
 *
 * Printed: (1) each document's answer and latency, sent one at a time (must be a coded 400 in under 50 ms), and the
 * gateway CPU time per refused document; (2) a benign client's p99 latency alone and while an attacker — its own
 * process at a lower CPU priority (a real one runs on its own machine), one connection, sending the documents back
 * to back — keeps attacking, in alternating rounds, with the ratio (must stay within 1.5×).
 *
 * Runs the catalog subgraph (PGlite, seeded) and the gateway (production mode) as separate processes on ports
 * BENCH_ATTACK_PORT (default 4720) and +1. Environment: BENCH_SECONDS per round (default 8), BENCH_CONNECTIONS for
 * the benign client (default 10), BENCH_ROUNDS (default 2).
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { generateEnvelopeKeys } from "../lib/wire.ts";
import catalog from "../subgraphs/catalog/index.ts";
import { BENCH_RATE_LIMITS, cpuMs, root, start, stopAll, waitFor } from "./benchSupport.ts";
import { composeSupergraph } from "./composeSupergraph.ts";
import { envelopeEnv } from "./devKeys.ts";

const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const basePort = Number(process.env.BENCH_ATTACK_PORT ?? 4720);

const fanOut = (levels: number) =>
  `query Q{...F0} ${Array.from({ length: levels }, (_, i) => `fragment F${i} on Query{...F${i + 1} ...F${i + 1}}`).join(" ")} fragment F${levels} on Query{streets{id name}}`;
const attacks = [
  { name: "fan-out, 22 levels", query: fanOut(22) },
  { name: "fan-out, 30 levels", query: fanOut(30) },
];
const BENIGN = `query StreetCard { street(id: "street-linfenlu") { name population } openDataList(first: 20) { nodes { name } } }`;

/**
 * The attacker, run as its own process (`tsx scripts/benchAttack.ts --attacker <url> <ms>`) so that it does not share
 * the benign load generator's event loop: one connection, the documents alternately, back to back.
 */
if (process.argv[2] === "--attacker") {
  const [target, duration] = [process.argv[3] as string, Number(process.argv[4])];
  const until = Date.now() + duration;
  const latencies: number[] = [];
  let refused = 0;
  let other = 0;
  for (let i = 0; Date.now() < until; i += 1) {
    const started = performance.now();
    const response = await fetch(target, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: attacks[i % attacks.length]?.query }),
    });
    const body = (await response.json()) as any;
    latencies.push(performance.now() - started);
    if (response.status === 400 && body.errors?.[0]?.extensions?.code === "OPERATION_LIMIT_EXCEEDED") refused += 1;
    else other += 1;
  }
  process.stdout.write(JSON.stringify({ latencies, refused, other }));
  process.exit(0);
}

const dataDir = await mkdtemp(join(tmpdir(), "og-bench-attack-"));
const keyEnv = envelopeEnv(generateEnvelopeKeys());
const catalogPort = basePort;
const gatewayPort = basePort + 1;
const url = `http://127.0.0.1:${gatewayPort}/graphql`;

async function send(query: string): Promise<{ ms: number; status: number; code: unknown; body: any }> {
  const started = performance.now();
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as any;
  return { ms: performance.now() - started, status: response.status, code: body.errors?.[0]?.extensions?.code, body };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

async function benign(): Promise<{ p50: number; p99: number; rps: number; errors: number }> {
  const result = await autocannon({
    url,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: BENIGN }),
    connections,
    duration: seconds,
  });
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    rps: result.requests.average,
    errors: result.errors + result.non2xx,
  };
}

/** Starts the attacker process for `durationMs`; resolves with what it saw. */
function attacker(durationMs: number): Promise<{ latencies: number[]; refused: number; other: number }> {
  return new Promise((resolve, reject) => {
    // At a lower CPU priority: a real attacker runs on its own machine, and its CPU is not the gateway's to spend.
    const child = spawn(
      "nice",
      [
        "-n",
        "10",
        process.execPath,
        "--import",
        "tsx",
        "scripts/benchAttack.ts",
        "--attacker",
        url,
        String(durationMs),
      ],
      { cwd: root, stdio: ["ignore", "pipe", "inherit"] },
    );
    let output = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      output += chunk;
    });
    child.once("exit", (code) =>
      code === 0 ? resolve(JSON.parse(output)) : reject(new Error(`the attacker exited with ${code}`)),
    );
  });
}

try {
  start(["scripts/subgraph.ts", "catalog"], {
    ...keyEnv,
    PORT: String(catalogPort),
    DATA_DIR: join(dataDir, "catalog"),
  });
  await waitFor(`http://127.0.0.1:${catalogPort}/healthz`);
  const composed = composeSupergraph([
    { name: "catalog", url: `http://127.0.0.1:${catalogPort}/graphql`, typeDefs: catalog.typeDefs },
  ]);
  if (!composed.ok) throw new Error(composed.errors.join("\n"));
  const supergraph = join(dataDir, "supergraph.graphql");
  await writeFile(supergraph, composed.supergraphSdl);
  const gateway = start(["gateway/main.ts"], {
    ...keyEnv,
    PORT: String(gatewayPort),
    SUPERGRAPH_PATH: supergraph,
    NODE_ENV: "production",
    // Anonymous, public reads only: no tokens to verify, nothing classified to audit.
    IDENTITY_URL: "http://127.0.0.1:9",
    AUDIT_URL: "http://127.0.0.1:9",
    POLICY_POLL_MS: "60000",
    // The fan-out defence alone: the attacker's address is counted, never refused (the defaults would refuse it).
    RATE_LIMITS: BENCH_RATE_LIMITS,
    RATE_LIMITS_SOURCE: "setting",
  });
  await waitFor(`http://127.0.0.1:${gatewayPort}/readyz`);
  const check = await send(BENIGN);
  if (check.status !== 200 || check.body.errors) throw new Error(`benign query failed: ${JSON.stringify(check.body)}`);

  console.log(`\nFragment fan-out attack — Node ${process.version}, gateway in production mode\n`);
  for (const attack of attacks) {
    const answers = [];
    for (let i = 0; i < 30; i += 1) answers.push(await send(attack.query));
    const first = answers[0]!;
    const extensions = first.body.errors?.[0]?.extensions ?? {};
    const ms = answers.map((a) => a.ms);
    const allRefused = answers.every((a) => a.status === 400 && a.code === "OPERATION_LIMIT_EXCEEDED");
    console.log(
      `${attack.name} (${Buffer.byteLength(attack.query)} bytes): ${first.status} ${first.code} ` +
        `(${extensions.limit} ${extensions.measured} > ${extensions.max})${allRefused ? "" : " — NOT ALL REFUSED"}; ` +
        `30 sequential: p50 ${percentile(ms, 50).toFixed(1)} ms, max ${Math.max(...ms).toFixed(1)} ms`,
    );
  }
  // Gateway CPU per refused document: 1,000 of them, one at a time.
  const cpuBefore = await cpuMs(gateway.pid as number);
  for (let i = 0; i < 1000; i += 1) await send(attacks[i % attacks.length]?.query as string);
  const cpuPerRefusal = ((await cpuMs(gateway.pid as number)) - cpuBefore) / 1000;
  console.log(`gateway CPU per refused document: ${cpuPerRefusal.toFixed(2)} ms (1,000 refusals, one at a time)`);

  await benign(); // warm-up: JIT, plan cache, connections
  const alone: number[] = [];
  const attacked: number[] = [];
  const attackLatencies: number[] = [];
  let refused = 0;
  let notRefused = 0;
  let benignErrors = 0;
  for (let round = 0; round < rounds; round += 1) {
    const runAlone = async () => {
      const result = await benign();
      benignErrors += result.errors;
      alone.push(result.p99);
    };
    const runAttacked = async () => {
      // The attacker starts first and outlasts the benign run, so the whole run is under attack.
      const attack = attacker(seconds * 1000 + 2500);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const result = await benign();
      const outcome = await attack;
      benignErrors += result.errors;
      attacked.push(result.p99);
      attackLatencies.push(...outcome.latencies);
      refused += outcome.refused;
      notRefused += outcome.other;
    };
    // Alternate which goes first, so neither always meets the warmer machine.
    if (round % 2 === 0) {
      await runAlone();
      await runAttacked();
    } else {
      await runAttacked();
      await runAlone();
    }
  }
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const ratio = mean(attacked) / mean(alone);
  console.log(
    `\nbenign client (${connections} connections, ${rounds} × ${seconds} s each way): ` +
      `p99 alone ${mean(alone).toFixed(1)} ms, under attack ${mean(attacked).toFixed(1)} ms — ` +
      `under attack / alone ${ratio.toFixed(2)} (limit 1.50), benign errors ${benignErrors}`,
  );
  console.log(
    `attacker (own process, one connection): ${refused} documents refused with 400 OPERATION_LIMIT_EXCEEDED (${notRefused} other answers), ` +
      `refusal latency under load p50 ${percentile(attackLatencies, 50).toFixed(1)} ms, ` +
      `p99 ${percentile(attackLatencies, 99).toFixed(1)} ms\n`,
  );
  if (ratio > 1.5 || notRefused > 0 || benignErrors > 0) process.exitCode = 1;
} finally {
  await stopAll();
  await rm(dataDir, { recursive: true, force: true });
}
