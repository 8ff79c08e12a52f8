/**
 * `tsx scripts/allocationProfile.ts <inspector-port> <seconds> [metrics-url] [out.heapprofile] [top]`: what a running
 * gateway allocates per request, and where (issue 16). Allocation drives the garbage collector's work and the heap's
 * growth, and unlike CPU time it hardly moves with the machine's load, so it shows a saving that a CPU A/B on this
 * machine cannot resolve.
 *
 * It connects to the process's inspector (start it with `--inspect=127.0.0.1:<port>`, e.g.
 * `BENCH_OURS_NODE_ARGS="--inspect=127.0.0.1:9230" BENCH_SECONDS=45 npx tsx scripts/benchHotpath.ts`) and runs V8's
 * sampling heap profiler for `seconds`, counting objects the collector has already freed too (by default the profiler
 * keeps only live ones). With the gateway's `/metrics` URL (`http://127.0.0.1:4890/metrics` under benchHotpath) it
 * divides by the requests served meanwhile. Prints the total, KB per request, and the top allocating functions: by
 * the function that allocated, and by the innermost function of this repository on its stack. Writes the profile
 * (Chrome DevTools opens it) when `out` is given.
 *
 * With `ALLOCATION_SURVIVORS=1` it leaves out what the young generation's collections freed: what remains is what
 * outlived its scavenges and was promoted to the old generation (or is still live), the bytes that make the scavenges
 * copy and the full collections come sooner. Read it with care: the profiler watches its samples through weak
 * references, which may keep sampled objects through a scavenge (docs/benchmarks.md, 2026-12-08).
 */
import { writeFileSync } from "node:fs";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  callFrame: CallFrame;
  selfSize: number;
  children: ProfileNode[];
}

const [port, secondsArg, metricsUrl, out, topArg] = process.argv.slice(2);
if (!port || !secondsArg) {
  throw new Error("usage: allocationProfile.ts <inspector-port> <seconds> [metrics-url] [out.heapprofile] [top]");
}
const top = Number(topArg ?? 25);

/** Requests the gateway has answered (`og_gateway_http_request_duration_seconds_count`, all series). */
async function requestsServed(): Promise<number> {
  if (!metricsUrl) return 0;
  const text = await (await fetch(metricsUrl)).text();
  let total = 0;
  for (const match of text.matchAll(/^og_gateway_http_request_duration_seconds_count\{[^}]*\} (\d+)/gm)) {
    total += Number(match[1]);
  }
  return total;
}

const [target] = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<{
  webSocketDebuggerUrl: string;
}>;
if (!target) throw new Error(`no inspector target on port ${port}`);
const socket = new WebSocket(target.webSocketDebuggerUrl);
await new Promise((resolve, reject) => {
  socket.addEventListener("open", resolve, { once: true });
  socket.addEventListener("error", reject, { once: true });
});
let nextId = 0;
const pending = new Map<number, (result: unknown) => void>();
socket.addEventListener("message", (event) => {
  const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
  if (message.id !== undefined) pending.get(message.id)?.(message.result);
});
const call = (method: string, params: Record<string, unknown> = {}) =>
  new Promise<unknown>((resolve) => {
    nextId += 1;
    pending.set(nextId, resolve);
    socket.send(JSON.stringify({ id: nextId, method, params }));
  });

await call("HeapProfiler.enable");
const before = await requestsServed();
await call("HeapProfiler.startSampling", {
  samplingInterval: 16_384,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: !process.env.ALLOCATION_SURVIVORS,
});
await new Promise((resolve) => setTimeout(resolve, Number(secondsArg) * 1000));
const { profile } = (await call("HeapProfiler.stopSampling")) as { profile: { head: ProfileNode } };
const requests = (await requestsServed()) - before;
socket.close();
if (out) writeFileSync(out, JSON.stringify(profile));

const short = (frame: CallFrame) =>
  `${frame.functionName || "(anonymous)"} ${frame.url.replace(/^(file:\/\/)?.*?\/node_modules\//, "").replace(/^file:\/\/.*?\/(gateway|lib|subgraphs)\//, "$1/")}`;
const ownCode = (frame: CallFrame) => /^(file:\/\/)?\//.test(frame.url) && !frame.url.includes("/node_modules/");
const bySelf = new Map<string, number>();
const byOwn = new Map<string, number>();
let total = 0;
const walk = (node: ProfileNode, innermostOwn: CallFrame | undefined) => {
  const own = ownCode(node.callFrame) ? node.callFrame : innermostOwn;
  if (node.selfSize > 0) {
    total += node.selfSize;
    const self = short(node.callFrame);
    bySelf.set(self, (bySelf.get(self) ?? 0) + node.selfSize);
    const at = own ? short(own) : "(no frame of ours)";
    byOwn.set(at, (byOwn.get(at) ?? 0) + node.selfSize);
  }
  for (const child of node.children) walk(child, own);
};
walk(profile.head, undefined);

const perRequest = requests > 0 ? `, ${(total / 1024 / requests).toFixed(0)} KB per request` : "";
console.log(`${(total / 1e6).toFixed(1)} MB allocated in ${secondsArg} s, ${requests} requests${perRequest}`);
const print = (title: string, sizes: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [name, size] of [...sizes].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(
      `${(size / 1e6).toFixed(2).padStart(9)} MB  ${(size / total) * 100 < 10 ? " " : ""}${((size / total) * 100).toFixed(1)} %  ${name}`,
    );
  }
};
print("by allocating function", bySelf);
print("by innermost function of this repository", byOwn);
