/**
 * `tsx scripts/benchHttpClient.ts`: client CPU per request of the HTTP clients the gateway could use for subgraph
 * fetches and audit deliveries (issue 16): POSTs of a ~1 KB JSON body answered by ~2 KB of JSON from a server in
 * another process (so only the client's CPU is counted), keep-alive connections, `BENCH_IN_FLIGHT` (10) requests in
 * flight, `BENCH_REQUESTS` (3000) per client per round, `BENCH_ROUNDS` (3) rounds with the clients' order rotated.
 *
 * Clients: `node-fetch` on a keep-alive agent (the subgraph fetcher), Node's built-in `fetch` (undici's WHATWG
 * fetch, the audit writer before issue 16), `node:http` `request` on a keep-alive agent, and undici's `request` on a
 * `Pool` (the `undici` package). CPU is `process.cpuUsage()` (user + system) of this process over the requests.
 */
import { spawn } from "node:child_process";
import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { loadavg } from "node:os";
import nodeFetch from "node-fetch";
import { Pool } from "undici";

const total = Number(process.env.BENCH_REQUESTS ?? 3000);
const inFlight = Number(process.env.BENCH_IN_FLIGHT ?? 10);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);

const server = spawn(
  process.execPath,
  [
    "-e",
    `const answer = JSON.stringify({ data: { items: Array.from({ length: 20 }, (_, i) => ({ id: "item-" + i, name: "名称 " + i, kind: "KIND_" + (i % 4), updatedAt: new Date(0).toISOString() })) } });
     const server = require("node:http").createServer((req, res) => {
       const chunks = []; req.on("data", (c) => chunks.push(c));
       req.on("end", () => { res.writeHead(200, { "content-type": "application/json" }); res.end(answer); });
     });
     server.keepAliveTimeout = 10000;
     server.listen(0, "127.0.0.1", () => console.log(server.address().port));`,
  ],
  { stdio: ["ignore", "pipe", "inherit"] },
);
const port = await new Promise<number>((resolve) => server.stdout.once("data", (d: Buffer) => resolve(Number(d))));
const url = `http://127.0.0.1:${port}/graphql`;
const body = JSON.stringify({
  query: `query($representations:[_Any!]!){_entities(representations:$representations){...on Hospital{name kind}}}`,
  variables: { representations: Array.from({ length: 10 }, (_, i) => ({ __typename: "Hospital", id: `h-${i}` })) },
});
const headers = { "content-type": "application/json", "x-og-envelope": "v2.kid.".padEnd(400, "x") };

const agent = new HttpAgent({ keepAlive: true, timeout: 4000 });
const pool = new Pool(`http://127.0.0.1:${port}`, { connections: inFlight, keepAliveTimeout: 4000 });

const clients: Record<string, () => Promise<unknown>> = {
  "node-fetch + keep-alive agent (subgraph fetcher)": async () =>
    (await nodeFetch(url, { method: "POST", headers, body: Buffer.from(body), agent })).json(),
  "built-in fetch (undici WHATWG fetch)": async () =>
    (await fetch(url, { method: "POST", headers, body: Buffer.from(body) })).json(),
  "node:http request + keep-alive agent": () =>
    new Promise((resolve, reject) => {
      const bytes = Buffer.from(body);
      const req = httpRequest(
        url,
        { method: "POST", agent, headers: { ...headers, "content-length": String(bytes.length) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => resolve(JSON.parse(Buffer.concat(chunks).toString("utf8"))));
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(bytes);
    }),
  "undici request on a Pool (undici package)": async () =>
    (await pool.request({ path: "/graphql", method: "POST", headers, body: Buffer.from(body) })).body.json(),
};

async function run(send: () => Promise<unknown>): Promise<number> {
  let started = 0;
  const worker = async () => {
    while (started < total) {
      started += 1;
      await send();
    }
  };
  const before = process.cpuUsage();
  await Promise.all(Array.from({ length: inFlight }, worker));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / total;
}

const names = Object.keys(clients);
const results = new Map<string, number[]>(names.map((n) => [n, []]));
for (const name of names) await run(clients[name]!); // warm-up: JIT, connections
for (let round = 0; round < rounds; round += 1) {
  for (let i = 0; i < names.length; i += 1) {
    const name = names[(i + round) % names.length]!;
    results.get(name)!.push(await run(clients[name]!));
  }
}
console.log(
  `\nHTTP client CPU per request — ${total} POSTs × ${rounds} rounds, ${inFlight} in flight, Node ${process.version}, load average ${loadavg()[0]!.toFixed(1)}\n`,
);
const baseline = Math.min(...results.get(names[0]!)!);
for (const [name, runs] of results) {
  const best = Math.min(...runs);
  console.log(
    `${name.padEnd(50)} best ${best.toFixed(3)} ms  runs ${runs.map((r) => r.toFixed(3)).join(" / ")}  vs node-fetch ${(best / baseline).toFixed(2)}`,
  );
}
await pool.close();
agent.destroy();
server.kill();
