/**
 * One data, one source (一数一源), checked at composition: every catalogue entry a subgraph declares it serves
 * (`@dataResource(id: "res-0011")` on a type or field, subgraphs/kit/schemaHeader.graphql) must
 *
 * - exist in the catalogue (`DATA_RESOURCE_UNKNOWN`),
 * - be served by exactly one subgraph (`DATA_RESOURCE_SERVED_TWICE`): the others reference its entity by key,
 * - be owned by the department that owns the serving subgraph (`DATA_RESOURCE_NOT_OWNED`).
 *
 * There are no exceptions: a type whose resource another department owns moves to that department's subgraph (as
 * NursingHome moved from health to civil affairs), and the others extend its entity by key.
 */
import { type ConstDirectiveNode, type DocumentNode, Kind, visit } from "graphql";

/** What the check needs of a catalogue entry (the catalog subgraph's `DataResource`). */
export interface CatalogueEntry {
  id: string;
  name: string;
  ownerDepartmentId: string;
}

export interface ServingSubgraph {
  name: string;
  /** The owning department's catalogue id; absent for platform services. */
  department?: string;
  typeDefs: DocumentNode;
}

/** One `@dataResource` declaration: the resource, and the type or field (`Hospital`, `Street.hospitals`) carrying it. */
export interface ServedResource {
  resourceId: string;
  subgraph: string;
  coordinate: string;
}

export const DATA_RESOURCE_DIRECTIVE = "dataResource";

/** Every `@dataResource` of a subgraph's SDL, in document order. */
export function servedResources(subgraph: string, typeDefs: DocumentNode): ServedResource[] {
  const served: ServedResource[] = [];
  const collect = (coordinate: string, directives: readonly ConstDirectiveNode[] | undefined) => {
    for (const directive of directives ?? []) {
      if (directive.name.value !== DATA_RESOURCE_DIRECTIVE) continue;
      const id = directive.arguments?.find((argument) => argument.name.value === "id")?.value;
      if (id?.kind === Kind.STRING) served.push({ resourceId: id.value, subgraph, coordinate });
    }
  };
  const onType = (node: {
    name: { value: string };
    directives?: readonly ConstDirectiveNode[];
    fields?: readonly { name: { value: string }; directives?: readonly ConstDirectiveNode[] }[];
  }) => {
    collect(node.name.value, node.directives);
    for (const field of node.fields ?? []) collect(`${node.name.value}.${field.name.value}`, field.directives);
    return false;
  };
  visit(typeDefs, {
    [Kind.OBJECT_TYPE_DEFINITION]: onType,
    [Kind.OBJECT_TYPE_EXTENSION]: onType,
    [Kind.INTERFACE_TYPE_DEFINITION]: onType,
    [Kind.INTERFACE_TYPE_EXTENSION]: onType,
  });
  return served;
}

/** The violations, as `CODE: sentence` lines like composition's own errors; empty when the graph holds to the rule. */
export function checkOneSource(subgraphs: readonly ServingSubgraph[], catalogue: readonly CatalogueEntry[]): string[] {
  const entries = new Map(catalogue.map((entry) => [entry.id, entry]));
  const errors: string[] = [];
  const servers = new Map<string, ServedResource[]>();
  for (const subgraph of subgraphs) {
    for (const served of servedResources(subgraph.name, subgraph.typeDefs)) {
      const entry = entries.get(served.resourceId);
      if (!entry) {
        errors.push(
          `DATA_RESOURCE_UNKNOWN: Subgraph "${subgraph.name}" declares @dataResource(id: "${served.resourceId}") on ${served.coordinate}, but the catalogue has no entry with that id: use the id of the catalogue entry the type serves (query dataResources on the catalog), or have the owning department catalogue it first.`,
        );
        continue;
      }
      servers.set(entry.id, [...(servers.get(entry.id) ?? []), served]);
      if (subgraph.department === entry.ownerDepartmentId) continue;
      const serving = subgraph.department
        ? `Subgraph "${subgraph.name}" (department ${subgraph.department})`
        : `Subgraph "${subgraph.name}" (a platform service of no department)`;
      errors.push(
        `DATA_RESOURCE_NOT_OWNED: ${serving} serves ${entry.id} (${entry.name}) on ${served.coordinate}, but the catalogue names ${entry.ownerDepartmentId} as its owner: one data, one source — move the type to the owner's subgraph and reference it here by key, or have the owner correct the catalogue entry.`,
      );
    }
  }
  for (const [resourceId, declarations] of servers) {
    const names = [...new Set(declarations.map((d) => d.subgraph))];
    if (names.length < 2) continue;
    const entry = entries.get(resourceId) as CatalogueEntry;
    const where = names
      .map(
        (name) =>
          `"${name}" (${declarations
            .filter((d) => d.subgraph === name)
            .map((d) => d.coordinate)
            .join(", ")})`,
      )
      .join(" and ");
    errors.push(
      `DATA_RESOURCE_SERVED_TWICE: ${resourceId} (${entry.name}) is served by ${where}: one data, one source — keep it in the subgraph of ${entry.ownerDepartmentId}, and let the others reference its entity by key.`,
    );
  }
  return errors;
}
