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
 * 2. shapes the answer back to the operation the client sent: graphql-js executes the original document over the
 *    planner's result, returning `null` plus a FIELD_NOT_AUTHORIZED error (path and rule) for each removed field,
 *    with the standard non-null propagation, masking the values of masked fields and collecting the subjects;
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
  GraphQLFieldResolver,
  GraphQLNamedType,
  GraphQLSchema,
  SelectionSetNode,
} from "graphql";
import type { OperationAuthorization } from "../../lib/access/authorize.ts";
import { maskValue } from "../../lib/access/classification.ts";
import { codedError } from "../../lib/errors.ts";
import type { GatewayContext } from "../context.ts";

const graphqlCjs = createRequire(import.meta.url)("graphql") as typeof import("graphql");
const {
  buildSchema,
  execute,
  getNamedType,
  GraphQLError,
  isAbstractType,
  isObjectType,
  Kind,
  print,
  printSchema,
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
 * Apollo's API schema carries its own field resolvers, which would bypass the shaping resolver: shaping runs on a
 * resolver-free copy of the same types, built once per loaded schema.
 */
const shapingSchemas = new WeakMap<GraphQLSchema, GraphQLSchema>();
function shapingSchemaOf(schema: GraphQLSchema): GraphQLSchema {
  let copy = shapingSchemas.get(schema);
  if (!copy) {
    copy = buildSchema(printSchema(schema), { assumeValidSDL: true });
    shapingSchemas.set(schema, copy);
  }
  return copy;
}

async function shapeToOperation(
  requestContext: GatewayGraphQLRequestContext,
  partial: GatewayExecutionResult,
  authorization: OperationAuthorization,
): Promise<{ result: GatewayExecutionResult; subjects: Set<string> }> {
  const denied = authorization.deniedNodes;
  const masked = authorization.maskedNodes;
  const classified = new Set(authorization.classified.map((field) => field.coordinate));
  const subjects = new Set<string>();
  const resolveField: GraphQLFieldResolver<unknown, unknown> = (source, _args, _context, info) => {
    const deniedNode = info.fieldNodes.find((n) => denied.has(n));
    const decision = deniedNode && denied.get(deniedNode);
    if (decision) {
      throw new GraphQLError(
        `Not authorized to read ${decision.coordinate}: ${decision.rule} denies it — ${decision.reason}.`,
        { extensions: { code: "FIELD_NOT_AUTHORIZED", rule: decision.rule, coordinate: decision.coordinate } },
      );
    }
    if (source === null || typeof source !== "object") return null;
    const record = source as Record<string, unknown>;
    const value = record[info.path.key as string];
    if (classified.has(`${info.parentType.name}.${info.fieldName}`) && value !== null && value !== undefined) {
      const subject = record[SUBJECT_ALIAS];
      const id = typeof subject === "string" ? subject : (subject as { id?: unknown } | null)?.id;
      if (typeof id === "string") subjects.add(id);
    }
    const maskedNode = info.fieldNodes.find((n) => masked.has(n));
    const mask = maskedNode && masked.get(maskedNode)?.mask;
    return mask ? maskValue(value, mask) : value;
  };
  const shaped = await execute({
    schema: shapingSchemaOf(requestContext.schema),
    document: requestContext.document,
    operationName: requestContext.request.operationName ?? null,
    variableValues: requestContext.request.variables ?? {},
    rootValue: partial.data ?? null,
    fieldResolver: resolveField,
    typeResolver: (value) => (value as { __typename?: string } | null)?.__typename,
  });
  const errors = [...(partial.errors ?? []), ...(shaped.errors ?? [])];
  return {
    result: { ...partial, data: shaped.data ?? null, ...(errors.length > 0 ? { errors } : {}) },
    subjects,
  };
}
