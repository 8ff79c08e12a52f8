/**
 * GET /access/policies — the active access policies — and GET /access/purposes — the active purpose registry — for
 * the gateway only (signed envelope), polled every second by every gateway replica. `?since=<revision>` answers 304
 * when nothing changed since that revision.
 */
import { errorBody } from "../../../lib/errors.ts";
import { type Route, sendJson } from "../../../lib/http/graphqlHttp.ts";
import { ENVELOPE_HEADER } from "../../../lib/wire.ts";
import type { RouteDependencies } from "../../kit/module.ts";
import type { IdentityPrisma } from "../loaders.ts";
import { PolicyStore } from "./policyStore.ts";
import { PurposeStore } from "./purposeStore.ts";

export function accessPolicyRoutes({
  prisma,
  verifyEnvelope,
  log,
}: RouteDependencies<IdentityPrisma>): Record<string, Route> {
  /** A signed, polled set: 304 when the caller's `?since=` revision is still the current one. */
  const polledSet =
    (what: string, store: { revision(): Promise<number>; activeSet(): Promise<{ revision: number }> }): Route =>
    async (req, res) => {
      req.resume();
      const verified = verifyEnvelope(req.headers[ENVELOPE_HEADER]);
      if (!verified.ok) {
        log.warn({ reason: verified.reason }, `${what} request without a valid gateway envelope refused`);
        res.statusCode = 401;
        res.setHeader("content-type", "application/json; charset=utf-8");
        res.end(errorBody("ENVELOPE_INVALID", `Only the gateway may read the ${what}; send a signed request.`));
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
  return {
    "/access/policies": polledSet("access policies", new PolicyStore(prisma)),
    "/access/purposes": polledSet("purpose registry", new PurposeStore(prisma)),
  };
}
