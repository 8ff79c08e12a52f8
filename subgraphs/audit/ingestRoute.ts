/**
 * POST /audit/records — the gateway's writer delivers batches of data-access records here (gateway/audit/auditWriter.ts).
 *
 * Only the gateway's audit writer may write: the request must carry an envelope signed by the gateway for this
 * service, bound to this POST and its exact body bytes, used once, for a system principal with scope `audit:write`
 * (subgraphs/kit/envelopeGuard.ts) — the readiness probe's envelope, or any other system caller's, is refused. The
 * body is read raw (bounded), checked against the envelope, and only then parsed. The batch is validated whole (one bad record refuses the batch, naming it) and appended in one
 * transaction; the answer says how many records were appended and how many were already there, so a batch re-sent
 * after a lost answer is harmless. Records and their personal data never reach the log: only counts and reasons.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { type ErrorCode, errorBody } from "../../lib/errors.ts";
import { answerThenClose, bodyStillArriving, type Route } from "../../lib/http/graphqlHttp.ts";
import {
  BodyTooLargeError,
  parseJsonBody,
  RequestBodyError,
  readBody,
  requireContentType,
} from "../../lib/http/requestBody.ts";
import type { Logger } from "../../lib/log.ts";
import { SYSTEM_SCOPES } from "../../lib/wire.ts";
import type { RouteDependencies } from "../kit/module.ts";
import { auditBatchSchema } from "./auditRecord.ts";
import { appendRecords } from "./chain.ts";
import type { ResolvedAuditOptions } from "./options.ts";
import { pruneAuditTrail } from "./retention.ts";

export const INGEST_PATH = "/audit/records";

class IngestProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function createIngestRoutes(
  { db, log, envelopes }: RouteDependencies<unknown>,
  options: ResolvedAuditOptions,
): Record<string, Route> {
  const retention = retentionScheduler(db, log, options);

  const ingest: Route = async (req, res) => {
    try {
      if (req.method !== "POST") {
        res.setHeader("allow", "POST");
        throw new IngestProblem(405, "METHOD_NOT_ALLOWED", "Send audit records with POST.");
      }
      // Unsigned callers are refused before their body is read.
      if (!envelopes.present(req)) {
        throw new IngestProblem(401, "ENVELOPE_INVALID", "Only the gateway may write audit records; sign the request.");
      }
      const raw = await readRaw(req, options.maxBatchBytes);
      const decision = await envelopes.check(req, raw, { scope: SYSTEM_SCOPES.auditWrite, what: "audit ingest" });
      if (!decision.ok) throw new IngestProblem(decision.status, decision.code, decision.message);
      const body = parseJson(raw);
      const parsed = auditBatchSchema.safeParse(body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue?.path.join(".") || "(body)";
        throw new IngestProblem(
          400,
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
    } catch (error) {
      if (!(error instanceof IngestProblem)) throw error;
      // A refused upload still gets its answer before the connection closes (lib/http/graphqlHttp.ts).
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

/** Content type and size first, through the one body reader (lib/http/requestBody.ts). */
async function readRaw(req: IncomingMessage, limit: number): Promise<Buffer> {
  try {
    requireContentType(req, ["application/json"]);
    return await readBody(req, limit);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      throw new IngestProblem(413, error.code, `The batch is larger than ${limit} bytes; send smaller batches.`);
    }
    if (error instanceof RequestBodyError) throw new IngestProblem(error.status, error.code, error.message);
    throw error;
  }
}

function parseJson(raw: Buffer): unknown {
  try {
    return parseJsonBody(raw);
  } catch (error) {
    if (error instanceof RequestBodyError) throw new IngestProblem(error.status, error.code, error.message);
    throw error;
  }
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.statusCode = status;
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.setHeader("cache-control", "no-store");
  res.end(JSON.stringify(value));
}
