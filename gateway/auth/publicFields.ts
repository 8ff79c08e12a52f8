/**
 * Deny by default for anonymous callers: without a token, an operation may select only fields marked `@public` in
 * the subgraph schemas (`__typename` and introspection aside). Subgraphs write `@public` on a field, or on a type to
 * mark every field *that subgraph* defines; composition (scripts/composeSupergraph.ts) turns type marks into field
 * marks, so another department's extension of the same type is never public by accident.
 */
import { type FieldDefinitionNode, Kind, parse } from "graphql";
import type { OperationView } from "../../lib/access/operationView.ts";

export const PUBLIC_DIRECTIVE = "public";

/** Every field definition of the object and interface types (and extensions) in an SDL, with its type's name. */
export function* fieldDefinitionsOf(sdl: string): Generator<{ typeName: string; field: FieldDefinitionNode }> {
  for (const definition of parse(sdl).definitions) {
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.OBJECT_TYPE_EXTENSION &&
      definition.kind !== Kind.INTERFACE_TYPE_DEFINITION &&
      definition.kind !== Kind.INTERFACE_TYPE_EXTENSION
    ) {
      continue;
    }
    for (const field of definition.fields ?? []) yield { typeName: definition.name.value, field };
  }
}

/** `Type.field` coordinates marked @public in a supergraph. */
export function publicFieldsOf(supergraphSdl: string): Set<string> {
  const coordinates = new Set<string>();
  for (const { typeName, field } of fieldDefinitionsOf(supergraphSdl)) {
    if (field.directives?.some((d) => d.name.value === PUBLIC_DIRECTIVE))
      coordinates.add(`${typeName}.${field.name.value}`);
  }
  return coordinates;
}

/**
 * Coordinates the operation selects that are not public, in the order first reached, without duplicates. Read from
 * the request's operation view: each field node once, `@skip`/`@include` applied.
 */
export function nonPublicFields(view: OperationView, publicFields: ReadonlySet<string>): string[] {
  const denied = new Set<string>();
  for (const field of view.fields) {
    if (field.name.startsWith("__")) continue;
    if (!publicFields.has(field.coordinate)) denied.add(field.coordinate);
  }
  return [...denied];
}
