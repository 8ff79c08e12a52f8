/**
 * Operation limits (安全防护): pure measurement of an operation — depth, aliases, root fields, directives and an
 * estimated cost — and the check against configured limits. No server here; `gateway/operationGuard.ts` applies it.
 *
 * Cost model: every field costs 1, times the number of times it is expected to run. A field that returns a list
 * multiplies what it selects by its expected length: the `first` (or `last`) argument when given, otherwise
 * `defaultListSize`. So `hospitals(first: 200) { nodes { street { name } } }` costs about 1 + 200 × 2.
 */
import { createRequire } from "node:module";
import type { DocumentNode, GraphQLSchema, SelectionSetNode, ValueNode } from "graphql";

// Apollo's schema objects come from graphql's CommonJS build (see gateway/auth/publicFields.ts).
const graphqlCjs = createRequire(import.meta.url)("graphql") as typeof import("graphql");
const { getNamedType, getNullableType, isInterfaceType, isListType, isObjectType, Kind, separateOperations, visit } =
  graphqlCjs;

export interface OperationLimits {
  /** Deepest field nesting (root fields are depth 1). */
  depth: number;
  /** Fields with an alias. */
  aliases: number;
  /** Fields directly under the operation's root. */
  rootFields: number;
  /** Directives applied anywhere in the operation. */
  directives: number;
  /** Estimated cost (see the cost model). */
  cost: number;
  /** Largest `first`/`last` a list argument may ask for. */
  pageSize: number;
}

export const DEFAULT_LIMITS: OperationLimits = {
  depth: 12,
  aliases: 30,
  rootFields: 20,
  directives: 50,
  cost: 20_000,
  pageSize: 500,
};

export interface Measurement {
  depth: number;
  aliases: number;
  rootFields: number;
  directives: number;
  cost: number;
  /** Largest `first`/`last` argument found, with its field. */
  largestPage: { size: number; field: string } | null;
}

export interface MeasureOptions {
  /** Expected length of a list whose size no argument states. */
  defaultListSize?: number;
  variables?: Record<string, unknown>;
}

export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  options: MeasureOptions = {},
): Measurement {
  const defaultListSize = options.defaultListSize ?? 10;
  const variables = options.variables ?? {};
  const operations = separateOperations(document);
  const selected = operations[operationName ?? Object.keys(operations)[0] ?? ""] ?? document;
  const fragments = new Map(
    selected.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  const operation = selected.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  const measurement: Measurement = {
    depth: 0,
    aliases: 0,
    rootFields: 0,
    directives: 0,
    cost: 0,
    largestPage: null,
  };
  if (!operation || operation.kind !== Kind.OPERATION_DEFINITION) return measurement;

  // Aliases and directives: a syntactic count over the operation and the fragments it uses.
  visit(selected, {
    Field(node) {
      if (node.alias) measurement.aliases += 1;
    },
    Directive() {
      measurement.directives += 1;
    },
  });

  // Depth, root fields, list sizes and cost need field types: walk with TypeInfo, following fragment spreads once per
  // use (validation has already refused fragment cycles).
  const numberOf = (value: ValueNode | undefined): number | undefined => {
    if (!value) return undefined;
    if (value.kind === Kind.INT) return Number(value.value);
    if (value.kind === Kind.VARIABLE) {
      const v = variables[value.name.value];
      return typeof v === "number" ? v : undefined;
    }
    return undefined;
  };

  type Named = ReturnType<typeof getNamedType>;
  const fieldsOf = (type: Named | undefined) =>
    type && "getFields" in type && (isObjectType(type) || isInterfaceType(type)) ? type.getFields() : undefined;

  const walk = (
    selectionSet: SelectionSetNode,
    parent: Named | undefined,
    depth: number,
    multiplier: number,
    sizedByParent = false,
  ): void => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (fragment && fragment.kind === Kind.FRAGMENT_DEFINITION) {
          const narrowed = schema.getType(fragment.typeCondition.name.value) ?? parent;
          walk(fragment.selectionSet, narrowed, depth, multiplier, sizedByParent);
        }
        continue;
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const narrowed = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        walk(selection.selectionSet, narrowed ?? parent, depth, multiplier, sizedByParent);
        continue;
      }
      if (selection.name.value.startsWith("__")) continue;
      if (depth === 1) measurement.rootFields += 1;
      measurement.depth = Math.max(measurement.depth, depth);
      measurement.cost += multiplier;
      if (!selection.selectionSet) continue;
      const firstArg = selection.arguments?.find((a) => a.name.value === "first" || a.name.value === "last");
      const requested = numberOf(firstArg?.value);
      if (requested !== undefined && (!measurement.largestPage || requested > measurement.largestPage.size)) {
        measurement.largestPage = { size: requested, field: selection.name.value };
      }
      const fieldType = fieldsOf(parent)?.[selection.name.value]?.type;
      const returnsList = fieldType ? isListType(getNullableType(fieldType)) : false;
      // A connection's size is its `first` (its `nodes`/`edges` are that page, not another multiplication); a plain
      // list's is stated by `first` or assumed.
      const pageOfParent = sizedByParent && (selection.name.value === "nodes" || selection.name.value === "edges");
      const size = requested ?? (returnsList && !pageOfParent ? defaultListSize : 1);
      const child = fieldType ? getNamedType(fieldType) : undefined;
      walk(selection.selectionSet, child, depth + 1, multiplier * Math.max(1, size), requested !== undefined);
    }
  };
  const root =
    operation.operation === "mutation"
      ? schema.getMutationType()
      : operation.operation === "subscription"
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  walk(operation.selectionSet, root ?? undefined, 1, 1);
  return measurement;
}

export interface LimitViolation {
  limit: keyof OperationLimits;
  max: number;
  measured: number;
  message: string;
}

/** The first limit the measurement breaks, in a fixed order, with a message that says what to change. */
export function checkLimits(measured: Measurement, limits: OperationLimits): LimitViolation | null {
  const over = (limit: keyof OperationLimits, value: number, message: string): LimitViolation | null =>
    value > limits[limit] ? { limit, max: limits[limit], measured: value, message } : null;
  const page = measured.largestPage;
  return (
    over(
      "depth",
      measured.depth,
      `The operation nests ${measured.depth} fields deep; the limit is ${limits.depth}. Split it into shallower operations.`,
    ) ??
    over(
      "rootFields",
      measured.rootFields,
      `The operation asks for ${measured.rootFields} root fields; the limit is ${limits.rootFields}. Send several operations.`,
    ) ??
    over(
      "aliases",
      measured.aliases,
      `The operation uses ${measured.aliases} aliases; the limit is ${limits.aliases}.`,
    ) ??
    over(
      "directives",
      measured.directives,
      `The operation applies ${measured.directives} directives; the limit is ${limits.directives}.`,
    ) ??
    (page
      ? over(
          "pageSize",
          page.size,
          `"${page.field}" asks for ${page.size} items; the largest page is ${limits.pageSize}. Page with "after".`,
        )
      : null) ??
    over(
      "cost",
      measured.cost,
      `The operation's estimated cost is ${measured.cost}; the limit is ${limits.cost}. Ask for smaller pages or fewer nested lists.`,
    )
  );
}
