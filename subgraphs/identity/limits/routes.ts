/**
 * The gateway's two routes for resource management (资源管理) at the identity service:
 *
 * - GET /access/rate-limits — the rate-limit rules security admins manage, polled by every gateway replica like the
 *   access policies (signed, scope `identity:rate-limits:read`, `?since=<revision>` answers 304 when unchanged);
 * - POST /usage/records — the gateways' per-minute usage aggregates (signed over the exact body bytes, used once,
 *   scope `identity:usage:write`); a batch is validated whole and added in one transaction.
 *
 * Usage rows hold app and department ids and counts only: nothing personal, nothing logged beyond counts.
 */
import { type Route, sendJson } from "../../../lib/http/graphqlHttp.ts";
import { SYSTEM_SCOPES } from "../../../lib/wire.ts";
import type { RouteDependencies } from "../../kit/module.ts";
import { RouteRefusal, signedRoute } from "../../kit/signedRoute.ts";
import { polledSetRoute } from "../access/routes.ts";
import type { IdentityPrisma } from "../loaders.ts";
import { RateLimitStore } from "./rateLimitStore.ts";
import { addUsage, pruneUsage, USAGE_RETENTION_DAYS, usageBatchSchema, usageOutOfWindow } from "./usageStore.ts";

export const RATE_LIMITS_PATH = "/access/rate-limits";
export const USAGE_PATH = "/usage/records";
/** A batch of the largest size is about 1 MB of JSON. */
const MAX_USAGE_BYTES = 2 * 1024 * 1024;
/** Pruning runs after an ingest, at most this often per process (no timer outlives `stop()`). */
const PRUNE_INTERVAL_MS = 3_600_000;

export function resourceRoutes(
  { prisma, db, log, envelopes }: RouteDependencies<IdentityPrisma>,
  { now }: { now: () => Date },
): Record<string, Route> {
  let lastPrune = Number.NEGATIVE_INFINITY;
  let pruning = false;
  const maybePrune = () => {
    const at = now();
    if (pruning || at.getTime() - lastPrune < PRUNE_INTERVAL_MS) return;
    pruning = true;
    lastPrune = at.getTime();
    pruneUsage(db, at)
      .then((pruned) => {
        if (pruned.minutes > 0) log.info(pruned, "usage past retention pruned");
      })
      .catch((error: unknown) => log.error({ err: error }, "usage pruning failed"))
      .finally(() => {
        pruning = false;
      });
  };

  const ingest = signedRoute(
    envelopes,
    { method: "POST", scope: SYSTEM_SCOPES.usageWrite, what: "usage ingest", maxBodyBytes: MAX_USAGE_BYTES },
    async ({ res, body }) => {
      const parsed = usageBatchSchema.safeParse(body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new RouteRefusal(
          "BAD_USER_INPUT",
          `The batch is not valid at ${issue?.path.join(".") || "(body)"}: ${issue?.message ?? "unknown problem"}; nothing was added.`,
          400,
        );
      }
      const outside = usageOutOfWindow(parsed.data, now());
      if (outside >= 0) {
        throw new RouteRefusal(
          "BAD_USER_INPUT",
          `The batch is not valid at rows.${outside}.minute: usage is kept for ${USAGE_RETENTION_DAYS} days and may not be more than an hour ahead; nothing was added.`,
          400,
        );
      }
      const result = await addUsage(db, parsed.data, now());
      log.debug({ rows: parsed.data.rows.length, added: result.added }, "usage added");
      res.setHeader("cache-control", "no-store");
      sendJson(res, 200, result);
      maybePrune();
    },
  );

  return {
    [RATE_LIMITS_PATH]: polledSetRoute(envelopes)(
      "rate limits",
      SYSTEM_SCOPES.rateLimitsRead,
      new RateLimitStore(prisma),
    ),
    [USAGE_PATH]: ingest,
  };
}
