/**
 * The baseline for `npm run bench`: a plain Apollo Gateway (defaults) serving the same supergraph file. Its only
 * addition is the signed identity envelope, without which our subgraphs answer nothing — so the comparison shows
 * what everything else in our gateway costs. Environment: PORT (default 4401), SUPERGRAPH_PATH, ENVELOPE_PRIVATE_KEY.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ApolloGateway, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { ANONYMOUS } from "../lib/principal.ts";
import { createEnvelopeSigner, ENVELOPE_HEADER } from "../lib/wire.ts";

const path = process.env.SUPERGRAPH_PATH ?? fileURLToPath(new URL("../schema/supergraph.graphql", import.meta.url));
const sign = createEnvelopeSigner(process.env.ENVELOPE_PRIVATE_KEY ?? "");
const server = new ApolloServer({
  gateway: new ApolloGateway({
    supergraphSdl: readFileSync(path, "utf8"),
    buildService: ({ name, url }) =>
      new RemoteGraphQLDataSource({
        url,
        willSendRequest: ({ request }) => {
          request.http?.headers.set(
            ENVELOPE_HEADER,
            sign({ aud: name, requestId: randomUUID(), purpose: null, principal: ANONYMOUS }),
          );
        },
      }),
  }),
});
const { url } = await startStandaloneServer(server, {
  listen: { port: Number(process.env.PORT ?? 4401), host: "127.0.0.1" },
});
console.log(JSON.stringify({ msg: "plain gateway listening", url }));
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void server.stop().then(() => process.exit(0)));
}
