/**
 * The second peer for `npm run bench`: Hive Gateway (`@graphql-hive/gateway`) with the Rust query planner
 * (`@graphql-hive/router-runtime`'s `unifiedGraphHandler`), serving the same supergraph file as the plain Apollo
 * Gateway (scripts/plainGateway.ts), with its defaults otherwise. Like plain, its only addition is the signed identity
 * envelope, without which our subgraphs answer nothing: an `onFetch` plugin signs every subgraph request on its exact
 * method, path and body bytes, for the subgraph the URL belongs to (the supergraph's `join__graph` URLs), with one
 * fixed principal (HIVE_GATEWAY_PRINCIPAL, JSON) so the subgraphs' row rules see the same caller as behind our
 * gateway. It verifies no tokens and forwards no client headers, like plain. It loads the supergraph without the
 * SECURITY purpose of `@authenticated`/`@requiresScopes`/`@policy`, as plain and our planner do.
 * Hive's HTTP executor shares identical in-flight subgraph queries by default (`deduplicateInflightRequests`); the
 * key is taken before `onFetch`, so shared fetches go with one envelope, used once.
 * Environment: PORT (default 4402), SUPERGRAPH_PATH, ENVELOPE_PRIVATE_KEY, HIVE_GATEWAY_PRINCIPAL.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import { supergraphForPlanner } from "../lib/access/requirements.ts";
import { ANONYMOUS, isPrincipal, type Principal } from "../lib/principal.ts";
import { createEnvelopeSigner, ENVELOPE_HEADER, requestPath } from "../lib/wire.ts";

// Hive's type declarations pull in `@whatwg-node/fetch`, whose `/// <reference lib="dom" />` would retype `fetch` for
// the whole project (Node's types, tsconfig `types: ["node"]`): loaded through a variable specifier, with the little
// of the API used here typed below (see @graphql-hive/gateway-runtime's GatewayPlugin and OnFetchHookPayload).
interface FetchOptions {
  method?: string;
  headers?: Record<string, string> | Headers | Array<[string, string]>;
  body?: unknown;
}
interface OnFetchPayload {
  url: string;
  options: FetchOptions;
  setOptions(options: FetchOptions): void;
}
interface GatewayRuntime {
  (request: IncomingMessage, response: ServerResponse): void;
  dispose(): Promise<void> | void;
}
const hiveGateway = "@graphql-hive/gateway";
const routerRuntime = "@graphql-hive/router-runtime";
const { createGatewayRuntime } = (await import(hiveGateway)) as {
  createGatewayRuntime(config: Record<string, unknown>): GatewayRuntime;
};
const { unifiedGraphHandler } = (await import(routerRuntime)) as { unifiedGraphHandler: unknown };

const path = process.env.SUPERGRAPH_PATH ?? fileURLToPath(new URL("../schema/supergraph.graphql", import.meta.url));
const sign = createEnvelopeSigner(process.env.ENVELOPE_PRIVATE_KEY ?? "");
const fixed: unknown = process.env.HIVE_GATEWAY_PRINCIPAL ? JSON.parse(process.env.HIVE_GATEWAY_PRINCIPAL) : ANONYMOUS;
if (!isPrincipal(fixed)) throw new Error("HIVE_GATEWAY_PRINCIPAL is not a principal (lib/principal.ts)");
const principal: Principal = fixed;

const supergraph = supergraphForPlanner(readFileSync(path, "utf8"));
/** Subgraph name by URL, from the supergraph's `join__Graph` enum: the envelope's audience. */
const subgraphByUrl = new Map<string, string>();
for (const [, name, url] of supergraph.matchAll(/@join__graph\(name: "([^"]+)", url: "([^"]+)"\)/g)) {
  subgraphByUrl.set(url!, name!);
}

/** Signs each subgraph request as plain's data source does: on the bytes sent, for the subgraph they go to. */
const signEnvelope = {
  onFetch({ url, options, setOptions }: OnFetchPayload) {
    const name = subgraphByUrl.get(url);
    if (!name) return; // not a subgraph (nothing else is fetched here)
    const method = options.method ?? "POST";
    const body = typeof options.body === "string" ? options.body : "";
    if (options.body != null && typeof options.body !== "string") {
      throw new Error(`hive gateway: cannot sign a ${typeof options.body} body for ${name}`);
    }
    const envelope = sign(
      { aud: name, requestId: randomUUID(), purpose: null, principal },
      { method, path: requestPath(url), body },
    );
    const headers = new Headers(options.headers);
    headers.set(ENVELOPE_HEADER, envelope);
    setOptions({ ...options, headers: Object.fromEntries(headers) });
  },
};

const gateway = createGatewayRuntime({
  supergraph,
  unifiedGraphHandler,
  plugins: () => [signEnvelope],
  logging: process.env.LOG_LEVEL === "debug" ? "debug" : "warn",
  landingPage: false,
});
const server = createServer(gateway);
const port = Number(process.env.PORT ?? 4402);
server.listen(port, "127.0.0.1", () => {
  console.log(JSON.stringify({ msg: "hive gateway listening", url: `http://127.0.0.1:${port}/graphql` }));
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    server.close();
    void Promise.resolve(gateway.dispose()).then(() => process.exit(0));
  });
}
