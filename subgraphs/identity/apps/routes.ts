/**
 * GET /access/trusted-documents — every integrator app in trusted-documents mode with the operations it may run (by
 * SHA-256) — for the gateway only, polled like the access policies: a signed envelope bound to this GET, used once,
 * whose system principal holds `identity:policies:read` (trusted documents are part of the access rules the
 * gateway enforces). `?since=<revision>` answers 304 when no app changed since.
 */
import { errorBody } from "../../../lib/errors.ts";
import { type Route, sendJson } from "../../../lib/http/graphqlHttp.ts";
import { SYSTEM_SCOPES } from "../../../lib/wire.ts";
import type { RouteDependencies } from "../../kit/module.ts";
import type { IdentityPrisma } from "../loaders.ts";
import { revisionOfApps, trustedDocumentSet } from "./trustedDocuments.ts";

export const TRUSTED_DOCUMENTS_PATH = "/access/trusted-documents";

export function trustedDocumentRoutes({ prisma, envelopes }: RouteDependencies<IdentityPrisma>): Record<string, Route> {
  return {
    [TRUSTED_DOCUMENTS_PATH]: async (req, res) => {
      req.resume();
      const decision = await envelopes.check(req, null, {
        scope: SYSTEM_SCOPES.policiesRead,
        what: "the trusted documents",
      });
      if (!decision.ok) {
        res.statusCode = decision.status;
        res.setHeader("content-type", "application/json; charset=utf-8");
        res.end(errorBody(decision.code, decision.message));
        return;
      }
      res.setHeader("cache-control", "no-store");
      const since = Number(new URL(req.url ?? "/", "http://identity").searchParams.get("since"));
      if (Number.isInteger(since) && since > 0 && (await revisionOfApps(prisma)) === since) {
        res.statusCode = 304;
        res.end();
        return;
      }
      sendJson(res, 200, await trustedDocumentSet(prisma));
    },
  };
}
