/**
 * Bearer-token verification: the gateway's one way from a token to a `Principal`.
 *
 * Checks, in order: the token parses; its issuer is trusted; its algorithm is on that issuer's allow-list
 * (`none`, and HS256 "signed" with a public key, never are); the key id is published by the issuer (JWKS); the
 * signature; audience; expiry and not-before with a small clock tolerance; an expiry is present; the session is not
 * revoked. The reason for a refusal goes to the log, never to the caller.
 *
 * Revocation lasts as long as acceptance: a token is accepted until `exp` + tolerance, and the revocation list keeps
 * a session until its last token's `exp` + the same tolerance (./revocations.ts). A token once refused as revoked is
 * remembered as such until it expires, so nothing (a list that drops an entry early, an identity service restored from
 * a backup) can make it valid again.
 */
import type { KeyObject } from "node:crypto";
import jwt, { type Algorithm, type JwtPayload } from "jsonwebtoken";
import { type ExternalIssuerKind, isDistrictKind } from "../../lib/contracts/principal.ts";
import type { Principal } from "../../lib/principal.ts";
import type { JwksSource } from "./jwks.ts";

export interface TrustedIssuer {
  issuer: string;
  audience: string;
  /** Allowed signature algorithms for this issuer (asymmetric only). */
  algorithms: Algorithm[];
  jwks: JwksSource;
  /** Maps verified claims onto a district principal; throws when the claims do not describe one. */
  toPrincipal(claims: JwtPayload): Principal;
}

export type TokenRejection =
  | "malformed"
  | "unknown-issuer"
  | "algorithm-not-allowed"
  | "unknown-key"
  | "invalid"
  | "expired"
  | "not-yet-valid"
  | "no-expiry"
  | "revoked"
  | "bad-claims";

export class TokenRejected extends Error {
  constructor(readonly reason: TokenRejection) {
    super(`token rejected: ${reason}`);
  }
}

export interface TokenVerifierOptions {
  issuers: TrustedIssuer[];
  clockToleranceSeconds?: number;
  isRevoked?: (sessionId: string) => boolean;
  /** Whether a subject's tokens issued at `issuedAt` (epoch s) are refused: disabled or expired integrator apps. */
  isSubjectRevoked?: (subject: string, issuedAt: number) => boolean;
  now?: () => number;
  /** Verified tokens are remembered until they expire (revocation is still checked on every use). */
  cacheSize?: number;
}

const ASYMMETRIC = new Set<Algorithm>([
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
]);

export function createTokenVerifier(options: TokenVerifierOptions) {
  const {
    clockToleranceSeconds = 30,
    isRevoked = () => false,
    isSubjectRevoked = () => false,
    now = Date.now,
    cacheSize = 10_000,
  } = options;
  for (const issuer of options.issuers) {
    const symmetric = issuer.algorithms.filter((alg) => !ASYMMETRIC.has(alg));
    if (symmetric.length > 0) throw new Error(`Issuer ${issuer.issuer} allows non-asymmetric algorithms: ${symmetric}`);
  }
  const byIssuer = new Map(options.issuers.map((issuer) => [issuer.issuer, issuer]));
  const cache = new Map<string, { principal: Principal; exp: number; iat: number; revoked: boolean }>();
  const remember = (token: string, entry: { principal: Principal; exp: number; iat: number; revoked: boolean }) => {
    if (!cache.has(token) && cache.size >= cacheSize) cache.delete(cache.keys().next().value as string);
    cache.set(token, entry);
  };
  const revokedNow = (principal: Principal, iat: number) =>
    (principal.sessionId !== null && isRevoked(principal.sessionId)) ||
    (principal.kind === "app" && principal.id !== null && isSubjectRevoked(principal.id, iat));

  return async function verifyToken(token: string): Promise<Principal> {
    const cached = cache.get(token);
    if (cached) {
      if (cached.exp * 1000 + clockToleranceSeconds * 1000 < now()) {
        cache.delete(token);
        throw new TokenRejected("expired");
      }
      if (cached.revoked) throw new TokenRejected("revoked");
      if (revokedNow(cached.principal, cached.iat)) {
        cached.revoked = true;
        throw new TokenRejected("revoked");
      }
      return cached.principal;
    }

    const decoded = jwt.decode(token, { complete: true });
    if (!decoded || typeof decoded.payload === "string") throw new TokenRejected("malformed");
    const trusted = typeof decoded.payload.iss === "string" ? byIssuer.get(decoded.payload.iss) : undefined;
    if (!trusted) throw new TokenRejected("unknown-issuer");
    const algorithm = decoded.header.alg as Algorithm;
    if (!trusted.algorithms.includes(algorithm)) throw new TokenRejected("algorithm-not-allowed");
    const kid = decoded.header.kid;
    const key: KeyObject | undefined = typeof kid === "string" ? await trusted.jwks.key(kid) : undefined;
    if (!key) throw new TokenRejected("unknown-key");

    let claims: JwtPayload;
    try {
      claims = jwt.verify(token, key, {
        algorithms: trusted.algorithms,
        issuer: trusted.issuer,
        audience: trusted.audience,
        clockTolerance: clockToleranceSeconds,
        clockTimestamp: Math.floor(now() / 1000),
      }) as JwtPayload;
    } catch (error) {
      const name = (error as Error).name;
      if (name === "TokenExpiredError") throw new TokenRejected("expired");
      if (name === "NotBeforeError") throw new TokenRejected("not-yet-valid");
      throw new TokenRejected("invalid");
    }
    if (typeof claims.exp !== "number") throw new TokenRejected("no-expiry");

    let principal: Principal;
    try {
      principal = trusted.toPrincipal(claims);
    } catch {
      throw new TokenRejected("bad-claims");
    }
    // Without iat a token cannot be placed before an app's disabling: it is refused whenever its app is listed.
    const iat = typeof claims.iat === "number" ? claims.iat : Number.NEGATIVE_INFINITY;
    const revoked = revokedNow(principal, iat);
    remember(token, { principal, exp: claims.exp, iat, revoked });
    if (revoked) throw new TokenRejected("revoked");
    return principal;
  };
}

export type TokenVerifier = ReturnType<typeof createTokenVerifier>;

const strings = (value: unknown): string[] =>
  Array.isArray(value) && value.every((s) => typeof s === "string") ? value : [];
const nullableString = (value: unknown): string | null => (typeof value === "string" && value ? value : null);

/** Claims of the district identity service (subgraphs/identity) → principal. */
export function districtPrincipal(claims: JwtPayload): Principal {
  const kind = claims.kind;
  if (!isDistrictKind(kind) || typeof claims.sub !== "string") throw new Error("not a district identity");
  return {
    kind,
    id: claims.sub,
    roles: strings(claims.roles),
    scopes: strings(claims.scopes),
    departmentId: nullableString(claims.dept),
    streetIds: strings(claims.streets),
    residentId: kind === "resident" ? nullableString(claims.rid) : null,
    sessionId: nullableString(claims.sid),
    issuer: nullableString(claims.iss),
    // Only an enterprise user (法人) acts for an enterprise; the other kinds carry no such field.
    ...(kind === "enterprise" ? { enterpriseId: nullableString(claims.ent) } : {}),
  };
}

/**
 * How a department's own identity provider maps onto district identities: its users become principals of one
 * kind in one department, with roles translated from one claim and fixed scopes.
 */
export interface ExternalIssuerMapping {
  issuer: string;
  jwksUrl: string;
  audience: string;
  algorithms: Algorithm[];
  /** The department that runs the provider; every principal from it belongs to this department. */
  departmentId: string;
  kind: ExternalIssuerKind;
  /** Claim holding the provider's groups or roles (string or string[]). */
  rolesClaim: string;
  /** Provider role → district role; provider roles without an entry are dropped. */
  roleMap: Record<string, string>;
  scopes: string[];
  /** Optional claim with street ids of the jurisdiction. */
  streetsClaim?: string;
}

export function externalPrincipal(mapping: ExternalIssuerMapping) {
  return (claims: JwtPayload): Principal => {
    if (typeof claims.sub !== "string" || !claims.sub) throw new Error("no subject");
    const raw = claims[mapping.rolesClaim];
    const providerRoles = typeof raw === "string" ? [raw] : strings(raw);
    const roles = [...new Set(providerRoles.flatMap((role) => mapping.roleMap[role] ?? []))];
    if (roles.length === 0) throw new Error("no mapped role");
    const streets = mapping.streetsClaim ? strings(claims[mapping.streetsClaim]) : [];
    return {
      kind: mapping.kind,
      id: `ext:${mapping.departmentId}:${claims.sub}`,
      roles,
      scopes: [...mapping.scopes],
      departmentId: mapping.departmentId,
      streetIds: streets.filter((s) => /^street-[a-z]+$/.test(s)),
      residentId: null,
      sessionId: null,
      issuer: mapping.issuer,
    };
  };
}
