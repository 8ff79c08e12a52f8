/**
 * Sessions (refresh chains, `sid`) and their revocation. Revoking a session marks every refresh token of the chain
 * revoked and records the sid in RevokedSession until its last access token has expired; the gateway polls
 * /oauth/revoked-sessions and refuses access tokens of those sids in the meantime.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Prisma } from "./generated/prisma/client.ts";
import type { IdentityPrisma } from "./loaders.ts";

/** The client or a transaction, so revocation can join a larger change (disabling a person). */
export type IdentityDb = IdentityPrisma | Prisma.TransactionClient;

export function newSessionId(): string {
  return `sid-${randomBytes(16).toString("base64url")}`;
}

/** An opaque refresh token: 32 random bytes, base64url. Only its SHA-256 is stored. */
export function newRefreshToken(): string {
  return randomBytes(32).toString("base64url");
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export type RevocationReason =
  | "logout"
  | "refresh-token-reuse"
  | "person-disabled"
  | "credentials-reset"
  | "access-token-revoked"
  | "password-changed";

/**
 * Revokes one session: records the sid (until its access tokens have expired; a second revocation only extends that)
 * and revokes every refresh token of the chain.
 */
export async function revokeSession(
  db: IdentityDb,
  sid: string,
  reason: RevocationReason,
  now: Date,
  accessTokenTtlSeconds: number,
): Promise<void> {
  const until = new Date(now.getTime() + accessTokenTtlSeconds * 1000);
  await db.$executeRaw`
    INSERT INTO "RevokedSession" ("sid", "revokedAt", "until", "reason") VALUES (${sid}, ${now}, ${until}, ${reason})
    ON CONFLICT ("sid") DO UPDATE SET "until" = GREATEST("RevokedSession"."until", EXCLUDED."until")`;
  await db.refreshToken.updateMany({ where: { sid, revokedAt: null }, data: { revokedAt: now } });
}

/**
 * Revokes every session of a person that may still hold a live token: a refresh token that is neither revoked nor
 * expired, or an access token issued within the last access-token lifetime.
 */
export async function revokePersonSessions(
  db: IdentityDb,
  personId: string,
  reason: RevocationReason,
  now: Date,
  accessTokenTtlSeconds: number,
  /** A session to keep (the caller's own, when they change their password). */
  exceptSid: string | null = null,
): Promise<string[]> {
  const liveSince = new Date(now.getTime() - accessTokenTtlSeconds * 1000);
  const tokens = await db.refreshToken.findMany({
    where: {
      personId,
      OR: [{ revokedAt: null, expiresAt: { gt: now } }, { issuedAt: { gt: liveSince } }],
    },
    select: { sid: true },
    distinct: ["sid"],
  });
  const sids = tokens
    .map((token) => token.sid)
    .filter((sid) => sid !== exceptSid)
    .sort();
  for (const sid of sids) await revokeSession(db, sid, reason, now, accessTokenTtlSeconds);
  return [...sids, ...(await revokePersonSingleSignOn(db, personId, reason, now, accessTokenTtlSeconds, exceptSid))];
}

/**
 * Ends a person's single sign-on (oidc/): every grant of theirs with the codes and tokens issued under it, and their
 * provider sessions (the browser must log in again); each grant's sid (`oidc-<grant id>`) is published like any
 * revoked session, so the gateway refuses the graph tokens already issued.
 */
async function revokePersonSingleSignOn(
  db: IdentityDb,
  personId: string,
  reason: RevocationReason,
  now: Date,
  accessTokenTtlSeconds: number,
  exceptSid: string | null,
): Promise<string[]> {
  const ofPerson = { payload: { path: ["accountId"], equals: personId } };
  const grants = await db.oidcPayload.findMany({ where: { model: "Grant", ...ofPerson }, select: { id: true } });
  const sids: string[] = [];
  for (const { id } of grants) {
    const sid = `oidc-${id}`;
    if (sid === exceptSid) continue;
    await db.oidcPayload.deleteMany({ where: { OR: [{ grantId: id }, { model: "Grant", id }] } });
    await revokeSession(db, sid, reason, now, accessTokenTtlSeconds);
    sids.push(sid);
  }
  await db.oidcPayload.deleteMany({ where: { model: "Session", ...ofPerson } });
  return sids.sort();
}
