/**
 * POST /audit/records — the gateway's writer delivers batches of data-access records here (gateway/audit/auditWriter.ts).
 *
 * Only the gateway's audit writer may write: the request must carry an envelope signed by the gateway for this
 * service, bound to this POST and its exact body bytes, used once, for a system principal with scope `audit:write`
 * (subgraphs/kit/signedRoute.ts, subgraphs/kit/envelopeGuard.ts) — the readiness probe's envelope, or any other system
 * caller's, is refused. The body is read raw (bounded), checked against the envelope, and only then parsed. The batch is validated whole (one bad record refuses the batch, naming it) and appended in one
 * transaction; the answer says how many records were appended and how many were already there, so a batch re-sent
 * after a lost answer is harmless. Records and their personal data never reach the log: only counts and reasons.
 */
import type { ServerResponse } from "node:http";
import { auditBatchSchema } from "../../lib/contracts/auditRecord.ts";
import type { Route } from "../../lib/http/graphqlHttp.ts";
import type { Logger } from "../../lib/log.ts";
import { SYSTEM_SCOPES } from "../../lib/wire.ts";
import type { RouteDependencies } from "../kit/module.ts";
import { RouteRefusal, signedRoute } from "../kit/signedRoute.ts";
import { appendRecords } from "./chain.ts";
import type { ResolvedAuditOptions } from "./options.ts";
import { pruneAuditTrail } from "./retention.ts";

export const INGEST_PATH = "/audit/records";

export function createIngestRoutes(
  { db, log, envelopes }: RouteDependencies<unknown>,
  options: ResolvedAuditOptions,
): Record<string, Route> {
  const retention = retentionScheduler(db, log, options);

  const ingest = signedRoute(
    envelopes,
    { method: "POST", scope: SYSTEM_SCOPES.auditWrite, what: "audit ingest", maxBodyBytes: options.maxBatchBytes },
    async ({ res, body }) => {
      const parsed = auditBatchSchema.safeParse(body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue?.path.join(".") || "(body)";
        throw new RouteRefusal(
          "BAD_USER_INPUT",
          `The batch is not valid at ${where}: ${issue?.message ?? "unknown problem"}; nothing was appended.`,
        );
      }
      const result = await appendRecords(db, parsed.data.records);
      log.debug({ appended: result.appended, duplicates: result.duplicates, head: result.head.sequence }, "appended");
      sendJson(res, 200, {
        appended: result.appended,
        duplicates: result.duplicates,
        headSequence: result.head.sequence,
      });
      retention.maybePrune();
    },
  );

  return { [INGEST_PATH]: ingest };
}

/**
 * Prunes at most once per interval, after an ingestion, without timers: a service that receives nothing has nothing
 * new to prune, and no timer outlives `stop()`.
 */
function retentionScheduler(db: RouteDependencies<unknown>["db"], log: Logger, options: ResolvedAuditOptions) {
  let lastRun = Number.NEGATIVE_INFINITY;
  let running = false;
  return {
    maybePrune() {
      const now = options.now();
      if (running || now.getTime() - lastRun < options.pruneIntervalMs) return;
      running = true;
      lastRun = now.getTime();
      pruneAuditTrail(db, { retentionDays: options.retentionDays, now })
        .then((result) => {
          if (result.pruned > 0) {
            log.info(
              { pruned: result.pruned, checkpoint: result.checkpoint?.sequence },
              "audit records past retention pruned",
            );
          }
        })
        .catch((error: unknown) => log.error({ err: error }, "audit retention pruning failed"))
        .finally(() => {
          running = false;
        });
    },
  };
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.statusCode = status;
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.setHeader("cache-control", "no-store");
  res.end(JSON.stringify(value));
}
