/**
 * The authorized part of an operation (授权管理, step 2): for every field the operation selects, whether the
 * principal may read it under the supergraph's requirements and the active policies. The gateway runs this before
 * planning and removes denied fields; the identity service's simulation runs the very same function, so a
 * simulation reports exactly what enforcement does.
 */
import { createRequire } from "node:module";
import type { FieldNode, GraphQLCompositeType } from "graphql";
import type { AccessDecision } from "../contracts/auditRecord.ts";
import { type Classification, clearViewPolicy } from "./classification.ts";
import { buildOperationView, type OperationView, type OperationViewInput, visitViewFields } from "./operationView.ts";
import { type AccessFacts, describeRule, type PolicySet, policyAllows } from "./policyRules.ts";
import type { FieldRequirement, SupergraphRequirements } from "./requirements.ts";

const graphqlCjs = createRequire(import.meta.url)("graphql") as typeof import("graphql");
const { isAbstractType } = graphqlCjs;

export interface FieldDecision {
  /**
   * Response path (aliases as sent), without list indices, e.g. `["me", "appointments", "diagnosis"]`: where the field
   * node is first reached. A field in a fragment spread in several places is decided once (its decision holds for
   * every place: it depends on the field, not on the path).
   */
  path: string[];
  coordinate: string;
  allowed: boolean;
  /** The requirement that denied it: `@authenticated`, `@requiresScopes(health:read)`, `@policy(health-records)`. */
  rule: string | null;
  /** What would allow it, for the caller. */
  reason: string | null;
}

export interface OperationAuthorization {
  /** Decisions for every selected field node that carries a requirement, in the order first reached. */
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
  /** What the audit records for it (lib/contracts/auditRecord.ts). */
  decision: AccessDecision;
}

export interface AuthorizeInput extends OperationViewInput {
  requirements: SupergraphRequirements;
  policies: PolicySet;
  facts: AccessFacts;
  /** Classified fields of the supergraph (lib/access/classification.ts); absent means nothing is masked. */
  classification?: ReadonlyMap<string, Classification>;
  /** The request's operation view, when the caller built it already (the gateway's guard does). */
  view?: OperationView;
}

export type Verdict = { allowed: true } | { allowed: false; rule: string; reason: string };

export function authorizeOperation(input: AuthorizeInput): OperationAuthorization {
  const { requirements, policies, facts } = input;
  const view = input.view ?? buildOperationView(input);
  const { schema } = view;
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
  /**
   * A field asked of an interface or union is read from whichever object type the record has: every possible type
   * must allow it. Decided once per coordinate on the parent type, however many nodes select it.
   */
  const ownerVerdicts = new Map<string, { governed: boolean; denied: (Verdict & { coordinate: string }) | null }>();
  const ownerVerdictOf = (parentType: GraphQLCompositeType, fieldName: string) => {
    const key = `${parentType.name}.${fieldName}`;
    let found = ownerVerdicts.get(key);
    if (!found) {
      const owners = isAbstractType(parentType) ? [parentType, ...schema.getPossibleTypes(parentType)] : [parentType];
      found = { governed: false, denied: null };
      for (const owner of owners) {
        const coordinate = `${owner.name}.${fieldName}`;
        if (requirements.fields.has(coordinate)) found.governed = true;
        const verdict = verdictOf(coordinate);
        if (!verdict.allowed) {
          found.denied = { ...verdict, coordinate };
          break;
        }
      }
      ownerVerdicts.set(key, found);
    }
    return found;
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
  // One decision per field node (with the response path where it is first reached): the number of decisions is
  // bounded by the document, not by how often fragments are spread. A denied field's selections are not visited.
  visitViewFields(view, (field) => {
    const parentType = field.parentType;
    if (field.name.startsWith("__") || !parentType) return false;
    const { governed, denied } = ownerVerdictOf(parentType, field.name);
    if (denied && !denied.allowed) {
      const decision: FieldDecision = {
        path: [...field.path],
        coordinate: denied.coordinate,
        allowed: false,
        rule: denied.rule,
        reason: denied.reason,
      };
      deniedNodes.set(field.node, decision);
      decisions.push(decision);
      classify(field.node, denied.coordinate, true);
      return false;
    }
    if (governed) {
      decisions.push({ path: [...field.path], coordinate: field.coordinate, allowed: true, rule: null, reason: null });
    }
    classify(field.node, field.coordinate, false);
    return true;
  });
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
