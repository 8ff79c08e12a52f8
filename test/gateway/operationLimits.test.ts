import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { limitsResolver } from "../../gateway/limits/limitsFor.ts";
import { checkLimits, DEFAULT_LIMITS, measureOperation } from "../../gateway/limits/operationLimits.ts";
import { ANONYMOUS } from "../../lib/principal.ts";
import { officerOf } from "../support/envelope.ts";

// The gateway hands the guard schemas built by graphql's CommonJS build (Apollo Gateway is CommonJS); so do we.
const { buildSchema, parse } = createRequire(import.meta.url)("graphql") as typeof import("graphql");

const schema = buildSchema(`
  type Query { street(id: ID!): Street  hospitals(first: Int, after: String): HospitalConnection  streets: [Street!]! }
  type Street { name: String! hospitals: [Hospital!]! neighbours: [Street!]! }
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
