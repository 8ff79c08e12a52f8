/**
 * Deny by default for anonymous callers: without a token, an operation may select only fields marked `@public` in
 * the subgraph schemas (`__typename` and introspection aside). Subgraphs write `@public` on a field, or on a type to
 * mark every field *that subgraph* defines; composition (scripts/composeSupergraph.ts) turns type marks into field
 * marks, so another department's extension of the same type is never public by accident.
 */
import { createRequire } from "node:module";
import { type DocumentNode, type GraphQLSchema, Kind, parse } from "graphql";

// Apollo Gateway is CommonJS: its schema objects come from graphql's CommonJS build, and graphql's `instanceof`
// checks refuse objects from the ES module build ("another module or realm"). Walk them with the same build.
const graphqlCjs = createRequire(import.meta.url)("graphql") as typeof import("graphql");
const { separateOperations, TypeInfo, visit, visitWithTypeInfo } = graphqlCjs;

export const PUBLIC_DIRECTIVE = "public";

/** `Type.field` coordinates marked @public in a supergraph. */
export function publicFieldsOf(supergraphSdl: string): Set<string> {
  const coordinates = new Set<string>();
  for (const definition of parse(supergraphSdl).definitions) {
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.OBJECT_TYPE_EXTENSION &&
      definition.kind !== Kind.INTERFACE_TYPE_DEFINITION &&
      definition.kind !== Kind.INTERFACE_TYPE_EXTENSION
    ) {
      continue;
    }
    for (const field of definition.fields ?? []) {
      if (field.directives?.some((d) => d.name.value === PUBLIC_DIRECTIVE)) {
        coordinates.add(`${definition.name.value}.${field.name.value}`);
      }
    }
  }
  return coordinates;
}

/** Coordinates the chosen operation selects that are not public, in document order, without duplicates. */
export function nonPublicFields(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  publicFields: Set<string>,
): string[] {
  const operations = separateOperations(document);
  const names = Object.keys(operations);
  const selected = operations[operationName ?? names[0] ?? ""] ?? document;
  const typeInfo = new TypeInfo(schema);
  const denied = new Set<string>();
  visit(
    selected,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        if (node.name.value.startsWith("__")) return;
        const parent = typeInfo.getParentType();
        const coordinate = `${parent?.name ?? "?"}.${node.name.value}`;
        if (!publicFields.has(coordinate)) denied.add(coordinate);
      },
    }),
  );
  return [...denied];
}
