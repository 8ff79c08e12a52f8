/** `npm run compose`: writes schema/supergraph.graphql from the district's subgraphs, explaining every problem. */
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { publishedCatalogue } from "../subgraphs/catalog/seedData.ts";
import { subgraphModules } from "../subgraphs/registry.ts";
import { composeSupergraph } from "./composeSupergraph.ts";

export const SUPERGRAPH_PATH = fileURLToPath(new URL("../schema/supergraph.graphql", import.meta.url));
/** Which department owns each subgraph, published beside the supergraph for the gateway's metering. */
export const OWNERS_PATH = fileURLToPath(new URL("../schema/supergraph.owners.json", import.meta.url));

/** `{ subgraph: department }` for every subgraph with an owning department, as `npm run compose` writes it. */
export function subgraphOwners(): Record<string, string> {
  return Object.fromEntries(
    subgraphModules.flatMap((module) => (module.department ? [[module.name, module.department]] : [])),
  );
}
export const ownersJson = () => `${JSON.stringify(subgraphOwners(), null, 2)}\n`;

/**
 * The district's subgraphs composed, and held to one data, one source against the catalogue as the catalog seeds it
 * (ownership of an entry is not changed through the graph, so the seeded owners are the catalogue's owners).
 */
export function composeDistrictSupergraph() {
  return composeSupergraph(
    subgraphModules.map((module) => ({
      name: module.name,
      url: `http://127.0.0.1:${module.defaultPort}/graphql`,
      typeDefs: module.typeDefs,
      ...(module.department ? { department: module.department } : {}),
    })),
    { catalogue: publishedCatalogue() },
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
  // Owners first: a gateway watching the supergraph re-reads them when the supergraph changes.
  await writeFile(OWNERS_PATH, ownersJson());
  await writeFile(SUPERGRAPH_PATH, outcome.supergraphSdl);
  console.log(
    `Composed ${subgraphModules.map((m) => m.name).join(", ")} into schema/supergraph.graphql` +
      " (owners in schema/supergraph.owners.json)" +
      ` (${outcome.hints.length} hint(s)).`,
  );
}
