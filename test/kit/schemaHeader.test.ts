import { readFileSync } from "node:fs";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { type ConstDirectiveNode, type DocumentNode, Kind, parse, print } from "graphql";
import { describe, expect, it } from "vitest";
import { composeSupergraph } from "../../scripts/composeSupergraph.ts";
import { SCHEMA_HEADER_SDL, withSchemaHeader } from "../../subgraphs/kit/schemaHeader.ts";
import { subgraphModules } from "../../subgraphs/registry.ts";

const FEDERATION = "https://specs.apollo.dev/federation/v2.7";
const ACCESS = "https://specs.jingan.gov.cn/one-graph/access/v0.1";

/** Every `@link` and `@composeDirective` of the document's `extend schema`s, printed, in order. */
function schemaDirectives(document: DocumentNode): string[] {
  return document.definitions
    .filter((definition) => definition.kind === Kind.SCHEMA_EXTENSION)
    .flatMap((definition) => definition.directives ?? [])
    .map((directive: ConstDirectiveNode) => print(directive));
}

const hospitals = parse(`
  type Query { hospitals: [Hospital] @public }
  type Hospital @key(fields: "id") { id: ID! name: String @classified(level: "internal", category: "contact") }
`);

describe("the schema header the kit adds", () => {
  it("links federation, the district's access and catalog specs, and composes @public, @classified and @dataResource", () => {
    expect(schemaDirectives(withSchemaHeader(hospitals))).toEqual([
      `@link(url: "${FEDERATION}", import: ["@key", "@shareable", "@composeDirective", "@authenticated", "@requiresScopes", "@policy"])`,
      `@link(url: "${ACCESS}", import: ["@public", "@classified"])`,
      '@composeDirective(name: "@public")',
      '@composeDirective(name: "@classified")',
      '@link(url: "https://specs.jingan.gov.cn/one-graph/catalog/v0.1", import: ["@dataResource"])',
      '@composeDirective(name: "@dataResource")',
    ]);
    const schema = buildSubgraphSchema({ typeDefs: withSchemaHeader(hospitals) });
    expect(schema.getDirective("public")?.locations).toEqual(["FIELD_DEFINITION", "OBJECT", "INTERFACE"]);
    expect(schema.getDirective("classified")?.args.map((arg) => arg.name)).toEqual(["level", "category", "mask"]);
    expect(schema.getDirective("dataResource")?.isRepeatable).toBe(true);
  });

  it("is in every registered department's typeDefs, and nowhere in their schema.graphql files", () => {
    const header = parse(SCHEMA_HEADER_SDL, { noLocation: true }).definitions.map((definition) => print(definition));
    for (const module of subgraphModules) {
      const start = module.typeDefs.definitions.slice(0, header.length).map((definition) => print(definition));
      expect(start, module.name).toEqual(header);
      const file = readFileSync(new URL(`../../subgraphs/${module.name}/schema.graphql`, import.meta.url), "utf8");
      expect(file, module.name).not.toMatch(/directive @(public|classified)|@link\(url: "https:\/\/specs\.jingan/);
    }
  });

  it("merges a department's own imports from federation into the header's link, which a schema may have only once", () => {
    const withInterfaceObject = withSchemaHeader(
      parse(`
        extend schema @link(url: "${FEDERATION}", import: ["@key", "@interfaceObject"])
        type Query { media: [Media] @public }
        type Media @key(fields: "id") @interfaceObject { id: ID! }
      `),
    );
    const links = schemaDirectives(withInterfaceObject).filter((directive) => directive.startsWith("@link"));
    expect(links[0]).toBe(
      `@link(url: "${FEDERATION}", import: ["@key", "@shareable", "@composeDirective", "@authenticated", "@requiresScopes", "@policy", "@interfaceObject"])`,
    );
    expect(links).toHaveLength(3);
    expect(() => buildSubgraphSchema({ typeDefs: withInterfaceObject })).not.toThrow();
    const outcome = composeSupergraph([
      { name: "media", url: "http://127.0.0.1:1/graphql", typeDefs: withInterfaceObject },
      {
        name: "library",
        url: "http://127.0.0.1:2/graphql",
        typeDefs: withSchemaHeader(
          parse(`interface Media @key(fields: "id") { id: ID! } type Book implements Media @key(fields: "id") { id: ID! }
                 type Query { books: [Book] @public }`),
        ),
      },
    ]);
    expect(outcome.ok ? [] : outcome.errors).toEqual([]);
  });

  it("keeps a department's links to other specs and its own composed directives as they are", () => {
    const own = withSchemaHeader(
      parse(`
        extend schema
          @link(url: "https://specs.example.org/tags/v1.0", import: ["@tagged"])
          @composeDirective(name: "@tagged")
          @composeDirective(name: "@public")
        directive @tagged on FIELD_DEFINITION
        type Query { a: String @tagged @public }
      `),
    );
    expect(schemaDirectives(own).slice(6)).toEqual([
      '@link(url: "https://specs.example.org/tags/v1.0", import: ["@tagged"])',
      '@composeDirective(name: "@tagged")',
    ]);
    expect(() => buildSubgraphSchema({ typeDefs: own })).not.toThrow();
  });

  it("refuses a schema that still carries the header, or links another federation version, saying what to change", () => {
    expect(() => withSchemaHeader(parse(`${SCHEMA_HEADER_SDL}\ntype Query { a: String }`))).toThrow(
      "The schema defines @public, which the kit's header already defines: remove the header from the department's schema.graphql",
    );
    expect(() =>
      withSchemaHeader(
        parse(`extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@cost"])`),
      ),
    ).toThrow(`The schema links https://specs.apollo.dev/federation/v2.9, but the kit's header links ${FEDERATION}`);
  });
});
