/**
 * The authorized part of an operation (授权管理, step 2): for every field the operation selects, whether the
 * principal may read it under the supergraph's requirements and the active policies. The gateway runs this before
 * planning and removes denied fields; the identity service's simulation runs the very same function, so a
 * simulation reports exactly what enforcement does.
 */
import { createRequire } from "node:module";
import type {
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  GraphQLCompositeType,
  GraphQLSchema,
  OperationDefinitionNode,
  SelectionSetNode,
} from "graphql";
import { type Classification, clearViewPolicy } from "./classification.ts";
import { type AccessFacts, describeRule, type PolicySet, policyAllows } from "./policyRules.ts";
import type { FieldRequirement, SupergraphRequirements } from "./requirements.ts";

const graphqlCjs = createRequire(import.meta.url)("graphql") as typeof import("graphql");
const { Kind, getNamedType, isAbstractType, isCompositeType, valueFromAST, GraphQLBoolean } = graphqlCjs;

export interface FieldDecision {
  /** Response path (aliases as sent), without list indices, e.g. `["me", "appointments", "diagnosis"]`. */
  path: string[];
  coordinate: string;
  allowed: boolean;
  /** The requirement that denied it: `@authenticated`, `@requiresScopes(health:read)`, `@policy(health-records)`. */
  rule: string | null;
  /** What would allow it, for the caller. */
  reason: string | null;
}

export interface OperationAuthorization {
  /** Decisions for every selected field that carries a requirement, in document order. */
  decisions: FieldDecision[];
  /** Denied decisions only. */
  denied: FieldDecision[];
  /** The document's field nodes to remove before planning, with the decision that removed each. */
  deniedNodes: Map<FieldNode, FieldDecision>;
  /** Policy-set revision the decisions were made under. */
  policyRevision: number;
  /** Allowed fields whose values the gateway masks (no clear view for the category), with their classification. */
  maskedNodes: Map<FieldNode, ClassifiedField>;
  /** Every classified field the operation selects, once per coordinate, with what happens to it (for the audit). */
  classified: ClassifiedField[];
}

export interface ClassifiedField extends Classification {
  coordinate: string;
  decision: "allowed" | "masked" | "denied";
}

export interface AuthorizeInput {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null | undefined;
  variables?: Record<string, unknown> | null | undefined;
  requirements: SupergraphRequirements;
  policies: PolicySet;
  facts: AccessFacts;
  /** Classified fields of the supergraph (lib/access/classification.ts); absent means nothing is masked. */
  classification?: Map<string, Classification>;
}

export type Verdict = { allowed: true } | { allowed: false; rule: string; reason: string };

export function authorizeOperation(input: AuthorizeInput): OperationAuthorization {
  const { schema, document, requirements, policies, facts } = input;
  const variables = input.variables ?? {};
  const operation = chooseOperation(document, input.operationName);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const verdicts = new Map<string, Verdict>();
  const verdictOf = (coordinate: string): Verdict => {
    let verdict = verdicts.get(coordinate);
    if (!verdict) {
      const requirement = requirements.fields.get(coordinate);
      verdict = requirement ? judge(requirement, policies, facts) : { allowed: true };
      verdicts.set(coordinate, verdict);
    }
    return verdict;
  };

  const decisions: FieldDecision[] = [];
  const deniedNodes = new Map<FieldNode, FieldDecision>();
  const maskedNodes = new Map<FieldNode, ClassifiedField>();
  const classified = new Map<string, ClassifiedField>();
  const clearView = new Map<string, boolean>();
  const mayViewClear = (category: string) => {
    let allowed = clearView.get(category);
    if (allowed === undefined) {
      const policy = policies.policies.get(clearViewPolicy(category));
      allowed = policy !== undefined && policyAllows(policy.rule, facts);
      clearView.set(category, allowed);
    }
    return allowed;
  };
  const classify = (node: FieldNode, coordinate: string, denied: boolean) => {
    const classification = input.classification?.get(coordinate);
    if (!classification) return;
    const masked = !denied && classification.mask !== null && !mayViewClear(classification.category);
    const field: ClassifiedField = {
      ...classification,
      coordinate,
      decision: denied ? "denied" : masked ? "masked" : "allowed",
    };
    if (masked) maskedNodes.set(node, field);
    const key = `${coordinate}:${field.decision}`;
    if (!classified.has(key)) classified.set(key, field);
  };
  const walk = (
    selectionSet: SelectionSetNode,
    parentType: GraphQLCompositeType,
    path: string[],
    seen: Set<string>,
  ) => {
    for (const selection of selectionSet.selections) {
      if (!included(selection.directives, variables)) continue;
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parentType;
        if (type && isCompositeType(type)) walk(selection.selectionSet, type, path, seen);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || seen.has(name)) continue; // validation already refused cycles; be safe anyway
        const type = schema.getType(fragment.typeCondition.name.value);
        if (type && isCompositeType(type)) walk(fragment.selectionSet, type, path, new Set(seen).add(name));
        continue;
      }
      const fieldName = selection.name.value;
      if (fieldName.startsWith("__")) continue;
      const responsePath = [...path, selection.alias?.value ?? fieldName];
      // A field asked of an interface or union is read from whichever object type the record has: check them all.
      const owners = isAbstractType(parentType) ? [parentType, ...schema.getPossibleTypes(parentType)] : [parentType];
      let denied: (Verdict & { coordinate: string }) | null = null;
      let governed = false;
      for (const owner of owners) {
        const coordinate = `${owner.name}.${fieldName}`;
        if (requirements.fields.has(coordinate)) governed = true;
        const verdict = verdictOf(coordinate);
        if (!verdict.allowed) {
          denied = { ...verdict, coordinate };
          break;
        }
      }
      const coordinate = `${parentType.name}.${fieldName}`;
      if (denied && !denied.allowed) {
        const decision: FieldDecision = {
          path: responsePath,
          coordinate: denied.coordinate,
          allowed: false,
          rule: denied.rule,
          reason: denied.reason,
        };
        deniedNodes.set(selection, decision);
        decisions.push(decision);
        classify(selection, denied.coordinate, true);
        continue;
      }
      if (governed) decisions.push({ path: responsePath, coordinate, allowed: true, rule: null, reason: null });
      classify(selection, coordinate, false);
      if (selection.selectionSet && "getFields" in parentType) {
        const field = parentType.getFields()[fieldName];
        const type = field ? getNamedType(field.type) : undefined;
        if (type && isCompositeType(type)) walk(selection.selectionSet, type, responsePath, seen);
      }
    }
  };
  const root =
    operation.operation === "query"
      ? schema.getQueryType()
      : operation.operation === "mutation"
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  if (root) walk(operation.selectionSet, root, [], new Set());
  const denied = decisions.filter((d) => !d.allowed);
  return {
    decisions,
    denied,
    deniedNodes,
    policyRevision: policies.revision,
    maskedNodes,
    classified: [...classified.values()],
  };
}

/** The decision for one coordinate alone (the permission matrix); the same judgement the operation walk makes. */
export function judgeField(
  coordinate: string,
  requirements: SupergraphRequirements,
  policies: PolicySet,
  facts: AccessFacts,
): Verdict {
  const requirement = requirements.fields.get(coordinate);
  return requirement ? judge(requirement, policies, facts) : { allowed: true };
}

/** A requirement holds when every clause of it holds (field and type directives together). */
function judge(requirement: FieldRequirement, policies: PolicySet, facts: AccessFacts): Verdict {
  if (requirement.authenticated && facts.principal.kind === "anonymous") {
    return { allowed: false, rule: "@authenticated", reason: "log in first" };
  }
  for (const clause of requirement.scopes) {
    if (!clause.some((group) => group.every((scope) => facts.principal.scopes.includes(scope)))) {
      const wanted = clause.map((group) => group.join(" and ")).join(", or ");
      return { allowed: false, rule: `@requiresScopes(${clauseText(clause)})`, reason: `needs scope ${wanted}` };
    }
  }
  for (const clause of requirement.policies) {
    const allows = (name: string) => {
      const policy = policies.policies.get(name);
      return policy !== undefined && policyAllows(policy.rule, facts);
    };
    if (!clause.some((group) => group.every(allows))) {
      const failing = clause.flat().filter((name) => !allows(name));
      const reasons = failing.map((name) => {
        const policy = policies.policies.get(name);
        return policy
          ? `policy ${name} (v${policy.version}) allows ${describeRule(policy.rule)}`
          : `policy ${name} is not enabled, so it allows nobody`;
      });
      return { allowed: false, rule: `@policy(${clauseText(clause)})`, reason: reasons.join("; ") };
    }
  }
  return { allowed: true };
}

function clauseText(clause: string[][]): string {
  return clause.map((group) => group.join(" & ")).join(" | ");
}

function chooseOperation(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const chosen = operationName ? operations.find((o) => o.name?.value === operationName) : operations[0];
  if (!chosen) throw new Error(`no operation ${operationName ?? ""} in the document`);
  return chosen;
}

/** `@skip(if:)` / `@include(if:)` with literals or variables: a field that will not run needs no authorization. */
export function included(directives: FieldNode["directives"], variables: Record<string, unknown>): boolean {
  for (const directive of directives ?? []) {
    const name = directive.name.value;
    if (name !== "skip" && name !== "include") continue;
    const argument = directive.arguments?.find((a) => a.name.value === "if");
    const value = argument ? valueFromAST(argument.value, GraphQLBoolean, variables) : undefined;
    if (name === "skip" && value === true) return false;
    if (name === "include" && value === false) return false;
  }
  return true;
}
