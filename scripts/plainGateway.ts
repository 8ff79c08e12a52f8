/**
 * The baseline for `npm run bench`: a plain Apollo Gateway (defaults, nothing of ours) serving the same supergraph
 * file. Environment: PORT (default 4401), SUPERGRAPH_PATH (default schema/supergraph.graphql).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ApolloGateway } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";

const path = process.env.SUPERGRAPH_PATH ?? fileURLToPath(new URL("../schema/supergraph.graphql", import.meta.url));
const server = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl: readFileSync(path, "utf8") }) });
const { url } = await startStandaloneServer(server, {
  listen: { port: Number(process.env.PORT ?? 4401), host: "127.0.0.1" },
});
console.log(JSON.stringify({ msg: "plain gateway listening", url }));
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void server.stop().then(() => process.exit(0)));
}
