/**
 * Who is asking: the one typed identity the gateway derives from a verified token (or the lack of one) and every
 * subgraph receives inside the signed envelope (lib/wire.ts).
 */
import { type PrincipalKind, principalSchema } from "./contracts/principal.ts";

/** The kinds of caller (anonymous, resident, officer, security_admin, auditor, enterprise, app, system): lib/contracts/principal.ts. */
export type { PrincipalKind } from "./contracts/principal.ts";

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
  /**
   * For enterprise users (kind `enterprise`, 法人): the enterprise they act for (`ent-000123`). Absent or null for
   * every other kind.
   */
  enterpriseId?: string | null;
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

/**
 * Reads a principal that arrived over the wire (after its signature was verified) against its contract
 * (`principalSchema`, lib/contracts/principal.ts): the known fields only, or null when it does not match.
 */
export function readPrincipal(value: unknown): Principal | null {
  const parsed = principalSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** Checks the shape of a principal that arrived over the wire (after its signature was verified). */
export function isPrincipal(value: unknown): value is Principal {
  return principalSchema.safeParse(value).success;
}
