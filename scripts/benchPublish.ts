/**
 * `npm run bench:publish`: publishing through the schema registry under load (issue 13: "gateways swap the supergraph
 * with zero failed requests"). The catalog and health subgraphs run as processes; the registry runs here (PGlite in
 * memory) with those two as version 1; one gateway process loads its supergraph from the registry (SUPERGRAPH_SOURCE=
 * registry, polled every 200 ms). While autocannon sends a cross-department query through the gateway at 10
 * connections, health publishes new versions through the registry's API (a department token) and rolls back once.
 * Prints requests, failed requests (transport errors, non-2xx and answers carrying GraphQL errors — must be 0) and
 * how many supergraph revisions the gateway took during the run.
 * Environment: BENCH_SECONDS (default 12), BENCH_CONNECTIONS (default 10).
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { print } from "graphql";
import { generateEnvelopeKeys } from "../lib/wire.ts";
import { BOOTSTRAP_PUBLISHER } from "../registry/bootstrap.ts";
import type { CheckReport } from "../registry/checks.ts";
import { registryConfigSchema } from "../registry/config.ts";
import { startRegistry } from "../registry/registryService.ts";
import { subgraphModules } from "../subgraphs/registry.ts";
import { districtClaims, es256Keys, publicJwk, signToken, startTestIssuer } from "../test/support/tokens.ts";
import { BENCH_RATE_LIMITS, root, start, stopAll, waitFor } from "./benchSupport.ts";
import { composeSupergraph } from "./composeSupergraph.ts";
import { envelopeEnv } from "./devKeys.ts";

const seconds = Number(process.env.BENCH_SECONDS ?? 12);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
/** Public, and it crosses two departments: one catalog fetch, one health entity fetch. */
const QUERY = `query StreetHospitals { street(id: "street-linfenlu") { name population hospitals { name kind level } } }`;
// h13's fixed ports for manual runs (53xx).
const PORTS = { catalog: 5331, health: 5332, gateway: 5339 };

const dataDir = await mkdtemp(join(tmpdir(), "og-bench-publish-"));
const envelopeKeys = generateEnvelopeKeys();
const keyEnv = envelopeEnv(envelopeKeys);
const jwtKeys = es256Keys();
// The identity stand-in: JWKS for department tokens, and the polled sets (policies, purposes) the gateway reads.
const issuer = await startTestIssuer([publicJwk(jwtKeys.publicKey, "k1")]);
const healthOfficer = signToken(
  districtClaims({ exp: Math.floor(Date.now() / 1000) + 3600 }),
  jwtKeys.privateKey,
  "k1",
);
const registry = await startRegistry(
  registryConfigSchema.parse({
    PORT: "0",
    IDENTITY_URL: issuer.url,
    ENVELOPE_PUBLIC_KEYS: envelopeKeys.publicKey,
    REGISTRY_BOOTSTRAP: "false",
    LOG_LEVEL: "warn",
  }),
);
try {
  const modules = subgraphModules.filter((m) => m.name === "catalog" || m.name === "health");
  await Promise.all(
    modules.map((module) => {
      const port = PORTS[module.name as "catalog" | "health"];
      start(["scripts/subgraph.ts", module.name], {
        ...keyEnv,
        PORT: String(port),
        DATA_DIR: join(dataDir, module.name),
      });
      return waitFor(`http://127.0.0.1:${port}/healthz`);
    }),
  );
  // Version 1 of both, where they run, as the registry's bootstrap records a district graph.
  const sources = modules.map((m) => ({
    name: m.name,
    url: `http://127.0.0.1:${PORTS[m.name as "catalog" | "health"]}/graphql`,
    typeDefs: m.typeDefs,
  }));
  const composed = composeSupergraph(sources);
  if (!composed.ok) throw new Error(composed.errors.join("\n"));
  const report: CheckReport = {
    ok: true,
    needsApproval: false,
    composition: { ok: true, errors: [], hints: [] },
    changes: [],
    securityChanges: [],
    violations: [],
    brokenOperations: [],
    problems: [],
  };
  for (const [index, source] of sources.entries()) {
    await registry.store.addVersion({
      name: source.name,
      departmentId: source.name === "health" ? "dept-health" : "dept-data",
      source: { name: source.name, url: source.url, sdl: print(source.typeDefs) },
      status: "ACTIVE",
      publishedBy: BOOTSTRAP_PUBLISHER,
      approvedBy: BOOTSTRAP_PUBLISHER,
      report,
      supergraphSdl: index === sources.length - 1 ? composed.supergraphSdl : null,
      reason: "bench: version 1",
    });
  }

  start(["gateway/main.ts"], {
    ...keyEnv,
    PORT: String(PORTS.gateway),
    SUPERGRAPH_SOURCE: "registry",
    REGISTRY_URL: registry.url,
    REGISTRY_POLL_MS: "200",
    IDENTITY_URL: issuer.url,
    RATE_LIMITS: BENCH_RATE_LIMITS,
  });
  await waitFor(`http://127.0.0.1:${PORTS.gateway}/readyz`);
  const request = {
    url: `http://127.0.0.1:${PORTS.gateway}/graphql`,
    method: "POST" as const,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: QUERY }),
  };
  const first = (await (await fetch(request.url, request)).json()) as { errors?: unknown };
  if (first.errors) throw new Error(`The bench query fails before any publish: ${JSON.stringify(first.errors)}`);
  await autocannon({ ...request, connections, duration: 2 }); // warm-up

  // What health publishes during the run: two safe additions, then a rollback to version 1.
  const healthSdl = await readFile(join(root, "subgraphs/health/schema.graphql"), "utf8");
  const withField = (sdl: string, field: string) =>
    sdl.replace("type Query {\n", `type Query {\n  "A notice (bench)."\n  ${field}: String @public\n`);
  const steps: Array<{ what: string; field: string; known: boolean; call: () => Promise<Response> }> = [
    {
      what: "publish health v2 (+healthNotice)",
      field: "healthNotice",
      known: true,
      call: () => publish(withField(healthSdl, "healthNotice")),
    },
    {
      what: "publish health v3 (+healthBulletin)",
      field: "healthBulletin",
      known: true,
      call: () => publish(withField(withField(healthSdl, "healthNotice"), "healthBulletin")),
    },
    {
      what: "roll health back to v1",
      field: "healthNotice",
      known: false,
      call: () =>
        fetch(`${registry.url}/subgraphs/health/rollback`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${healthOfficer}` },
          body: JSON.stringify({ version: 1 }),
        }),
    },
  ];
  /** Whether the gateway's current supergraph has Query.<field> (validation passes; the field itself has no data). */
  async function gatewayKnows(field: string): Promise<boolean> {
    const answer = (await (
      await fetch(request.url, { ...request, body: JSON.stringify({ query: `{ ${field} }` }) })
    ).json()) as { errors?: Array<{ extensions?: { code?: string } }> };
    return answer.errors?.[0]?.extensions?.code !== "GRAPHQL_VALIDATION_FAILED";
  }
  function publish(sdl: string) {
    return fetch(`${registry.url}/subgraphs/health/publish`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${healthOfficer}` },
      body: JSON.stringify({ sdl }),
    });
  }

  let graphqlErrors = 0;
  const revisionBefore = (await registry.store.currentSupergraph())?.revision ?? 0;
  const load = autocannon({
    ...request,
    connections,
    duration: seconds,
    requests: [
      {
        ...request,
        onResponse: (_status: number, body: string) => {
          if (body.includes('"errors"')) graphqlErrors += 1;
        },
      },
    ],
  });
  const published: string[] = [];
  const gap = (seconds * 1000) / (steps.length + 1);
  for (const step of steps) {
    await new Promise((resolve) => setTimeout(resolve, gap));
    const answer = await step.call();
    const body = (await answer.json()) as { version?: number; status?: string };
    if (answer.status >= 300) throw new Error(`${step.what}: ${answer.status} ${JSON.stringify(body)}`);
    const at = Date.now();
    while ((await gatewayKnows(step.field)) !== step.known && Date.now() - at < 15_000) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const served = (await gatewayKnows(step.field)) === step.known;
    published.push(
      `${step.what}: ${answer.status} ${body.status ?? ""}; ` +
        (served ? `the gateway served it after ${Date.now() - at} ms` : "the gateway did NOT take it within 15 s"),
    );
    if (!served) process.exitCode = 1;
  }
  const result = await load;
  const revisionAfter = (await registry.store.currentSupergraph())?.revision ?? 0;
  const failed = result.errors + result.non2xx + result.timeouts + graphqlErrors;
  console.log(`\nPublishing under load — ${seconds} s, ${connections} connections, Node ${process.version}`);
  for (const line of published) console.log(`  ${line}`);
  console.log(`supergraph revisions published during the run: ${revisionAfter - revisionBefore}`);
  console.log(
    `requests: ${result.requests.total}   failed requests: ${failed} (transport ${result.errors}, non-2xx ${result.non2xx}, timeouts ${result.timeouts}, GraphQL errors ${graphqlErrors})`,
  );
  console.log(
    `req/s: ${result.requests.average.toFixed(0)}   p50 ${result.latency.p50} ms   p99 ${result.latency.p99} ms`,
  );
  if (failed > 0) process.exitCode = 1;
} finally {
  await stopAll();
  await registry.stop();
  await issuer.stop();
  await rm(dataDir, { recursive: true, force: true });
}
