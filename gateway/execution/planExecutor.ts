/**
 * Our own executor for Apollo's query plans (issue 16, "less work per request"): runs the plan's fetches and merges
 * their data exactly as Apollo Gateway's `executeQueryPlan` does, but leaves the answer unshaped, so that the one walk
 * of `shapeToOperation` (gateway/authorization/shapeToOperation.ts) shapes it to the client's operation, masks and
 * collects the audit's subjects in the same pass. Apollo's executor, for every request:
 *
 * - rebuilds Apollo's own representation of the operation (`operationFromDocument`) and its operation context, and
 *   coerces the variables a second time (the guard's operation view already did: lib/access/operationView.ts);
 * - looks the plan up in an asynchronous cache under a sha256 of the hash and operation name;
 * - shapes the merged data with `computeResponse` — and on the paths that mask or deny, our shaper then walked the
 *   shaped answer once more.
 *
 * Here the plan is cached per supergraph under the (planned) document's hash and operation name, built once by the
 * gateway's own planner (with plan alignment installed, `alignedPlanner.ts`), and the data is shaped once.
 *
 * What is the same as Apollo's executor, line for line (ported from @apollo/gateway 2.14.4, `executeQueryPlan.ts`):
 * `Sequence`, `Parallel`, `Flatten`, `Fetch` and `Condition` nodes; the variables each fetch sends (as the client
 * sent them, only those the fetch uses); entity representations from the fetch's `requires` and their input and output
 * rewrites; the deep merge of every answer into the result; subgraph errors with their paths rewritten into the
 * client's response and `serviceName` added; a fetch that throws becomes an error of the answer and the rest of the
 * plan goes on. One difference, which does not show in the answer: an entity fetch sends each distinct representation
 * once (Apollo sends one per occurrence: a hundred hospitals' departments were a hundred representations of four
 * departments); every occurrence still gets its own copy of the answer, and an entity's error is reported at each of
 * its occurrences, as the subgraph would have reported it for each. The OpenTelemetry spans keep Apollo's names (`gateway.request`, `gateway.plan`, `gateway.execute`,
 * `gateway.fetch`, `gateway.postprocessing`: docs/gateway.md, "Traces").
 *
 * What it leaves to Apollo's executor (`run` answers undefined and the caller falls back): plans with `@defer` or a
 * subscription, operations that read the schema by introspection (`__schema`, `__type`: Apollo answers those from its
 * schema), a supergraph this module has not seen load, and a document the planner refuses (Apollo then answers
 * with its own error). Not ported: Apollo's usage-reporting trace of the plan (`ftv1`, for Apollo Studio, which the
 * district does not use) and the query-plan debugging header.
 *
 * `test/gateway/planExecutor.test.ts` holds it to Apollo's answers, operation by operation, across six subgraphs.
 */
import { createRequire } from "node:module";
import type { ApolloGateway, GraphQLDataSource, GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import type { GatewayGraphQLRequestContext } from "@apollo/server-gateway-interface";
import type { DocumentNode, GraphQLError as GraphQLErrorType, GraphQLSchema } from "graphql";
import { inSpan, startSpan } from "../../lib/telemetry/tracing.ts";
import type { GatewayContext } from "../context.ts";
import { copyJson } from "./inFlightFetches.ts";
import type { PlanNode, QueryPlan, QueryPlanner } from "./planAlignment.ts";

const require = createRequire(import.meta.url);
const graphqlCjs = require("graphql") as typeof import("graphql");
const { GraphQLError, Kind, visit, BREAK } = graphqlCjs;
// Apollo's own helpers for merging and rewriting, so that data merges exactly as in its executor (exact version pinned
// in package.json; the paths are checked when this module loads).
const federation = require("@apollo/federation-internals") as {
  operationFromDocument: (schema: unknown, document: DocumentNode, options: { operationName?: string }) => unknown;
  errorCodeDef: (error: unknown) => { err: (message: string, options: object) => GraphQLErrorType } | undefined;
  ERRORS: { DOWNSTREAM_SERVICE_ERROR: { err: (message: string, options: object) => GraphQLErrorType } };
};
const { deepMerge } = require("@apollo/gateway/dist/utilities/deepMerge") as {
  deepMerge: (target: unknown, source: unknown) => unknown;
};
const { applyRewrites, isObjectOfType } = require("@apollo/gateway/dist/dataRewrites") as {
  applyRewrites: (schema: GraphQLSchema, rewrites: unknown, value: unknown) => void;
  isObjectOfType: (schema: GraphQLSchema, value: unknown, typeCondition: string) => boolean;
};

type FetchNode = Extract<PlanNode, { kind: "Fetch" }>;
type ConditionNode = Extract<PlanNode, { kind: "Condition" }>;
type Selection = NonNullable<FetchNode["requires"]>[number];

/** The plan's data before shaping, and the errors of its fetches (Apollo's `context.errors`), if any. */
export interface PlanExecution {
  data: Record<string, unknown>;
  errors?: GraphQLErrorType[];
}

/** What one supergraph needs: Apollo's schemas and planner as the gateway holds them after a load or update. */
interface SupergraphState {
  apiSchema: unknown;
  supergraphSchema: GraphQLSchema;
  planner: QueryPlanner;
  plans: Map<string, CachedPlan>;
}

interface CachedPlan {
  plan: QueryPlan;
  /** False when Apollo's executor must run it (`@defer`, subscriptions, schema introspection). */
  runnable: boolean;
}

/** ApolloGateway's fields this executor reads; checked when it is installed. */
interface GatewayInternals {
  apiSchema: unknown;
  supergraphSchema: GraphQLSchema;
  queryPlanner: QueryPlanner;
  serviceMap: Record<string, { dataSource: GraphQLDataSource<Record<string, any>> }>;
}

interface Cursor {
  path: Array<string | number>;
  data: unknown;
  fullResult: Record<string, unknown>;
}

interface RunContext {
  state: SupergraphState;
  services: GatewayInternals["serviceMap"];
  requestContext: GatewayGraphQLRequestContext;
  /** The variables as sent (what Apollo forwards to subgraphs). */
  variables: Record<string, unknown>;
  /** Coerced, with defaults (the guard's view): what `Condition` nodes read. */
  conditionValues: Readonly<Record<string, unknown>>;
  errors: unknown[];
  stats: PlanExecutorStats;
}

export interface PlanExecutorStats {
  /** Plans built (cache misses). */
  planned: number;
  /** Operations this executor ran. */
  executed: number;
  /** Operations left to Apollo's executor (`@defer`, subscriptions, introspection, refused by the planner). */
  delegated: number;
  /** Entity representations the plans' fetches held, and those sent (each distinct one once per fetch). */
  representations: number;
  sentRepresentations: number;
  /**
   * Operations answered by an identical operation of the same caller in flight instead of running their own plan
   * (gateway/authorization/authorizedExecution.ts, `InFlightOperations`).
   */
  shared: number;
}

/** Every counter at zero: a new executor's, and what a gateway without one reports. */
export function noExecutorStats(): PlanExecutorStats {
  return { planned: 0, executed: 0, delegated: 0, representations: 0, sentRepresentations: 0, shared: 0 };
}

export interface PlanExecutorOptions {
  /** Plans kept per supergraph, least recently used dropped first (default 1,000). */
  maxPlans?: number;
}

export class PlanExecutor {
  readonly #gateway: GatewayInternals;
  readonly #states = new WeakMap<GraphQLSchema, SupergraphState>();
  readonly #maxPlans: number;
  #loaded = 0;
  #missing: string | undefined;
  readonly stats: PlanExecutorStats = noExecutorStats();

  /** Install before the gateway loads: a supergraph loaded before is not seen, and its requests go to Apollo's. */
  constructor(gateway: ApolloGateway, options: PlanExecutorOptions = {}) {
    this.#gateway = gateway as unknown as GatewayInternals;
    this.#maxPlans = options.maxPlans ?? 1000;
    if (typeof deepMerge !== "function" || typeof applyRewrites !== "function") {
      throw new Error(
        "This @apollo/gateway no longer has the helpers the plan executor uses; revisit planExecutor.ts.",
      );
    }
    gateway.onSchemaLoadOrUpdate(({ apiSchema }) => {
      const internals = this.#gateway;
      if (!internals.apiSchema || !internals.supergraphSchema || !internals.queryPlanner || !internals.serviceMap) {
        // Apollo logs a listener's error and goes on; `assertInstalled` makes the start fail instead.
        this.#missing = "This @apollo/gateway no longer exposes what the plan executor reads; revisit planExecutor.ts.";
        return;
      }
      this.#loaded += 1;
      this.#states.set(apiSchema, {
        apiSchema: internals.apiSchema,
        supergraphSchema: internals.supergraphSchema,
        planner: internals.queryPlanner,
        plans: new Map(),
      });
    });
  }

  /**
   * Runs the plan of `document` (the client's, or the authorization's smaller copy) for this request and returns its
   * unshaped data and errors; undefined when Apollo's executor must run it instead (see the module comment).
   */
  async run(
    requestContext: GatewayGraphQLRequestContext,
    document: DocumentNode,
    queryHash: string,
  ): Promise<PlanExecution | undefined> {
    return inSpan("gateway.request", {}, () => this.#run(requestContext, document, queryHash));
  }

  async #run(
    requestContext: GatewayGraphQLRequestContext,
    document: DocumentNode,
    queryHash: string,
  ): Promise<PlanExecution | undefined> {
    const state = requestContext.schema ? this.#states.get(requestContext.schema) : undefined;
    if (!state) return this.#delegate();
    const operationName = requestContext.request.operationName ?? undefined;
    const cached = this.#plan(state, document, queryHash, operationName);
    if (!cached?.runnable) return this.#delegate();
    this.stats.executed += 1;
    const context = requestContext.context as GatewayContext;
    const run: RunContext = {
      state,
      services: this.#gateway.serviceMap,
      requestContext,
      variables: (requestContext.request.variables ?? {}) as Record<string, unknown>,
      conditionValues: context.view?.variables ?? {},
      errors: [],
      stats: this.stats,
    };
    const data: Record<string, unknown> = Object.create(null);
    const root = cached.plan.node;
    if (root && root.kind !== "Subscription") {
      await inSpan("gateway.execute", {}, () => executeNode(run, root, { path: [], data, fullResult: data }));
    }
    // A fetch that threw is an error of the answer, as in Apollo's executor (the error masking formats it).
    return run.errors.length > 0 ? { data, errors: run.errors as GraphQLErrorType[] } : { data };
  }

  /** Throws unless a supergraph has loaded and this executor took it (call after the gateway loaded). */
  assertInstalled(): void {
    if (this.#missing) throw new Error(this.#missing);
    if (this.#loaded === 0)
      throw new Error("The plan executor saw no supergraph load; install it before the gateway loads.");
  }

  #delegate(): undefined {
    this.stats.delegated += 1;
    return undefined;
  }

  #plan(
    state: SupergraphState,
    document: DocumentNode,
    queryHash: string,
    operationName: string | undefined,
  ): CachedPlan | undefined {
    const key = operationName ? `${queryHash}\0${operationName}` : queryHash;
    const found = state.plans.get(key);
    if (found) {
      // Least recently used first in the map's order.
      state.plans.delete(key);
      state.plans.set(key, found);
      return found;
    }
    const end = startSpan("gateway.plan", operationName ? { "graphql.operation.name": operationName } : {});
    let cached: CachedPlan;
    try {
      const operation = federation.operationFromDocument(state.apiSchema, document, { operationName });
      const plan = state.planner.buildQueryPlan(operation as Parameters<QueryPlanner["buildQueryPlan"]>[0]);
      cached = { plan, runnable: runnable(plan, document) };
      end?.();
    } catch (error) {
      // Apollo's executor answers with its own error for what its planner refuses.
      end?.(error);
      return undefined;
    }
    this.stats.planned += 1;
    state.plans.set(key, cached);
    if (state.plans.size > this.#maxPlans) state.plans.delete(state.plans.keys().next().value as string);
    return cached;
  }
}

/** Whether this executor runs the plan: no `@defer`, no subscription, no schema introspection in the document. */
function runnable(plan: QueryPlan, document: DocumentNode): boolean {
  const node = plan.node;
  if (node && (node.kind === "Subscription" || hasDefer(node))) return false;
  let introspects = false;
  visit(document, {
    Field: {
      enter: (field) => {
        if (field.name.value !== "__schema" && field.name.value !== "__type") return undefined;
        introspects = true;
        return BREAK;
      },
    },
  });
  return !introspects;
}

function hasDefer(node: PlanNode): boolean {
  switch (node.kind) {
    case "Sequence":
    case "Parallel":
      return node.nodes.some(hasDefer);
    case "Flatten":
      return hasDefer(node.node);
    case "Condition":
      return (!!node.ifClause && hasDefer(node.ifClause)) || (!!node.elseClause && hasDefer(node.elseClause));
    case "Fetch":
      return false;
    default:
      return true; // Defer, and any kind a later planner adds
  }
}

async function executeNode(run: RunContext, node: PlanNode, cursor: Cursor | undefined): Promise<void> {
  if (!cursor) return;
  switch (node.kind) {
    case "Sequence":
      for (const child of node.nodes) await executeNode(run, child, cursor);
      return;
    case "Parallel":
      await Promise.all(node.nodes.map((child) => executeNode(run, child, cursor)));
      return;
    case "Flatten":
      await executeNode(run, node.node, moveIntoCursor(cursor, node.path));
      return;
    case "Fetch":
      try {
        await inSpan("gateway.fetch", { service: node.serviceName }, () => executeFetch(run, node, cursor));
      } catch (error) {
        run.errors.push(error);
      }
      return;
    case "Condition": {
      const branch = conditionHolds(run, node) ? node.ifClause : node.elseClause;
      if (branch) await executeNode(run, branch, cursor);
      return;
    }
    default:
      // `runnable` sends plans with other nodes to Apollo's executor.
      throw new Error(`The plan executor does not run ${node.kind} nodes.`);
  }
}

function conditionHolds(run: RunContext, node: ConditionNode): boolean {
  const value = run.conditionValues[node.condition];
  if (typeof value !== "boolean") throw new Error(`Invalid non-boolean value for Boolean! variable $${node.condition}`);
  return value;
}

async function executeFetch(run: RunContext, fetch: FetchNode, cursor: Cursor): Promise<void> {
  const service = run.services[fetch.serviceName];
  if (!service) throw new Error(`Couldn't find service with name "${fetch.serviceName}"`);
  const entities = Array.isArray(cursor.data)
    ? (cursor.data as unknown[]).filter((entity) => entity !== null && entity !== undefined)
    : [cursor.data];
  if (entities.length < 1) return;
  const variables: Record<string, unknown> = Object.create(null);
  for (const name of fetch.variableUsages ?? []) {
    if (Object.hasOwn(run.variables, name) && run.variables[name] !== undefined) variables[name] = run.variables[name];
  }
  const schema = run.state.supergraphSchema;
  if (!fetch.requires) {
    const received = await sendOperation(run, fetch, cursor, service.dataSource, variables);
    if (received) applyRewrites(schema, fetch.outputRewrites, received);
    for (const entity of entities) deepMerge(entity, received);
    return;
  }
  const representations: Record<string, unknown>[] = [];
  const representationToEntity: number[] = [];
  entities.forEach((entity, index) => {
    const representation = selectionOf(schema, entity as Record<string, unknown> | null, fetch.requires!);
    if (representation?.__typename) {
      applyRewrites(schema, fetch.inputRewrites, representation);
      representations.push(representation);
      representationToEntity.push(index);
    }
  });
  if (representations.length < 1) return;
  if ("representations" in variables) throw new Error(`Variables cannot contain key "representations"`);
  // Each distinct entity is asked for once: a hundred hospitals in four departments send four Department
  // representations, not a hundred (Apollo sends one per occurrence). Every occurrence still gets its own copy of the
  // answer, so later fetches merge into each position apart, exactly as before.
  const distinct = distinctRepresentations(representations);
  run.stats.representations += representations.length;
  run.stats.sentRepresentations += distinct.sent.length;
  const received = await sendOperation(
    run,
    fetch,
    cursor,
    service.dataSource,
    { ...variables, representations: distinct.sent },
    distinct.occurrences,
  );
  if (!received) return;
  const answered = received._entities;
  if (!Array.isArray(answered)) throw new Error(`Expected "data._entities" in response to be an array`);
  if (answered.length !== distinct.sent.length) {
    throw new Error(`Expected "data._entities" to contain ${distinct.sent.length} elements`);
  }
  const usesLeft = distinct.occurrences.map((positions) => positions.length);
  for (let i = 0; i < representations.length; i++) {
    const at = distinct.sentAs[i] as number;
    usesLeft[at] = (usesLeft[at] as number) - 1;
    // The last occurrence takes the answer itself; the others a copy made before anything is merged into it.
    const answer = answered[at] as Record<string, unknown> | null | undefined;
    const receivedEntity = usesLeft[at] === 0 ? answer : (copyJson(answer) as typeof answer);
    const existing = entities[representationToEntity[i] as number] as Record<string, unknown> | undefined;
    if (receivedEntity && !receivedEntity.__typename) receivedEntity.__typename = existing?.__typename;
    applyRewrites(schema, fetch.outputRewrites, receivedEntity);
    deepMerge(existing, receivedEntity);
  }
}

interface DistinctRepresentations {
  /** Each distinct representation once, in the order first met: what the subgraph is sent. */
  sent: Record<string, unknown>[];
  /** For each representation of the plan, its index in `sent`. */
  sentAs: number[];
  /** For each index in `sent`, the positions of the plan's representations it stands for. */
  occurrences: number[][];
}

export function distinctRepresentations(representations: Record<string, unknown>[]): DistinctRepresentations {
  const byText = new Map<string, number>();
  const sent: Record<string, unknown>[] = [];
  const sentAs: number[] = [];
  const occurrences: number[][] = [];
  representations.forEach((representation, position) => {
    // Built by `selectionOf` from the same `requires` selections, so equal entities serialise to equal text.
    const text = JSON.stringify(representation);
    let at = byText.get(text);
    if (at === undefined) {
      at = sent.length;
      byText.set(text, at);
      sent.push(representation);
      occurrences.push([]);
    }
    sentAs.push(at);
    (occurrences[at] as number[]).push(position);
  });
  return { sent, sentAs, occurrences };
}

async function sendOperation(
  run: RunContext,
  fetch: FetchNode,
  cursor: Cursor,
  dataSource: GraphQLDataSource<Record<string, any>>,
  variables: Record<string, unknown>,
  /** For an entity fetch: the positions of the plan's representations each sent one stands for. */
  occurrences?: number[][],
): Promise<Record<string, unknown> | null | undefined> {
  const response = await dataSource.process({
    // GraphQLDataSourceRequestKind.INCOMING_OPERATION (the enum is not exported from the package's index).
    kind: "incoming operation",
    request: { query: fetch.operation, variables, operationName: fetch.operationName },
    incomingRequestContext: run.requestContext,
    context: run.requestContext.context,
    document: fetch.operationDocumentNode,
    pathInIncomingRequest: cursor.path as never,
  } as unknown as GraphQLDataSourceProcessOptions<Record<string, any>>);
  if (response.errors) {
    const pathOf = errorPaths(fetch, cursor);
    const errors = occurrences ? errorsPerOccurrence(response.errors, occurrences) : response.errors;
    for (const error of errors) run.errors.push(downstreamServiceError(error, fetch.serviceName, pathOf));
  }
  return response.data as Record<string, unknown> | null | undefined;
}

type SubgraphError = NonNullable<Awaited<ReturnType<GraphQLDataSource["process"]>>["errors"]>[number];

/**
 * A subgraph's errors about distinct entities (`["_entities", i, …]`) as Apollo's executor would have had them with
 * every occurrence sent: one per occurrence, at that occurrence's index, in the order of the indexes; other errors
 * once, first.
 */
export function errorsPerOccurrence(errors: readonly SubgraphError[], occurrences: number[][]): SubgraphError[] {
  const placed: Array<{ index: number; error: SubgraphError }> = [];
  for (const error of errors) {
    const path = error.path;
    const at = path?.[0] === "_entities" ? path[1] : undefined;
    const positions = typeof at === "number" ? occurrences[at] : undefined;
    if (!path || !positions) {
      placed.push({ index: -1, error });
      continue;
    }
    for (const index of positions)
      placed.push({ index, error: { ...error, path: ["_entities", index, ...path.slice(2)] } });
  }
  return placed.sort((a, b) => a.index - b.index).map(({ error }) => error);
}

/**
 * An entity's representation: the `requires` selections read from the data merged so far (Apollo's
 * executeSelectionSet). A plain object, not `Object.create(null)`: that makes a dictionary-mode object, slow to build
 * and to serialise, once per entity (issue 16: the largest allocator of a 500-entity fetch). The names written are
 * the planner's, from the supergraph's key and `@requires` fields, which GraphQL forbids to start with `__` other than
 * `__typename`, so no name here can reach the prototype. The usual `requires`, one inline fragment
 * (`... on Resident { __typename id }`), is taken as it is built instead of merged into an empty object.
 */
export function selectionOf(
  schema: GraphQLSchema,
  source: Record<string, unknown> | null,
  selections: readonly Selection[],
): Record<string, unknown> | null {
  if (source === null) return null;
  let result: Record<string, unknown> = {};
  let empty = true;
  for (const selection of selections) {
    if (selection.kind === Kind.FIELD) {
      const responseName = selection.alias ?? selection.name;
      const below = selection.selections;
      const value = source[responseName];
      if (value === undefined || !Object.hasOwn(source, responseName)) return null;
      if (Array.isArray(value)) {
        result[responseName] = below ? value.map((item) => selectionOf(schema, item, below)) : value.slice();
      } else if (below) {
        result[responseName] = selectionOf(schema, value as Record<string, unknown> | null, below);
      } else {
        result[responseName] = value;
      }
      empty = false;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      if (!selection.typeCondition) continue;
      if (isObjectOfType(schema, source, selection.typeCondition)) {
        const part = selectionOf(schema, source, selection.selections);
        if (empty && part) {
          result = part;
          empty = false;
        } else {
          deepMerge(result, part);
        }
      }
    }
  }
  return result;
}

function moveIntoCursor(cursor: Cursor, path: ReadonlyArray<string | number>): Cursor | undefined {
  const data = flattenResultsAtPath(cursor.data, path);
  return data
    ? { path: cursor.path.concat(path as Array<string | number>), data, fullResult: cursor.fullResult }
    : undefined;
}

function flattenResultsAtPath(value: unknown, path: ReadonlyArray<string | number>, from = 0): unknown {
  if (from === path.length) return value;
  if (value === undefined || value === null) return value;
  const current = path[from];
  // Walked by index: a Flatten runs on every request that reaches it, and slicing the path allocated at every step.
  if (current === "@") return (value as unknown[]).flatMap((element) => flattenResultsAtPath(element, path, from + 1));
  if (typeof current !== "string" || Array.isArray(value)) {
    throw new Error(
      `Unexpected ${Array.isArray(value) ? "array in result" : typeof current} at path element ${current}`,
    );
  }
  const record = value as Record<string, unknown>;
  return flattenResultsAtPath(Object.hasOwn(record, current) ? record[current] : undefined, path, from + 1);
}

/** Where a subgraph error belongs in the client's response (Apollo's makeLazyErrorPathGenerator). */
function errorPaths(fetch: FetchNode, cursor: Cursor) {
  let hydrated: Array<Array<string | number>> | undefined;
  return (errorPath: ReadonlyArray<string | number> | undefined): Array<string | number> | undefined => {
    if (fetch.requires && typeof errorPath?.[1] === "number") {
      if (!hydrated) {
        hydrated = [];
        hydratedPaths([], cursor.path, cursor.fullResult, hydrated);
      }
      return [...(hydrated[errorPath[1]] ?? []), ...errorPath.slice(2)];
    }
    return errorPath ? [...cursor.path, ...errorPath] : undefined;
  };
}

function hydratedPaths(
  parent: Array<string | number>,
  path: ReadonlyArray<string | number>,
  data: unknown,
  result: Array<Array<string | number>>,
): void {
  const head = path[0];
  if (data === null || data === undefined) return;
  if (head === undefined) {
    result.push(parent.slice());
  } else if (head === "@") {
    if (!Array.isArray(data)) throw new Error("expected array when encountering `@`");
    for (const [i, value] of data.entries()) {
      parent.push(i);
      hydratedPaths(parent, path.slice(1), value, result);
      parent.pop();
    }
  } else if (typeof head === "string") {
    if (Array.isArray(data)) {
      for (const [i, value] of data.entries()) {
        parent.push(i);
        hydratedPaths(parent, path, value, result);
        parent.pop();
      }
    } else if (Object.hasOwn(data as object, head)) {
      parent.push(head);
      hydratedPaths(parent, path.slice(1), (data as Record<string, unknown>)[head], result);
      parent.pop();
    }
  } else {
    throw new Error(`unknown path part "${head}"`);
  }
}

/** A subgraph's error as Apollo's executor reports it: its path in the client's response and the subgraph's name. */
function downstreamServiceError(
  original: { message?: string; path?: ReadonlyArray<string | number>; extensions?: Record<string, unknown> },
  serviceName: string,
  pathOf: ReturnType<typeof errorPaths>,
): GraphQLErrorType {
  const message = original.message || `Error while fetching subquery from service "${serviceName}"`;
  const options = {
    originalError: original,
    path: pathOf(original.path),
    extensions: { ...original.extensions, serviceName },
  };
  const code = federation.errorCodeDef(original);
  if (!code && original.extensions?.code) return new GraphQLError(message, options as never);
  return (code ?? federation.ERRORS.DOWNSTREAM_SERVICE_ERROR).err(message, options);
}
