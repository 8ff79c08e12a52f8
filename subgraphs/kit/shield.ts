/**
 * The subgraph's own permissions (graphql-shield): a rule tree mirroring the schema, deny by default. The gateway
 * authorizes fields first; this is each department's second line (defence in depth), so a request that reaches the
 * subgraph some other way than the gateway intended still meets the department's rules.
 *
 * How a subgraph uses it (`subgraphs/<name>/permissions.ts`, exported as the module's `permissions`):
 *
 * ```ts
 * export const permissions: SubgraphPermissions = {
 *   Query: { hospitals: publicField, appointment: isResidentOrOfficerOf(HEALTH_DESK) },
 *   Mutation: { bookAppointment: isResidentOrOfficerOf(HEALTH_DESK) },
 *   // Safety net on a record type: every field re-checks the row rule of its parent.
 *   Appointment: recordRule("appointment", appointmentRecords),
 * };
 * ```
 *
 * - Every `Query` and `Mutation` field needs an explicit rule; a field without one is denied (and a test fails).
 * - `publicField` is for fields marked `@public` in the schema; everything else names who may call it.
 * - Root rules decide *who may ask*; which *rows* they then see is the row rule (`ResidentRecordRule` in
 *   `actingResident.ts`) applied by the resolvers on every route, and re-checked per field by `recordRule`.
 * - Denials are FORBIDDEN errors naming the rule; errors the resolvers throw with a registered code pass through.
 */

import { createRequire } from "node:module";
import type { GraphQLResolveInfo, GraphQLSchema } from "graphql";
import type { IRule, IRules } from "graphql-shield";
import { isDistrictKind, isPersonKind } from "../../lib/contracts/principal.ts";
import { codedError } from "../../lib/errors.ts";
import type { Principal } from "../../lib/principal.ts";
import { type DepartmentDesk, mayReadRecord, type ReachContext, type ResidentRecordRule } from "./actingResident.ts";

// graphql-shield's ES build imports `isUndefined` from "util" by name, which Vitest's module runner does not provide;
// its CommonJS build reads it at call time and runs everywhere. graphql-middleware must come from the same (CommonJS)
// build, or it does not recognise shield's middleware generator.
const require = createRequire(import.meta.url);
const { allow, deny, or, rule, shield } = require("graphql-shield") as typeof import("graphql-shield");
const { applyMiddleware } = require("graphql-middleware") as typeof import("graphql-middleware");

/** One rule: a named rule or a combination (`or(…)`, `and(…)`). */
export type ShieldRule = IRule | ReturnType<typeof or>;
type IRuleFieldMap = Record<string, ShieldRule>;

/** A module's rule tree: a rule for every root field, and optional rules (or one rule) per other type. */
export interface SubgraphPermissions {
  Query: Record<string, ShieldRule>;
  Mutation?: Record<string, ShieldRule>;
  [typeName: string]: Record<string, ShieldRule> | ShieldRule | undefined;
}

interface WithPrincipal {
  principal: Principal;
}

function forbidden(ruleName: string, needs: string, principal: Principal) {
  if (principal.kind === "anonymous") {
    return codedError("AUTHENTICATION_REQUIRED", `This needs ${needs} (rule ${ruleName}); log in and retry.`, {
      rule: ruleName,
    });
  }
  const who =
    principal.kind === "officer" ? `an officer of ${principal.departmentId ?? "no department"}` : principal.kind;
  return codedError("FORBIDDEN", `This needs ${needs} (rule ${ruleName}); the caller is ${who}.`, { rule: ruleName });
}

/** A rule on the caller alone, cached once per request (`contextual`): it does not look at parent or arguments. */
function principalRule(name: string, needs: string, test: (principal: Principal) => boolean): ShieldRule {
  return rule(name, { cache: "contextual" })((_parent, _args, context: WithPrincipal) =>
    test(context.principal) ? true : forbidden(name, needs, context.principal),
  );
}

/** Fields marked `@public` in the schema: anyone, anonymous included. */
export const publicField: ShieldRule = allow;

/** Any verified person or application; not anonymous callers nor the gateway's own system principal. */
export const isAuthenticated = principalRule("isAuthenticated", "a logged-in caller", (principal) =>
  isDistrictKind(principal.kind),
);

/** Any person with an account (the `me`-style fields); not applications. */
export const isPerson = principalRule("isPerson", "a logged-in person", (principal) => isPersonKind(principal.kind));

/** An officer (工作人员) of any department. */
export const isOfficer = principalRule(
  "isOfficer",
  "an officer (role officer)",
  (principal) => principal.kind === "officer",
);

/** A logged-in resident (居民) with a resident id. */
export const isResident = principalRule(
  "isResident",
  "a logged-in resident",
  (principal) => principal.kind === "resident" && principal.residentId !== null,
);

/** An integrator application (client-credentials token); what it may read of a field is the field's row rule. */
export const isApp = principalRule("isApp", "an integrator app's token", (principal) => principal.kind === "app");

/**
 * An enterprise user (法人) acting for an enterprise. Which rows they then read is the row rules' decision: their own
 * enterprise's only (`enterpriseRegisterRows`, `ResidentRecordRule.enterpriseOf`).
 */
export const isEnterpriseUser = principalRule(
  "isEnterpriseUser",
  "an enterprise user (法人) acting for an enterprise",
  (principal) => principal.kind === "enterprise" && Boolean(principal.enterpriseId),
);

/** Any of the rules (graphql-shield's `or`): the first that allows wins. */
export function anyOf(...rules: ShieldRule[]): ShieldRule {
  return or(...rules);
}

export const isSecurityAdmin = principalRule(
  "isSecurityAdmin",
  "the role security_admin (a security administrator)",
  (principal) => principal.kind === "security_admin" || hasRoleOf(principal, "security_admin"),
);

export const isAuditor = principalRule(
  "isAuditor",
  "the role auditor (an auditor)",
  (principal) => principal.kind === "auditor" || hasRoleOf(principal, "auditor"),
);

function hasRoleOf(principal: Principal, role: string): boolean {
  // Roles only count for people; an application or the gateway cannot claim a person's role.
  return isPersonKind(principal.kind) && principal.roles.includes(role);
}

const scopeRules = new Map<string, ShieldRule>();

/** A verified person or application whose token holds the scope (e.g. `catalog:read`). */
export function holdsScope(scope: string): ShieldRule {
  let found = scopeRules.get(scope);
  if (!found) {
    found = principalRule(
      `holdsScope(${scope})`,
      `the scope ${scope}`,
      (principal) => isDistrictKind(principal.kind) && principal.scopes.includes(scope),
    );
    scopeRules.set(scope, found);
  }
  return found;
}

const roleRules = new Map<string, ShieldRule>();

/** A person holding one of the roles (`security_admin`, `auditor` …); applications cannot claim a person's role. */
export function hasRole(...roles: string[]): ShieldRule {
  const key = [...roles].sort().join(",");
  let found = roleRules.get(key);
  if (!found) {
    found = principalRule(`hasRole(${key})`, `the role ${roles.join(" or ")}`, (principal) =>
      roles.some((role) => principal.kind === role || hasRoleOf(principal, role)),
    );
    roleRules.set(key, found);
  }
  return found;
}

const officerRules = new Map<string, ShieldRule>();

/** An officer of any one of the departments (`dept-health`, …). */
export function isOfficerOf(...departmentIds: string[]): ShieldRule {
  const key = [...departmentIds].sort().join(",");
  let found = officerRules.get(key);
  if (!found) {
    found = principalRule(
      `isOfficerOf(${key})`,
      `an officer (role officer) of ${departmentIds.join(" or ")}`,
      (principal) =>
        principal.kind === "officer" &&
        principal.departmentId !== null &&
        departmentIds.includes(principal.departmentId),
    );
    officerRules.set(key, found);
  }
  return found;
}

const deskRules = new Map<string, ShieldRule>();

/**
 * Residents (for their own records) and the desk's officers: the callers of a department's resident-facing fields.
 * Which records each then sees or changes is the row rule's business.
 */
export function isResidentOrOfficerOf(desk: DepartmentDesk): ShieldRule {
  let found = deskRules.get(desk.departmentId);
  if (!found) {
    const name = `isResidentOrOfficerOf(${desk.departmentId})`;
    found = principalRule(
      name,
      `a resident or an officer of ${desk.name} (department ${desk.departmentId})`,
      (principal) =>
        (principal.kind === "resident" && principal.residentId !== null) ||
        (principal.kind === "officer" && principal.departmentId === desk.departmentId),
    );
    deskRules.set(desk.departmentId, found);
  }
  return found;
}

/** Re-exported so permission files need one import: `or(isSecurityAdmin, isAuditor)`, `deny`. */
export { deny, or };

/** One verdict per record and request: every field of a record asks, the check runs once. */
const verdicts = new WeakMap<object, WeakMap<object, Promise<boolean>>>();

/**
 * The safety net on a record type: every field of the record re-checks the row rule on its parent. Resolvers already
 * answer unreadable records as missing; this catches a route that forgot to. Not cached by shield (the verdict
 * depends on the parent), memoised per request and record instead.
 */
export function recordRule<R extends object, C extends ReachContext>(
  name: string,
  records: ResidentRecordRule<R, C>,
): ShieldRule {
  const ruleName = `recordRule(${name})`;
  return rule(ruleName, { cache: "no_cache" })(async (parent: R, _args, context: C) => {
    let perContext = verdicts.get(context);
    if (!perContext) {
      perContext = new WeakMap();
      verdicts.set(context, perContext);
    }
    let verdict = perContext.get(parent);
    if (!verdict) {
      verdict = mayReadRecord(records, parent, context);
      perContext.set(parent, verdict);
    }
    return (await verdict)
      ? true
      : forbidden(
          ruleName,
          `the ${name}'s resident or an officer of ${records.desk.name} in its street`,
          context.principal,
        );
  });
}

/**
 * The federation fields, allowed on purpose:
 * - `_service` returns the subgraph's SDL, which composition needs and which is no secret (it is in the supergraph);
 * - `_entities` resolves references through each type's `__resolveReference`, and those apply the row rules
 *   themselves (an unreadable record resolves to null, like a missing one); the record types' `recordRule`s check
 *   every field again.
 */
const FEDERATION_FIELDS = { _service: allow, _entities: allow } as const;

/** The rule tree of a module with the kit's defaults: deny every root field without a rule, allow the federation fields. */
export function ruleTree(permissions: SubgraphPermissions): Record<string, IRuleFieldMap | ShieldRule> {
  const { Query, Mutation, ...types } = permissions;
  const tree: Record<string, IRuleFieldMap | ShieldRule> = {
    Query: { "*": deny, ...FEDERATION_FIELDS, ...Query },
    Mutation: { "*": deny, ...Mutation },
  };
  for (const [typeName, rules] of Object.entries(types)) {
    if (rules) tree[typeName] = rules as IRuleFieldMap | ShieldRule;
  }
  return tree;
}

/** Wraps the subgraph schema with the module's permissions. */
export function applyPermissions(schema: GraphQLSchema, permissions: SubgraphPermissions): GraphQLSchema {
  const tree = ruleTree(permissions);
  if (!schema.getMutationType()) delete tree.Mutation;
  // A subgraph without entities has no `_entities`; shield refuses rules for fields the schema lacks.
  if (!schema.getQueryType()?.getFields()._entities) delete (tree.Query as IRuleFieldMap)._entities;
  return applyMiddleware(
    schema,
    shield(tree as IRules, {
      // Our coded errors (NOT_FOUND_ENTITY, SLOT_FULL …) are written for callers; anything else is still masked by
      // the kit's error formatter.
      allowExternalErrors: true,
      // Types without a rule: their fields are reached only through a root field or an entity, which have rules.
      fallbackRule: allow,
      fallbackError: (_error: unknown, _parent: unknown, _args: unknown, _context: unknown, info: GraphQLResolveInfo) =>
        codedError(
          "FORBIDDEN",
          `${info.parentType.name}.${info.fieldName} has no permission rule that allows the caller (deny by default).`,
          { rule: "deny" },
        ),
    }),
  );
}
