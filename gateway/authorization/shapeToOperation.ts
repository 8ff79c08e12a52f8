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
 *
 * With `complete`, the input is the plan's merged data straight from our plan executor (gateway/execution/planExecutor.ts),
 * not an answer Apollo already shaped, and the walk also does what Apollo's `computeResponse` did there: a leaf value
 * that does not fit its type (an unknown enum value, a string for an Int …) becomes null, and each such value and each
 * null in a non-null position that no other error explains is reported as Apollo reports it — with its message, path
 * and code INVALID_GRAPHQL, under `extensions.valueCompletion`, and only when no fetch failed.
 */
import { createRequire } from "node:module";
import type {
  FieldNode,
  GraphQLField,
  GraphQLLeafType,
  GraphQLObjectType,
  GraphQLOutputType,
  SelectionSetNode,
} from "graphql";
import type { FieldDecision, OperationAuthorization } from "../../lib/access/authorize.ts";
import { type MaskStrategy, maskValue } from "../../lib/access/classification.ts";
import type { OperationView } from "../../lib/access/operationView.ts";
import { RESERVED_PREFIX } from "../protection/reservedNames.ts";

const graphqlCjs = createRequire(import.meta.url)("graphql") as typeof import("graphql");
const { GraphQLError, isAbstractType, isEnumType, isLeafType, isListType, isNonNullType, isObjectType, Kind } =
  graphqlCjs;

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
  extensions?: Record<string, unknown>;
}

export interface ShapeOptions {
  /** Nulls the classified fields (the audit could not confirm the record). */
  withhold?: boolean;
  /** The input is unshaped plan data (our plan executor): validate leaves and report completion errors, as Apollo. */
  complete?: boolean;
}

const INTEGER = /^-?(?:0|[1-9][0-9]*)$/;
/** GraphQL's specified scalars: no schema may define its own under these names. */
const SPECIFIED_SCALARS = new Set(["Int", "Float", "String", "Boolean", "ID"]);

/** Apollo's `isValidLeafValue` (federation-internals), on graphql-js types; on every leaf of an answer, so by name. */
function isValidLeafValue(type: GraphQLLeafType, value: unknown): boolean {
  if (isEnumType(type)) return typeof value === "string" && type.getValue(value) !== undefined;
  const name = type.name;
  if (!SPECIFIED_SCALARS.has(name)) return true; // a custom scalar takes anything
  switch (typeof value) {
    case "string":
      return name === "String" || name === "ID";
    case "boolean":
      return name === "Boolean";
    case "number":
      if (!Number.isFinite(value)) return false;
      if (name === "Int" || name === "ID") return INTEGER.test(String(value));
      return name === "Float";
    default:
      return false;
  }
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

export function shapeToOperation<R extends ExecutionResultLike>(
  view: OperationView,
  partial: R,
  authorization: OperationAuthorization,
  options: ShapeOptions = {},
): ShapedResult<R> {
  const withhold = options.withhold ?? false;
  const completing = options.complete ?? false;
  const { schema, rootType, operation } = view;
  const denied = authorization.deniedNodes;
  const masked = authorization.maskedNodes;
  const classified = new Set(authorization.classified.map((field) => field.coordinate));
  const subjects = new Set<string>();
  const errors: InstanceType<typeof GraphQLError>[] = [];
  /** Apollo's `computeResponse` errors (`complete` only). */
  const completion: InstanceType<typeof GraphQLError>[] = [];
  if (!rootType) return { result: partial, subjects };
  /** The response path of the value being shaped (keys and list indices), copied only for an error. */
  const path: Array<string | number> = [];
  /** Errors so far: a null that follows one of them is explained by it (Apollo's `hasErrors`). */
  const errorCount = () => errors.length + completion.length;
  /** What Apollo's messages call the value at the end of `path`. */
  const describe = (type: { toString(): string }, parent: GraphQLObjectType) => {
    const last = path[path.length - 1];
    return typeof last === "string" ? `field ${parent.name}.${last}` : `array element of type ${type} at index ${last}`;
  };
  const completionError = (message: string) => {
    completion.push(new GraphQLError(message, { path: path.slice(), extensions: { code: "INVALID_GRAPHQL" } }));
  };

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
      path.push(key);
      const before = errorCount();
      let value: unknown;
      let explained = false;
      if (plan.denied) {
        const decision = plan.denied;
        errors.push(
          new GraphQLError(
            `Not authorized to read ${decision.coordinate}: ${decision.rule} denies it — ${decision.reason}.`,
            {
              nodes: plan.nodes,
              path: path.slice(),
              extensions: { code: "FIELD_NOT_AUTHORIZED", rule: decision.rule, coordinate: decision.coordinate },
            },
          ),
        );
        value = null;
      } else if (withhold && plan.classified) {
        value = null;
        explained = true;
      } else {
        value = complete(field.type, plan, source[key], type);
        if (value !== null && plan.classified) {
          const subject = source[SUBJECT_ALIAS];
          const id = typeof subject === "string" ? subject : (subject as { id?: unknown } | null)?.id;
          if (typeof id === "string") subjects.add(id);
        }
      }
      if (value === null && isNonNullType(field.type)) {
        if (completing && !explained && errorCount() === before) {
          completionError(`Cannot return null for non-nullable ${describe(field.type.ofType, type)}.`);
        }
        path.pop();
        return undefined;
      }
      path.pop();
      result[key] = value;
    }
    return result;
  };

  /**
   * A field's value shaped to its type; null where GraphQL's propagation puts it. `parent` is the object type the
   * field is read on (for completion errors' messages).
   */
  const complete = (type: GraphQLOutputType, plan: FieldPlan, raw: unknown, parent: GraphQLObjectType): unknown => {
    const inner = isNonNullType(type) ? type.ofType : type;
    if (raw === null || raw === undefined) return null;
    if (isListType(inner)) {
      if (!Array.isArray(raw)) return null;
      const itemType = inner.ofType;
      const itemNonNull = isNonNullType(itemType);
      const items: unknown[] = [];
      let nulled = false;
      for (let index = 0; index < raw.length; index += 1) {
        path.push(index);
        const before = errorCount();
        const value = complete(itemType, plan, raw[index], parent);
        if (value === null && itemNonNull) {
          nulled = true;
          // Apollo completes every element (and reports each); without completion the first null decides.
          if (!completing) {
            path.pop();
            return null;
          }
          if (errorCount() === before) {
            completionError(`Cannot return null for non-nullable ${describe(itemType.ofType, parent)}.`);
          }
        }
        path.pop();
        items.push(value);
      }
      return nulled ? null : items;
    }
    if (isLeafType(inner)) {
      if (completing && !isValidLeafValue(inner, raw)) {
        completionError(`Invalid value found for ${describe(inner, parent)}.`);
        return null;
      }
      return plan.mask ? maskValue(raw, plan.mask) : raw;
    }
    if (typeof raw !== "object") return null;
    const record = raw as Record<string, unknown>;
    const objectType = isAbstractType(inner)
      ? schema.getType(String(record.__typename ?? ""))
      : (inner as GraphQLObjectType);
    if (!objectType || !isObjectType(objectType)) {
      if (completing) completionError(`Invalid __typename found for object at ${describe(inner, parent)}.`);
      return null;
    }
    return shapeObject(objectType, plansBelow(plan, objectType), record) ?? null;
  };

  const root = (partial.data ?? null) as Record<string, unknown> | null;
  const data = root ? (shapeObject(rootType, planFor(rootType, [operation.selectionSet]), root) ?? null) : null;
  const fetchErrors = partial.errors ?? [];
  const allErrors = [...fetchErrors, ...errors];
  // As Apollo: completion errors go under extensions.valueCompletion, and only when no fetch failed.
  const valueCompletion = completing && fetchErrors.length === 0 && completion.length > 0;
  return {
    result: {
      ...partial,
      data,
      ...(allErrors.length > 0 ? { errors: allErrors } : {}),
      ...(valueCompletion ? { extensions: { ...partial.extensions, valueCompletion: completion } } : {}),
    },
    subjects,
  };
}
