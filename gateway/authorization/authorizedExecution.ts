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
 * Shaping reads the guard's operation view (lib/access/operationView.ts: variables coerced, `@skip`/`@include`
 * applied) and collects each record's fields by GraphQL's CollectFields (a fragment once per collection), memoised
 * per (object type, selection sets): its cost is bounded by the size of the result, not by how often the document
 * spreads its fragments. The subjects come only from the gateway's own `og__subject` selections: clients cannot
 * answer under that name (gateway/protection/reservedNames.ts).
 *
 * Operations that touch nothing denied or classified skip all three. An operation the guard did not decide on is
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
import type {
  DocumentNode,
  FieldNode,
  GraphQLField,
  GraphQLNamedType,
  GraphQLObjectType,
  GraphQLOutputType,
  GraphQLSchema,
  SelectionSetNode,
} from "graphql";
import type { FieldDecision, OperationAuthorization } from "../../lib/access/authorize.ts";
import { type MaskStrategy, maskValue } from "../../lib/access/classification.ts";
import type { OperationView } from "../../lib/access/operationView.ts";
import { codedError } from "../../lib/errors.ts";
import type { GatewayContext } from "../context.ts";
import { RESERVED_PREFIX } from "../protection/reservedNames.ts";
import { PlannedDocuments } from "./plannedDocuments.ts";

const graphqlCjs = createRequire(import.meta.url)("graphql") as typeof import("graphql");
const {
  getNamedType,
  GraphQLError,
  isAbstractType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  print,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} = graphqlCjs;

/** The type whose objects are data subjects, and the alias under which the subject id is fetched. */
const SUBJECT_TYPE = "Resident";
const SUBJECT_ALIAS = `${RESERVED_PREFIX}subject`;

/** What was read, for the data-access audit: called once per operation that touched classified data. */
export interface DataAccess {
  context: GatewayContext;
  requestContext: GatewayGraphQLRequestContext;
  authorization: OperationAuthorization;
  subjectResidentIds: string[];
}

export interface AuthorizingGatewayOptions {
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
  return async (requestContext) => {
    const context = requestContext.context as GatewayContext;
    const { authorization, view } = context;
    if (!authorization || !view) {
      // Never reached through the guard; refusing keeps a mis-wired server closed instead of open.
      return { errors: [codedError("FORBIDDEN", "The operation was not authorized; it was not executed.")] };
    }
    const readsClassified = authorization.classified.some((field) => field.decision !== "denied");
    if (authorization.deniedNodes.size === 0 && !readsClassified) return executor(requestContext);

    // Remembered per schema, document and decision shape (plannedDocuments.ts): not rebuilt on every request.
    const { document: planned, queryHash } = plannedDocuments.get(
      requestContext.schema,
      requestContext.document,
      authorization.deniedNodes,
      readsClassified,
    );
    const partial = await executor({ ...requestContext, document: planned, queryHash } as GatewayGraphQLRequestContext);
    const shaped = shapeToOperation(view, partial, authorization, false);
    if (!options.audit || authorization.classified.length === 0) return shaped.result;
    try {
      await options.audit({ context, requestContext, authorization, subjectResidentIds: [...shaped.subjects] });
      return shaped.result;
    } catch (error) {
      context.log.warn({ reason: (error as Error).message }, "audit record not confirmed; classified fields withheld");
      const withheld = shapeToOperation(view, partial, authorization, true).result;
      const refusal = codedError(
        "AUDIT_UNAVAILABLE",
        "This operation reads classified data, and the audit service did not confirm its record in time; the classified fields were withheld. Retry shortly.",
        { http: { status: 503, headers: new Map([["retry-after", "1"]]) } },
      );
      return { ...withheld, errors: [refusal, ...(withheld.errors ?? [])] };
    }
  };
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

/** How one response key of one object type is answered; computed once per (type, selection sets). */
interface FieldPlan {
  key: string;
  nodes: FieldNode[];
  name: string;
  field: GraphQLField<unknown, unknown> | undefined;
  denied: FieldDecision | undefined;
  mask: MaskStrategy | null;
  classified: boolean;
  selectionSets: SelectionSetNode[];
}

/**
 * Shapes the planner's result back to the client's operation in one walk over the result (no resolvers): fields in
 * the order and under the names the client asked for, `null` plus a FIELD_NOT_AUTHORIZED error for each removed
 * field, GraphQL's non-null propagation, masked values, and the data subjects of classified fields. With `withhold`,
 * every classified field is null (the audit could not confirm the record). A walk rather than graphql-js `execute`
 * because it runs on every operation that reads classified data (docs/benchmarks.md).
 */
function shapeToOperation(
  view: OperationView,
  partial: GatewayExecutionResult,
  authorization: OperationAuthorization,
  withhold: boolean,
): { result: GatewayExecutionResult; subjects: Set<string> } {
  const { schema, rootType, operation } = view;
  const denied = authorization.deniedNodes;
  const masked = authorization.maskedNodes;
  const classified = new Set(authorization.classified.map((field) => field.coordinate));
  const subjects = new Set<string>();
  const errors: InstanceType<typeof GraphQLError>[] = [];
  if (!rootType) return { result: partial, subjects };

  const appliesTo = (condition: string | undefined, type: GraphQLObjectType) => {
    if (!condition || condition === type.name) return true;
    const conditionType = schema.getType(condition);
    return !!conditionType && isAbstractType(conditionType) && schema.isSubType(conditionType, type);
  };
  /** Response key → the field nodes that answer it on this object type (GraphQL's CollectFields). */
  const collect = (
    type: GraphQLObjectType,
    selectionSet: SelectionSetNode,
    into: Map<string, FieldNode[]>,
    visitedFragments: Set<string>,
  ) => {
    for (const selection of selectionSet.selections) {
      if (!view.included(selection)) continue;
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        const nodes = into.get(key);
        if (nodes) nodes.push(selection);
        else into.set(key, [selection]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (appliesTo(selection.typeCondition?.name.value, type)) {
          collect(type, selection.selectionSet, into, visitedFragments);
        }
      } else {
        const name = selection.name.value;
        if (visitedFragments.has(name)) continue;
        visitedFragments.add(name);
        const fragment = view.fragments.get(name);
        if (fragment && appliesTo(fragment.typeCondition.name.value, type)) {
          collect(type, fragment.selectionSet, into, visitedFragments);
        }
      }
    }
  };
  const setIds = new Map<SelectionSetNode, number>();
  const idOf = (node: SelectionSetNode) => {
    let id = setIds.get(node);
    if (id === undefined) {
      id = setIds.size;
      setIds.set(node, id);
    }
    return id;
  };
  const plans = new Map<string, FieldPlan[]>();
  const planFor = (type: GraphQLObjectType, selectionSets: SelectionSetNode[]): FieldPlan[] => {
    const cacheKey = `${type.name}|${selectionSets.map(idOf).join(",")}`;
    let plan = plans.get(cacheKey);
    if (plan) return plan;
    const fields = new Map<string, FieldNode[]>();
    const visitedFragments = new Set<string>();
    for (const selectionSet of selectionSets) collect(type, selectionSet, fields, visitedFragments);
    plan = [];
    for (const [key, nodes] of fields) {
      const name = (nodes[0] as FieldNode).name.value;
      const deniedNode = nodes.find((n) => denied.has(n));
      const maskedNode = nodes.find((n) => masked.has(n));
      plan.push({
        key,
        nodes,
        name,
        field: name.startsWith("__") ? undefined : type.getFields()[name],
        denied: deniedNode && denied.get(deniedNode),
        mask: maskedNode ? (masked.get(maskedNode)?.mask ?? null) : null,
        classified: classified.has(`${type.name}.${name}`),
        selectionSets: nodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : [])),
      });
    }
    plans.set(cacheKey, plan);
    return plan;
  };

  /** An object's fields, or undefined when a non-null field is null (the caller nulls the object: propagation). */
  const shapeObject = (
    type: GraphQLObjectType,
    selectionSets: SelectionSetNode[],
    source: Record<string, unknown>,
    path: ReadonlyArray<string | number>,
  ): Record<string, unknown> | undefined => {
    const result: Record<string, unknown> = {};
    for (const plan of planFor(type, selectionSets)) {
      const { key, name, field } = plan;
      if (name === "__typename") {
        result[key] = type.name;
        continue;
      }
      if (name.startsWith("__")) {
        result[key] = source[key] ?? null; // introspection, answered by the gateway itself
        continue;
      }
      if (!field) continue;
      const fieldPath = [...path, key];
      let value: unknown;
      if (plan.denied) {
        const decision = plan.denied;
        errors.push(
          new GraphQLError(
            `Not authorized to read ${decision.coordinate}: ${decision.rule} denies it — ${decision.reason}.`,
            {
              nodes: plan.nodes,
              path: fieldPath,
              extensions: { code: "FIELD_NOT_AUTHORIZED", rule: decision.rule, coordinate: decision.coordinate },
            },
          ),
        );
        value = null;
      } else if (withhold && plan.classified) {
        value = null;
      } else {
        value = complete(field.type, plan.selectionSets, source[key], fieldPath, plan.mask);
        if (value !== null && plan.classified) {
          const subject = source[SUBJECT_ALIAS];
          const id = typeof subject === "string" ? subject : (subject as { id?: unknown } | null)?.id;
          if (typeof id === "string") subjects.add(id);
        }
      }
      if (value === null && isNonNullType(field.type)) return undefined;
      result[key] = value;
    }
    return result;
  };

  /** A field's value shaped to its type; null where GraphQL's propagation puts it. */
  const complete = (
    type: GraphQLOutputType,
    selectionSets: SelectionSetNode[],
    raw: unknown,
    path: ReadonlyArray<string | number>,
    mask: MaskStrategy | null,
  ): unknown => {
    const inner = isNonNullType(type) ? type.ofType : type;
    if (raw === null || raw === undefined) return null;
    if (isListType(inner)) {
      if (!Array.isArray(raw)) return null;
      const items: unknown[] = [];
      for (const [index, item] of raw.entries()) {
        const value = complete(inner.ofType, selectionSets, item, [...path, index], mask);
        if (value === null && isNonNullType(inner.ofType)) return null;
        items.push(value);
      }
      return items;
    }
    if (isLeafType(inner)) return mask ? maskValue(raw, mask) : raw;
    if (typeof raw !== "object") return null;
    const record = raw as Record<string, unknown>;
    const objectType = isAbstractType(inner)
      ? schema.getType(String(record.__typename ?? ""))
      : (inner as GraphQLObjectType);
    if (!objectType || !isObjectType(objectType)) return null;
    return shapeObject(objectType, selectionSets, record, path) ?? null;
  };

  const root = (partial.data ?? null) as Record<string, unknown> | null;
  const data = root ? (shapeObject(rootType, [operation.selectionSet], root, []) ?? null) : null;
  const allErrors = [...(partial.errors ?? []), ...errors];
  return {
    result: { ...partial, data, ...(allErrors.length > 0 ? { errors: allErrors } : {}) },
    subjects,
  };
}
