/**
 * `npm run bench:tracing`: what tracing costs the gateway. The same subgraph processes (catalog and health, tracing off)
 * behind three gateway processes: tracing off (the default), on with every request sampled, and on with one request in
 * ten sampled (`parentbased_traceidratio` 0.1). The traced gateways export OTLP/HTTP JSON to a sink in this process
 * that counts and discards, so the export's serialisation and HTTP cost are in the gateway's CPU.
 * Prints requests/s, p50/p99 latency and gateway CPU-ms per request, and spans exported.
 * Environment: BENCH_SECONDS per run (default 5), BENCH_CONNECTIONS (default 10), BENCH_ROUNDS (default 3).
 */

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { generateEnvelopeKeys } from "../lib/wire.ts";
import { subgraphModules } from "../subgraphs/registry.ts";
import { BENCH_RATE_LIMITS, cpuMs, start, stopAll, waitFor } from "./benchSupport.ts";
import { composeSupergraph } from "./composeSupergraph.ts";
import { envelopeEnv } from "./devKeys.ts";

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
/** A cross-department operation anonymous callers may read: one catalog fetch, one health entity fetch. */
const QUERY = `query StreetHospitals { street(id: "street-linfenlu") { name population hospitals { name kind level } } }`;

// The collector stand-in: accepts every export, counts its spans per service.name, keeps nothing.
const exportedSpans = new Map<string, number>();
interface OtlpExport {
  resourceSpans?: Array<{
    resource?: { attributes?: Array<{ key: string; value: { stringValue?: string } }> };
    scopeSpans?: Array<{ spans?: unknown[] }>;
  }>;
}
const sink = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as OtlpExport;
    for (const resource of body.resourceSpans ?? []) {
      const service = resource.resource?.attributes?.find((a) => a.key === "service.name")?.value.stringValue ?? "";
      const spans = (resource.scopeSpans ?? []).reduce((n, scope) => n + (scope.spans?.length ?? 0), 0);
      exportedSpans.set(service, (exportedSpans.get(service) ?? 0) + spans);
    }
    res.setHeader("content-type", "application/json");
    res.end("{}");
  });
});
await new Promise<void>((resolve) => sink.listen(0, "127.0.0.1", () => resolve()));
const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;

const dataDir = await mkdtemp(join(tmpdir(), "og-bench-tracing-"));
const keyEnv = envelopeEnv(generateEnvelopeKeys());
const OFF = { OTEL_TRACES_EXPORTER: "none", OTEL_EXPORTER_OTLP_ENDPOINT: "", OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "" };
try {
  const modules = subgraphModules.filter((m) => m.name === "catalog" || m.name === "health");
  const ports = modules.map((_, i) => 4731 + i);
  await Promise.all(
    modules.map((module, i) => {
      start(["scripts/subgraph.ts", module.name], {
        ...keyEnv,
        ...OFF,
        PORT: String(ports[i]),
        DATA_DIR: join(dataDir, module.name),
      });
      return waitFor(`http://127.0.0.1:${ports[i]}/healthz`);
    }),
  );
  // A supergraph of just these two, so readiness waits for nothing else.
  const composed = composeSupergraph(
    modules.map((m, i) => ({ name: m.name, url: `http://127.0.0.1:${ports[i]}/graphql`, typeDefs: m.typeDefs })),
  );
  if (!composed.ok) throw new Error(composed.errors.join("\n"));
  await writeFile(join(dataDir, "supergraph.graphql"), composed.supergraphSdl);
  const gatewayEnv = {
    ...keyEnv,
    SUPERGRAPH_PATH: join(dataDir, "supergraph.graphql"),
    // No identity service here: the public operation needs no token, and the policy polls fail quietly.
    IDENTITY_URL: "http://127.0.0.1:9",
    RATE_LIMITS: BENCH_RATE_LIMITS,
  };
  const configurations: Array<{ name: string; port: number; env: Record<string, string> }> = [
    { name: "tracing off (default)", port: 4741, env: OFF },
    {
      name: "tracing on, every request",
      port: 4742,
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl,
        OTEL_SERVICE_NAME: "bench-every",
        OTEL_TRACES_SAMPLER: "parentbased_always_on",
      },
    },
    {
      name: "tracing on, 1 in 10 sampled",
      port: 4743,
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl,
        OTEL_SERVICE_NAME: "bench-tenth",
        OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
        OTEL_TRACES_SAMPLER_ARG: "0.1",
      },
    },
  ];
  const gateways = configurations.map((g) => ({
    ...g,
    pid: start(["gateway/main.ts"], { ...gatewayEnv, ...g.env, PORT: String(g.port) }).pid!,
  }));
  for (const g of gateways) await waitFor(`http://127.0.0.1:${g.port}/readyz`);

  const request = (port: number) => ({
    url: `http://127.0.0.1:${port}/graphql`,
    method: "POST" as const,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: QUERY }),
  });
  for (const g of gateways) {
    const answer = (await (await fetch(request(g.port).url, { ...request(g.port) })).json()) as { errors?: unknown };
    if (answer.errors) throw new Error(`${g.name}: ${JSON.stringify(answer.errors)}`);
    await autocannon({ ...request(g.port), connections, duration: 2 }); // warm-up
  }

  const results = new Map(gateways.map((g) => [g.name, [] as Array<Record<string, number>>]));
  for (let round = 0; round < rounds; round += 1) {
    // Rotate the order so no configuration always meets the warmer (or more tired) subgraphs.
    for (const g of [...gateways.slice(round % 3), ...gateways.slice(0, round % 3)]) {
      const service = g.env.OTEL_SERVICE_NAME ?? "";
      const spansBefore = exportedSpans.get(service) ?? 0;
      const cpuBefore = await cpuMs(g.pid);
      const result = await autocannon({ ...request(g.port), connections, duration: seconds });
      const cpuAfter = await cpuMs(g.pid);
      // The batch processor exports every 5 s: wait for this run's last spans (and a slow export) before counting them.
      if (g.env !== OFF) await new Promise((resolve) => setTimeout(resolve, 7_000));
      results.get(g.name)!.push({
        rps: result.requests.average,
        p50: result.latency.p50,
        p99: result.latency.p99,
        cpu: (cpuAfter - cpuBefore) / result.requests.total,
        spans: ((exportedSpans.get(service) ?? 0) - spansBefore) / result.requests.total,
        errors: result.errors + result.non2xx,
      });
    }
  }

  const mean = (runs: Array<Record<string, number>>, key: string) =>
    runs.reduce((s, r) => s + r[key]!, 0) / runs.length;
  const baseline = mean(results.get(gateways[0]!.name)!, "cpu");
  console.log(
    `\nTracing cost — ${rounds} × ${seconds} s per configuration, ${connections} connections, Node ${process.version}\n`,
  );
  const header = ["gateway", "req/s", "p50 ms", "p99 ms", "CPU ms/req", "vs off", "spans/req", "errors"];
  console.log(`| ${header.join(" | ")} |\n|${header.map(() => " --- ").join("|")}|`);
  for (const g of gateways) {
    const runs = results.get(g.name)!;
    const cpu = mean(runs, "cpu");
    const cells = [
      g.name,
      mean(runs, "rps").toFixed(0),
      mean(runs, "p50").toFixed(1),
      mean(runs, "p99").toFixed(1),
      cpu.toFixed(2),
      (cpu / baseline).toFixed(2),
      mean(runs, "spans").toFixed(1),
      String(runs.reduce((s, r) => s + r.errors!, 0)),
    ];
    console.log(`| ${cells.join(" | ")} |`);
  }
} finally {
  await stopAll();
  sink.close();
  await rm(dataDir, { recursive: true, force: true });
}
