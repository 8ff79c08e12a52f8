/**
 * A registry starts with the district's graph: on an empty registry each subgraph in subgraphs/registry.ts becomes its
 * version 1, owned by its department and published by the platform ("bootstrap"), composed into the first supergraph
 * revision. From then on departments publish through the registry (docs/registry.md).
 */
import { print } from "graphql";
import { composeSupergraph } from "../scripts/composeSupergraph.ts";
import { subgraphModules } from "../subgraphs/registry.ts";
import type { CheckReport } from "./checks.ts";
import type { RegistryStore } from "./registryStore.ts";

/** The owner department of each district subgraph (department ids as the catalog issues them). */
export const DISTRICT_OWNERS: Readonly<Record<string, string>> = {
  catalog: "dept-data",
  health: "dept-health",
  education: "dept-education",
  sports: "dept-sports",
  culture: "dept-culture",
  parking: "dept-transport",
  enterprise: "dept-admin-service",
  identity: "dept-data",
  audit: "dept-data",
};

export const BOOTSTRAP_PUBLISHER = "platform:bootstrap";

/** Registers the district's subgraphs when the registry holds none; returns how many it registered. */
export async function bootstrapDistrictGraph(store: RegistryStore): Promise<number> {
  if (await store.currentSupergraph()) return 0;
  const sources = subgraphModules.map((module) => ({
    name: module.name,
    url: `http://127.0.0.1:${module.defaultPort}/graphql`,
    typeDefs: module.typeDefs,
  }));
  const composition = composeSupergraph(sources);
  if (!composition.ok) throw new Error(`The district's subgraphs do not compose: ${composition.errors.join("; ")}`);
  const report: CheckReport = {
    ok: true,
    needsApproval: false,
    composition: { ok: true, errors: [], hints: composition.hints },
    changes: [],
    securityChanges: [],
    violations: [],
    brokenOperations: [],
    problems: [],
  };
  for (const [index, source] of sources.entries()) {
    const last = index === sources.length - 1;
    await store.addVersion({
      name: source.name,
      departmentId: DISTRICT_OWNERS[source.name] ?? "dept-data",
      source: { name: source.name, url: source.url, sdl: print(source.typeDefs) },
      status: "ACTIVE",
      publishedBy: BOOTSTRAP_PUBLISHER,
      approvedBy: BOOTSTRAP_PUBLISHER,
      report,
      // Only the last one records the supergraph: the composition of all of them.
      supergraphSdl: last ? composition.supergraphSdl : null,
      reason: "bootstrap: the district's subgraphs",
    });
  }
  return sources.length;
}
