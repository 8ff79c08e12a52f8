/**
 * Shaping the planner's result back to the operation the client sent (授权管理, step 2; 安全防护, items 4 and 5), in
 * one walk over the result (no resolvers): fields in the order and under the names the client asked for, `null` plus
 * a FIELD_NOT_AUTHORIZED error for each removed field, GraphQL's non-null propagation, masked values, and the data
 * subjects of classified fields. With `withhold`, every classified field is null (the audit could not confirm the
 * record). A walk rather than graphql-js `execute` because it runs on every operation that reads classified data;
 * test/gateway/shapeToOperation.test.ts holds it to `execute`'s answers.
 *
 * Each record's fields are collected by GraphQL's CollectFields (a fragment once per collection) into a plan per
 * (object type, selection sets), memoised, so the walk's cost is bounded by the size of the result, not by how often
 * the document spreads its fragments. The plans are linked: a field's plan holds the plans of its value's object
 * types, so the walk looks each record's plan up by its type alone (issue 16: before, a string key per record), and a
 * response path is only built where an error needs one (denied fields).
 *
 * The subjects come only from the gateway's own `og__subject` selections (`plannedDocument` in authorizedExecution.ts):
 * clients cannot answer under that name (gateway/protection/reservedNames.ts).
 */
import { createRequire } from "node:module";
import type { FieldNode, GraphQLField, GraphQLObjectType, GraphQLOutputType, SelectionSetNode } from "graphql";
import type { FieldDecision, OperationAuthorization } from "../../lib/access/authorize.ts";
import { type MaskStrategy, maskValue } from "../../lib/access/classification.ts";
import type { OperationView } from "../../lib/access/operationView.ts";
import { RESERVED_PREFIX } from "../protection/reservedNames.ts";

const graphqlCjs = createRequire(import.meta.url)("graphql") as typeof import("graphql");
const { GraphQLError, isAbstractType, isLeafType, isListType, isNonNullType, isObjectType, Kind } = graphqlCjs;

/** The type whose objects are data subjects, and the alias under which the subject id is fetched. */
export const SUBJECT_TYPE = "Resident";
export const SUBJECT_ALIAS = `${RESERVED_PREFIX}subject`;

export interface ShapedResult<R> {
  result: R;
  /** Ids of the residents whose classified data the answer holds, each once, in the order first met. */
  subjects: Set<string>;
}

/** What shaping reads of an execution result. */
interface ExecutionResultLike {
  data?: Record<string, unknown> | null;
  errors?: ReadonlyArray<unknown>;
}

/** How one response key of one object type is answered. */
interface FieldPlan {
  key: string;
  nodes: FieldNode[];
  /** `__typename`, another introspection field (answered by the gateway itself), or a field of the schema. */
  kind: "typename" | "introspection" | "field";
  field: GraphQLField<unknown, unknown> | undefined;
  denied: FieldDecision | undefined;
  mask: MaskStrategy | null;
  classified: boolean;
  selectionSets: SelectionSetNode[];
  /** The plans of this field's value, per object type, filled as the walk meets each type. */
  below: Map<GraphQLObjectType, FieldPlan[]> | undefined;
}

/** A response path as a linked list, turned into an array only for an error. */
interface Path {
  prev: Path | undefined;
  key: string | number;
}

function pathArray(path: Path | undefined): Array<string | number> {
  const keys: Array<string | number> = [];
  for (let at = path; at; at = at.prev) keys.push(at.key);
  return keys.reverse();
}

export function shapeToOperation<R extends ExecutionResultLike>(
  view: OperationView,
  partial: R,
  authorization: OperationAuthorization,
  withhold: boolean,
): ShapedResult<R> {
  const { schema, rootType, operation } = view;
  const denied = authorization.deniedNodes;
  const masked = authorization.maskedNodes;
  const classified = new Set(authorization.classified.map((field) => field.coordinate));
  const subjects = new Set<string>();
  const errors: InstanceType<typeof GraphQLError>[] = [];
  if (!rootType) return { result: partial, subjects };
  /** Paths are only needed for the errors of denied fields. */
  const tracksPaths = denied.size > 0;

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
  /** Plans per (type, selection sets): the bound on the walk's work however often fragments are spread. */
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
      const kind = name === "__typename" ? "typename" : name.startsWith("__") ? "introspection" : "field";
      const field = kind === "field" ? type.getFields()[name] : undefined;
      if (kind === "field" && !field) continue;
      const deniedNode = nodes.find((n) => denied.has(n));
      const maskedNode = nodes.find((n) => masked.has(n));
      plan.push({
        key,
        nodes,
        kind,
        field,
        denied: deniedNode && denied.get(deniedNode),
        mask: maskedNode ? (masked.get(maskedNode)?.mask ?? null) : null,
        classified: classified.has(`${type.name}.${name}`),
        selectionSets: nodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : [])),
        below: undefined,
      });
    }
    plans.set(cacheKey, plan);
    return plan;
  };
  const plansBelow = (parent: FieldPlan, type: GraphQLObjectType): FieldPlan[] => {
    parent.below ??= new Map();
    let found = parent.below.get(type);
    if (!found) {
      found = planFor(type, parent.selectionSets);
      parent.below.set(type, found);
    }
    return found;
  };

  /** An object's fields, or undefined when a non-null field is null (the caller nulls the object: propagation). */
  const shapeObject = (
    type: GraphQLObjectType,
    fieldPlans: FieldPlan[],
    source: Record<string, unknown>,
    path: Path | undefined,
  ): Record<string, unknown> | undefined => {
    const result: Record<string, unknown> = {};
    for (const plan of fieldPlans) {
      const { key, field } = plan;
      if (plan.kind === "typename") {
        result[key] = type.name;
        continue;
      }
      if (plan.kind === "introspection" || !field) {
        result[key] = source[key] ?? null;
        continue;
      }
      const fieldPath = tracksPaths ? { prev: path, key } : undefined;
      let value: unknown;
      if (plan.denied) {
        const decision = plan.denied;
        errors.push(
          new GraphQLError(
            `Not authorized to read ${decision.coordinate}: ${decision.rule} denies it — ${decision.reason}.`,
            {
              nodes: plan.nodes,
              path: pathArray(fieldPath),
              extensions: { code: "FIELD_NOT_AUTHORIZED", rule: decision.rule, coordinate: decision.coordinate },
            },
          ),
        );
        value = null;
      } else if (withhold && plan.classified) {
        value = null;
      } else {
        value = complete(field.type, plan, source[key], fieldPath);
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
  const complete = (type: GraphQLOutputType, plan: FieldPlan, raw: unknown, path: Path | undefined): unknown => {
    const inner = isNonNullType(type) ? type.ofType : type;
    if (raw === null || raw === undefined) return null;
    if (isListType(inner)) {
      if (!Array.isArray(raw)) return null;
      const itemType = inner.ofType;
      const itemNonNull = isNonNullType(itemType);
      const items: unknown[] = [];
      for (let index = 0; index < raw.length; index += 1) {
        const value = complete(itemType, plan, raw[index], tracksPaths ? { prev: path, key: index } : undefined);
        if (value === null && itemNonNull) return null;
        items.push(value);
      }
      return items;
    }
    if (isLeafType(inner)) return plan.mask ? maskValue(raw, plan.mask) : raw;
    if (typeof raw !== "object") return null;
    const record = raw as Record<string, unknown>;
    const objectType = isAbstractType(inner)
      ? schema.getType(String(record.__typename ?? ""))
      : (inner as GraphQLObjectType);
    if (!objectType || !isObjectType(objectType)) return null;
    return shapeObject(objectType, plansBelow(plan, objectType), record, path) ?? null;
  };

  const root = (partial.data ?? null) as Record<string, unknown> | null;
  const data = root
    ? (shapeObject(rootType, planFor(rootType, [operation.selectionSet]), root, undefined) ?? null)
    : null;
  const allErrors = [...(partial.errors ?? []), ...errors];
  return {
    result: { ...partial, data, ...(allErrors.length > 0 ? { errors: allErrors } : {}) },
    subjects,
  };
}
