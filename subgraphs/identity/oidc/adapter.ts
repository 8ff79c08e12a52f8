/**
 * oidc-provider's storage in the identity database (table `oidc_payload`, migration 0008_oidc.sql): every model the
 * provider keeps — sessions, interactions, grants, authorization codes, opaque access tokens, refresh tokens — as one
 * row keyed by (model, id), with the secondary keys the provider looks rows up by (`uid` of a session, `userCode`,
 * `grantId`) in columns. Every replica sees the same state; nothing lives only in memory.
 *
 * Expiry is judged on read against the identity service's clock (an expired row is not found), and `sweep` deletes
 * rows expired for a while. A consumed row (a used code or a rotated refresh token) stays, marked, so the provider
 * can detect its reuse and revoke the grant.
 */
import type { Prisma } from "../generated/prisma/client.ts";
import type { IdentityPrisma } from "../loaders.ts";

/** What oidc-provider stores per instance: a JSON object with these optional keys among others. */
type Payload = Record<string, unknown> & { grantId?: string; uid?: string; userCode?: string; consumed?: number };

/** The adapter interface of oidc-provider (`new Adapter(modelName)`). */
export interface OidcAdapter {
  upsert(id: string, payload: Payload, expiresIn: number): Promise<void>;
  find(id: string): Promise<Payload | undefined>;
  findByUserCode(userCode: string): Promise<Payload | undefined>;
  findByUid(uid: string): Promise<Payload | undefined>;
  consume(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
}

/** Models whose rows belong to a grant: revoking the grant deletes them all. */
const GRANTABLE = new Set([
  "AccessToken",
  "AuthorizationCode",
  "RefreshToken",
  "DeviceCode",
  "BackchannelAuthenticationRequest",
]);

export function oidcAdapterClass(prisma: IdentityPrisma, now: () => Date) {
  const live = () => ({ OR: [{ expiresAt: null }, { expiresAt: { gt: now() } }] });
  const payloadOf = (row: { payload: Prisma.JsonValue; consumedAt: Date | null } | null): Payload | undefined => {
    if (!row) return undefined;
    const payload = row.payload as Payload;
    return row.consumedAt ? { ...payload, consumed: Math.floor(row.consumedAt.getTime() / 1000) } : payload;
  };

  return class PrismaOidcAdapter implements OidcAdapter {
    constructor(readonly model: string) {}

    async upsert(id: string, payload: Payload, expiresIn: number): Promise<void> {
      const data = {
        payload: payload as Prisma.InputJsonValue,
        grantId: GRANTABLE.has(this.model) || this.model === "Grant" ? (payload.grantId ?? null) : null,
        uid: payload.uid ?? null,
        userCode: payload.userCode ?? null,
        expiresAt: expiresIn ? new Date(now().getTime() + expiresIn * 1000) : null,
      };
      await prisma.oidcPayload.upsert({
        where: { model_id: { model: this.model, id } },
        create: { model: this.model, id, ...data },
        update: data,
      });
    }

    async find(id: string): Promise<Payload | undefined> {
      return payloadOf(await prisma.oidcPayload.findFirst({ where: { model: this.model, id, ...live() } }));
    }

    async findByUserCode(userCode: string): Promise<Payload | undefined> {
      return payloadOf(await prisma.oidcPayload.findFirst({ where: { model: this.model, userCode, ...live() } }));
    }

    async findByUid(uid: string): Promise<Payload | undefined> {
      return payloadOf(await prisma.oidcPayload.findFirst({ where: { model: this.model, uid, ...live() } }));
    }

    async consume(id: string): Promise<void> {
      await prisma.oidcPayload.updateMany({ where: { model: this.model, id }, data: { consumedAt: now() } });
    }

    async destroy(id: string): Promise<void> {
      await prisma.oidcPayload.deleteMany({ where: { model: this.model, id } });
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await prisma.oidcPayload.deleteMany({ where: { grantId } });
    }
  };
}

/** Deletes rows expired more than `graceSeconds` ago; answers how many. */
export async function sweepExpired(prisma: IdentityPrisma, at: Date, graceSeconds = 3600): Promise<number> {
  const { count } = await prisma.oidcPayload.deleteMany({
    where: { expiresAt: { lt: new Date(at.getTime() - graceSeconds * 1000) } },
  });
  return count;
}
