/**
 * GET /access/policies — the active access policies — and GET /access/purposes — the active purpose registry — for
 * the gateway only (a signed envelope bound to this GET, used once, whose system principal holds the poll's scope:
 * `identity:policies:read` or `identity:purposes:read`), polled every second by every gateway replica. `?since=<revision>` answers 304
 * when nothing changed since that revision.
 */
import { errorBody } from "../../../lib/errors.ts";
import { type Route, sendJson } from "../../../lib/http/graphqlHttp.ts";
import { SYSTEM_SCOPES, type SystemScope } from "../../../lib/wire.ts";
import type { RouteDependencies } from "../../kit/module.ts";
import type { IdentityPrisma } from "../loaders.ts";
import { PolicyStore } from "./policyStore.ts";
import { PurposeStore } from "./purposeStore.ts";

export function accessPolicyRoutes({ prisma, envelopes }: RouteDependencies<IdentityPrisma>): Record<string, Route> {
  const polledSet = polledSetRoute(envelopes);
  return {
    "/access/policies": polledSet("access policies", SYSTEM_SCOPES.policiesRead, new PolicyStore(prisma)),
    "/access/purposes": polledSet("purpose registry", SYSTEM_SCOPES.purposesRead, new PurposeStore(prisma)),
  };
}

/**
 * A signed, polled set for the gateway (policies, purposes, rate limits): 304 when the caller's `?since=` revision is
 * still the current one.
 */
export function polledSetRoute(envelopes: RouteDependencies<IdentityPrisma>["envelopes"]) {
  return (
    what: string,
    scope: SystemScope,
    store: { revision(): Promise<number>; activeSet(): Promise<{ revision: number }> },
  ): Route =>
    async (req, res) => {
      req.resume();
      const decision = await envelopes.check(req, null, { scope, what: `the ${what}` });
      if (!decision.ok) {
        res.statusCode = decision.status;
        res.setHeader("content-type", "application/json; charset=utf-8");
        res.end(errorBody(decision.code, decision.message));
        return;
      }
      res.setHeader("cache-control", "no-store");
      const since = Number(new URL(req.url ?? "/", "http://identity").searchParams.get("since"));
      if (Number.isInteger(since) && since > 0 && (await store.revision()) === since) {
        res.statusCode = 304;
        res.end();
        return;
      }
      sendJson(res, 200, await store.activeSet());
    };
}
