/**
 * Principals for row-rule tests, shaped as the identity service would issue them (roles' scopes plus the department
 * membership's): officers carry a jurisdiction (streets), and an empty one sees no records, so tests that act as a
 * department's front desk name the streets it covers.
 */
import { ANONYMOUS, type Principal } from "../../lib/principal.ts";
import { DEPARTMENT_SCOPES, ROLES, STREET_IDS } from "../../subgraphs/identity/roles.ts";
import { officerOf, residentPrincipal } from "../support/envelope.ts";

/** Every street of the district, as the seeded department-wide officers (officer.health, officer.education) hold. */
export const ALL_STREETS: string[] = [...STREET_IDS];

const roleScopes = (role: string) => ROLES.find((r) => r.name === role)?.scopes ?? [];

/** An officer of the department whose jurisdiction is the given streets (default: the whole district). */
export function officerIn(departmentId: string, streetIds: string[] = ALL_STREETS): Principal {
  return {
    ...officerOf(departmentId),
    scopes: [...new Set([...roleScopes("officer"), ...(DEPARTMENT_SCOPES[departmentId] ?? [])])],
    streetIds: [...streetIds],
  };
}

/** A person with one role and no department: an auditor or a security administrator. */
export function personWithRole(kind: "auditor" | "security_admin"): Principal {
  return { ...ANONYMOUS, kind, id: `person-${kind}`, roles: [kind], scopes: [...roleScopes(kind)], issuer: "test" };
}

/** An integrator application (client credentials) with every scope applications may be granted. */
export function integratorApp(): Principal {
  return {
    ...ANONYMOUS,
    kind: "app",
    id: "app-test-integrator",
    roles: ["integrator"],
    scopes: [...roleScopes("integrator")],
    departmentId: "dept-data",
    issuer: "test",
  };
}

/**
 * An enterprise user (法人, kind `enterprise`) acting for one enterprise, as the gateway derives it from an identity
 * token with the `ent` claim — by default the seeded `ent.yiyuan` (person-000009) acting for ent-000025.
 */
export function enterpriseUser(enterpriseId = "ent-000025"): Principal {
  return {
    ...ANONYMOUS,
    kind: "enterprise",
    id: "person-000009",
    roles: ["enterprise"],
    scopes: [...roleScopes("enterprise")],
    enterpriseId,
    issuer: "test",
  };
}

export { ANONYMOUS, residentPrincipal };
