/**
 * `npm run bench:login`: how long a normal password login takes while the token endpoint is flooded with
 * `client_credentials` requests (wrong secrets: each one a scrypt check), in the same run: from one address, which the
 * hashing budget per client address bounds (subgraphs/identity/hashingBudget.ts), and from a new address for every
 * request, which no per-address budget bounds — what one address could do before the budget existed.
 *
 * Three processes, so no event loop measures another's work: the identity service as `npm start` runs it
 * (scripts/subgraph.ts, embedded PGlite in a fresh folder, seeded once and reused by the second phase), the flood
 * (this script with `--flood`, FLOOD_CONNECTIONS loops sending as fast as they are answered), and this process, which
 * times a normal login from its own address every 250 ms. Requests go as the gateway sends them (signed envelope, the
 * client's address forwarded). Prints p50 / p95 / max login latency, the ratio to logins without a flood, and the
 * flood's answers. Environment: FLOOD_SECONDS (default 8), FLOOD_CONNECTIONS (default 32).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { systemPrincipal } from "../lib/principal.ts";
import { createEnvelopeSigner, ENVELOPE_HEADER, generateEnvelopeKeys, SYSTEM_SCOPES } from "../lib/wire.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const floodSeconds = Number(process.env.FLOOD_SECONDS ?? 8);
const floodConnections = Number(process.env.FLOOD_CONNECTIONS ?? 32);
const FLOOD_ADDRESS = "203.0.113.99";

/** Envelopes as the gateway's identity proxy signs them: bound to the POST and its body, the client address inside. */
function signer(privateKey: string) {
  const sign = createEnvelopeSigner(privateKey);
  const principal = systemPrincipal("bench", [SYSTEM_SCOPES.identityProxy]);
  return (body: string, clientAddress: string) =>
    sign(
      {
        aud: "identity",
        requestId: `bench-${Math.random().toString(36).slice(2)}`,
        purpose: "authentication",
        principal,
        clientAddress,
      },
      { method: "POST", path: "/oauth/token", body },
    );
}

type Envelope = ReturnType<typeof signer>;

async function post(base: string, envelope: Envelope, params: Record<string, string>, address: string) {
  const started = performance.now();
  const body = new URLSearchParams(params).toString();
  const response = await fetch(`${base}/oauth/token`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      [ENVELOPE_HEADER]: envelope(body, address),
    },
    body,
  });
  await response.arrayBuffer();
  return { status: response.status, ms: performance.now() - started };
}

/**
 * `--flood <base> <seconds> <connections> [rotate]`: the flood process; prints its answers by status as JSON. With
 * `rotate` every request comes from another address.
 */
async function flood(base: string, seconds: number, connections: number, rotate: boolean): Promise<void> {
  const envelope = signer(process.env.BENCH_ENVELOPE_PRIVATE_KEY ?? "");
  const answers: Record<string, number> = {};
  const deadline = performance.now() + seconds * 1000;
  let sent = 0;
  await Promise.all(
    Array.from({ length: connections }, async (_, i) => {
      while (performance.now() < deadline) {
        const { status } = await post(
          base,
          envelope,
          { grant_type: "client_credentials", client_id: "app-portal", client_secret: `guess-${i}-${sent++}` },
          rotate ? `10.${(sent >> 16) & 255}.${(sent >> 8) & 255}.${sent & 255}` : FLOOD_ADDRESS,
        );
        answers[status] = (answers[status] ?? 0) + 1;
      }
    }),
  );
  console.log(JSON.stringify(answers));
}

function start(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string } {
  let output = "";
  const child = spawn(process.execPath, ["--import", "tsx", ...args], { cwd: root, env });
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  return { child, output: () => output };
}

async function identityService(dataDir: string, keys: { publicKey: string }) {
  const service = start(["scripts/subgraph.ts", "identity"], {
    ...process.env,
    NODE_ENV: "development",
    IDENTITY_PORT: "0",
    IDENTITY_DATA_DIR: dataDir,
    ENVELOPE_PUBLIC_KEYS: keys.publicKey,
    LOG_LEVEL: "info",
  });
  const deadline = Date.now() + 600_000;
  for (;;) {
    const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)\/graphql"/.exec(service.output());
    if (match?.[1]) return { base: match[1], child: service.child };
    if (service.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`the identity service did not start:\n${service.output().slice(-2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { p50: at(0.5), p95: at(0.95), max: sorted.at(-1) ?? Number.NaN, n: sorted.length };
}

async function main() {
  const keys = generateEnvelopeKeys();
  const envelope = signer(keys.privateKey);
  const dataDir = await mkdtemp(join(tmpdir(), "og-login-flood-"));
  let addressCounter = 0;
  const normalLogin = async (base: string) => {
    const address = `192.0.2.${(addressCounter++ % 250) + 1}`;
    const params = { grant_type: "password", username: "zhang.wei", password: "Resident#2026" };
    const answer = await post(base, envelope, params, address);
    if (answer.status !== 200) throw new Error(`a normal login answered ${answer.status}`);
    return answer.ms;
  };
  const phases = [
    {
      label: "flood from one address: the hashing budget (10 checks at once, 2 more per second, one at a time)",
      rotate: false,
    },
    { label: "flood from a new address per request: unbounded by any per-address budget", rotate: true },
  ];
  const lines: string[] = [];
  try {
    for (const phase of phases) {
      const { base, child } = await identityService(dataDir, keys);
      try {
        await normalLogin(base); // warm-up: key cache, dummy hash, JIT
        const alone: number[] = [];
        for (let i = 0; i < 10; i++) alone.push(await normalLogin(base));
        const flooding = start(
          [
            "scripts/loginUnderFlood.ts",
            "--flood",
            base,
            String(floodSeconds),
            String(floodConnections),
            phase.rotate ? "rotate" : "",
          ],
          {
            ...process.env,
            BENCH_ENVELOPE_PRIVATE_KEY: keys.privateKey,
          },
        );
        const floodDone = new Promise<void>((resolve) => flooding.child.once("exit", () => resolve()));
        const underFlood: number[] = [];
        const probeUntil = performance.now() + (floodSeconds - 0.5) * 1000;
        await new Promise((resolve) => setTimeout(resolve, 1000));
        while (performance.now() < probeUntil) {
          underFlood.push(await normalLogin(base));
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
        await floodDone;
        const answers = JSON.parse(flooding.output().trim().split("\n").at(-1) ?? "{}") as Record<string, number>;
        const total = Object.values(answers).reduce((a, b) => a + b, 0);
        const a = stats(alone);
        const f = stats(underFlood);
        lines.push(
          "",
          phase.label,
          `  login alone       p50 ${a.p50.toFixed(0)} ms  p95 ${a.p95.toFixed(0)} ms  max ${a.max.toFixed(0)} ms  (n=${a.n})`,
          `  login under flood p50 ${f.p50.toFixed(0)} ms  p95 ${f.p95.toFixed(0)} ms  max ${f.max.toFixed(0)} ms  (n=${f.n})  p50 ratio ${(f.p50 / a.p50).toFixed(2)}×`,
          `  flood             ${(total / floodSeconds).toFixed(0)} requests/s, answered ${Object.entries(answers)
            .map(([status, n]) => `${n}× ${status}`)
            .join(", ")}`,
        );
      } finally {
        child.kill("SIGTERM");
        await new Promise((resolve) => child.once("exit", resolve));
      }
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
  console.log(
    `\nNormal password logins while client_credentials are flooded (${floodConnections} connections, ${floodSeconds} s), Node ${process.version}`,
  );
  console.log(lines.join("\n"));
  console.log("\nTarget: under the one-address flood a normal login completes in under 1000 ms (max above).");
}

if (process.argv[2] === "--flood") {
  await flood(process.argv[3] ?? "", Number(process.argv[4]), Number(process.argv[5]), process.argv[6] === "rotate");
} else {
  await main();
}
