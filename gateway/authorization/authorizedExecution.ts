/**
 * Executing only the authorized part of an operation (授权管理, step 2), masking classified values and recording who
 * read whose data (安全防护, items 4 and 5).
 *
 * The guard (gateway/protection/operationGuard.ts) decides before planning which fields the principal may read and which
 * classified values it sees masked, and stores that decision on the request context. This wrapper around Apollo
 * Gateway's executor then
 *
 * 1. removes the denied fields from the document and hands Apollo's planner that smaller document (with its own
 *    plan-cache key), so no subgraph is ever asked for a removed field; where classified data is read, it also asks
 *    for the data subject (`og__subject`: a Resident's id, or a record's `resident { id }`);
 * 2. shapes the answer back to the operation the client sent, in one walk over the planner's result: `null` plus a
 *    FIELD_NOT_AUTHORIZED error (path and rule) for each removed field, with the standard non-null propagation,
 *    masking the values of masked fields and collecting the subjects;
 * 3. hands what was read (classified fields with their decisions, subjects) to the audit, and answers only once the
 *    audit confirmed the record as durable. When it cannot within the request's deadline (or too many answers are
 *    waiting for it), the answer goes out as a 503 AUDIT_UNAVAILABLE with every classified field withheld (null):
 *    the audit fails closed, it never lets classified data leave unrecorded.
 *
 * Shaping (shapeToOperation.ts) reads the guard's operation view (lib/access/operationView.ts: variables coerced,
 * `@skip`/`@include` applied) and collects each record's fields by GraphQL's CollectFields, memoised per (object type,
 * selection sets): its cost is bounded by the size of the result, not by how often the document spreads its
 * fragments. The subjects come only from the gateway's own `og__subject` selections: clients cannot answer under that
 * name (gateway/protection/reservedNames.ts).
 *
 * With our plan executor (gateway/execution/planExecutor.ts, the default) the planner's result arrives unshaped and
 * step 2 is the only shaping walk, for every operation, and identical query operations of one caller in flight at once
 * run steps 1–2 once (`InFlightOperations`, below; each still gets its own step 3); with Apollo's executor
 * (`EXECUTOR=apollo`), operations that touch nothing denied or classified skip all three. An operation the guard did not decide on is
 * refused: the planner's copy of the supergraph has its security features switched off
 * (lib/access/requirements.ts), so this layer fails closed rather than letting an unchecked operation through.
 */
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import type {
  GatewayExecutionResult,
  GatewayExecutor,
  GatewayGraphQLRequestContext,
  GatewayInterface,
} from "@apollo/server-gateway-interface";
import type { DocumentNode, FieldNode, GraphQLNamedType, GraphQLSchema, SelectionSetNode } from "graphql";
import type { OperationAuthorization } from "../../lib/access/authorize.ts";
import type { OperationView } from "../../lib/access/operationView.ts";
import { codedError } from "../../lib/errors.ts";
import { startSpan } from "../../lib/telemetry/tracing.ts";
import type { GatewayContext } from "../context.ts";
import { InFlightFetches } from "../execution/inFlightFetches.ts";
import type { PlanExecutor } from "../execution/planExecutor.ts";
import { PlannedDocuments } from "./plannedDocuments.ts";
import {
  type ShapedResult,
  type ShapeOptions,
  SUBJECT_ALIAS,
  SUBJECT_TYPE,
  shapeToOperation,
} from "./shapeToOperation.ts";

const graphqlCjs = createRequire(import.meta.url)("graphql") as typeof import("graphql");
const { getNamedType, isAbstractType, isNonNullType, isObjectType, Kind, print, TypeInfo, visit, visitWithTypeInfo } =
  graphqlCjs;

/** What was read, for the data-access audit: called once per operation that touched classified data. */
export interface DataAccess {
  context: GatewayContext;
  requestContext: GatewayGraphQLRequestContext;
  authorization: OperationAuthorization;
  subjectResidentIds: string[];
}

export interface AuthorizingGatewayOptions {
  /**
   * Our executor of Apollo's plans (gateway/execution/planExecutor.ts): runs the plan and leaves the shaping to one
   * walk of `shapeToOperation`. Without it, or for a plan it leaves to Apollo, Apollo's executor runs.
   */
  plans?: PlanExecutor;
  /**
   * Records a data access and resolves once the record is durable; awaited before the answer leaves. A rejection
   * (audit service unavailable past the deadline, too many answers waiting) withholds the classified fields and
   * answers 503 AUDIT_UNAVAILABLE.
   */
  audit?: (access: DataAccess) => Promise<void>;
}

/** Wraps a gateway so that every execution goes through the authorization decision on the context. */
export function authorizingGateway(inner: GatewayInterface, options: AuthorizingGatewayOptions = {}): GatewayInterface {
  return {
    onSchemaLoadOrUpdate: (callback) => inner.onSchemaLoadOrUpdate(callback),
    stop: () => inner.stop(),
    load: async (loadOptions) => {
      const loaded = await inner.load(loadOptions);
      return { ...loaded, executor: loaded.executor ? authorizedExecutor(loaded.executor, options) : null };
    },
  };
}

export function authorizedExecutor(
  executor: GatewayExecutor,
  options: AuthorizingGatewayOptions = {},
): GatewayExecutor {
  const plannedDocuments = new PlannedDocuments((schema, document, denied, withSubjects) => {
    const planned = plannedDocument(schema, document, denied, withSubjects);
    return { document: planned, queryHash: createHash("sha256").update(print(planned)).digest("hex") };
  });
  const operations = new InFlightOperations(options.plans?.stats);
  return async (requestContext) => {
    const context = requestContext.context as GatewayContext;
    const { authorization, view } = context;
    if (!authorization || !view) {
      // Never reached through the guard; refusing keeps a mis-wired server closed instead of open.
      return { errors: [codedError("FORBIDDEN", "The operation was not authorized; it was not executed.")] };
    }
    const readsClassified = authorization.classified.some((field) => field.decision !== "denied");
    const untouched = authorization.deniedNodes.size === 0 && !readsClassified;
    if (untouched && !options.plans) return executor(requestContext);

    // Remembered per schema, document and decision shape (plannedDocuments.ts): not rebuilt on every request.
    const { document: planned, queryHash } = untouched
      ? { document: requestContext.document, queryHash: requestContext.queryHash }
      : plannedDocuments.get(
          requestContext.schema,
          requestContext.document,
          authorization.deniedNodes,
          readsClassified,
        );
    // Our executor answers the plan's data unshaped (`complete`), shaped here in one walk. An identical operation of
    // the same caller already in flight is joined instead (see `InFlightOperations`).
    const ownRun = options.plans
      ? await operations.run(requestContext, context, authorization, queryHash, () =>
          runOwn(options.plans as PlanExecutor, requestContext, planned, queryHash, view, authorization),
        )
      : undefined;
    if (!ownRun && untouched) return executor(requestContext);
    let partial: GatewayExecutionResult;
    let shaped: ShapedResult<GatewayExecutionResult>;
    if (ownRun) {
      ({ partial, shaped } = ownRun);
    } else {
      partial = await executor({ ...requestContext, document: planned, queryHash } as GatewayGraphQLRequestContext);
      shaped = shapeInSpan(view, partial, authorization, {});
    }
    const complete = !!ownRun;
    if (!options.audit || authorization.classified.length === 0) return shaped.result;
    try {
      await options.audit({ context, requestContext, authorization, subjectResidentIds: [...shaped.subjects] });
      return shaped.result;
    } catch (error) {
      context.log.warn({ reason: (error as Error).message }, "audit record not confirmed; classified fields withheld");
      const withheld = shapeToOperation(view, partial, authorization, { withhold: true, complete }).result;
      const refusal = codedError(
        "AUDIT_UNAVAILABLE",
        "This operation reads classified data, and the audit service did not confirm its record in time; the classified fields were withheld. Retry shortly.",
        { http: { status: 503, headers: new Map([["retry-after", "1"]]) } },
      );
      return { ...withheld, errors: [refusal, ...(withheld.errors ?? [])] };
    }
  };
}

/** One operation through our executor, shaped in one walk; undefined when the executor leaves it to Apollo's. */
async function runOwn(
  plans: PlanExecutor,
  requestContext: GatewayGraphQLRequestContext,
  planned: DocumentNode,
  queryHash: string,
  view: OperationView,
  authorization: OperationAuthorization,
): Promise<OwnRun | undefined> {
  const partial = await plans.run(requestContext, planned, queryHash);
  if (!partial) return undefined;
  return { partial, shaped: shapeInSpan(view, partial, authorization, { complete: true }) };
}

/** Shaping is synchronous: a span around it only when tracing is on, and no promise on every request. */
function shapeInSpan(
  view: OperationView,
  partial: GatewayExecutionResult,
  authorization: OperationAuthorization,
  options: ShapeOptions,
): ShapedResult<GatewayExecutionResult> {
  const endSpan = startSpan("gateway.postprocessing");
  const shaped = shapeToOperation(view, partial, authorization, options);
  endSpan?.();
  return shaped;
}

interface OwnRun {
  partial: GatewayExecutionResult;
  shaped: ShapedResult<GatewayExecutionResult>;
}

/**
 * Identical operations of one caller in flight at once run once (issue 16): the same document, operation name and
 * variables, planned the same way, against the same API schema, under the same policy revision, for the same
 * principal, purpose, case and client address — everything the plan's fetches, their envelopes and the authorization
 * decisions depend on, so the answer could not differ. The first runs its plan and shapes the answer; the others
 * take that shaped answer instead of repeating the fetches, the merging and the shaping. It is the fetch-level rule
 * (gateway/execution/inFlightFetches.ts) one level up, and like it never crosses principals and outlives nothing.
 *
 * Everything else stays per request: authentication, limits, the cost budget, and the audit record (each request
 * records its own access, with the subjects the shared answer holds). Only a clean answer is shared: when the first
 * one's answer holds an error (a subgraph failed, a value did not complete) or it threw, each other request runs its
 * own plan, so its errors carry its own request id. Mutations are never shared. Each taker gets its own result object;
 * the data inside is shared and never written after shaping.
 */
class InFlightOperations {
  readonly #flights = new InFlightFetches<OwnRun | undefined>((run) => run);
  readonly #schemaIds = new WeakMap<GraphQLSchema, number>();
  #nextSchemaId = 0;

  constructor(private readonly stats?: { shared: number }) {}

  async run(
    requestContext: GatewayGraphQLRequestContext,
    context: GatewayContext,
    authorization: OperationAuthorization,
    plannedHash: string,
    own: () => Promise<OwnRun | undefined>,
  ): Promise<OwnRun | undefined> {
    const { schema, queryHash, operationName, request, operation } = requestContext;
    // Two identical mutations are two changes: each runs. (Subscriptions are left to Apollo's executor anyway.)
    if (operation?.operation !== "query") return own();
    let schemaId = this.#schemaIds.get(schema);
    if (schemaId === undefined) {
      schemaId = this.#nextSchemaId++;
      this.#schemaIds.set(schema, schemaId);
    }
    const prefix = `${schemaId} ${queryHash} ${plannedHash} ${authorization.policyRevision} ${operationName ?? ""}`;
    // The rest is serialized only when an operation with the same prefix is in flight (InFlightFetches.share).
    const rest = () =>
      JSON.stringify([
        request.variables ?? null,
        context.principal,
        context.purpose,
        context.caseReference,
        context.clientAddress,
      ]);
    let mine = false;
    const shared = await this.#flights
      .share(prefix, rest, () => {
        mine = true;
        return own();
      })
      .catch((error: unknown) => {
        if (mine) throw error;
        return undefined;
      });
    if (mine) return shared;
    if (!shared || shared.shaped.result.errors?.length) return own();
    if (this.stats) this.stats.shared += 1;
    const { result } = shared.shaped;
    return { partial: shared.partial, shaped: { ...shared.shaped, result: { ...result } } };
  }
}

/**
 * The document the planner gets: without denied fields; `__typename` where a selection set would be empty (GraphQL
 * forbids empty ones) or is on an interface or union (so shaping knows each record's type); and, when classified
 * data is read, the data subject under `og__subject` on residents and on records that have a `resident`.
 */
export function plannedDocument(
  schema: GraphQLSchema,
  document: DocumentNode,
  denied: ReadonlyMap<FieldNode, unknown>,
  withSubjects: boolean,
): DocumentNode {
  const typeInfo = new TypeInfo(schema);
  const field = (name: string, alias?: string, selections?: FieldNode[]): FieldNode => ({
    kind: Kind.FIELD,
    name: { kind: Kind.NAME, value: name },
    ...(alias ? { alias: { kind: Kind.NAME, value: alias } } : {}),
    ...(selections ? { selectionSet: { kind: Kind.SELECTION_SET, selections } } : {}),
  });
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]);
  const subjectOf = (type: GraphQLNamedType | null | undefined): FieldNode | null => {
    if (!withSubjects || !type || !isObjectType(type) || roots.has(type)) return null;
    if (type.name === SUBJECT_TYPE) return field("id", SUBJECT_ALIAS);
    // A record's own resident (`resident { id }`), never a lookup that needs arguments.
    const resident = type.getFields().resident;
    const needsArguments = resident?.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined);
    if (resident && !needsArguments && getNamedType(resident.type).name === SUBJECT_TYPE) {
      return field("resident", SUBJECT_ALIAS, [field("id")]);
    }
    return null;
  };
  return visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field: { enter: (node) => (denied.has(node) ? null : undefined) },
      SelectionSet: {
        leave: (node: SelectionSetNode) => {
          const type = typeInfo.getParentType();
          const added: FieldNode[] = [];
          const hasTypename = node.selections.some(
            (s) => s.kind === Kind.FIELD && s.name.value === "__typename" && !s.alias,
          );
          if (node.selections.length === 0 || (type && isAbstractType(type) && !hasTypename)) {
            added.push(field("__typename"));
          }
          const subject = subjectOf(type);
          if (subject) added.push(subject);
          return added.length > 0 ? { ...node, selections: [...node.selections, ...added] } : undefined;
        },
      },
    }),
  );
}
