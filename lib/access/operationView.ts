/**
 * One view of an operation (安全防护): built once per request from the operation Apollo resolved, and read by every
 * check — anonymous access to public fields (gateway/auth/publicFields.ts), operation limits
 * (gateway/limits/operationLimits.ts), authorization (./authorize.ts), and shaping, masking and the audit
 * (gateway/authorization/authorizedExecution.ts).
 *
 * What the view settles once, so no check has to:
 *
 * - the operation chosen by `operationName`, and its variables **coerced** against their definitions (defaults
 *   applied, types checked), so `query ($n: Int = 500)` sent without variables measures as `first: 500`;
 * - `@skip` / `@include` applied: a selection that will not run is not in the view;
 * - each selection's static parent type and field definition (introspection fields included);
 * - fragments **expanded once**: a named fragment becomes one `ViewSelectionSet` shared by every spread of it, so the
 *   view is a graph the size of the document, however often fragments are spread. Walking it with a "visited" set
 *   costs O(document × types); aggregates that do grow with expansion (cost, expanded field count) are computed
 *   arithmetically over it (memoised per selection set), never by walking every expansion.
 *
 * A hostile document of 30 fragments each spreading the next twice expands to 2^30 selections; its view has 31
 * selection sets and one field.
 */
import { createRequire } from "node:module";
import type {
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  GraphQLCompositeType,
  GraphQLField,
  GraphQLNamedType,
  GraphQLObjectType,
  GraphQLSchema,
  OperationDefinitionNode,
  SelectionNode,
  SelectionSetNode,
} from "graphql";
import { codedError } from "../errors.ts";

// Apollo Gateway's schema objects come from graphql's CommonJS build; walk them with the same build.
const graphqlCjs = createRequire(import.meta.url)("graphql") as typeof import("graphql");
const {
  getNamedType,
  getVariableValues,
  GraphQLBoolean,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  valueFromAST,
} = graphqlCjs;

/** One field selection of the document, once per node, however many times fragments spread it. */
export interface ViewField {
  kind: "field";
  node: FieldNode;
  /** Field name (`hospitals`), response key (the alias if any) and `Type.field` coordinate on the parent type. */
  name: string;
  responseKey: string;
  coordinate: string;
  /** The type the field is selected on, as written (an interface or union when selected on one). */
  parentType: GraphQLCompositeType | undefined;
  /** Undefined for a field the schema does not have (validation refuses those before the guard runs). */
  definition: GraphQLField<unknown, unknown> | undefined;
  /** The field's named return type. */
  namedType: GraphQLNamedType | undefined;
  /** The response path where the field is first reached (aliases as sent, without list indices). */
  path: readonly string[];
  /** Its selections, for a field of object, interface or union type. */
  selectionSet: ViewSelectionSet | undefined;
}

/** A selection set: the operation's, a field's, an inline fragment's, or a named fragment's (shared by its spreads). */
export interface ViewSelectionSet {
  kind: "selectionSet";
  node: SelectionSetNode;
  /** The type the selections are made on: the field's type, or the fragment's type condition. */
  type: GraphQLCompositeType | undefined;
  /** The named fragment this is, if it is one. */
  fragmentName: string | undefined;
  /** Included fields and fragments (spread or inline), in document order. */
  selections: ReadonlyArray<ViewField | ViewSelectionSet>;
}

export interface OperationView {
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  rootType: GraphQLObjectType | undefined;
  /** The operation's variables coerced against their definitions: defaults applied, types checked. */
  variables: Readonly<Record<string, unknown>>;
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  root: ViewSelectionSet;
  /** Every included field selection, once per node, in the order first reached. */
  fields: readonly ViewField[];
  /** Whether a selection runs: `@skip` / `@include` with the coerced variables. */
  included(selection: SelectionNode): boolean;
}

export interface OperationViewInput {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null | undefined;
  /** The variables as the client sent them (coerced here). */
  variables?: Record<string, unknown> | null | undefined;
}

export class NoSuchOperationError extends Error {}

/**
 * Builds the view. Throws a coded BAD_USER_INPUT error for variables that do not fit their definitions, and
 * `NoSuchOperationError` when the document has no operation by that name.
 */
export function buildOperationView(input: OperationViewInput): OperationView {
  const { schema, document } = input;
  const operation = chooseOperation(document, input.operationName);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], input.variables ?? {}, {
    maxErrors: 5,
  });
  if (coerced.errors) {
    throw codedError("BAD_USER_INPUT", coerced.errors.map((error) => error.message).join(" "), {
      http: { status: 400 },
    });
  }
  const variables = coerced.coerced;

  const inclusion = new Map<SelectionNode, boolean>();
  const included = (selection: SelectionNode): boolean => {
    let known = inclusion.get(selection);
    if (known === undefined) {
      known = runs(selection, variables);
      inclusion.set(selection, known);
    }
    return known;
  };

  const rootType = rootTypeOf(schema, operation);
  const fields: ViewField[] = [];
  /** Named fragments built so far; null while one is being built (a cycle, which validation refuses anyway). */
  const built = new Map<string, ViewSelectionSet | null>();

  const build = (
    node: SelectionSetNode,
    type: GraphQLCompositeType | undefined,
    path: readonly string[],
    fragmentName?: string,
  ): ViewSelectionSet => {
    const selections: Array<ViewField | ViewSelectionSet> = [];
    const set: ViewSelectionSet = { kind: "selectionSet", node, type, fragmentName, selections };
    for (const selection of node.selections) {
      if (!included(selection)) continue;
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        const responseKey = selection.alias?.value ?? name;
        const definition = type ? fieldDefinition(schema, type, name) : undefined;
        const namedType = definition ? getNamedType(definition.type) : undefined;
        const fieldPath = [...path, responseKey];
        const field: ViewField = {
          kind: "field",
          node: selection,
          name,
          responseKey,
          coordinate: `${type?.name ?? "?"}.${name}`,
          parentType: type,
          definition,
          namedType,
          path: fieldPath,
          selectionSet: undefined,
        };
        fields.push(field);
        if (selection.selectionSet) {
          const child = namedType && isCompositeType(namedType) ? namedType : undefined;
          field.selectionSet = build(selection.selectionSet, child, fieldPath);
        }
        selections.push(field);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type;
        selections.push(build(selection.selectionSet, composite(condition), path));
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment) continue;
        if (built.has(name)) {
          const existing = built.get(name);
          if (existing) selections.push(existing);
          continue;
        }
        built.set(name, null);
        const fragmentSet = build(
          fragment.selectionSet,
          composite(schema.getType(fragment.typeCondition.name.value)),
          path,
          name,
        );
        built.set(name, fragmentSet);
        selections.push(fragmentSet);
      }
    }
    return set;
  };
  const root = build(operation.selectionSet, rootType, []);
  return { schema, document, operation, rootType, variables, fragments, root, fields, included };
}

/**
 * A fold over the view that costs one visit per selection set: `combine` gets a selection set and the (memoised)
 * values of the sets below it. For aggregates of the expanded operation (cost, expanded counts) computed
 * arithmetically: a fragment spread twice contributes its value twice without being walked twice.
 */
export function foldView<T>(
  set: ViewSelectionSet,
  combine: (set: ViewSelectionSet, below: (child: ViewSelectionSet) => T) => T,
  memo: Map<ViewSelectionSet, T> = new Map(),
): T {
  const below = (child: ViewSelectionSet): T => {
    let value = memo.get(child);
    if (value === undefined) {
      value = combine(child, below);
      memo.set(child, value);
    }
    return value;
  };
  return below(set);
}

/**
 * Visits every field of the view once, in the order first reached; `enter` returning false keeps the walk out of
 * the field's selections (e.g. a denied field). A fragment spread in several places is walked once.
 */
export function visitViewFields(view: OperationView, enter: (field: ViewField) => boolean): void {
  const visited = new Set<ViewSelectionSet>();
  const walk = (set: ViewSelectionSet) => {
    if (visited.has(set)) return;
    visited.add(set);
    for (const selection of set.selections) {
      if (selection.kind === "selectionSet") walk(selection);
      else if (enter(selection) && selection.selectionSet) walk(selection.selectionSet);
    }
  };
  walk(view.root);
}

function chooseOperation(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const chosen = operationName ? operations.find((o) => o.name?.value === operationName) : operations[0];
  if (!chosen) throw new NoSuchOperationError(`no operation ${operationName ?? ""} in the document`);
  return chosen;
}

function rootTypeOf(schema: GraphQLSchema, operation: OperationDefinitionNode): GraphQLObjectType | undefined {
  const root =
    operation.operation === "mutation"
      ? schema.getMutationType()
      : operation.operation === "subscription"
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  return root ?? undefined;
}

function composite(type: GraphQLNamedType | null | undefined): GraphQLCompositeType | undefined {
  return type && isCompositeType(type) ? type : undefined;
}

function fieldDefinition(
  schema: GraphQLSchema,
  type: GraphQLCompositeType,
  name: string,
): GraphQLField<unknown, unknown> | undefined {
  if (name === TypeNameMetaFieldDef.name) return TypeNameMetaFieldDef;
  if (type === schema.getQueryType()) {
    if (name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
    if (name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
  }
  return isObjectType(type) || isInterfaceType(type) ? type.getFields()[name] : undefined;
}

/** `@skip(if:)` / `@include(if:)` with literals or (coerced) variables. */
function runs(selection: SelectionNode, variables: Record<string, unknown>): boolean {
  for (const directive of selection.directives ?? []) {
    const name = directive.name.value;
    if (name !== "skip" && name !== "include") continue;
    const argument = directive.arguments?.find((a) => a.name.value === "if");
    const value = argument ? valueFromAST(argument.value, GraphQLBoolean, variables) : undefined;
    if (name === "skip" && value === true) return false;
    if (name === "include" && value === false) return false;
  }
  return true;
}
