import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { limitsResolver } from "../../gateway/limits/limitsFor.ts";
import { checkLimits, DEFAULT_LIMITS, measureOperation, measureView } from "../../gateway/limits/operationLimits.ts";
import { buildOperationView } from "../../lib/access/operationView.ts";
import { ANONYMOUS } from "../../lib/principal.ts";
import { officerOf } from "../support/envelope.ts";

// The gateway hands the guard schemas built by graphql's CommonJS build (Apollo Gateway is CommonJS); so do we.
const { buildSchema, parse } = createRequire(import.meta.url)("graphql") as typeof import("graphql");

const schema = buildSchema(`
  type Query { street(id: ID!): Street  hospitals(first: Int, after: String): HospitalConnection  streets: [Street!]! }
  type Street { id: ID! name: String! hospitals: [Hospital!]! neighbours: [Street!]! }
  type Hospital { name: String! street: Street }
  type HospitalConnection { nodes: [Hospital!]! pageInfo: PageInfo! }
  type PageInfo { hasNextPage: Boolean! }
`);
const measure = (query: string, variables: Record<string, unknown> = {}) =>
  measureOperation(schema, parse(query), undefined, { variables });

describe("operation measurement", () => {
  it("counts depth, root fields, aliases and directives, following fragments", () => {
    const m = measure(`query { a: street(id: "x") { ...S } b: street(id: "y") @include(if: true) { name } }
      fragment S on Street { name hospitals { street { name } } }`);
    expect(m).toMatchObject({ depth: 4, rootFields: 2, aliases: 2, directives: 1 });
  });

  it("costs a connection page by its first argument, once, and an unsized list by the default size", () => {
    const page = measure(`{ hospitals(first: 200) { nodes { name street { name } } pageInfo { hasNextPage } } }`);
    // hospitals 1 + nodes 200 + name 200 + street 200 + street.name 200 + pageInfo 200 + hasNextPage 200
    expect(page.cost).toBe(1201);
    expect(page.largestPage).toEqual({ size: 200, field: "hospitals" });
    const nested = measure(`{ streets { neighbours { neighbours { name } } } }`);
    // streets 1, neighbours 10, neighbours 100, name 1000
    expect(nested.cost).toBe(1111);
  });

  it("reads page sizes from variables", () => {
    expect(
      measure(`query ($n: Int) { hospitals(first: $n) { nodes { name } } }`, { n: 1_000_000 }).largestPage,
    ).toEqual({
      size: 1_000_000,
      field: "hospitals",
    });
  });

  it("measures the same cost and page size whether a defaulted variable is sent or left to its default", () => {
    const query = `query ($n: Int = 500) {
      hospitals(first: $n) { nodes { name street { neighbours { neighbours { name } } } } }
    }`;
    const defaulted = measure(query);
    const given = measure(query, { n: 500 });
    const literal = measure(query.replace("first: $n", "first: 500"));
    expect(defaulted).toEqual(given);
    expect(defaulted).toEqual(literal);
    expect(defaulted.largestPage).toEqual({ size: 500, field: "hospitals" });
    // hospitals 1 + 500 × (nodes 1 + name 1 + street 1 + neighbours 1 + 10 × (neighbours 1 + 10 × name 1))
    expect(defaulted.cost).toBe(1 + 500 * 114);
    expect(checkLimits(defaulted, DEFAULT_LIMITS)).toMatchObject({ limit: "cost", measured: 57_001 });
  });

  it("leaves out what @skip/@include remove, with variables and their defaults", () => {
    const query = `query ($lean: Boolean = true) {
      streets { name neighbours @skip(if: $lean) { neighbours { neighbours { name } } } }
    }`;
    expect(measure(query)).toMatchObject({ depth: 2, cost: 11 });
    // streets 1, name 10, then three levels of neighbours (10, 100, 1000) and their names (10 000).
    expect(measure(query, { lean: false })).toMatchObject({ depth: 5, cost: 1 + 10 + 10 + 100 + 1000 + 10_000 });
  });

  it("refuses an unusable variable before measuring, as a coded 400", () => {
    expect(() => measure(`query ($n: Int!) { hospitals(first: $n) { nodes { name } } }`)).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: "BAD_USER_INPUT" }) }),
    );
  });

  it("measures a fragment fan-out arithmetically: 2^30 expansions from a view of 31 fragments and 3 fields", () => {
    const fanOut = (levels: number) =>
      `query Q{...F0} ${Array.from({ length: levels }, (_, i) => `fragment F${i} on Query{...F${i + 1} ...F${i + 1}}`).join(" ")} fragment F${levels} on Query{streets{id name}}`;
    const view = buildOperationView({ schema, document: parse(fanOut(30)) });
    expect(view.fields.map((f) => f.coordinate)).toEqual(["Query.streets", "Street.id", "Street.name"]);
    const measured = measureView(view);
    expect(measured).toMatchObject({ depth: 2, rootFields: 2 ** 30, expandedFields: 3 * 2 ** 30 });
    expect(checkLimits(measured, DEFAULT_LIMITS)).toMatchObject({ limit: "expandedFields", max: 2000 });
    expect(checkLimits(measure(fanOut(22)), DEFAULT_LIMITS)).toMatchObject({
      limit: "expandedFields",
      measured: 3 * 2 ** 22,
    });
    // Deep enough to overflow exact integers: reported at the largest exact one, still refused.
    expect(measure(fanOut(60)).expandedFields).toBe(Number.MAX_SAFE_INTEGER);
  });

  it("names the first limit broken, with its maximum and the measured value", () => {
    const deep = measure(`{ streets { neighbours { neighbours { neighbours { neighbours { name } } } } } }`);
    expect(checkLimits(deep, { ...DEFAULT_LIMITS, depth: 4 })).toMatchObject({ limit: "depth", max: 4, measured: 6 });
    const wide = measure(`{ hospitals(first: 1000000) { nodes { name } } }`);
    expect(checkLimits(wide, DEFAULT_LIMITS)).toMatchObject({ limit: "pageSize", max: 500, measured: 1_000_000 });
    expect(checkLimits(measure(`{ street(id: "x") { name } }`), DEFAULT_LIMITS)).toBeNull();
  });

  it("applies per-role and per-app overrides", () => {
    const limitsFor = limitsResolver({
      default: { cost: 5000 },
      roles: { security_admin: { depth: 30 } },
      apps: { "app-portal": { cost: 100 } },
    });
    expect(limitsFor(ANONYMOUS)).toMatchObject({ cost: 5000, depth: DEFAULT_LIMITS.depth });
    expect(limitsFor({ ...officerOf("dept-data"), roles: ["security_admin"] })).toMatchObject({
      depth: 30,
      cost: 5000,
    });
    expect(limitsFor({ ...ANONYMOUS, kind: "app", id: "app-portal", roles: ["integrator"] })).toMatchObject({
      cost: 100,
    });
  });
});
