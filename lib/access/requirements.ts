/**
 * Field requirements read from a composed supergraph (授权管理, step 1): what each field needs before anyone may
 * read it. Subgraphs declare them with the Federation 2.5+ directives
 *
 * - `@authenticated` — a logged-in principal;
 * - `@requiresScopes(scopes: [["a", "b"], ["c"]])` — scopes `a` and `b`, or scope `c`;
 * - `@policy(policies: [["p"], ["q", "r"]])` — policy `p` allows, or both `q` and `r` do. What a policy means is
 *   data that security admins edit (lib/access/policyRules.ts), not code.
 *
 * A directive on a type applies to every field that returns the type (Apollo's semantics), so a type of personal
 * records can be guarded once. A field with several requirements (its own and its type's) needs all of them.
 */
import { createRequire } from "node:module";
import type { ConstDirectiveNode, DocumentNode, TypeNode } from "graphql";

// Apollo Gateway's schema objects come from graphql's CommonJS build; every walk in lib/access uses that build so
// the gateway and the identity service's simulation run the same code on the same kind of objects.
const graphqlCjs = createRequire(import.meta.url)("graphql") as typeof import("graphql");
const { Kind, parse } = graphqlCjs;

export interface FieldRequirement {
  /** Needs a logged-in principal. */
  authenticated: boolean;
  /** Every clause must hold; a clause holds when the principal has all scopes of one of its groups. */
  scopes: string[][][];
  /** Every clause must hold; a clause holds when every policy of one of its groups allows. */
  policies: string[][][];
}

export interface SupergraphRequirements {
  /** Requirements by `Type.field` coordinate; fields without any are absent. */
  fields: Map<string, FieldRequirement>;
  /** Every policy name the supergraph refers to. */
  policyNames: Set<string>;
  /** Types that carry a requirement themselves (every field returning them needs it). */
  guardedTypes: Set<string>;
}

/** The planner's copy of a supergraph: Apollo Gateway 2.14 refuses `for: SECURITY` links it cannot enforce. */
export const SECURITY_LINK =
  /(@link\(url: "https:\/\/specs\.apollo\.dev\/(?:authenticated|requiresScopes|policy)\/v0\.\d+"), for: SECURITY\)/g;

/**
 * Apollo's planner refuses a supergraph with `for: SECURITY` features because it cannot enforce them. Our gateway
 * enforces them itself (gateway/authorization/), so it hands the planner this copy — and refuses to serve any
 * operation unless its own authorization decided on it first (fail closed).
 */
export function supergraphForPlanner(supergraphSdl: string): string {
  return supergraphSdl.replace(SECURITY_LINK, "$1)");
}

export function requirementsOf(supergraphSdl: string): SupergraphRequirements {
  const document = parse(supergraphSdl);
  const typeLevel = new Map<string, FieldRequirement>();
  const fieldLevel = new Map<string, { own: FieldRequirement; returns: string }>();
  const policyNames = new Set<string>();

  for (const definition of objectLikeDefinitions(document)) {
    const own = requirementOf(definition.directives ?? [], policyNames);
    if (own) typeLevel.set(definition.name.value, own);
    for (const field of definition.fields ?? []) {
      const requirement = requirementOf(field.directives ?? [], policyNames) ?? empty();
      fieldLevel.set(`${definition.name.value}.${field.name.value}`, {
        own: requirement,
        returns: namedType(field.type),
      });
    }
  }

  const fields = new Map<string, FieldRequirement>();
  for (const [coordinate, { own, returns }] of fieldLevel) {
    const combined = merge(own, typeLevel.get(returns));
    if (combined.authenticated || combined.scopes.length > 0 || combined.policies.length > 0) {
      fields.set(coordinate, combined);
    }
  }
  return { fields, policyNames, guardedTypes: new Set(typeLevel.keys()) };
}

function objectLikeDefinitions(document: DocumentNode) {
  return document.definitions.filter(
    (d) =>
      d.kind === Kind.OBJECT_TYPE_DEFINITION ||
      d.kind === Kind.OBJECT_TYPE_EXTENSION ||
      d.kind === Kind.INTERFACE_TYPE_DEFINITION ||
      d.kind === Kind.INTERFACE_TYPE_EXTENSION,
  ) as Array<import("graphql").ObjectTypeDefinitionNode | import("graphql").InterfaceTypeDefinitionNode>;
}

function requirementOf(directives: readonly ConstDirectiveNode[], policyNames: Set<string>): FieldRequirement | null {
  let found: FieldRequirement | null = null;
  for (const directive of directives) {
    const name = directive.name.value;
    if (name !== "authenticated" && name !== "requiresScopes" && name !== "policy") continue;
    found ??= empty();
    if (name === "authenticated") {
      found.authenticated = true;
      continue;
    }
    const argument = directive.arguments?.find((a) => a.name.value === (name === "policy" ? "policies" : "scopes"));
    const groups = argument ? stringLists(argument.value) : [];
    if (name === "policy") {
      for (const group of groups) for (const policy of group) policyNames.add(policy);
      found.policies.push(groups);
    } else {
      found.scopes.push(groups);
    }
  }
  return found;
}

function stringLists(value: import("graphql").ConstValueNode): string[][] {
  if (value.kind !== Kind.LIST) return [];
  return value.values.map((inner) =>
    inner.kind === Kind.LIST ? inner.values.flatMap((v) => (v.kind === Kind.STRING ? [v.value] : [])) : [],
  );
}

function namedType(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);
}

function empty(): FieldRequirement {
  return { authenticated: false, scopes: [], policies: [] };
}

function merge(a: FieldRequirement, b: FieldRequirement | undefined): FieldRequirement {
  if (!b) return a;
  return {
    authenticated: a.authenticated || b.authenticated,
    scopes: [...a.scopes, ...b.scopes],
    policies: [...a.policies, ...b.policies],
  };
}
