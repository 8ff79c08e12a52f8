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
import { type ErrorCode, errorBody } from "../../../lib/errors.ts";
import {
  answerThenClose,
  BodyTooLargeError,
  bodyStillArriving,
  type Route,
  readBody,
  sendJson,
} from "../../../lib/http/graphqlHttp.ts";
import { SYSTEM_SCOPES } from "../../../lib/wire.ts";
import type { RouteDependencies } from "../../kit/module.ts";
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

class UsageProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

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

  const ingest: Route = async (req, res) => {
    try {
      if (req.method !== "POST") {
        res.setHeader("allow", "POST");
        throw new UsageProblem(405, "METHOD_NOT_ALLOWED", "Send usage records with POST.");
      }
      if (!envelopes.present(req)) {
        throw new UsageProblem(401, "ENVELOPE_INVALID", "Only the gateway may write usage records; sign the request.");
      }
      const contentType = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
      if (contentType !== "application/json") {
        throw new UsageProblem(415, "UNSUPPORTED_MEDIA_TYPE", "Send the batch as application/json.");
      }
      const raw = await readBody(req, MAX_USAGE_BYTES).catch((error: unknown) => {
        if (error instanceof BodyTooLargeError) {
          throw new UsageProblem(413, "PAYLOAD_TOO_LARGE", `The batch is larger than ${MAX_USAGE_BYTES} bytes.`);
        }
        throw error;
      });
      const decision = await envelopes.check(req, raw, { scope: SYSTEM_SCOPES.usageWrite, what: "usage ingest" });
      if (!decision.ok) throw new UsageProblem(decision.status, decision.code, decision.message);
      let body: unknown;
      try {
        body = JSON.parse(raw.toString("utf8"));
      } catch {
        throw new UsageProblem(400, "INVALID_JSON", "The batch is not valid JSON.");
      }
      const parsed = usageBatchSchema.safeParse(body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new UsageProblem(
          400,
          "BAD_USER_INPUT",
          `The batch is not valid at ${issue?.path.join(".") || "(body)"}: ${issue?.message ?? "unknown problem"}; nothing was added.`,
        );
      }
      const outside = usageOutOfWindow(parsed.data, now());
      if (outside >= 0) {
        throw new UsageProblem(
          400,
          "BAD_USER_INPUT",
          `The batch is not valid at rows.${outside}.minute: usage is kept for ${USAGE_RETENTION_DAYS} days and may not be more than an hour ahead; nothing was added.`,
        );
      }
      const result = await addUsage(db, parsed.data, now());
      log.debug({ rows: parsed.data.rows.length, added: result.added }, "usage added");
      res.setHeader("cache-control", "no-store");
      sendJson(res, 200, result);
      maybePrune();
    } catch (error) {
      if (!(error instanceof UsageProblem)) throw error;
      if (bodyStillArriving(req)) {
        answerThenClose(req, res, error.status, errorBody(error.code, error.message));
        return;
      }
      req.resume();
      res.statusCode = error.status;
      res.setHeader("content-type", "application/json; charset=utf-8");
      res.end(errorBody(error.code, error.message));
    }
  };

  return {
    [RATE_LIMITS_PATH]: polledSetRoute(envelopes)(
      "rate limits",
      SYSTEM_SCOPES.rateLimitsRead,
      new RateLimitStore(prisma),
    ),
    [USAGE_PATH]: ingest,
  };
}
