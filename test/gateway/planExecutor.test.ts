/**
 * The plan executor's entity fetches (gateway/execution/planExecutor.ts, issue 16): each distinct representation is
 * sent once, and a subgraph's error about one is reported at every occurrence, as Apollo's executor would have had it
 * with every occurrence sent. Through the gateway, against Apollo's executor: test/gateway/planExecution.test.ts.
 */
import { createRequire } from "node:module";
import { Kind } from "graphql";
import { describe, expect, it } from "vitest";
import {
  distinctRepresentations,
  errorsPerOccurrence,
  PlanExecutor,
  selectionOf,
} from "../../gateway/execution/planExecutor.ts";

const street = (id: string) => ({ __typename: "Street", id });
const department = (id: string) => ({ __typename: "Department", id });

describe("distinct representations", () => {
  it("sends each entity once, in the order first met, and remembers every occurrence", () => {
    const plan = [street("s1"), department("d1"), street("s1"), street("s2"), department("d1"), department("s1")];
    const { sent, sentAs, occurrences } = distinctRepresentations(plan);
    expect(sent).toEqual([street("s1"), department("d1"), street("s2"), department("s1")]);
    expect(sentAs).toEqual([0, 1, 0, 2, 1, 3]);
    expect(occurrences).toEqual([[0, 2], [1, 4], [3], [5]]);
    // The representations themselves are sent, not copies.
    expect(sent[0]).toBe(plan[0]);
  });

  it("tells apart representations that differ in any field, nested ones included", () => {
    const plan = [
      { __typename: "Hospital", id: "h1", street: { id: "s1" } },
      { __typename: "Hospital", id: "h1", street: { id: "s2" } },
      { __typename: "Hospital", id: "h1", street: { id: "s1" } },
    ];
    expect(distinctRepresentations(plan).sentAs).toEqual([0, 1, 0]);
  });
});

describe("representations (the requires selections read from the merged data)", () => {
  // Apollo's `isObjectOfType` is CommonJS and checks the schema's types with its own copy of graphql: build with that one.
  const { buildSchema } = createRequire(import.meta.url)("graphql") as typeof import("graphql");
  const schema = buildSchema(`
    interface Place { id: ID! }
    type Hospital implements Place { id: ID! street: Street tags: [String!] }
    type School implements Place { id: ID! }
    type Street { id: ID! code: String }
    type Query { places: [Place] }
  `);
  const field = (name: string, selections?: unknown[]) => ({ kind: Kind.FIELD, name, selections });
  const on = (typeCondition: string, selections: unknown[]) => ({
    kind: Kind.INLINE_FRAGMENT,
    typeCondition,
    selections,
  });
  type Selections = Parameters<typeof selectionOf>[2];
  const hospitalKey = [on("Hospital", [field("__typename"), field("id")])] as Selections;

  it("takes the fields the fragment for the entity's type selects, in the selection's order, as a plain object", () => {
    const entity = { id: "h1", name: "Linfen", __typename: "Hospital" };
    const representation = selectionOf(schema, entity, hospitalKey);
    expect(JSON.stringify(representation)).toBe('{"__typename":"Hospital","id":"h1"}');
    expect(Object.getPrototypeOf(representation)).toBe(Object.prototype);
    // An entity of another type gives an empty representation (no __typename: it is not sent).
    expect(selectionOf(schema, { __typename: "School", id: "s1" }, hospitalKey)).toEqual({});
    expect(selectionOf(schema, null, hospitalKey)).toBeNull();
  });

  it("reads nested selections and lists, copying lists, and gives null where a selected field is missing", () => {
    const requires = [
      field("__typename"),
      field("id"),
      field("street", [field("id"), field("code")]),
      field("tags"),
    ] as Selections;
    const tags = ["a", "b"];
    const entity = { __typename: "Hospital", id: "h1", street: { id: "s1", code: "LF", name: "x" }, tags };
    const representation = selectionOf(schema, entity, requires)!;
    expect(representation).toEqual({ __typename: "Hospital", id: "h1", street: { id: "s1", code: "LF" }, tags });
    expect(representation.tags).not.toBe(tags);
    // A nested object without a selected field becomes null; the entity itself without one has no representation.
    expect(selectionOf(schema, { ...entity, street: { id: "s1" } }, requires)).toMatchObject({ street: null });
    expect(selectionOf(schema, { __typename: "Hospital", street: null, tags }, requires)).toBeNull();
  });

  it("merges what several fragments and fields select, an interface's fragment included", () => {
    const requires = [
      on("Place", [field("__typename"), field("id")]),
      on("Hospital", [field("street", [field("id")])]),
      on("Hospital", [field("street", [field("code")])]),
    ] as Selections;
    const entity = { __typename: "Hospital", id: "h1", street: { id: "s1", code: "LF" } };
    expect(selectionOf(schema, entity, requires)).toEqual({
      __typename: "Hospital",
      id: "h1",
      street: { id: "s1", code: "LF" },
    });
    // A fragment whose field is missing adds nothing; the others still count.
    const partial = [
      on("Hospital", [field("__typename"), field("id")]),
      on("Hospital", [field("missing")]),
    ] as Selections;
    expect(selectionOf(schema, entity, partial)).toEqual({ __typename: "Hospital", id: "h1" });
  });
});

describe("errors per occurrence", () => {
  it("reports an entity's error at each of its occurrences, in index order, after the errors about no entity", () => {
    const occurrences = [[0, 2], [1, 4], [3]];
    const errors = [
      { message: "department d1 is gone", path: ["_entities", 1, "name"] },
      { message: "street s1 is gone", path: ["_entities", 0] },
      { message: "the whole fetch", path: undefined },
    ];
    expect(errorsPerOccurrence(errors as never, occurrences).map((e) => [e.message, e.path])).toEqual([
      ["the whole fetch", undefined],
      ["street s1 is gone", ["_entities", 0]],
      ["department d1 is gone", ["_entities", 1, "name"]],
      ["street s1 is gone", ["_entities", 2]],
      ["department d1 is gone", ["_entities", 4, "name"]],
    ]);
  });

  it("keeps an error whose path names no sent entity as it is", () => {
    const error = { message: "odd", path: ["_entities", 7] };
    expect(errorsPerOccurrence([error] as never, [[0]])).toEqual([error]);
  });
});

describe("installing the executor", () => {
  /** A stand-in gateway that announces one supergraph load, with or without Apollo's internals the executor reads. */
  function gatewayWith(internals: Record<string, unknown>) {
    return {
      ...internals,
      onSchemaLoadOrUpdate: (listener: (update: { apiSchema: object }) => void) => {
        listener({ apiSchema: {} });
        return () => {};
      },
    } as never;
  }

  it("fails the start when the gateway no longer holds what it reads, instead of leaving every plan to Apollo", () => {
    const executor = new PlanExecutor(gatewayWith({ serviceMap: {} }));
    expect(() => executor.assertInstalled()).toThrow(/no longer exposes what the plan executor reads/);
  });

  it("fails the start when it saw no supergraph load", () => {
    const executor = new PlanExecutor({ onSchemaLoadOrUpdate: () => () => {} } as never);
    expect(() => executor.assertInstalled()).toThrow(/saw no supergraph load/);
  });

  it("is installed once it took a supergraph", () => {
    const internals = { apiSchema: {}, supergraphSchema: {}, queryPlanner: {}, serviceMap: {} };
    expect(() => new PlanExecutor(gatewayWith(internals)).assertInstalled()).not.toThrow();
  });
});
