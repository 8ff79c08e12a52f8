/**
 * GET /access/trusted-documents — every integrator app in trusted-documents mode with the operations it may run (by
 * SHA-256) — for the gateway only, polled like the access policies: a signed envelope bound to this GET, used once,
 * whose system principal holds `identity:policies:read` (trusted documents are part of the access rules the
 * gateway enforces). `?since=<revision>` answers 304 when no app changed since.
 */
import type { Route } from "../../../lib/http/graphqlHttp.ts";
import { SYSTEM_SCOPES } from "../../../lib/wire.ts";
import type { RouteDependencies } from "../../kit/module.ts";
import { polledSetRoute } from "../access/routes.ts";
import type { IdentityPrisma } from "../loaders.ts";
import { revisionOfApps, trustedDocumentSet } from "./trustedDocuments.ts";

export const TRUSTED_DOCUMENTS_PATH = "/access/trusted-documents";

export function trustedDocumentRoutes({ prisma, envelopes }: RouteDependencies<IdentityPrisma>): Record<string, Route> {
  return {
    [TRUSTED_DOCUMENTS_PATH]: polledSetRoute(envelopes)("trusted documents", SYSTEM_SCOPES.policiesRead, {
      revision: () => revisionOfApps(prisma),
      activeSet: () => trustedDocumentSet(prisma),
    }),
  };
}
