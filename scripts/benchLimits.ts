/**
 * `npm run bench:limits`: what rate limits and quotas cost (docs/limits.md).
 *
 * 1. Gateway CPU per request with limits off and on, in the same run: the catalog subgraph (PGlite, seeded) and one
 *    gateway process per mode on the same supergraph, loaded in turn by autocannon with a public query; the gateway's
 *    CPU time comes from /proc. "on" counts every request twice — its request rate and, through a daily cost budget
 *    given to anonymous callers for the measurement, its estimated cost — in memory, and, when Redis answers, in
 *    Redis. The order of the modes rotates every round, so none always meets the warmer machine. Prints CPU ms per
 *    request and the ratio on/off (target ≤ 1.05): of the modes' medians, and the median of each round's own ratio.
 *    Counting is leased (gateway/limits/leasedCounter.ts, RATE_LIMIT_MAX_LEASE): most decisions ask no store.
 * 2. Microseconds per limiter decision in this process: memory, and Redis one at a time and 50 at once.
 *
 * Redis: BENCH_REDIS_URL, else OG_TEST_REDIS_URL, else redis://127.0.0.1:6379; keys under a prefix of this run only,
 * which expire within a minute (request windows) or two days (budgets). Without Redis, its lines are skipped.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { Redis } from "ioredis";
import { createLimitStore } from "../gateway/limits/limitStore.ts";
import { createRateLimiter } from "../gateway/limits/rateLimiter.ts";
import { LIMITED_KINDS } from "../lib/contracts/principal.ts";
import { rateLimitPolicy, rateLimitRulesSchema } from "../lib/limits/rateLimitRules.ts";
import { createLogger } from "../lib/log.ts";
import { ANONYMOUS } from "../lib/principal.ts";
import { generateEnvelopeKeys } from "../lib/wire.ts";
import catalog from "../subgraphs/catalog/index.ts";
import { cpuMs, start, stopAll, waitFor } from "./benchSupport.ts";
import { composeSupergraph } from "./composeSupergraph.ts";
import { envelopeEnv } from "./devKeys.ts";

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const rounds = Number(process.env.BENCH_ROUNDS ?? 4);
const basePort = Number(process.env.BENCH_LIMITS_PORT ?? 4740);
const decisions = Number(process.env.BENCH_DECISIONS ?? 20_000);
const redisUrl = process.env.BENCH_REDIS_URL ?? process.env.OG_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `og:bench:rate-limit:${randomBytes(6).toString("hex")}:`;

const QUERY = `query StreetCard { street(id: "street-linfenlu") { name population } openDataList(first: 20) { nodes { name } } }`;

/** Counted, never refused: the request rate of every tier, and a daily budget for anonymous callers too. */
const COUNTED = {
  tiers: Object.fromEntries(
    LIMITED_KINDS.map((kind) => [
      kind,
      { rate: { requests: 1_000_000_000, perSeconds: 60 }, dailyCost: 1_000_000_000_000 },
    ]),
  ),
};

async function redisAnswers(): Promise<boolean> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1_000 });
  redis.on("error", () => {});
  try {
    await redis.connect();
    return (await redis.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
/** The median of the rounds: one round disturbed by other work on the machine moves it least. */
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};
const round2 = (value: number) => Math.round(value * 100) / 100;

/** µs per decision: `total` decisions, `concurrency` in flight at a time. */
async function decisionMicros(store: "memory" | "redis", total: number, concurrency: number): Promise<number> {
  const limiter = createRateLimiter({
    policy: rateLimitPolicy(rateLimitRulesSchema.parse(COUNTED)),
    store: await createLimitStore({
      redisUrl: store === "redis" ? redisUrl : undefined,
      keyPrefix: prefix,
      timeoutMs: 1_000,
      log: createLogger({ service: "bench", level: "silent" }),
    }),
    fallbacks: { requests: "closed", dailyCost: "closed", oauth: "closed" },
  });
  try {
    // 1,000 addresses, as from a crowd of anonymous callers.
    const address = (i: number) => `10.0.${(i >> 8) & 3}.${i & 255}`;
    for (let i = 0; i < Math.min(2_000, total); i += 1) await limiter.request(ANONYMOUS, address(i));
    const started = performance.now();
    for (let i = 0; i < total; i += concurrency) {
      await Promise.all(
        Array.from({ length: Math.min(concurrency, total - i) }, (_, j) => limiter.request(ANONYMOUS, address(i + j))),
      );
    }
    return round2(((performance.now() - started) * 1000) / total);
  } finally {
    await limiter.close();
  }
}

const dataDir = await mkdtemp(join(tmpdir(), "og-bench-limits-"));
const keyEnv = envelopeEnv(generateEnvelopeKeys());
try {
  const withRedis = await redisAnswers();
  const catalogPort = basePort;
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

  const modeList: Array<{ name: string; env: Record<string, string> }> = [
    { name: "off", env: { RATE_LIMITS: JSON.stringify({ enabled: false }) } },
    { name: "on (memory)", env: { RATE_LIMITS: JSON.stringify(COUNTED) } },
    ...(withRedis ? [{ name: "on (Redis)", env: { RATE_LIMITS: JSON.stringify(COUNTED), REDIS_URL: redisUrl } }] : []),
  ];
  const modes = modeList.map((mode, i) => {
    const port = basePort + 1 + i;
    const child = start(["gateway/main.ts"], {
      ...keyEnv,
      ...mode.env,
      PORT: String(port),
      SUPERGRAPH_PATH: supergraph,
      NODE_ENV: "production",
      RATE_LIMIT_KEY_PREFIX: prefix,
      RATE_LIMITS_SOURCE: "setting",
      // Anonymous, public reads only: no tokens to verify, nothing classified to audit.
      IDENTITY_URL: "http://127.0.0.1:9",
      AUDIT_URL: "http://127.0.0.1:9",
      POLICY_POLL_MS: "60000",
    });
    return { ...mode, port, pid: child.pid as number, cpuPerRequest: [] as number[], rps: [] as number[] };
  });
  for (const mode of modes) await waitFor(`http://127.0.0.1:${mode.port}/readyz`);

  const load = (port: number, duration: number) =>
    autocannon({
      url: `http://127.0.0.1:${port}/graphql`,
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: QUERY }),
      connections,
      duration,
    });
  for (const mode of modes) await load(mode.port, 2); // warm-up: JIT, plan cache, connections

  console.log(
    `\nRate limits: gateway CPU per request, off vs on — Node ${process.version}, ${rounds} rounds × ${seconds} s per mode (order rotating), ${connections} connections\n`,
  );
  let errors = 0;
  for (let round = 0; round < rounds; round += 1) {
    const order = modes.map((_, i) => modes[(i + round) % modes.length] as (typeof modes)[number]);
    for (const mode of order) {
      const before = await cpuMs(mode.pid);
      const result = await load(mode.port, seconds);
      const cpu = (await cpuMs(mode.pid)) - before;
      errors += result.errors + result.non2xx;
      mode.cpuPerRequest.push(cpu / result.requests.total);
      mode.rps.push(result.requests.average);
    }
  }
  const off = modes[0] as (typeof modes)[number];
  const cpuOf = (mode: (typeof modes)[number]) => median(mode.cpuPerRequest);
  /**
   * The median of each round's own ratio: a mode against "off" measured minutes apart meets another load on a shared
   * machine, within one round seconds apart mostly the same.
   */
  const pairedOf = (mode: (typeof modes)[number]) =>
    median(mode.cpuPerRequest.map((cpu, round) => cpu / (off.cpuPerRequest[round] as number)));
  console.log(
    `${"limits".padEnd(12)} ${"req/s".padStart(6)} ${"CPU ms/req".padStart(11)} ${"rounds min–max".padStart(15)} ${"ratio".padStart(7)} ${"per round".padStart(10)}`,
  );
  for (const mode of modes) {
    const range = `${Math.min(...mode.cpuPerRequest).toFixed(3)}–${Math.max(...mode.cpuPerRequest).toFixed(3)}`;
    console.log(
      [
        mode.name.padEnd(12),
        String(Math.round(mean(mode.rps))).padStart(6),
        cpuOf(mode).toFixed(3).padStart(11),
        range.padStart(15),
        (cpuOf(mode) / cpuOf(off)).toFixed(3).padStart(7),
        pairedOf(mode).toFixed(3).padStart(10),
      ].join(" "),
    );
  }
  const worst = Math.max(...modes.slice(1).map((mode) => cpuOf(mode) / cpuOf(off)));
  const worstPaired = Math.max(...modes.slice(1).map(pairedOf));
  console.log(
    `\nCPU per request, on / off: ${worst.toFixed(3)} at worst (medians of rounds), ${worstPaired.toFixed(3)} (median of each round's ratio); target ≤ 1.05; errors ${errors}`,
  );

  console.log(`\nOne limiter decision (request rate), in this process, ${decisions} decisions:`);
  console.log(`  memory                    ${await decisionMicros("memory", decisions, 1)} µs`);
  if (withRedis) {
    console.log(`  Redis, one at a time      ${await decisionMicros("redis", Math.min(decisions, 5_000), 1)} µs`);
    console.log(
      `  Redis, 50 at once         ${await decisionMicros("redis", decisions, 50)} µs (wall time / decisions)`,
    );
  } else {
    console.log(`  Redis                     skipped: nothing answers at ${redisUrl.replace(/\/\/[^@]*@/, "//")}`);
  }
  console.log("");
  if (errors > 0) process.exitCode = 1;
} finally {
  await stopAll();
  await rm(dataDir, { recursive: true, force: true });
}
