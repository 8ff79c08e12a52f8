/**
 * Apollo's query plans, aligned before they are cached (issue 16, "fewer fetches"; the rewrite is `planAlignment.ts`).
 *
 * `ApolloGateway` builds a plan in its executor with a private `QueryPlanner` only when its query-plan cache misses,
 * then caches that plan. The planner is replaced on every schema load or update, after which the gateway calls its
 * `onSchemaLoadOrUpdate` listeners synchronously, before any request can plan with it. The listener installed here
 * takes the new planner (`__testing().queryPlanner`, the gateway's one accessor for it) and wraps its
 * `buildQueryPlan`: the plan Apollo built goes through `alignPlan` and the aligned plan is what the cache keeps. So the
 * rewrite runs once per plan, not per request, and every supergraph (file reload, registry poll) gets it.
 *
 * Install it before the gateway loads (before Apollo Server starts): a planner built before the listener existed
 * would stay unwrapped until the next update.
 */
import type { ApolloGateway } from "@apollo/gateway";
import { type AlignmentOptions, alignPlan, type QueryPlanner } from "./planAlignment.ts";

export interface AlignedPlansStats {
  /** Plans Apollo built (query-plan cache misses). */
  planned: number;
  /** Of those, plans the alignment changed. */
  aligned: number;
}

export interface AlignedPlans {
  readonly stats: AlignedPlansStats;
  /** Stops wrapping planners of later schema updates (the current one stays wrapped). */
  stop: () => void;
}

export function useAlignedPlans(gateway: ApolloGateway, options: AlignmentOptions): AlignedPlans {
  if (typeof gateway.__testing !== "function") {
    // Fail at start-up, not silently: a new @apollo/gateway without this accessor needs this module revisited.
    throw new Error(
      "This @apollo/gateway does not expose its query planner (__testing); plan alignment cannot install.",
    );
  }
  const stats: AlignedPlansStats = { planned: 0, aligned: 0 };
  const wrapped = new WeakSet<QueryPlanner>();
  const stop = gateway.onSchemaLoadOrUpdate(() => {
    const planner = gateway.__testing().queryPlanner;
    if (!planner || wrapped.has(planner)) return;
    wrapped.add(planner);
    const build = planner.buildQueryPlan.bind(planner);
    planner.buildQueryPlan = (operation, plannerOptions) => {
      const plan = build(operation, plannerOptions);
      const aligned = alignPlan(plan, options);
      stats.planned += 1;
      if (aligned !== plan) stats.aligned += 1;
      return aligned;
    };
  });
  return { stats, stop };
}
