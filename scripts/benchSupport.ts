/**
 * What the benchmark scripts share: child processes on the machine (tsx), waiting for them to answer, and the CPU
 * time of a process from /proc.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { LIMITED_KINDS } from "../lib/contracts/principal.ts";

export const root = fileURLToPath(new URL("..", import.meta.url));
const CLOCK_TICKS_PER_SECOND = 100; // Linux USER_HZ

const children: ChildProcess[] = [];

/**
 * RATE_LIMITS for benchmark gateways: every request still counted (their cost is part of what is measured), but
 * never refused — a benchmark's load comes from one address and one principal, far past the production defaults.
 */
export const BENCH_RATE_LIMITS = JSON.stringify({
  tiers: Object.fromEntries(
    LIMITED_KINDS.map((kind) => [kind, { rate: { requests: 1_000_000_000, perSeconds: 60 }, dailyCost: null }]),
  ),
  oauth: { requests: 1_000_000_000, perSeconds: 60 },
});

/**
 * Starts `node --import tsx <args>` in the repository with the given environment (warnings and errors shown; standard
 * output too with BENCH_STDOUT=1, e.g. for `--trace-gc` in BENCH_OURS_NODE_ARGS).
 */
export function start(args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", ...args], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", process.env.BENCH_STDOUT ? "inherit" : "ignore", "inherit"],
  });
  children.push(child);
  return child;
}

/** Stops every process `start()` started. */
export async function stopAll(): Promise<void> {
  for (const child of children) child.kill("SIGTERM");
  await new Promise((resolve) => setTimeout(resolve, 500));
}

export async function waitFor(url: string, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(1000) })).status < 500) return;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

/**
 * User + system CPU milliseconds a process's V8 helper threads (`V8Worker`: concurrent marking, parallel scavenges and
 * compaction, background compilation) have used so far: the part of `cpuMs` the garbage collector spends off the main
 * thread, which grows with what a request allocates and what survives.
 */
export async function helperCpuMs(pid: number): Promise<number> {
  let total = 0;
  for (const task of await readdir(`/proc/${pid}/task`).catch(() => [] as string[])) {
    try {
      const [comm, stat] = await Promise.all([
        readFile(`/proc/${pid}/task/${task}/comm`, "utf8"),
        readFile(`/proc/${pid}/task/${task}/stat`, "utf8"),
      ]);
      if (comm.startsWith("V8Worker")) total += cpuMsOfStat(stat);
    } catch {} // the thread ended between the listing and the read
  }
  return total;
}

/** User + system CPU milliseconds a process has used so far. */
export async function cpuMs(pid: number): Promise<number> {
  return cpuMsOfStat(await readFile(`/proc/${pid}/stat`, "utf8"));
}

/** User + system CPU milliseconds in a `/proc/<pid>/stat` or `/proc/<pid>/task/<tid>/stat` line (utime, stime). */
function cpuMsOfStat(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}
