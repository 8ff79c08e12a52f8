/**
 * Executing only the authorized part of an operation (授权管理, step 2), masking classified values and recording who
 * read whose data (安全防护, items 4 and 5).
 *
 * The guard (gateway/operationGuard.ts) decides before planning which fields the principal may read and which
 * classified values it sees masked, and stores that decision on the request context. This wrapper around Apollo
 * Gateway's executor then
 *
 * 1. removes the denied fields from the document and hands Apollo's planner that smaller document (with its own
 *    plan-cache key), so no subgraph is ever asked for a removed field; where classified data is read, it also asks
 *    for the data subject (`og__subject`: a Resident's id, or a record's `resident { id }`);
 * 2. shapes the answer back to the operation the client sent, in one walk over the planner's result: `null` plus a
 *    FIELD_NOT_AUTHORIZED error (path and rule) for each removed field, with the standard non-null propagation,
 *    masking the values of masked fields and collecting the subjects;
 * 3. hands what was read (classified fields with their decisions, subjects) to the audit.
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
  FragmentDefinitionNode,
  GraphQLNamedType,
  GraphQLObjectType,
  GraphQLOutputType,
  GraphQLSchema,
  OperationDefinitionNode,
  SelectionSetNode,
} from "graphql";
import { included, type OperationAuthorization } from "../../lib/access/authorize.ts";
import { type MaskStrategy, maskValue } from "../../lib/access/classification.ts";
import { codedError } from "../../lib/errors.ts";
import type { GatewayContext } from "../context.ts";

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
const SUBJECT_ALIAS = "og__subject";

/** What was read, for the data-access audit: called once per operation that touched classified data. */
export interface DataAccess {
  context: GatewayContext;
  requestContext: GatewayGraphQLRequestContext;
  authorization: OperationAuthorization;
  subjectResidentIds: string[];
}

export interface AuthorizingGatewayOptions {
  /** Records a data access; awaited before the answer leaves, so a full audit buffer slows callers, never drops. */
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
  return async (requestContext) => {
    const context = requestContext.context as GatewayContext;
    const authorization = context.authorization;
    if (!authorization) {
      // Never reached through the guard; refusing keeps a mis-wired server closed instead of open.
      return { errors: [codedError("FORBIDDEN", "The operation was not authorized; it was not executed.")] };
    }
    const readsClassified = authorization.classified.some((field) => field.decision !== "denied");
    if (authorization.deniedNodes.size === 0 && !readsClassified) return executor(requestContext);

    const planned = plannedDocument(
      requestContext.schema,
      requestContext.document,
      authorization.deniedNodes,
      readsClassified,
    );
    const queryHash = createHash("sha256").update(print(planned)).digest("hex");
    const partial = await executor({ ...requestContext, document: planned, queryHash } as GatewayGraphQLRequestContext);
    const { result, subjects } = await shapeToOperation(requestContext, partial, authorization);
    if (options.audit && authorization.classified.length > 0) {
      await options.audit({ context, requestContext, authorization, subjectResidentIds: [...subjects] });
    }
    return result;
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
  const subjectOf = (type: GraphQLNamedType | null | undefined): FieldNode | null => {
    if (!withSubjects || !type || !isObjectType(type)) return null;
    if (type.name === SUBJECT_TYPE) return field("id", SUBJECT_ALIAS);
    const resident = type.getFields().resident;
    if (resident && getNamedType(resident.type).name === SUBJECT_TYPE) {
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

/**
 * Shapes the planner's result back to the client's operation in one walk over the result (no resolvers): fields in
 * the order and under the names the client asked for, `null` plus a FIELD_NOT_AUTHORIZED error for each removed
 * field, GraphQL's non-null propagation, masked values, and the data subjects of classified fields. A walk rather
 * than graphql-js `execute` because it runs on every operation that reads classified data (docs/benchmarks.md).
 */
async function shapeToOperation(
  requestContext: GatewayGraphQLRequestContext,
  partial: GatewayExecutionResult,
  authorization: OperationAuthorization,
): Promise<{ result: GatewayExecutionResult; subjects: Set<string> }> {
  const { schema, document } = requestContext;
  const variables = requestContext.request.variables ?? {};
  const denied = authorization.deniedNodes;
  const masked = authorization.maskedNodes;
  const classified = new Set(authorization.classified.map((field) => field.coordinate));
  const subjects = new Set<string>();
  const errors: InstanceType<typeof GraphQLError>[] = [];
  const fragments = new Map<string, FragmentDefinitionNode>();
  let operation: OperationDefinitionNode | undefined;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    if (
      definition.kind === Kind.OPERATION_DEFINITION &&
      (!requestContext.request.operationName || definition.name?.value === requestContext.request.operationName)
    ) {
      operation ??= definition;
    }
  }
  const rootType =
    operation?.operation === "mutation" ? schema.getMutationType() : (schema.getQueryType() ?? undefined);
  if (!operation || !rootType) return { result: partial, subjects };

  /** Response key → the field nodes that answer it on this object type (GraphQL's CollectFields). */
  const collect = (type: GraphQLObjectType, selectionSet: SelectionSetNode, into: Map<string, FieldNode[]>) => {
    for (const selection of selectionSet.selections) {
      if (!included(selection.directives, variables)) continue;
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        const nodes = into.get(key);
        if (nodes) nodes.push(selection);
        else into.set(key, [selection]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (appliesTo(selection.typeCondition?.name.value, type)) collect(type, selection.selectionSet, into);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (fragment && appliesTo(fragment.typeCondition.name.value, type)) collect(type, fragment.selectionSet, into);
      }
    }
    return into;
  };
  const appliesTo = (condition: string | undefined, type: GraphQLObjectType) => {
    if (!condition || condition === type.name) return true;
    const conditionType = schema.getType(condition);
    return !!conditionType && isAbstractType(conditionType) && schema.isSubType(conditionType, type);
  };

  /** An object's fields, or undefined when a non-null field is null (the caller nulls the object: propagation). */
  const shapeObject = (
    type: GraphQLObjectType,
    selectionSets: SelectionSetNode[],
    source: Record<string, unknown>,
    path: ReadonlyArray<string | number>,
  ): Record<string, unknown> | undefined => {
    const fields = new Map<string, FieldNode[]>();
    for (const selectionSet of selectionSets) collect(type, selectionSet, fields);
    const result: Record<string, unknown> = {};
    for (const [key, nodes] of fields) {
      const name = (nodes[0] as FieldNode).name.value;
      if (name === "__typename") {
        result[key] = type.name;
        continue;
      }
      if (name.startsWith("__")) {
        result[key] = source[key] ?? null; // introspection, answered by the gateway itself
        continue;
      }
      const field = type.getFields()[name];
      if (!field) continue;
      const fieldPath = [...path, key];
      const deniedNode = nodes.find((n) => denied.has(n));
      const decision = deniedNode && denied.get(deniedNode);
      let value: unknown;
      if (decision) {
        errors.push(
          new GraphQLError(
            `Not authorized to read ${decision.coordinate}: ${decision.rule} denies it — ${decision.reason}.`,
            {
              nodes,
              path: fieldPath,
              extensions: { code: "FIELD_NOT_AUTHORIZED", rule: decision.rule, coordinate: decision.coordinate },
            },
          ),
        );
        value = null;
      } else {
        const maskedNode = nodes.find((n) => masked.has(n));
        const mask = maskedNode ? (masked.get(maskedNode)?.mask ?? null) : null;
        value = complete(field.type, nodes, source[key], fieldPath, mask);
        if (value !== null && classified.has(`${type.name}.${name}`)) {
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
    nodes: FieldNode[],
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
        const value = complete(inner.ofType, nodes, item, [...path, index], mask);
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
    const selectionSets = nodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
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
