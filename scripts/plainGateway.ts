/**
 * The baseline for `npm run bench`: a plain Apollo Gateway (defaults) serving the same supergraph file. Its only
 * addition is the signed identity envelope, without which our subgraphs answer nothing — so the comparison shows
 * what everything else in our gateway costs (authentication, authorization, masking, audit, limits, resilience).
 * It cannot enforce the supergraph's `@authenticated`/`@requiresScopes`/`@policy`, so like our planner it loads the
 * copy without their SECURITY purpose, and every envelope carries one fixed principal (PLAIN_GATEWAY_PRINCIPAL, JSON)
 * so the subgraphs' row rules see the same caller as behind our gateway.
 * Environment: PORT (default 4401), SUPERGRAPH_PATH, ENVELOPE_PRIVATE_KEY, PLAIN_GATEWAY_PRINCIPAL.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ApolloGateway, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { supergraphForPlanner } from "../lib/access/requirements.ts";
import { ANONYMOUS, isPrincipal, type Principal } from "../lib/principal.ts";
import { createEnvelopeSigner, ENVELOPE_HEADER, requestPath } from "../lib/wire.ts";

const path = process.env.SUPERGRAPH_PATH ?? fileURLToPath(new URL("../schema/supergraph.graphql", import.meta.url));
const sign = createEnvelopeSigner(process.env.ENVELOPE_PRIVATE_KEY ?? "");
const fixed: unknown = process.env.PLAIN_GATEWAY_PRINCIPAL
  ? JSON.parse(process.env.PLAIN_GATEWAY_PRINCIPAL)
  : ANONYMOUS;
if (!isPrincipal(fixed)) throw new Error("PLAIN_GATEWAY_PRINCIPAL is not a principal (lib/principal.ts)");
const principal: Principal = fixed;
/** Apollo's own data source and fetcher, plus the envelope (signed on the exact bytes, as our subgraphs require). */
class SigningDataSource extends RemoteGraphQLDataSource {
  constructor(name: string, url: string) {
    super({ url });
    const inner = this.fetcher;
    this.fetcher = (fetchUrl, init) => {
      const method = init?.method ?? "POST";
      const body = typeof init?.body === "string" ? init.body : "";
      const envelope = sign(
        { aud: name, requestId: randomUUID(), purpose: null, principal },
        { method, path: requestPath(fetchUrl), body },
      );
      return inner(fetchUrl, {
        ...init,
        headers: { ...(init?.headers as Record<string, string>), [ENVELOPE_HEADER]: envelope },
      });
    };
  }
}

const server = new ApolloServer({
  gateway: new ApolloGateway({
    supergraphSdl: supergraphForPlanner(readFileSync(path, "utf8")),
    buildService: ({ name, url }) => new SigningDataSource(name, url ?? ""),
  }),
});
const { url } = await startStandaloneServer(server, {
  listen: { port: Number(process.env.PORT ?? 4401), host: "127.0.0.1" },
});
console.log(JSON.stringify({ msg: "plain gateway listening", url }));
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void server.stop().then(() => process.exit(0)));
}
