/**
 * Roles and scopes (角色与权限范围) the identity service grants. Scopes are coarse capabilities carried in access tokens;
 * what a scope actually allows on which field is decided by the gateway's authorization policies (授权管理), which
 * security admins edit as data. A person's scopes are the union of their roles' scopes and their department
 * membership's scopes.
 */
import { JINGAN_DIVISION_IDS } from "../../lib/reference/jinganDivisions.ts";

/** Every scope this service may put in a token, with what it is for. */
export const KNOWN_SCOPES = {
  "graph:read": "Read the public and ordinary parts of the graph.",
  "resident:self": "A resident reading and acting on their own records.",
  "catalog:read": "Read the data catalogue, including restricted entries.",
  "health:read": "Read health records of the officer's jurisdiction (区卫健委).",
  "education:read": "Read education records of the officer's jurisdiction (区教育局).",
  "sports:read": "Read sports bookings and check-ins (区体育局).",
  "culture:read": "Read culture registrations (区文化旅游局).",
  "parking:read": "Read parking availability and sessions (区建管委).",
  "parking:write": "Write parking data, such as live availability from a garage system.",
  "enterprise:read": "Read enterprise applications and benefit grants (区行政服务中心, 区市场监管局).",
  "enterprise:self": "An enterprise user (法人) reading their own enterprise's applications and grants.",
  "identity:read": "Read accounts and the login audit (统一用户管理).",
  "identity:admin": "Manage accounts, roles, integrator applications and signing keys.",
  "audit:read": "Read the data-access audit trail.",
  "clearance:internal": "Classification clearance: internal data (access policies can require a level).",
  "clearance:personal": "Classification clearance: personal information; covers internal.",
  "clearance:sensitive": "Classification clearance: sensitive personal information (health, minors, whereabouts).",
} as const;

export type Scope = keyof typeof KNOWN_SCOPES;

export function isKnownScope(scope: string): scope is Scope {
  return Object.hasOwn(KNOWN_SCOPES, scope);
}

export type RoleName = "resident" | "officer" | "security_admin" | "auditor" | "enterprise" | "integrator";

export interface RoleDefinition {
  name: RoleName;
  description: string;
  scopes: Scope[];
}

export const ROLES: RoleDefinition[] = [
  {
    name: "resident",
    description: "A resident (居民) using the district's front ends.",
    scopes: ["graph:read", "resident:self"],
  },
  {
    name: "officer",
    description: "An officer (工作人员) of a department; department scopes come with the membership.",
    scopes: ["graph:read", "catalog:read"],
  },
  {
    name: "security_admin",
    description: "A security administrator (安全管理员): accounts, roles, applications, keys and access policies.",
    scopes: ["graph:read", "identity:read", "identity:admin", "audit:read"],
  },
  {
    name: "auditor",
    description: "An auditor (审计员): reads the login and data-access audit trails.",
    scopes: ["graph:read", "identity:read", "audit:read"],
  },
  {
    name: "enterprise",
    description: "An enterprise user (法人) acting for one enterprise: its applications, 一件事 services and grants.",
    scopes: ["graph:read", "enterprise:self"],
  },
  {
    name: "integrator",
    description: "An integrator application (client credentials). Its scopes are the ones applications may be granted.",
    scopes: ["graph:read", "catalog:read", "parking:read", "parking:write", "sports:read", "culture:read"],
  },
];

/** Role names in the order above, for messages. */
export const ROLE_NAMES: RoleName[] = ROLES.map((role) => role.name);

/** Scopes an officer's membership adds, by department. Departments not listed add none. */
export const DEPARTMENT_SCOPES: Record<string, Scope[]> = {
  "dept-health": ["health:read", "clearance:sensitive"],
  "dept-education": ["education:read", "clearance:sensitive"],
  "dept-sports": ["sports:read", "clearance:personal"],
  "dept-culture": ["culture:read", "clearance:personal"],
  "dept-transport": ["parking:read", "clearance:sensitive"],
  "dept-admin-service": ["enterprise:read", "clearance:personal"],
  "dept-market": ["enterprise:read", "clearance:personal"],
  "dept-data": ["catalog:read", "clearance:internal"],
};

/**
 * Scopes a department may ask for its integrator applications (接入应用), beyond the graph-wide `graph:read` and
 * `catalog:read`: its own data only. Always within what the `integrator` role allows.
 */
export const DEPARTMENT_APP_SCOPES: Record<string, Scope[]> = {
  "dept-transport": ["parking:read", "parking:write"],
  "dept-sports": ["sports:read"],
  "dept-culture": ["culture:read"],
};

/** What an application of this department may be granted, sorted. */
export function appScopesGrantableBy(departmentId: string): Scope[] {
  const integrator = ROLES.find((role) => role.name === "integrator")?.scopes ?? [];
  const wanted = new Set<Scope>(["graph:read", "catalog:read", ...(DEPARTMENT_APP_SCOPES[departmentId] ?? [])]);
  return integrator.filter((scope) => wanted.has(scope)).sort();
}

/** The role every person of a kind starts with. */
export const DEFAULT_ROLE: Record<"RESIDENT" | "OFFICER" | "SECURITY_ADMIN" | "AUDITOR" | "ENTERPRISE", RoleName> = {
  RESIDENT: "resident",
  OFFICER: "officer",
  SECURITY_ADMIN: "security_admin",
  AUDITOR: "auditor",
  ENTERPRISE: "enterprise",
};

/** The 14 streets and towns (街道/镇) of Jing'an, by the ids the catalog owns (`lib/reference/jinganDivisions.ts`). */
export const STREET_IDS: readonly string[] = JINGAN_DIVISION_IDS;

const STREET_ID_SET = new Set<string>(STREET_IDS);

export function isStreetId(id: string): boolean {
  return STREET_ID_SET.has(id);
}
