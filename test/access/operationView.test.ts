/**
 * One view of each operation (lib/access/operationView.ts), and authorization read from it: every check sees the
 * same operation — variables with their defaults, @skip/@include applied, fragments expanded once — and the work,
 * like the number of decisions, is bounded by the document, not by how often it spreads its fragments.
 */
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { nonPublicFields } from "../../gateway/auth/publicFields.ts";
import { SupergraphSnapshots, supergraphSnapshot } from "../../gateway/supergraph/supergraphSnapshot.ts";
import { authorizeOperation } from "../../lib/access/authorize.ts";
import { buildOperationView, visitViewFields } from "../../lib/access/operationView.ts";
import type { PolicySet } from "../../lib/access/policyRules.ts";
import type { SupergraphRequirements } from "../../lib/access/requirements.ts";
import { ANONYMOUS } from "../../lib/principal.ts";
import { officerOf } from "../support/envelope.ts";

const { buildSchema, parse } = createRequire(import.meta.url)("graphql") as typeof import("graphql");

const schema = buildSchema(`
  type Query { streets: [Street!]! resident(id: ID!): Resident documents: [Document!]! }
  type Street { id: ID! name: String! }
  type Resident { id: ID! name: String idNumber: String }
  interface Document { id: ID! title: String }
  type Leaflet implements Document { id: ID! title: String }
  type Visit implements Document { id: ID! title: String diagnosis: String }
`);
const requirements: SupergraphRequirements = {
  fields: new Map([
    ["Resident.idNumber", { authenticated: false, scopes: [[["identity:read"]]], policies: [] }],
    ["Visit.title", { authenticated: false, scopes: [[["health:read"]]], policies: [] }],
    ["Query.resident", { authenticated: true, scopes: [], policies: [] }],
  ]),
  policyNames: new Set(),
  guardedTypes: new Set(),
};
const policies: PolicySet = { revision: 3, policies: new Map() };
const facts = { principal: officerOf("dept-health"), purpose: null, now: new Date() };
const fanOut = (levels: number, leaf: string) =>
  `query Q{...F0} ${Array.from({ length: levels }, (_, i) => `fragment F${i} on Query{...F${i + 1} ...F${i + 1}}`).join(" ")} fragment F${levels} on Query{${leaf}}`;

describe("the operation view", () => {
  it("holds each field node once, however often fragments spread it", () => {
    const view = buildOperationView({ schema, document: parse(fanOut(30, 'resident(id: "r1") { id idNumber }')) });
    expect(view.fields.map((f) => [f.coordinate, f.path.join(".")])).toEqual([
      ["Query.resident", "resident"],
      ["Resident.id", "resident.id"],
      ["Resident.idNumber", "resident.idNumber"],
    ]);
    let visits = 0;
    visitViewFields(view, () => {
      visits += 1;
      return true;
    });
    expect(visits).toBe(3);
  });

  it("coerces variables with their defaults and applies @skip/@include with them", () => {
    const document = parse(`query ($full: Boolean = false, $id: ID = "r7") {
      resident(id: $id) { id name @include(if: $full) ... on Resident @skip(if: $full) { idNumber } }
    }`);
    const lean = buildOperationView({ schema, document });
    expect(lean.variables).toEqual({ full: false, id: "r7" });
    expect(lean.fields.map((f) => f.name)).toEqual(["resident", "id", "idNumber"]);
    const full = buildOperationView({ schema, document, variables: { full: true } });
    expect(full.fields.map((f) => f.name)).toEqual(["resident", "id", "name"]);
  });

  it("chooses the named operation and refuses variables that do not fit, as a coded 400", () => {
    const document = parse("query A { streets { id } } query B($id: ID!) { resident(id: $id) { id } }");
    expect(buildOperationView({ schema, document, operationName: "A" }).fields[0]?.coordinate).toBe("Query.streets");
    expect(() => buildOperationView({ schema, document, operationName: "B" })).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: "BAD_USER_INPUT" }) }),
    );
  });

  it("lists the non-public coordinates an anonymous caller selects, each once", () => {
    const view = buildOperationView({ schema, document: parse(fanOut(20, "streets { id name } documents { id }")) });
    expect(nonPublicFields(view, new Set(["Query.streets", "Street.id", "Street.name"]))).toEqual([
      "Query.documents",
      "Document.id",
    ]);
  });
});

describe("authorization on the view", () => {
  it("makes one decision per field node for a fan-out of 2^30 expansions", () => {
    const authorization = authorizeOperation({
      schema,
      document: parse(fanOut(30, 'resident(id: "r1") { id idNumber }')),
      requirements,
      policies,
      facts,
    });
    expect(authorization.decisions).toEqual([
      { path: ["resident"], coordinate: "Query.resident", allowed: true, rule: null, reason: null },
      {
        path: ["resident", "idNumber"],
        coordinate: "Resident.idNumber",
        allowed: false,
        rule: "@requiresScopes(identity:read)",
        reason: "needs scope identity:read",
      },
    ]);
    expect(authorization.deniedNodes.size).toBe(1);
  });

  it("decides a field of an interface by every type that implements it, once per node", () => {
    const authorization = authorizeOperation({
      schema,
      document: parse("{ documents { id ...T } more: documents { ...T } } fragment T on Document { title }"),
      requirements,
      policies,
      facts,
    });
    expect(authorization.denied).toEqual([
      {
        path: ["documents", "title"],
        coordinate: "Visit.title",
        allowed: false,
        rule: "@requiresScopes(health:read)",
        reason: "needs scope health:read",
      },
    ]);
  });

  it("does not decide what a denied field would have selected", () => {
    const authorization = authorizeOperation({
      schema,
      document: parse('{ resident(id: "r1") { idNumber } }'),
      requirements,
      policies,
      facts: { ...facts, principal: ANONYMOUS },
    });
    expect(authorization.decisions.map((d) => [d.coordinate, d.allowed])).toEqual([["Query.resident", false]]);
  });
});

describe("the supergraph snapshot", () => {
  const sdl = (field: string) => `
    schema @link(url: "https://specs.apollo.dev/link/v1.0") { query: Query }
    directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA
    scalar link__Import
    enum link__Purpose { SECURITY EXECUTION }
    enum join__Graph { A @join__graph(name: "a", url: "http://a.example/graphql") }
    type Query { ${field}: String @public }`;

  it("is frozen, and becomes current only when Apollo built a schema from its planner copy", () => {
    const snapshots = new SupergraphSnapshots();
    const first = snapshots.prepare(sdl("one"));
    expect(Object.isFrozen(first)).toBe(true);
    expect(first.subgraphs).toEqual([{ name: "a", url: "http://a.example/graphql" }]);
    expect(snapshots.current()).toBeNull();
    const schemaA = buildSchema("type Query { one: String }");
    snapshots.bind(schemaA, first.plannerSdl);
    expect(snapshots.current()).toBe(first);

    const second = snapshots.prepare(sdl("two"));
    const schemaB = buildSchema("type Query { two: String }");
    snapshots.bind(schemaB, "not the prepared planner copy");
    expect(snapshots.current()).toBe(first);
    snapshots.bind(schemaB, second.plannerSdl);
    // Requests keep the facts of the schema they execute against, across the swap.
    expect(snapshots.forSchema(schemaA)?.publicFields).toEqual(new Set(["Query.one"]));
    expect(snapshots.forSchema(schemaB)?.publicFields).toEqual(new Set(["Query.two"]));
    expect(snapshots.current()).toBe(second);
    expect(snapshots.loaded()).toBe(2);
    expect(supergraphSnapshot(sdl("x")).publicFields.has("Query.x")).toBe(true);
  });
});
