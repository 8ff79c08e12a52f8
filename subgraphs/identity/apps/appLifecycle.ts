/**
 * The lifecycle of integrator applications (接入应用, 接入管理):
 *
 * ```
 * requestIntegratorApp (officer of the department) ──> PENDING ──approve (security admin)──> ACTIVE ⇄ DISABLED
 *                                                         └──reject──> REJECTED (final)
 * registerIntegratorApp (security admin) ─────────────────────────────> ACTIVE
 * ```
 *
 * Only an ACTIVE app that has not reached its `expiresAt` gets tokens. Disabling or expiry also ends the tokens it
 * already holds: the identity service lists the app on `/oauth/revoked-sessions` and every gateway refuses its tokens
 * issued up to that moment within one poll. `rotateAppSecret` issues a new secret (shown once, only its hash stored);
 * the old one keeps working for an overlap window. Every change writes an `IntegratorAppEvent` (who, when, why).
 * Transitions are conditional updates, so two admins racing settle on one outcome and the other gets
 * INVALID_STATE_TRANSITION naming the status.
 */
import { isUniqueViolation } from "../../../lib/db/errors.ts";
import { codedError } from "../../../lib/errors.ts";
import type { Principal } from "../../../lib/principal.ts";
import type { IntegratorApp, IntegratorAppStatus, Prisma } from "../generated/prisma/client.ts";
import type { IdentityPrisma } from "../loaders.ts";
import { MAX_APP_SECRET_OVERLAP_SECONDS, type ResolvedIdentityOptions } from "../options.ts";
import { clientSecret, hashSecret } from "../passwords.ts";
import { appScopesGrantableBy } from "../roles.ts";

const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 15_000 } as const;
const APP_KEY = /^[a-z][a-z0-9-]{2,40}$/;
const DEPARTMENT_ID = /^dept-[a-z0-9-]{2,60}$/;

export type AppEventKind =
  | "REGISTERED"
  | "REQUESTED"
  | "APPROVED"
  | "REJECTED"
  | "DISABLED"
  | "ENABLED"
  | "SECRET_ROTATED"
  | "EXPIRY_SET"
  | "TRUSTED_MODE_SET"
  | "DOCUMENTS_REGISTERED";

type Db = IdentityPrisma | Prisma.TransactionClient;

export interface RequestIntegratorAppInput {
  key: string;
  name: string;
  departmentId: string;
  requestedScopes: string[];
  expiresAt?: Date | null;
}

/** Records one lifecycle change; its id is also the revision of the trusted-documents set. */
export async function recordAppEvent(
  db: Db,
  appId: string,
  kind: AppEventKind,
  actor: Principal | string,
  at: Date,
  reason: string | null = null,
  detail: Prisma.InputJsonValue | null = null,
) {
  await db.integratorAppEvent.create({
    data: {
      appId,
      kind,
      actorId: typeof actor === "string" ? actor : (actor.id ?? "unknown"),
      reason,
      detail: detail ?? undefined,
      at,
    },
  });
}

function badInput(argument: string, message: string) {
  return codedError("BAD_USER_INPUT", message, { argument });
}

function forbidden(message: string) {
  return codedError("FORBIDDEN", message);
}

function checkReason(reason: string | null | undefined): string {
  const text = (reason ?? "").trim();
  if (text.length < 3 || text.length > 500) {
    throw badInput("reason", "Say why in `reason` (3–500 characters): it goes into the app's history.");
  }
  return text;
}

const isAdmin = (principal: Principal) => principal.roles.includes("security_admin");

/** A security admin, or an officer of the app's own department (rotating its secret, registering its operations). */
export function mayManageApp(principal: Principal, app: IntegratorApp): boolean {
  if (isAdmin(principal)) return true;
  return principal.roles.includes("officer") && principal.departmentId === app.ownerDepartmentId;
}

export class AppLifecycle {
  constructor(
    private readonly prisma: IdentityPrisma,
    private readonly options: ResolvedIdentityOptions,
  ) {}

  async find(id: string): Promise<IntegratorApp> {
    const app = await this.prisma.integratorApp.findUnique({ where: { id } });
    if (!app) {
      throw codedError("NOT_FOUND_ENTITY", `There is no application "${id.slice(0, 64)}"; see integratorApps.`, {
        argument: "id",
      });
    }
    return app;
  }

  /** An officer asks for an application of their own department (a security admin may ask for any department). */
  async request(input: RequestIntegratorAppInput, actor: Principal) {
    const departmentId = input.departmentId.trim();
    if (!isAdmin(actor) && !(actor.roles.includes("officer") && actor.departmentId === departmentId)) {
      throw forbidden(
        `Only an officer of ${departmentId.slice(0, 60)} (or a security_admin) may request an application for it.`,
      );
    }
    const key = input.key.trim();
    if (!APP_KEY.test(key)) {
      throw badInput(
        "input.key",
        `Key "${key.slice(0, 40)}" is not allowed: use 3–41 lower-case letters, digits or "-".`,
      );
    }
    const name = input.name.trim();
    if (name.length === 0 || name.length > 80) {
      throw badInput("input.name", `input.name must have 1 to 80 characters; it has ${name.length}.`);
    }
    if (!DEPARTMENT_ID.test(departmentId)) {
      throw badInput(
        "input.departmentId",
        `"${departmentId.slice(0, 40)}" is not a department id such as dept-transport.`,
      );
    }
    const grantable: string[] = appScopesGrantableBy(departmentId);
    const requestedScopes = [...new Set(input.requestedScopes)].sort();
    const refused = requestedScopes.filter((scope) => !grantable.includes(scope));
    if (requestedScopes.length === 0 || refused.length > 0) {
      throw badInput(
        "input.requestedScopes",
        `${refused.length > 0 ? `Scope "${refused[0]?.slice(0, 40)}" cannot be granted by ${departmentId}. ` : "Ask for at least one scope. "}Its applications may hold: ${grantable.join(", ")}.`,
      );
    }
    const now = this.options.now();
    if (input.expiresAt && input.expiresAt <= now) {
      throw badInput("input.expiresAt", "expiresAt must be in the future (or left out: no expiry).");
    }
    const secret = clientSecret();
    const clientSecretHash = await hashSecret(secret);
    const id = `app-${key}`;
    try {
      const app = await this.prisma.$transaction(async (tx) => {
        const created = await tx.integratorApp.create({
          data: {
            id,
            name,
            clientId: id,
            clientSecretHash,
            allowedScopes: [],
            requestedScopes,
            requestedById: actor.id,
            ownerDepartmentId: departmentId,
            status: "PENDING",
            expiresAt: input.expiresAt ?? null,
            createdAt: now,
          },
        });
        await recordAppEvent(tx, id, "REQUESTED", actor, now, null, { requestedScopes });
        return created;
      }, TRANSACTION_OPTIONS);
      return { app, clientId: app.clientId, clientSecret: secret };
    } catch (error) {
      if (isUniqueViolation(error))
        throw badInput("input.key", `Application "${id}" exists already; choose another key.`);
      throw error;
    }
  }

  /** PENDING → ACTIVE with the approved scopes (the requested ones, or fewer). */
  async approve(id: string, scopes: string[] | null | undefined, reason: string, actor: Principal) {
    const why = checkReason(reason);
    const app = await this.find(id);
    const approved = scopes ? [...new Set(scopes)].sort() : app.requestedScopes;
    const beyond = approved.filter((scope) => !app.requestedScopes.includes(scope));
    if (approved.length === 0 || beyond.length > 0) {
      throw badInput(
        "scopes",
        `${beyond.length > 0 ? `Scope "${beyond[0]?.slice(0, 40)}" was not requested. ` : "Approve at least one scope. "}Approve some of: ${app.requestedScopes.join(", ")}.`,
      );
    }
    return this.transition(
      id,
      "PENDING",
      "APPROVED",
      actor,
      why,
      { status: "ACTIVE", allowedScopes: approved },
      {
        scopes: approved,
      },
    );
  }

  /** PENDING → REJECTED (final). */
  reject(id: string, reason: string, actor: Principal) {
    return this.transition(id, "PENDING", "REJECTED", actor, checkReason(reason), { status: "REJECTED" });
  }

  /** ACTIVE → DISABLED: no new tokens, and the gateway refuses the ones issued so far within one poll. */
  disable(id: string, reason: string, actor: Principal) {
    const now = this.options.now();
    return this.transition(id, "ACTIVE", "DISABLED", actor, checkReason(reason), {
      status: "DISABLED",
      disabledAt: now,
    });
  }

  /** DISABLED → ACTIVE: new tokens again; those issued before the disabling stay refused until they expire. */
  enable(id: string, reason: string, actor: Principal) {
    return this.transition(id, "DISABLED", "ENABLED", actor, checkReason(reason), { status: "ACTIVE" });
  }

  /** Sets (or clears, with null) when the app stops getting tokens; a time already past expires it now. */
  async setExpiry(id: string, requested: Date | null, reason: string, actor: Principal) {
    const why = checkReason(reason);
    const now = this.options.now();
    // "Already past" means now: tokens issued between that time and this change must be refused as well.
    const expiresAt = requested && requested < now ? now : requested;
    return this.prisma.$transaction(async (tx) => {
      const changed = await tx.integratorApp.updateMany({
        where: { id, status: { not: "REJECTED" } },
        data: { expiresAt },
      });
      if (changed.count !== 1) await this.refuse(tx, id, "given an expiry", ["PENDING", "ACTIVE", "DISABLED"]);
      await recordAppEvent(tx, id, "EXPIRY_SET", actor, now, why, { expiresAt: expiresAt?.toISOString() ?? null });
      return tx.integratorApp.findUniqueOrThrow({ where: { id } });
    }, TRANSACTION_OPTIONS);
  }

  /** Trusted-documents mode on or off: on, the app's tokens run only its registered operations (at every gateway). */
  async setTrustedDocumentsOnly(id: string, only: boolean, reason: string, actor: Principal) {
    const why = checkReason(reason);
    const now = this.options.now();
    return this.prisma.$transaction(async (tx) => {
      const changed = await tx.integratorApp.updateMany({
        where: { id, status: { not: "REJECTED" } },
        data: { trustedDocumentsOnly: only },
      });
      if (changed.count !== 1)
        await this.refuse(tx, id, "switched to or from trusted documents", ["PENDING", "ACTIVE", "DISABLED"]);
      await recordAppEvent(tx, id, "TRUSTED_MODE_SET", actor, now, why, { trustedDocumentsOnly: only });
      return tx.integratorApp.findUniqueOrThrow({ where: { id } });
    }, TRANSACTION_OPTIONS);
  }

  /**
   * A new client secret, shown once; the current one keeps working for `overlapSeconds` (default: the service's
   * option), so the app's deployments can switch without a gap. A second rotation inside the window ends the oldest
   * secret at once: at most two secrets work at any time.
   */
  async rotateSecret(id: string, overlapSeconds: number | null | undefined, actor: Principal) {
    const app = await this.find(id);
    if (!mayManageApp(actor, app)) {
      throw forbidden(
        `Only a security_admin or an officer of ${app.ownerDepartmentId} may rotate this application's secret.`,
      );
    }
    const overlap = overlapSeconds ?? this.options.appSecretOverlapSeconds;
    if (!Number.isInteger(overlap) || overlap < 0 || overlap > MAX_APP_SECRET_OVERLAP_SECONDS) {
      throw badInput(
        "overlapSeconds",
        `overlapSeconds must be a whole number from 0 to ${MAX_APP_SECRET_OVERLAP_SECONDS}.`,
      );
    }
    const secret = clientSecret();
    const clientSecretHash = await hashSecret(secret);
    const now = this.options.now();
    const previousSecretUntil = new Date(now.getTime() + overlap * 1000);
    const rotated = await this.prisma.$transaction(async (tx) => {
      // Conditional on the hash read above: of two racing rotations one wins, the other is told to retry.
      const changed = await tx.integratorApp.updateMany({
        where: { id, clientSecretHash: app.clientSecretHash, status: { in: ["PENDING", "ACTIVE"] } },
        data: { clientSecretHash, previousSecretHash: app.clientSecretHash, previousSecretUntil },
      });
      if (changed.count !== 1) {
        const current = await tx.integratorApp.findUnique({ where: { id } });
        throw codedError(
          "INVALID_STATE_TRANSITION",
          current && current.status !== "PENDING" && current.status !== "ACTIVE"
            ? `Application "${id}" is ${current.status}; only a PENDING or ACTIVE application gets a new secret.`
            : `Application "${id}" had its secret rotated at the same moment; read it again and retry.`,
          { argument: "id" },
        );
      }
      await recordAppEvent(tx, id, "SECRET_ROTATED", actor, now, null, {
        previousSecretUntil: previousSecretUntil.toISOString(),
      });
      return tx.integratorApp.findUniqueOrThrow({ where: { id } });
    }, TRANSACTION_OPTIONS);
    return {
      app: rotated,
      clientId: rotated.clientId,
      clientSecret: secret,
      previousSecretValidUntil: previousSecretUntil,
    };
  }

  private async transition(
    id: string,
    from: IntegratorAppStatus,
    kind: AppEventKind,
    actor: Principal,
    reason: string,
    data: Prisma.IntegratorAppUpdateManyMutationInput,
    detail: Prisma.InputJsonValue | null = null,
  ): Promise<IntegratorApp> {
    const now = this.options.now();
    return this.prisma.$transaction(async (tx) => {
      const changed = await tx.integratorApp.updateMany({ where: { id, status: from }, data });
      if (changed.count !== 1) await this.refuse(tx, id, kind.toLowerCase(), [from]);
      await recordAppEvent(tx, id, kind, actor, now, reason, detail);
      return tx.integratorApp.findUniqueOrThrow({ where: { id } });
    }, TRANSACTION_OPTIONS);
  }

  /** Throws NOT_FOUND_ENTITY, or INVALID_STATE_TRANSITION naming the status and the ones that allow the change. */
  private async refuse(db: Db, id: string, what: string, allowed: IntegratorAppStatus[]): Promise<never> {
    const app = await db.integratorApp.findUnique({ where: { id }, select: { status: true } });
    if (!app) {
      throw codedError("NOT_FOUND_ENTITY", `There is no application "${id.slice(0, 64)}"; see integratorApps.`, {
        argument: "id",
      });
    }
    throw codedError(
      "INVALID_STATE_TRANSITION",
      `Application "${id}" is ${app.status} and cannot be ${what} now; that needs status ${allowed.join(" or ")}.`,
      { argument: "id", status: app.status },
    );
  }
}

/** Whether an app may get a token now: ACTIVE and not past its expiry. */
export function mayGetTokens(app: IntegratorApp, now: Date): boolean {
  return app.status === "ACTIVE" && (app.expiresAt === null || app.expiresAt > now);
}

/**
 * Apps whose tokens the gateway must refuse: disabled or expired, with `issuedBefore` (epoch s: tokens issued at or
 * before it are refused) and `until` (epoch s: the last such token's exp). Listed while `until` + the gateway's clock
 * tolerance (`skew`) is ahead, as revoked sessions are; a re-enabled app stays listed for its tokens from before.
 */
export async function refusedApps(
  prisma: IdentityPrisma,
  now: Date,
  skewSeconds: number,
  accessTokenTtlSeconds: number,
): Promise<Array<{ id: string; issuedBefore: number; until: number }>> {
  const since = new Date(now.getTime() - (accessTokenTtlSeconds + skewSeconds) * 1000);
  const apps = await prisma.integratorApp.findMany({
    where: { OR: [{ disabledAt: { gt: since } }, { expiresAt: { gt: since, lte: now } }] },
    select: { id: true, disabledAt: true, expiresAt: true },
    orderBy: { id: "asc" },
  });
  return apps.map((app) => {
    const ends = [app.disabledAt, app.expiresAt && app.expiresAt <= now ? app.expiresAt : null]
      .filter((at): at is Date => at !== null && at > since)
      .map((at) => at.getTime());
    const last = Math.max(...ends);
    return {
      id: app.id,
      issuedBefore: Math.floor(last / 1000),
      until: Math.ceil(last / 1000) + accessTokenTtlSeconds,
    };
  });
}
