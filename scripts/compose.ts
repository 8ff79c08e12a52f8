/** `npm run compose`: writes schema/supergraph.graphql from the district's subgraphs, explaining every problem. */
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { subgraphModules } from "../subgraphs/registry.ts";
import { composeSupergraph } from "./composeSupergraph.ts";

export const SUPERGRAPH_PATH = fileURLToPath(new URL("../schema/supergraph.graphql", import.meta.url));

export function composeDistrictSupergraph() {
  return composeSupergraph(
    subgraphModules.map((module) => ({
      name: module.name,
      url: `http://127.0.0.1:${module.defaultPort}/graphql`,
      typeDefs: module.typeDefs,
    })),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const outcome = composeDistrictSupergraph();
  for (const hint of outcome.hints) console.log(`hint  ${hint}`);
  if (!outcome.ok) {
    console.error(`Composition failed with ${outcome.errors.length} error(s):`);
    for (const error of outcome.errors) console.error(`error ${error}`);
    process.exit(1);
  }
  await writeFile(SUPERGRAPH_PATH, outcome.supergraphSdl);
  console.log(
    `Composed ${subgraphModules.map((m) => m.name).join(", ")} into schema/supergraph.graphql` +
      ` (${outcome.hints.length} hint(s)).`,
  );
}
