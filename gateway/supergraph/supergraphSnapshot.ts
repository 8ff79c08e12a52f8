/**
 * What the gateway derives from one supergraph, in one immutable object: public fields, field requirements,
 * classification, subgraph list and the planner's copy of the SDL. A reload builds a new snapshot and swaps it in
 * one assignment; each snapshot is also bound to the API schema Apollo built from it, and a request reads the
 * snapshot of the schema it is executing against — so no request ever mixes facts of two supergraphs.
 */
import type { GraphQLSchema } from "graphql";
import { type Classification, classificationOf } from "../../lib/access/classification.ts";
import { requirementsOf, type SupergraphRequirements, supergraphForPlanner } from "../../lib/access/requirements.ts";
import { publicFieldsOf } from "../auth/publicFields.ts";
import { subgraphsOf } from "./supergraphFile.ts";

export interface SupergraphSnapshot {
  /** The supergraph as in the file (with the `for: SECURITY` links our authorization reads). */
  readonly sdl: string;
  /** What Apollo's planner is given (lib/access/requirements.ts: `supergraphForPlanner`). */
  readonly plannerSdl: string;
  /** `Type.field` coordinates anonymous callers may select. */
  readonly publicFields: ReadonlySet<string>;
  readonly requirements: SupergraphRequirements;
  /** Classified fields (masked and audited). */
  readonly classification: ReadonlyMap<string, Classification>;
  /** Subgraph names and URLs as the supergraph declares them. */
  readonly subgraphs: ReadonlyArray<{ readonly name: string; readonly url: string }>;
}

/** Derives every fact once; throws when the SDL cannot be read, so a broken file is never half applied. */
export function supergraphSnapshot(sdl: string): SupergraphSnapshot {
  const requirements = requirementsOf(sdl);
  return Object.freeze({
    sdl,
    plannerSdl: supergraphForPlanner(sdl),
    publicFields: publicFieldsOf(sdl),
    requirements: Object.freeze(requirements),
    classification: classificationOf(sdl),
    subgraphs: Object.freeze(subgraphsOf(sdl).map((subgraph) => Object.freeze(subgraph))),
  });
}

/**
 * The current snapshot and the one behind each API schema. `prepare()` is called with a new supergraph just before
 * Apollo is handed its planner SDL; `bind()` runs in Apollo's schema listener (synchronously inside that hand-over)
 * and makes the prepared snapshot current, in one assignment.
 */
export class SupergraphSnapshots {
  private currentSnapshot: SupergraphSnapshot | null = null;
  private prepared: SupergraphSnapshot | null = null;
  private readonly bySchema = new WeakMap<GraphQLSchema, SupergraphSnapshot>();
  private loads = 0;

  /** Builds the snapshot of a supergraph file's SDL and returns the SDL Apollo's planner gets. */
  prepare(sdl: string): SupergraphSnapshot {
    const snapshot = supergraphSnapshot(sdl);
    this.prepared = snapshot;
    return snapshot;
  }

  /** Apollo built `apiSchema` from `plannerSdl`: the prepared snapshot for it becomes current. */
  bind(apiSchema: GraphQLSchema, plannerSdl: string): void {
    const snapshot = this.prepared;
    if (!snapshot || snapshot.plannerSdl !== plannerSdl) return; // not ours: requests on it fail closed
    this.bySchema.set(apiSchema, snapshot);
    this.currentSnapshot = snapshot;
    this.prepared = null;
    this.loads += 1;
  }

  /** The snapshot of the schema a request executes against; null for a schema we did not prepare. */
  forSchema(schema: GraphQLSchema): SupergraphSnapshot | null {
    return this.bySchema.get(schema) ?? null;
  }

  current(): SupergraphSnapshot | null {
    return this.currentSnapshot;
  }

  /** Supergraphs loaded so far (1 after start; +1 per accepted reload). */
  loaded(): number {
    return this.loads;
  }
}
