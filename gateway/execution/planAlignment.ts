/**
 * Aligning a query plan's parallel branches so that their later entity fetches to one subgraph start together
 * (issue 16, "fewer fetches"). Pure: a plan in, a plan out; installed on Apollo's planner by `alignedPlanner.ts`.
 *
 * Apollo plans `Parallel { Sequence [A1, B1], Sequence [A2, B2] }` when each branch first fetches something (A: the
 * facilities from health, from sports …) and then, from what came back, entities of another subgraph (B: each
 * facility's department from the catalog). Each B starts when its own A answers, at different moments, so the batcher
 * (`requestBatcher.ts`), which merges what one turn of the event loop starts, sends every B alone. Aligned,
 *
 *     Parallel { Sequence [A1, B1], Sequence [A2, B2] }  →  Sequence [ Parallel [A1, A2], Parallel [B1, B2] ]
 *
 * B1 and B2 start in the same turn, after both A's, and go to the catalog as one batched request.
 *
 * Why the answer cannot change: alignment only **adds** waiting. Apollo's `Parallel` puts no order between its
 * branches, so the original plan may already run B1 after A2 has finished (A2 answered first); every run of the
 * aligned plan is a run the original plan could have had with other subgraph latencies. Apollo's executor keeps going
 * after a failed fetch (the error is collected, the fetch's fields stay null), so a failure in A2 does not stop B1
 * here either, and the answer is shaped from the operation afterwards (`computeResponse`), so the order in which
 * fetches merged their data does not show. `@requires` and `@provides` live inside fetch nodes (their `requires`,
 * rewrites and selections), which are moved as they are, never edited. What can differ is timing: a branch's second
 * step now also waits for the other aligned branches' first steps; the order of errors from different branches
 * (already a matter of timing); and the shape of Apollo's usage-reporting trace tree (not used here).
 *
 * What is rewritten, and only when it saves a request:
 * - a `Parallel` whose children are fetches, `Flatten`s or `Sequence`s/`Parallel`s of those (no `Condition`, no
 *   `Defer` anywhere inside). Each child is a branch; a `Sequence`'s nodes are its steps, anything else is one step;
 * - branches are aligned together only when, at the same step after the first, they start a fetch to the same subgraph
 *   and that subgraph takes batches (`batches(name)`); branches that share nothing stay as Apollo planned them;
 * - never in a plan with a mutation fetch (mutations are never batched), a subscription, or below a `Condition` or
 *   `Defer` node: those are left exactly as planned.
 * Nested `Parallel`s and `Sequence`s are flattened where that means the same (a `Parallel` in a `Parallel`).
 */
import type { ApolloGateway } from "@apollo/gateway";

/** Apollo's planner and its plan, as the gateway's own types name them (no extra dependency). */
export type QueryPlanner = NonNullable<ReturnType<ApolloGateway["__testing"]>["queryPlanner"]>;
export type QueryPlan = ReturnType<QueryPlanner["buildQueryPlan"]>;
type AnyNode = NonNullable<QueryPlan["node"]>;
export type PlanNode = Exclude<AnyNode, { kind: "Subscription" }>;
type ParallelNode = Extract<PlanNode, { kind: "Parallel" }>;
type SequenceNode = Extract<PlanNode, { kind: "Sequence" }>;

export interface AlignmentOptions {
  /** Whether a subgraph takes batched requests: only fetches to such subgraphs are worth aligning. */
  batches: (serviceName: string) => boolean;
}

/** The plan with its parallel branches aligned where that saves requests; the same object when nothing changes. */
export function alignPlan(plan: QueryPlan, options: AlignmentOptions): QueryPlan {
  const root = plan.node;
  if (!root || root.kind === "Subscription" || hasMutationFetch(root)) return plan;
  const aligned = alignNode(root, options);
  return aligned === root ? plan : { ...plan, node: aligned };
}

function alignNode(node: PlanNode, options: AlignmentOptions): PlanNode {
  switch (node.kind) {
    case "Sequence": {
      const nodes = node.nodes.map((child) => alignNode(child, options));
      return nodes.every((child, i) => child === node.nodes[i]) ? node : sequenceOf(nodes);
    }
    case "Parallel":
      return alignParallel(node, options);
    default:
      // Fetch and Flatten (a fetch at a path) have nothing to align; Condition and Defer are left as planned.
      return node;
  }
}

function alignParallel(node: ParallelNode, options: AlignmentOptions): PlanNode {
  const children = node.nodes.map((child) => alignNode(child, options));
  const changedBelow = children.some((child, i) => child !== node.nodes[i]);
  const steps = children.map((child) => (isPlain(child) ? stepsOf(child) : null));

  // Branches that start a fetch to the same batching subgraph at the same later step share a group (union-find).
  const parent = children.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const firstAt = new Map<string, number>();
  for (const [i, branch] of steps.entries()) {
    if (!branch) continue;
    for (let step = 1; step < branch.length; step += 1) {
      for (const service of startedServices(branch[step]!)) {
        if (!options.batches(service)) continue;
        const key = `${step}\u0000${service}`;
        const first = firstAt.get(key);
        if (first === undefined) firstAt.set(key, i);
        else parent[find(i)] = find(first);
      }
    }
  }
  const members = new Map<number, number[]>();
  for (const i of children.keys()) {
    const root = find(i);
    members.set(root, [...(members.get(root) ?? []), i]);
  }
  if (![...members.values()].some((group) => group.length > 1)) {
    return changedBelow ? parallelOf(children) : node;
  }

  // Each group becomes one sequence of steps, at the place of its first branch; the others stay where they were.
  const result: PlanNode[] = [];
  for (const [i, child] of children.entries()) {
    const group = members.get(find(i))!;
    if (group.length === 1) {
      result.push(child);
    } else if (group[0] === i) {
      const branches = group.map((member) => steps[member] ?? []);
      result.push(alignedGroup(branches, options));
    }
  }
  return parallelOf(result);
}

/** Step by step: the group's first steps together, then their second steps together, and so on. */
function alignedGroup(branches: PlanNode[][], options: AlignmentOptions): PlanNode {
  const length = Math.max(...branches.map((branch) => branch.length));
  const steps: PlanNode[] = [];
  for (let step = 0; step < length; step += 1) {
    const together = branches.flatMap((branch) => (step < branch.length ? [branch[step]!] : []));
    // Later steps may hold sequences themselves (three-step branches): align those too.
    steps.push(alignNode(parallelOf(together), options));
  }
  return sequenceOf(steps);
}

/** A branch's steps: a sequence's nodes, or the node alone. */
function stepsOf(node: PlanNode): PlanNode[] {
  return node.kind === "Sequence" ? node.nodes : [node];
}

/** The subgraphs a step starts fetching from the moment it starts (a sequence starts with its first node only). */
function startedServices(node: PlanNode): string[] {
  switch (node.kind) {
    case "Fetch":
      return [node.serviceName];
    case "Flatten":
      return startedServices(node.node);
    case "Parallel":
      return node.nodes.flatMap(startedServices);
    case "Sequence":
      return node.nodes[0] ? startedServices(node.nodes[0]) : [];
    default:
      return [];
  }
}

/** Only fetches, flattens, sequences and parallels all the way down: the shapes whose reordering is proven safe. */
function isPlain(node: PlanNode): boolean {
  switch (node.kind) {
    case "Fetch":
      return true;
    case "Flatten":
      return isPlain(node.node);
    case "Sequence":
    case "Parallel":
      return node.nodes.every(isPlain);
    default:
      return false;
  }
}

function hasMutationFetch(node: PlanNode): boolean {
  switch (node.kind) {
    case "Fetch":
      return node.operationKind === "mutation";
    case "Flatten":
      return hasMutationFetch(node.node);
    case "Sequence":
    case "Parallel":
      return node.nodes.some(hasMutationFetch);
    case "Condition":
      return [node.ifClause, node.elseClause].some((clause) => clause !== undefined && hasMutationFetch(clause));
    case "Defer":
      return [node.primary.node, ...node.deferred.map((deferred) => deferred.node)].some(
        (part) => part !== undefined && hasMutationFetch(part),
      );
  }
}

/** A parallel of these nodes, nested parallels opened; a single node stands alone. */
function parallelOf(nodes: PlanNode[]): PlanNode {
  const flat = nodes.flatMap((child) => (child.kind === "Parallel" ? child.nodes : [child]));
  return flat.length === 1 ? flat[0]! : ({ kind: "Parallel", nodes: flat } satisfies ParallelNode);
}

/** A sequence of these nodes, nested sequences opened; a single node stands alone. */
function sequenceOf(nodes: PlanNode[]): PlanNode {
  const flat = nodes.flatMap((child) => (child.kind === "Sequence" ? child.nodes : [child]));
  return flat.length === 1 ? flat[0]! : ({ kind: "Sequence", nodes: flat } satisfies SequenceNode);
}
