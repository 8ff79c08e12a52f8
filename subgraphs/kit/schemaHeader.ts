/**
 * The header every department's schema starts with, kept once in the kit (./schemaHeader.graphql) and added by
 * `defineSubgraph`: the Federation 2 link with the directives departments use (`@key`, `@shareable`, and the
 * authorization directives `@authenticated`, `@requiresScopes`, `@policy`), the district's access link (`@public`,
 * `@classified`), the `@composeDirective`s that carry those two into the supergraph, and their definitions.
 *
 * A department that needs more from a linked spec declares its own `extend schema @link(...)` for the same spec in its
 * `schema.graphql` (say `import: ["@interfaceObject"]`): the imports are merged into the header's link, since a schema
 * may link a spec only once. Links to other specs are kept as they are.
 */
import { readFileSync } from "node:fs";
import {
  type ConstArgumentNode,
  type ConstDirectiveNode,
  type ConstValueNode,
  type DefinitionNode,
  type DocumentNode,
  Kind,
  parse,
  type SchemaExtensionNode,
} from "graphql";

export const SCHEMA_HEADER_SDL = readFileSync(new URL("./schemaHeader.graphql", import.meta.url), "utf8");

const HEADER = parse(SCHEMA_HEADER_SDL, { noLocation: true });

/** The department's schema with the header in front (its own links to the header's specs merged into the header's). */
export function withSchemaHeader(typeDefs: DocumentNode): DocumentNode {
  const headerExtension = HEADER.definitions.find(isSchemaExtension);
  if (!headerExtension)
    throw new Error("subgraphs/kit/schemaHeader.graphql must start with `extend schema @link(...)`.");
  const headerDirectives = HEADER.definitions
    .filter((definition) => definition.kind === Kind.DIRECTIVE_DEFINITION)
    .map((definition) => definition.name.value);
  let directives = [...(headerExtension.directives ?? [])];
  const definitions: DefinitionNode[] = [];
  for (const definition of typeDefs.definitions) {
    if (definition.kind === Kind.DIRECTIVE_DEFINITION && headerDirectives.includes(definition.name.value)) {
      throw new Error(
        `The schema defines @${definition.name.value}, which the kit's header already defines: remove the header from the department's schema.graphql (subgraphs/kit/schemaHeader.graphql adds it).`,
      );
    }
    if (!isSchemaExtension(definition) || definition.operationTypes?.length) {
      definitions.push(definition);
      continue;
    }
    const own: ConstDirectiveNode[] = [];
    for (const directive of definition.directives ?? []) {
      const merged = mergeInto(directives, directive);
      if (merged) directives = merged;
      else own.push(directive);
    }
    if (own.length > 0) definitions.push({ ...definition, directives: own });
  }
  const header = HEADER.definitions.map((definition) =>
    definition === headerExtension ? { ...headerExtension, directives } : definition,
  );
  return { kind: Kind.DOCUMENT, definitions: [...header, ...definitions] };
}

function isSchemaExtension(definition: DefinitionNode): definition is SchemaExtensionNode {
  return definition.kind === Kind.SCHEMA_EXTENSION;
}

/**
 * The header's directives with `directive` merged in when it repeats one of them: a `@link` to a spec the header links
 * (its imports added) or a `@composeDirective` the header already has. Undefined when it is the department's own.
 */
function mergeInto(header: ConstDirectiveNode[], directive: ConstDirectiveNode): ConstDirectiveNode[] | undefined {
  const name = directive.name.value;
  if (name === "composeDirective") {
    const composed = stringArgument(directive, "name");
    return header.some((d) => d.name.value === name && stringArgument(d, "name") === composed) ? header : undefined;
  }
  if (name !== "link") return undefined;
  const url = stringArgument(directive, "url");
  const index = header.findIndex((d) => d.name.value === "link" && specOf(stringArgument(d, "url")) === specOf(url));
  if (index < 0) return undefined;
  const headerLink = header[index]!;
  if (stringArgument(headerLink, "url") !== url) {
    throw new Error(
      `The schema links ${url}, but the kit's header links ${stringArgument(headerLink, "url")}: a schema links a spec once, so link the header's version (or change it in subgraphs/kit/schemaHeader.graphql for every department).`,
    );
  }
  const imports = [...importsOf(headerLink)];
  for (const item of importsOf(directive)) {
    if (!imports.some((known) => importName(known) === importName(item))) imports.push(item);
  }
  const merged: ConstDirectiveNode = {
    ...headerLink,
    arguments: [
      ...(headerLink.arguments ?? []).filter((argument) => argument.name.value !== "import"),
      { kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: "import" }, value: { kind: Kind.LIST, values: imports } },
    ],
  };
  return header.map((d, i) => (i === index ? merged : d));
}

/** `https://specs.apollo.dev/federation/v2.7` → `https://specs.apollo.dev/federation`. */
function specOf(url: string | undefined): string | undefined {
  return url?.replace(/\/v\d+\.\d+\/?$/, "");
}

function argument(directive: ConstDirectiveNode, name: string): ConstArgumentNode | undefined {
  return directive.arguments?.find((a) => a.name.value === name);
}

function stringArgument(directive: ConstDirectiveNode, name: string): string | undefined {
  const value = argument(directive, name)?.value;
  return value?.kind === Kind.STRING ? value.value : undefined;
}

function importsOf(link: ConstDirectiveNode): readonly ConstValueNode[] {
  const value = argument(link, "import")?.value;
  return value?.kind === Kind.LIST ? value.values : [];
}

/** An import is `"@key"` or `{ name: "@key", as: "@primaryKey" }`. */
function importName(item: ConstValueNode): string | undefined {
  if (item.kind === Kind.STRING) return item.value;
  if (item.kind !== Kind.OBJECT) return undefined;
  const name = item.fields.find((field) => field.name.value === "name")?.value;
  return name?.kind === Kind.STRING ? name.value : undefined;
}
