/**
 * GraphQL of the integrator-app lifecycle (接入管理): requests by departments, decisions by security admins, secret
 * rotation, expiry, trusted documents, and each app's history. The rules are in appLifecycle.ts and
 * trustedDocuments.ts (operations are registered through the schema registry, ./routes.ts); roles are checked here (and by the shield), per-app ownership there.
 */
import type { Principal } from "../../../lib/principal.ts";
import type { IntegratorApp } from "../generated/prisma/client.ts";
import type { IdentityContext } from "../loaders.ts";
import type { ResolvedIdentityOptions } from "../options.ts";
import { ADMIN, ADMIN_OR_AUDITOR, requireRole } from "../resolvers.ts";
import { AppLifecycle, type RequestIntegratorAppInput } from "./appLifecycle.ts";
import { TrustedDocuments } from "./trustedDocuments.ts";

const OFFICER_OR_ADMIN = ["officer", "security_admin"];

type Args<T> = T;

export function appLifecycleResolvers(options: ResolvedIdentityOptions) {
  const lifecycle = (prisma: IdentityContext["prisma"]) => new AppLifecycle(prisma, options);
  const adminAction =
    <A>(action: string, run: (apps: AppLifecycle, args: A, principal: Principal) => Promise<unknown>) =>
    (_: unknown, args: A, { prisma, principal }: IdentityContext) => {
      requireRole(principal, ADMIN, action);
      return run(lifecycle(prisma), args, principal);
    };

  return {
    Query: {
      integratorApp: (_: unknown, { id }: { id: string }, { prisma, principal }: IdentityContext) => {
        requireRole(principal, ADMIN_OR_AUDITOR, "Reading an integrator application");
        return prisma.integratorApp.findUnique({ where: { id } });
      },
    },
    Mutation: {
      requestIntegratorApp: async (
        _: unknown,
        { input }: Args<{ input: RequestIntegratorAppInput }>,
        { prisma, principal }: IdentityContext,
      ) => {
        requireRole(principal, OFFICER_OR_ADMIN, "requestIntegratorApp");
        const { app, clientSecret } = await lifecycle(prisma).request(input, principal);
        return { ...app, clientSecret, previousSecretValidUntil: null };
      },
      approveIntegratorApp: adminAction(
        "approveIntegratorApp",
        (apps, { id, scopes, reason }: { id: string; scopes?: string[] | null; reason: string }, principal) =>
          apps.approve(id, scopes, reason, principal),
      ),
      rejectIntegratorApp: adminAction("rejectIntegratorApp", (apps, a: { id: string; reason: string }, principal) =>
        apps.reject(a.id, a.reason, principal),
      ),
      disableIntegratorApp: adminAction("disableIntegratorApp", (apps, a: { id: string; reason: string }, principal) =>
        apps.disable(a.id, a.reason, principal),
      ),
      enableIntegratorApp: adminAction("enableIntegratorApp", (apps, a: { id: string; reason: string }, principal) =>
        apps.enable(a.id, a.reason, principal),
      ),
      setIntegratorAppExpiry: adminAction(
        "setIntegratorAppExpiry",
        (apps, a: { id: string; expiresAt?: Date | null; reason: string }, principal) =>
          apps.setExpiry(a.id, a.expiresAt ?? null, a.reason, principal),
      ),
      setIntegratorAppTrustedDocuments: adminAction(
        "setIntegratorAppTrustedDocuments",
        (apps, a: { id: string; only: boolean; reason: string }, principal) =>
          apps.setTrustedDocumentsOnly(a.id, a.only, a.reason, principal),
      ),
      rotateAppSecret: async (
        _: unknown,
        { id, overlapSeconds }: { id: string; overlapSeconds?: number | null },
        { prisma, principal }: IdentityContext,
      ) => {
        requireRole(principal, OFFICER_OR_ADMIN, "rotateAppSecret");
        const { app, clientSecret, previousSecretValidUntil } = await lifecycle(prisma).rotateSecret(
          id,
          overlapSeconds,
          principal,
        );
        return { ...app, clientSecret, previousSecretValidUntil };
      },
    },
    IntegratorApp: {
      previousSecretValidUntil: (app: IntegratorApp) =>
        app.previousSecretUntil && app.previousSecretUntil > options.now() ? app.previousSecretUntil : null,
      trustedDocuments: (app: IntegratorApp, _: unknown, { prisma }: IdentityContext) =>
        new TrustedDocuments(prisma, options).list(app.id),
      history: (app: IntegratorApp, _: unknown, { prisma }: IdentityContext) =>
        prisma.integratorAppEvent.findMany({ where: { appId: app.id }, orderBy: { id: "asc" } }),
    },
    IntegratorAppEvent: {
      id: (event: { id: number }) => String(event.id),
      detail: (event: { detail: unknown }) => (event.detail === null ? null : JSON.stringify(event.detail)),
    },
  };
}
