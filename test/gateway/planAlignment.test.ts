/**
 * Plan alignment on plan shapes (issue 16; gateway/execution/planAlignment.ts), no ports: small hand-made plans for
 * each rule, and Apollo's own plans for the benchmark's operations on the committed supergraph. Two properties are
 * checked on every rewrite: the aligned plan holds exactly the same fetch nodes, and every ordering of the original
 * (this fetch finishes before that one starts) still holds — alignment only adds waiting.
 */
import { readFileSync } from "node:fs";
import { operationFromDocument } from "@apollo/federation-internals";
import { ApolloGateway } from "@apollo/gateway";
import { OperationTypeNode, parse } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AlignmentOptions,
  alignPlan,
  type PlanNode,
  type QueryPlan,
  type QueryPlanner,
} from "../../gateway/execution/planAlignment.ts";
import { supergraphForPlanner } from "../../lib/access/requirements.ts";
import { operationNamed, operations } from "../../scripts/benchOperations.ts";

type FetchNode = Extract<PlanNode, { kind: "Fetch" }>;

const all: AlignmentOptions = { batches: () => true };

function fetchOf(serviceName: string, label = serviceName, kind = OperationTypeNode.QUERY): FetchNode {
  return { kind: "Fetch", serviceName, operation: `{ ${label} }`, operationName: undefined, operationKind: kind };
}
const at = (path: string, node: PlanNode): PlanNode => ({ kind: "Flatten", path: path.split("."), node });
const seq = (...nodes: PlanNode[]): PlanNode => ({ kind: "Sequence", nodes });
const par = (...nodes: PlanNode[]): PlanNode => ({ kind: "Parallel", nodes });
const planOf = (node: PlanNode): QueryPlan => ({ kind: "QueryPlan", node });

/** Every fetch node of a plan, in plan order. */
function fetchesOf(node: PlanNode | undefined): FetchNode[] {
  if (!node) return [];
  switch (node.kind) {
    case "Fetch":
      return [node];
    case "Flatten":
      return fetchesOf(node.node);
    case "Sequence":
    case "Parallel":
      return node.nodes.flatMap(fetchesOf);
    case "Condition":
      return [...fetchesOf(node.ifClause), ...fetchesOf(node.elseClause)];
    case "Defer":
      return [...fetchesOf(node.primary.node), ...node.deferred.flatMap((d) => fetchesOf(d.node))];
  }
}

/** Pairs "a finishes before b starts" that the plan guarantees (by index in `order`). */
function orderings(node: PlanNode, order: FetchNode[]): Set<string> {
  const pairs = new Set<string>();
  const walk = (n: PlanNode) => {
    if (n.kind === "Sequence") {
      n.nodes.forEach((child, i) => {
        for (const later of n.nodes.slice(i + 1)) {
          for (const a of fetchesOf(child))
            for (const b of fetchesOf(later)) pairs.add(`${order.indexOf(a)}<${order.indexOf(b)}`);
        }
      });
    }
    if (n.kind === "Sequence" || n.kind === "Parallel") n.nodes.forEach(walk);
    if (n.kind === "Flatten") walk(n.node);
  };
  walk(node);
  return pairs;
}

/**
 * HTTP requests the gateway sends for a plan when every subgraph answers at its own moment: fetches merge into one
 * batched request only when they start at the same moment (a `Parallel` starts its children together; a step of a
 * `Sequence` after the first starts when the step before it ends, a moment of its own).
 */
function requestsOf(node: PlanNode, options: AlignmentOptions = all): number {
  const started = new Set<string>();
  let moments = 0;
  let alone = 0;
  const walk = (n: PlanNode, moment: number): void => {
    if (n.kind === "Fetch") {
      if (options.batches(n.serviceName)) started.add(`${moment}:${n.serviceName}`);
      else alone += 1;
    } else if (n.kind === "Flatten") {
      walk(n.node, moment);
    } else if (n.kind === "Parallel") {
      for (const child of n.nodes) walk(child, moment);
    } else if (n.kind === "Sequence") {
      for (const [i, child] of n.nodes.entries()) walk(child, i === 0 ? moment : ++moments);
    } else {
      throw new Error(`no model for ${n.kind}`);
    }
  };
  walk(node, moments);
  return started.size + alone;
}

/** The aligned plan keeps every fetch node (the same objects) and every ordering of the original. */
function expectSoundRewrite(original: QueryPlan, aligned: QueryPlan) {
  const before = fetchesOf(original.node as PlanNode);
  const after = fetchesOf(aligned.node as PlanNode);
  expect(new Set(after)).toEqual(new Set(before));
  expect(after).toHaveLength(before.length);
  const kept = orderings(aligned.node as PlanNode, before);
  for (const pair of orderings(original.node as PlanNode, before)) expect(kept).toContain(pair);
}

describe("plan alignment on plan shapes", () => {
  it("runs two branches' later fetches to one subgraph together: Parallel[Seq[A, C1], Seq[B, C2]] becomes Seq[Parallel[A, B], Parallel[C1, C2]]", () => {
    const [a, b, c1, c2] = [fetchOf("health"), fetchOf("sports"), fetchOf("catalog", "c1"), fetchOf("catalog", "c2")];
    const original = planOf(par(seq(a, at("hospitals.@.department", c1)), seq(b, at("venues.@.department", c2))));
    const aligned = alignPlan(original, all);
    expect(aligned.node).toEqual(seq(par(a, b), par(at("hospitals.@.department", c1), at("venues.@.department", c2))));
    expectSoundRewrite(original, aligned);
    expect(requestsOf(original.node as PlanNode)).toBe(4);
    expect(requestsOf(aligned.node as PlanNode)).toBe(3);
  });

  it("aligns only the branches that share a later subgraph and leaves the others as planned", () => {
    const other = seq(fetchOf("culture"), at("venues.@.street", fetchOf("education")));
    const lone = fetchOf("parking");
    const original = planOf(
      par(
        seq(fetchOf("health"), fetchOf("catalog", "c1")),
        other,
        seq(fetchOf("sports"), fetchOf("catalog", "c2")),
        lone,
      ),
    );
    const aligned = alignPlan(original, all);
    const root = aligned.node as Extract<PlanNode, { kind: "Parallel" }>;
    expect(root.kind).toBe("Parallel");
    expect(root.nodes).toHaveLength(3);
    expect(root.nodes[1]).toBe(other);
    expect(root.nodes[2]).toBe(lone);
    expectSoundRewrite(original, aligned);
    expect(requestsOf(aligned.node as PlanNode)).toBe(requestsOf(original.node as PlanNode) - 1);
  });

  it("aligns steps that are parallels themselves, and three-step branches step by step", () => {
    const original = planOf(
      par(
        seq(fetchOf("health"), par(fetchOf("catalog", "street"), fetchOf("catalog", "dept")), fetchOf("audit", "x1")),
        seq(fetchOf("education"), fetchOf("catalog", "dept2"), fetchOf("audit", "x2")),
      ),
    );
    const aligned = alignPlan(original, all);
    const root = aligned.node as Extract<PlanNode, { kind: "Sequence" }>;
    expect(root.kind).toBe("Sequence");
    expect(root.nodes.map((step) => fetchesOf(step).map((f) => f.serviceName))).toEqual([
      ["health", "education"],
      ["catalog", "catalog", "catalog"],
      ["audit", "audit"],
    ]);
    expectSoundRewrite(original, aligned);
    expect(requestsOf(original.node as PlanNode)).toBe(6);
    expect(requestsOf(aligned.node as PlanNode)).toBe(4);
  });

  it("leaves a plan alone (the same object) when no two branches share a later subgraph", () => {
    const original = planOf(
      par(seq(fetchOf("health"), fetchOf("catalog")), seq(fetchOf("sports"), fetchOf("parking"))),
    );
    expect(alignPlan(original, all)).toBe(original);
  });

  it("leaves a plan alone when the shared subgraph does not take batches", () => {
    const original = planOf(
      par(seq(fetchOf("health"), fetchOf("catalog")), seq(fetchOf("sports"), fetchOf("catalog"))),
    );
    expect(alignPlan(original, { batches: (name) => name !== "catalog" })).toBe(original);
    expect(alignPlan(original, { batches: (name) => name === "catalog" })).not.toBe(original);
  });

  it("leaves branches with a Condition (@skip/@include) or a Defer inside as planned", () => {
    const conditional: PlanNode = {
      kind: "Condition",
      condition: "withDepartments",
      ifClause: at("venues.@.department", fetchOf("catalog", "c2")),
    };
    const withCondition = planOf(
      par(seq(fetchOf("health"), fetchOf("catalog", "c1")), seq(fetchOf("sports"), conditional)),
    );
    expect(alignPlan(withCondition, all)).toBe(withCondition);
    const deferred: PlanNode = {
      kind: "Defer",
      primary: { node: fetchOf("catalog", "c2") },
      deferred: [],
    };
    const withDefer = planOf(par(seq(fetchOf("health"), fetchOf("catalog", "c1")), seq(fetchOf("sports"), deferred)));
    expect(alignPlan(withDefer, all)).toBe(withDefer);
  });

  it("leaves a Condition's branches untouched even when they hold an alignable parallel", () => {
    const inner = par(
      seq(fetchOf("health"), fetchOf("catalog", "c1")),
      seq(fetchOf("sports"), fetchOf("catalog", "c2")),
    );
    const original = planOf({ kind: "Condition", condition: "wide", ifClause: inner });
    expect(alignPlan(original, all)).toBe(original);
  });

  it("leaves a plan with a mutation fetch alone (mutations are never batched)", () => {
    const original = planOf(
      seq(
        fetchOf("identity", "update", OperationTypeNode.MUTATION),
        par(seq(fetchOf("health"), fetchOf("catalog", "c1")), seq(fetchOf("sports"), fetchOf("catalog", "c2"))),
      ),
    );
    expect(alignPlan(original, all)).toBe(original);
  });

  it("leaves an empty plan, a single fetch and a plain sequence alone", () => {
    const empty: QueryPlan = { kind: "QueryPlan" };
    expect(alignPlan(empty, all)).toBe(empty);
    const single = planOf(fetchOf("catalog"));
    expect(alignPlan(single, all)).toBe(single);
    const chain = planOf(seq(fetchOf("catalog"), fetchOf("health"), fetchOf("catalog", "again")));
    expect(alignPlan(chain, all)).toBe(chain);
  });
});

describe("plan alignment on Apollo's plans for the benchmark's operations (committed supergraph)", () => {
  let gateway: ApolloGateway;
  let planner: QueryPlanner;

  beforeAll(async () => {
    const sdl = supergraphForPlanner(readFileSync(new URL("../../schema/supergraph.graphql", import.meta.url), "utf8"));
    gateway = new ApolloGateway({ supergraphSdl: sdl });
    await gateway.load();
    const built = gateway.__testing().queryPlanner;
    if (!built) throw new Error("the gateway built no planner");
    planner = built;
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  const planFor = (query: string) =>
    planner.buildQueryPlan(operationFromDocument(planner.supergraph.apiSchema(), parse(query)));

  it("brings the wide fan-out from 11 requests to 7 (16 fetches; the catalog's seven department and street fetches together)", () => {
    const wide = operationNamed("wide fan-out");
    const original = planFor(wide.query);
    const aligned = alignPlan(original, all);
    expect(fetchesOf(original.node as PlanNode)).toHaveLength(16);
    expect(requestsOf(original.node as PlanNode)).toBe(11);
    expect(requestsOf(aligned.node as PlanNode)).toBe(7);
    expectSoundRewrite(original, aligned);
  });

  it("changes no other operation of the benchmark", () => {
    for (const op of operations.filter((o) => !o.name.startsWith("wide fan-out"))) {
      const original = planFor(op.query);
      expect(alignPlan(original, all), op.name).toBe(original);
    }
  });
});
