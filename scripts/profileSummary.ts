/**
 * `tsx scripts/profileSummary.ts <file.cpuprofile> [top] [since-seconds] [until-seconds]`: the top functions of a V8 CPU profile
 * (`node --cpu-prof`) by self time and by total time (self + callees, each function counted once per stack), and self
 * time per package or file. `since-seconds` skips the first seconds of the profile (start-up), `until-seconds` the rest after it. Issue 16.
 */
import { readFileSync } from "node:fs";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg, sinceArg, untilArg] = process.argv.slice(2);
if (!file) throw new Error("usage: profileSummary.ts <file.cpuprofile> [top] [since-seconds]");
const top = Number(topArg ?? 30);
const since = Number(sinceArg ?? 0) * 1e6;
const until = Number(untilArg ?? Number.POSITIVE_INFINITY) * 1e6;
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const short = (url: string) =>
  url
    .replace(/^file:\/\/.*?\/node_modules\//, "")
    .replace(/^file:\/\/\/work\/wt\/[^/]+\//, "")
    .replace(/^node:/, "node:");
const label = (n: Node) =>
  `${n.callFrame.functionName || "(anonymous)"} ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
const packageOf = (n: Node) => {
  const url = n.callFrame.url;
  if (!url) return n.callFrame.functionName; // (garbage collector), (program), (idle)
  const m = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  return short(url);
};

const self = new Map<string, number>();
const total = new Map<string, number>();
const packages = new Map<string, number>();
let time = profile.startTime;
let counted = 0;
let idle = 0;
for (const [i, sample] of profile.samples.entries()) {
  const delta = profile.timeDeltas[i] ?? 0;
  time += delta;
  if (time - profile.startTime < since || time - profile.startTime > until) continue;
  const node = byId.get(sample)!;
  if (node.callFrame.functionName === "(idle)") {
    idle += delta;
    continue;
  }
  counted += delta;
  self.set(label(node), (self.get(label(node)) ?? 0) + delta);
  packages.set(packageOf(node), (packages.get(packageOf(node)) ?? 0) + delta);
  const seen = new Set<string>();
  for (let id: number | undefined = sample; id !== undefined; id = parent.get(id)) {
    const l = label(byId.get(id)!);
    if (seen.has(l)) continue;
    seen.add(l);
    total.set(l, (total.get(l) ?? 0) + delta);
  }
}
const ms = (us: number) =>
  `${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / counted).toFixed(1).padStart(5)} %`;
const print = (title: string, map: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [name, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(us)}  ${name}`);
};
console.log(`${file}: ${(counted / 1000).toFixed(0)} ms busy, ${(idle / 1000).toFixed(0)} ms idle`);
print("self time by package / file", packages);
print("self time by function", self);
print("total time by function", total);
