/**
 * The platform's schema rules as the registry runs them on a published subgraph (lib/access/schemaRules.ts): the
 * district's own subgraphs keep them, and a field without a guard or a personal field without classification is named.
 */
import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import { schemaRuleViolations } from "../../lib/access/schemaRules.ts";
import { publicMarksOnFields } from "../../scripts/composeSupergraph.ts";
import { withSchemaHeader } from "../../subgraphs/kit/schemaHeader.ts";
import { subgraphModules } from "../../subgraphs/registry.ts";

describe("platform schema rules", () => {
  it("hold for every district subgraph", () => {
    const found = subgraphModules.flatMap((module) =>
      schemaRuleViolations(publicMarksOnFields(module.typeDefs)).map((v) => `${module.name}: ${v.message}`),
    );
    expect(found).toEqual([]);
  });

  it("name an unguarded field and unclassified personal data, and accept public and guarded ones", () => {
    const sdl = withSchemaHeader(
      parse(`
        type Query { clinics: [Clinic!]! @public  visitors: [Visitor!]! @authenticated }
        type Clinic @public { id: ID!  name: String! }
        type Visitor { id: ID!  phone: String  phoneMasked: String @classified(level: "personal", category: "contact", mask: "phone")  note: String @authenticated }
      `),
    );
    const violations = schemaRuleViolations(publicMarksOnFields(sdl));
    expect(violations.map((v) => [v.rule, v.coordinate])).toEqual([
      ["field-unguarded", "Visitor.id"],
      ["field-unguarded", "Visitor.phone"],
      ["personal-data-unclassified", "Visitor.phone"],
      ["field-unguarded", "Visitor.phoneMasked"],
    ]);
  });
});
