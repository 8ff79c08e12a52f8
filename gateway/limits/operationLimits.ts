/**
 * Operation limits (安全防护): pure measurement of an operation — depth, aliases, root fields, directives, expanded
 * field selections and an estimated cost — and the check against configured limits. No server here;
 * `gateway/protection/operationGuard.ts` applies it, before anything else looks at the operation.
 *
 * Everything is measured on the request's operation view (lib/access/operationView.ts): `@skip`/`@include` applied,
 * variables coerced with their defaults, fragments expanded once. Aggregates of the *expanded* operation (cost,
 * expanded selections, root fields) are computed arithmetically per selection set, so a document of fragments that
 * spread each other twice costs one visit per fragment to measure, never one per expansion.
 *
 * Cost model: every field costs 1, times the number of times it is expected to run. A field that returns a list
 * multiplies what it selects by its expected length: the `first` (or `last`) argument when given, otherwise
 * `defaultListSize`. So `hospitals(first: 200) { nodes { street { name } } }` costs about 1 + 200 × 2.
 */
import { createRequire } from "node:module";
import type { DocumentNode, GraphQLSchema, SelectionSetNode, ValueNode } from "graphql";
import {
  buildOperationView,
  foldView,
  type OperationView,
  type ViewField,
  type ViewSelectionSet,
} from "../../lib/access/operationView.ts";

// Apollo's schema objects come from graphql's CommonJS build (see gateway/auth/publicFields.ts).
const graphqlCjs = createRequire(import.meta.url)("graphql") as typeof import("graphql");
const { getNullableType, isListType, Kind, valueFromAST, GraphQLInt } = graphqlCjs;

export interface OperationLimits {
  /** Deepest field nesting (root fields are depth 1). */
  depth: number;
  /**
   * Field selections once every fragment spread is expanded (introspection included): what a document asks the
   * planner and executor to handle. Fragments that spread each other twice grow this exponentially.
   */
  expandedFields: number;
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
  expandedFields: 2_000,
  aliases: 30,
  rootFields: 20,
  directives: 50,
  cost: 20_000,
  pageSize: 500,
};

export interface Measurement {
  depth: number;
  expandedFields: number;
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

/** Measures an operation (builds its view; the guard measures the view it already has with `measureView`). */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  options: MeasureOptions = {},
): Measurement {
  return measureView(buildOperationView({ schema, document, operationName, variables: options.variables }), options);
}

/** Counts do not need more precision than this to be over any limit; reported values stay exact integers. */
const CEILING = Number.MAX_SAFE_INTEGER;
const add = (a: number, b: number) => Math.min(CEILING, a + b);
const times = (a: number, b: number) => Math.min(CEILING, a * b);

export function measureView(view: OperationView, options: Pick<MeasureOptions, "defaultListSize"> = {}): Measurement {
  const defaultListSize = options.defaultListSize ?? 10;
  const measurement: Measurement = {
    depth: 0,
    expandedFields: 0,
    aliases: 0,
    rootFields: 0,
    directives: 0,
    cost: 0,
    largestPage: null,
  };

  // Aliases and directives: a syntactic count over the operation and each fragment it uses, once.
  const syntax = countSyntax(view);
  measurement.aliases = syntax.aliases;
  measurement.directives = syntax.directives;

  // Page sizes: each field node once (its size does not depend on where it is spread).
  const requestedOf = new Map<ViewField, number | undefined>();
  for (const field of view.fields) {
    const requested = pageSize(field, view.variables);
    requestedOf.set(field, requested);
    if (requested !== undefined && (!measurement.largestPage || requested > measurement.largestPage.size)) {
      measurement.largestPage = { size: requested, field: field.name };
    }
  }

  const counts = (field: ViewField) => !field.name.startsWith("__");
  measurement.depth = foldView<number>(view.root, (set, below) => {
    let deepest = 0;
    for (const s of set.selections) {
      if (s.kind === "selectionSet") deepest = Math.max(deepest, below(s));
      else if (counts(s)) deepest = Math.max(deepest, 1 + (s.selectionSet ? below(s.selectionSet) : 0));
    }
    return deepest;
  });
  measurement.rootFields = foldView<number>(view.root, (set, below) => {
    let total = 0;
    for (const s of set.selections) total = add(total, s.kind === "selectionSet" ? below(s) : counts(s) ? 1 : 0);
    return total;
  });
  measurement.expandedFields = foldView<number>(view.root, (set, below) => {
    let total = 0;
    for (const s of set.selections) {
      total = add(total, s.kind === "selectionSet" ? below(s) : 1 + (s.selectionSet ? below(s.selectionSet) : 0));
    }
    return total;
  });

  // Cost per run of a selection set; a connection's `nodes`/`edges` are its page (sized by the parent's `first`), so
  // a set is costed twice at most: sized by its parent or not.
  const costs = [new Map<ViewSelectionSet, number>(), new Map<ViewSelectionSet, number>()] as const;
  const costOf = (root: ViewSelectionSet, sizedByParent: boolean): number =>
    foldView<number>(
      root,
      (set, below) => {
        let total = 0;
        for (const s of set.selections) {
          if (s.kind === "selectionSet") {
            total = add(total, below(s));
            continue;
          }
          if (!counts(s)) continue;
          total = add(total, 1);
          if (!s.selectionSet) continue;
          const requested = requestedOf.get(s);
          const returnsList = s.definition ? isListType(getNullableType(s.definition.type)) : false;
          const pageOfParent = sizedByParent && (s.name === "nodes" || s.name === "edges");
          const size = requested ?? (returnsList && !pageOfParent ? defaultListSize : 1);
          total = add(total, times(Math.max(1, size), costOf(s.selectionSet, requested !== undefined)));
        }
        return total;
      },
      costs[sizedByParent ? 1 : 0],
    );
  measurement.cost = costOf(view.root, false);
  return measurement;
}

/** `first` or `last` as sent, from a variable (coerced, so defaults apply) or the argument's schema default. */
function pageSize(field: ViewField, variables: Readonly<Record<string, unknown>>): number | undefined {
  if (!field.node.selectionSet) return undefined;
  for (const name of ["first", "last"]) {
    const argument = field.node.arguments?.find((a) => a.name.value === name);
    const value = argument
      ? numberOf(argument.value, variables)
      : field.definition?.args.find((a) => a.name === name)?.defaultValue;
    if (typeof value === "number") return value;
  }
  return undefined;
}

function numberOf(value: ValueNode, variables: Readonly<Record<string, unknown>>): number | undefined {
  if (value.kind === Kind.VARIABLE) {
    const v = variables[value.name.value];
    return typeof v === "number" ? v : undefined;
  }
  const literal = valueFromAST(value, GraphQLInt, variables);
  return typeof literal === "number" ? literal : undefined;
}

/**
 * Aliases and directives written in the operation and in each fragment it uses (once per fragment), skipped
 * selections included: what the document makes the server parse and validate.
 */
function countSyntax(view: OperationView): { aliases: number; directives: number } {
  let aliases = 0;
  let directives = view.operation.directives?.length ?? 0;
  const seen = new Set<string>();
  const walk = (node: SelectionSetNode) => {
    for (const selection of node.selections) {
      directives += selection.directives?.length ?? 0;
      if (selection.kind === Kind.FIELD) {
        if (selection.alias) aliases += 1;
        if (selection.selectionSet) walk(selection.selectionSet);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet);
      } else {
        const fragment = view.fragments.get(selection.name.value);
        if (!fragment || seen.has(fragment.name.value)) continue;
        seen.add(fragment.name.value);
        directives += fragment.directives?.length ?? 0;
        walk(fragment.selectionSet);
      }
    }
  };
  walk(view.operation.selectionSet);
  return { aliases, directives };
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
      "expandedFields",
      measured.expandedFields,
      `The operation expands to ${measured.expandedFields} field selections once its fragments are spread; the limit is ${limits.expandedFields}. Spread each fragment fewer times, or send several smaller operations.`,
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
