/**
 * Access tokens: what they say about their subject (the claims the gateway turns into a `Principal`) and how they are
 * signed. The claim set is a contract with the gateway (docs/identity.md):
 * `iss aud sub kind roles scopes dept streets rid ent sid iat nbf exp jti`, ES256 with the active key's `kid` in the header.
 */
import { randomUUID } from "node:crypto";
import type { DistrictKind } from "../../lib/contracts/principal.ts";
import type { IntegratorApp, OfficerMembership, Person, PersonKind, Role } from "./generated/prisma/client.ts";
import { signJwt } from "./jwt.ts";
import type { IdentityPrisma } from "./loaders.ts";
import { ACCESS_TOKEN_AUDIENCE, type ResolvedIdentityOptions } from "./options.ts";
import type { SigningKeyStore } from "./signingKeys.ts";

/** The kinds a district token may name (the gateway accepts exactly these: lib/contracts/principal.ts). */
export type TokenKind = DistrictKind;

/** Who a token is about: everything but the session and the times. */
export interface TokenSubject {
  sub: string;
  kind: TokenKind;
  roles: string[];
  scopes: string[];
  dept: string | null;
  streets: string[];
  rid: string | null;
  /** The enterprise an enterprise user (法人) acts for; null for everyone else. */
  ent: string | null;
}

export interface AccessTokenClaims extends TokenSubject {
  iss: string;
  aud: string;
  sid: string;
  iat: number;
  nbf: number;
  exp: number;
  jti: string;
}

const KIND_CLAIM: Record<PersonKind, TokenKind> = {
  RESIDENT: "resident",
  OFFICER: "officer",
  SECURITY_ADMIN: "security_admin",
  AUDITOR: "auditor",
  ENTERPRISE: "enterprise",
};

/** A person with what their token needs, as one `findUnique` with `include` loads it. */
export type PersonWithGrants = Person & {
  roles: Array<{ role: Role }>;
  membership: OfficerMembership | null;
  resident: { id: string } | null;
};

export const PERSON_GRANTS = {
  roles: { include: { role: true } },
  membership: true,
  resident: { select: { id: true } },
} as const;

/** Every scope the person holds: their roles' and their department membership's. */
export function scopesOf(person: PersonWithGrants): string[] {
  const scopes = new Set<string>();
  for (const { role } of person.roles) for (const scope of role.scopes) scopes.add(scope);
  for (const scope of person.membership?.scopes ?? []) scopes.add(scope);
  return [...scopes].sort();
}

export function personSubject(person: PersonWithGrants, scopes: string[]): TokenSubject {
  return {
    sub: person.id,
    kind: KIND_CLAIM[person.kind],
    roles: person.roles.map(({ role }) => role.name).sort(),
    scopes,
    dept: person.membership?.departmentId ?? null,
    streets: person.membership?.streetIds ?? [],
    rid: person.resident?.id ?? null,
    ent: person.kind === "ENTERPRISE" ? person.enterpriseId : null,
  };
}

export function appSubject(app: IntegratorApp, scopes: string[]): TokenSubject {
  return {
    sub: app.id,
    kind: "app",
    roles: ["integrator"],
    scopes,
    dept: app.ownerDepartmentId,
    streets: [],
    rid: null,
    ent: null,
  };
}

export class AccessTokenIssuer {
  constructor(
    private readonly options: ResolvedIdentityOptions,
    private readonly keys: SigningKeyStore,
  ) {}

  async issue(prisma: IdentityPrisma, subject: TokenSubject, sid: string, now: Date) {
    const key = await this.keys.active(prisma);
    const iat = Math.floor(now.getTime() / 1000);
    const claims: AccessTokenClaims = {
      iss: this.options.issuer,
      aud: ACCESS_TOKEN_AUDIENCE,
      ...subject,
      sid,
      iat,
      nbf: iat,
      exp: iat + this.options.accessTokenTtlSeconds,
      jti: randomUUID(),
    };
    return {
      token: signJwt({ ...claims }, key.kid, key.privateKey),
      kid: key.kid,
      expiresIn: this.options.accessTokenTtlSeconds,
    };
  }
}
