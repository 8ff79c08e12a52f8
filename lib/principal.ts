/**
 * Who is asking: the one typed identity the gateway derives from a verified token (or the lack of one) and every
 * subgraph receives inside the signed envelope (lib/wire.ts).
 */
export type PrincipalKind =
  /** No token: reaches only fields marked public. */
  | "anonymous"
  /** A resident (居民) logged in through the district identity service or a trusted department provider. */
  | "resident"
  /** An officer (工作人员) of a department, with a jurisdiction of streets. */
  | "officer"
  /** A security administrator (安全管理员): manages identities, roles, keys and access policies. */
  | "security_admin"
  /** An auditor (审计员): reads audit trails. */
  | "auditor"
  /** An integrator application using client credentials. */
  | "app"
  /** The gateway itself (readiness probes, revocation polling): never a data reader. */
  | "system";

export interface Principal {
  kind: PrincipalKind;
  /** Stable subject id (`person-…`, `app-…`, `ext:<issuer>:<sub>`); null for anonymous. */
  id: string | null;
  roles: string[];
  scopes: string[];
  /** Department of an officer (`dept-health`), or of the department running the issuing provider. */
  departmentId: string | null;
  /** Streets in an officer's jurisdiction; empty means none. */
  streetIds: string[];
  /** For residents: their resident id (`resident-000123`). */
  residentId: string | null;
  /** Token session (refresh chain) the access token belongs to, for revocation. */
  sessionId: string | null;
  /** Who issued the token this principal came from. */
  issuer: string | null;
}

export const ANONYMOUS: Principal = Object.freeze({
  kind: "anonymous",
  id: null,
  roles: [],
  scopes: [],
  departmentId: null,
  streetIds: [],
  residentId: null,
  sessionId: null,
  issuer: null,
}) as Principal;

/**
 * The gateway acting on its own behalf (a probe, a poll, an audit delivery), with only the scopes that one call needs
 * (`SYSTEM_SCOPES` in lib/wire.ts); the route it calls requires its scope.
 */
export function systemPrincipal(id: string, scopes: readonly string[] = []): Principal {
  return { ...ANONYMOUS, kind: "system", id, roles: ["system"], scopes: [...scopes] };
}

const KINDS = new Set<PrincipalKind>([
  "anonymous",
  "resident",
  "officer",
  "security_admin",
  "auditor",
  "app",
  "system",
]);

/** Checks the shape of a principal that arrived over the wire (after its signature was verified). */
export function isPrincipal(value: unknown): value is Principal {
  const p = value as Principal;
  const strings = (a: unknown) => Array.isArray(a) && a.every((s) => typeof s === "string");
  const nullableString = (s: unknown) => s === null || typeof s === "string";
  return (
    typeof p === "object" &&
    p !== null &&
    KINDS.has(p.kind) &&
    nullableString(p.id) &&
    strings(p.roles) &&
    strings(p.scopes) &&
    nullableString(p.departmentId) &&
    strings(p.streetIds) &&
    nullableString(p.residentId) &&
    nullableString(p.sessionId) &&
    nullableString(p.issuer)
  );
}
