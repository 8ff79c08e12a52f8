/**
 * `npm run bench:login`: how long a normal password login takes while one address floods the token endpoint with
 * `client_credentials` requests (wrong secrets, each one a scrypt check), with the hashing budget per client address
 * (subgraphs/identity/hashingBudget.ts) and without it, in the same run.
 *
 * Each phase starts a fresh identity service in this process (embedded PGlite, seeded), then: a baseline of normal
 * logins alone; then FLOOD_CONNECTIONS loops sending client_credentials from one address as fast as they are answered
 * for FLOOD_SECONDS, while a normal login from its own address is timed every 250 ms. Requests go as the gateway sends
 * them (signed envelope, the client's address forwarded). Prints p50 / p95 / max login latency and the flood's answers.
 * Environment: FLOOD_SECONDS (default 8), FLOOD_CONNECTIONS (default 32).
 */

import { systemPrincipal } from "../lib/principal.ts";
import { createEnvelopeSigner, ENVELOPE_HEADER, generateEnvelopeKeys } from "../lib/wire.ts";
import { createIdentitySubgraph } from "../subgraphs/identity/index.ts";
import { startSubgraph } from "../subgraphs/kit/service.ts";

const floodSeconds = Number(process.env.FLOOD_SECONDS ?? 8);
const floodConnections = Number(process.env.FLOOD_CONNECTIONS ?? 32);
const keys = generateEnvelopeKeys();
const sign = createEnvelopeSigner(keys.privateKey);

interface Phase {
  label: string;
  baseline: number[];
  underFlood: number[];
  floodAnswers: Map<number, number>;
  floodRate: number;
}

async function post(base: string, params: Record<string, string>, address: string) {
  const started = performance.now();
  const response = await fetch(`${base}/oauth/token`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-forwarded-for": address,
      [ENVELOPE_HEADER]: sign({
        aud: "identity",
        requestId: `bench-${Math.random().toString(36).slice(2)}`,
        purpose: "authentication",
        principal: systemPrincipal("bench"),
      }),
    },
    body: new URLSearchParams(params).toString(),
  });
  await response.arrayBuffer();
  return { status: response.status, ms: performance.now() - started };
}

let addressCounter = 0;
const nextAddress = () => `192.0.2.${(addressCounter++ % 250) + 1}`;
const normalLogin = async (base: string) => {
  const answer = await post(
    base,
    { grant_type: "password", username: "zhang.wei", password: "Resident#2026" },
    nextAddress(),
  );
  if (answer.status !== 200) throw new Error(`a normal login answered ${answer.status}`);
  return answer.ms;
};

async function phase(label: string, hashingBudget?: { burst: number; perSecond: number }): Promise<Phase> {
  const module = createIdentitySubgraph(hashingBudget ? { hashingBudget } : {});
  const service = await startSubgraph(module, {
    port: 0,
    seed: true,
    logLevel: "silent",
    envelopePublicKeys: [keys.publicKey],
  });
  const base = service.url.replace(/\/graphql$/, "");
  try {
    await normalLogin(base); // warm-up: dummy hash, key cache, JIT
    const baseline: number[] = [];
    for (let i = 0; i < 10; i++) baseline.push(await normalLogin(base));

    const floodAnswers = new Map<number, number>();
    const deadline = performance.now() + floodSeconds * 1000;
    let sent = 0;
    const flood = Array.from({ length: floodConnections }, async (_, i) => {
      while (performance.now() < deadline) {
        const answer = await post(
          base,
          { grant_type: "client_credentials", client_id: "app-portal", client_secret: `guess-${i}-${sent++}` },
          "203.0.113.99",
        );
        floodAnswers.set(answer.status, (floodAnswers.get(answer.status) ?? 0) + 1);
      }
    });
    const underFlood: number[] = [];
    const probe = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      while (performance.now() < deadline - 500) {
        underFlood.push(await normalLogin(base));
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();
    await Promise.all([...flood, probe]);
    return { label, baseline, underFlood, floodAnswers, floodRate: sent / floodSeconds };
  } finally {
    await service.stop();
  }
}

function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { p50: at(0.5), p95: at(0.95), max: sorted.at(-1) ?? Number.NaN, n: sorted.length };
}

const results = [
  await phase("with the hashing budget (default: 10 checks at once, 2/s per address)"),
  await phase("without it (budget 1,000 at once, 1,000/s: every flood request is checked)", {
    burst: 1000,
    perSecond: 1000,
  }),
];

console.log(
  `\nNormal password logins while one address floods client_credentials (${floodConnections} connections, ${floodSeconds} s), Node ${process.version}`,
);
for (const result of results) {
  const base = stats(result.baseline);
  const flood = stats(result.underFlood);
  const answers = [...result.floodAnswers].sort(([a], [b]) => a - b).map(([status, n]) => `${n}× ${status}`);
  console.log(`\n${result.label}`);
  console.log(
    `  login alone       p50 ${base.p50.toFixed(0)} ms  p95 ${base.p95.toFixed(0)} ms  max ${base.max.toFixed(0)} ms  (n=${base.n})`,
  );
  console.log(
    `  login under flood p50 ${flood.p50.toFixed(0)} ms  p95 ${flood.p95.toFixed(0)} ms  max ${flood.max.toFixed(0)} ms  (n=${flood.n})  ratio p50 ${(flood.p50 / base.p50).toFixed(2)}×`,
  );
  console.log(`  flood             ${result.floodRate.toFixed(0)} requests/s answered: ${answers.join(", ")}`);
}
const worst = stats(results[0]?.underFlood ?? []).max;
console.log(
  `\nTarget: a normal login under the flood completes in < 1000 ms with the budget; worst seen ${worst.toFixed(0)} ms.`,
);
