/**
 * The plan executor's entity fetches (gateway/execution/planExecutor.ts, issue 16): each distinct representation is
 * sent once, and a subgraph's error about one is reported at every occurrence, as Apollo's executor would have had it
 * with every occurrence sent. Through the gateway, against Apollo's executor: test/gateway/planExecution.test.ts.
 */
import { describe, expect, it } from "vitest";
import { distinctRepresentations, errorsPerOccurrence, PlanExecutor } from "../../gateway/execution/planExecutor.ts";

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
