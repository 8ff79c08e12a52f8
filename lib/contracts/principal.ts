/**
 * The principal kinds: one list, and the named subsets every end checks against (the token verifier, the subgraph
 * kit's rules, policy grants, purposes, rate-limit tiers, the audit record). A kind added here is added everywhere at
 * once; a subset is derived from this list, never written out again.
 */
import { z } from "zod";

/** Every kind of caller, in the order documented in lib/principal.ts. */
export const PRINCIPAL_KINDS = [
  /** No token: reaches only fields marked public. */
  "anonymous",
  /** A resident (居民) logged in through the district identity service or a trusted department provider. */
  "resident",
  /** An officer (工作人员) of a department, with a jurisdiction of streets. */
  "officer",
  /** A security administrator (安全管理员): manages identities, roles, keys and access policies. */
  "security_admin",
  /** An auditor (审计员): reads audit trails. */
  "auditor",
  /**
   * An enterprise user (法人): a person with an account who acts for one registered enterprise (`enterpriseId`), and
   * sees that enterprise's applications, 一件事 services and 免申即享 grants only.
   */
  "enterprise",
  /** An integrator application using client credentials. */
  "app",
  /** The gateway itself (readiness probes, polls, audit deliveries): never a data reader. */
  "system",
] as const;

export type PrincipalKind = (typeof PRINCIPAL_KINDS)[number];

/** People with an account (and roles that count): not applications, the gateway or anonymous callers. */
export const PEOPLE_KINDS = [
  "resident",
  "officer",
  "security_admin",
  "auditor",
  "enterprise",
] as const satisfies PrincipalKind[];
export type PersonKind = (typeof PEOPLE_KINDS)[number];

/**
 * The kinds the district identity service issues tokens for — people and integrator applications: every verified
 * caller. These are also the kinds a policy grant or a purpose may name (anonymous callers and the gateway's system
 * principal never hold a grant nor declare a purpose).
 */
export const DISTRICT_KINDS = [...PEOPLE_KINDS, "app"] as const satisfies PrincipalKind[];
export type DistrictKind = (typeof DISTRICT_KINDS)[number];

/** Kinds a policy grant or a purpose may name (`kinds: [...]`): the verified callers. */
export const GRANTABLE_KINDS = DISTRICT_KINDS;
export type GrantableKind = DistrictKind;

/** The kinds that send requests through the gateway and so have a rate-limit tier (`system` is the gateway itself). */
export const LIMITED_KINDS = ["anonymous", ...DISTRICT_KINDS] as const satisfies PrincipalKind[];
export type LimitedKind = (typeof LIMITED_KINDS)[number];

/**
 * The kinds a department's own identity provider (a trusted issuer, `TRUSTED_ISSUERS`) may map its users to: its
 * residents or its officers — never an administrator, an auditor or an application of the district.
 */
export const EXTERNAL_ISSUER_KINDS = ["resident", "officer"] as const satisfies PersonKind[];
export type ExternalIssuerKind = (typeof EXTERNAL_ISSUER_KINDS)[number];

export const principalKindSchema = z.enum(PRINCIPAL_KINDS);

const nullableText = z.string().nullable();

/**
 * A principal as it travels inside the signed identity envelope (lib/wire.ts): the fields of `Principal`
 * (lib/principal.ts), unknown keys dropped. Checked after the signature, so it guards against a gateway and a
 * subgraph that disagree, not against forgery.
 */
export const principalSchema = z.object({
  kind: principalKindSchema,
  id: nullableText,
  roles: z.array(z.string()),
  scopes: z.array(z.string()),
  departmentId: nullableText,
  streetIds: z.array(z.string()),
  residentId: nullableText,
  /** For enterprise users: the enterprise they act for (`ent-000123`); absent or null for everyone else. */
  enterpriseId: nullableText.optional(),
  sessionId: nullableText,
  issuer: nullableText,
});

/** A GraphQL enum's values for these kinds, `RESIDENT` → `resident` (the schema spells kinds in capitals). */
export function kindEnumValues<K extends PrincipalKind>(kinds: readonly K[]): Record<Uppercase<K>, K> {
  return Object.fromEntries(kinds.map((kind) => [kind.toUpperCase(), kind])) as Record<Uppercase<K>, K>;
}

const membership = <K extends PrincipalKind>(kinds: readonly K[]) => {
  const set = new Set<string>(kinds);
  return (kind: unknown): kind is K => typeof kind === "string" && set.has(kind);
};

/** Narrowing checks, for a kind read off the wire or a principal's kind. */
export const isPrincipalKind = membership(PRINCIPAL_KINDS);
export const isPersonKind = membership(PEOPLE_KINDS);
export const isDistrictKind = membership(DISTRICT_KINDS);
export const isGrantableKind = membership(GRANTABLE_KINDS);
export const isLimitedKind = membership(LIMITED_KINDS);
