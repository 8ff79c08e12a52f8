/**
 * The service directory's and schema docs' source at build time: the composed supergraph (schema/supergraph.graphql)
 * read with graphql-js — which department subgraph owns which types and root fields, with their descriptions — and
 * schema/supergraph.owners.json for each subgraph's owning department. Served to the page as the virtual module
 * `virtual:supergraph-directory`. Subgraph URLs are left out: they are internal addresses.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  type ConstArgumentNode,
  type ConstDirectiveNode,
  type DefinitionNode,
  Kind,
  parse,
  print,
  type TypeNode,
} from "graphql";
import type { Plugin } from "vite";

export interface DirectoryField {
  name: string;
  type: string;
  description: string;
}
export interface DirectoryType {
  name: string;
  kind: "object" | "interface" | "enum" | "input" | "scalar" | "union";
  description: string;
  fields: DirectoryField[];
}
export interface DirectorySubgraph {
  name: string;
  ownerDepartmentId: string | null;
  types: DirectoryType[];
  rootFields: { query: DirectoryField[]; mutation: DirectoryField[] };
}
export interface Directory {
  subgraphs: DirectorySubgraph[];
}

const VIRTUAL_ID = "virtual:supergraph-directory";

const stringArg = (args: readonly ConstArgumentNode[] | undefined, name: string) => {
  const value = args?.find((arg) => arg.name.value === name)?.value;
  return value && (value.kind === Kind.STRING || value.kind === Kind.ENUM) ? value.value : undefined;
};
const typeText = (type: TypeNode): string => print(type);
const graphsOf = (directives: readonly ConstDirectiveNode[] | undefined, directive: string) =>
  (directives ?? [])
    .filter((d) => d.name.value === directive)
    .map((d) => stringArg(d.arguments, "graph"))
    .filter((g): g is string => Boolean(g));

const KIND_OF: Partial<Record<DefinitionNode["kind"], DirectoryType["kind"]>> = {
  [Kind.OBJECT_TYPE_DEFINITION]: "object",
  [Kind.INTERFACE_TYPE_DEFINITION]: "interface",
  [Kind.ENUM_TYPE_DEFINITION]: "enum",
  [Kind.INPUT_OBJECT_TYPE_DEFINITION]: "input",
  [Kind.SCALAR_TYPE_DEFINITION]: "scalar",
  [Kind.UNION_TYPE_DEFINITION]: "union",
};

export function readDirectory(supergraphPath: string): Directory {
  const document = parse(readFileSync(supergraphPath, "utf8"));
  let owners: Record<string, string> = {};
  try {
    owners = JSON.parse(readFileSync(join(dirname(supergraphPath), "supergraph.owners.json"), "utf8"));
  } catch {
    owners = {};
  }
  const graphNames = new Map<string, string>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.ENUM_TYPE_DEFINITION && definition.name.value === "join__Graph") {
      for (const value of definition.values ?? []) {
        const name = stringArg(value.directives?.find((d) => d.name.value === "join__graph")?.arguments, "name");
        if (name) graphNames.set(value.name.value, name);
      }
    }
  }
  const subgraphs = new Map<string, DirectorySubgraph>(
    [...graphNames.values()]
      .sort()
      .map((name) => [
        name,
        { name, ownerDepartmentId: owners[name] ?? null, types: [], rootFields: { query: [], mutation: [] } },
      ]),
  );
  for (const definition of document.definitions) {
    const kind = KIND_OF[definition.kind];
    if (!kind || !("name" in definition) || !definition.name) continue;
    const name = definition.name.value;
    if (name.startsWith("join__") || name.startsWith("link__") || name === "link__Import") continue;
    const description = "description" in definition ? (definition.description?.value ?? "") : "";
    const fieldsOf = (graph: string): DirectoryField[] => {
      if (!("fields" in definition) || !definition.fields) return [];
      return (definition.fields as readonly any[])
        .filter((field) => {
          const owning = graphsOf(field.directives, "join__field");
          return owning.length === 0 || owning.includes(graph);
        })
        .map((field) => ({
          name: field.name.value as string,
          type: typeText(field.type),
          description: (field.description?.value as string | undefined) ?? "",
        }));
    };
    for (const graph of graphsOf(definition.directives as readonly ConstDirectiveNode[], "join__type")) {
      const subgraph = subgraphs.get(graphNames.get(graph) ?? "");
      if (!subgraph) continue;
      if (name === "Query" || name === "Mutation") {
        subgraph.rootFields[name === "Query" ? "query" : "mutation"] = fieldsOf(graph).filter(
          (field) => !field.name.startsWith("_"),
        );
        continue;
      }
      subgraph.types.push({ name, kind, description, fields: fieldsOf(graph) });
    }
  }
  return { subgraphs: [...subgraphs.values()] };
}

/** The Vite plugin: `import directory from "virtual:supergraph-directory"`. */
export function supergraphDirectory(supergraphPath: string): Plugin {
  return {
    name: "supergraph-directory",
    resolveId: (id) => (id === VIRTUAL_ID ? `\0${VIRTUAL_ID}` : null),
    load(id) {
      if (id !== `\0${VIRTUAL_ID}`) return null;
      this.addWatchFile(supergraphPath);
      return `export default ${JSON.stringify(readDirectory(supergraphPath))};`;
    },
  };
}
