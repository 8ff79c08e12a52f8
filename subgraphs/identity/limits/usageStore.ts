/**
 * Metering's system of record (资源管理): the usage every gateway counted, per minute, per app and department
 * (docs/limits.md, "Metering"). Gateways send their aggregates in batches (POST /usage/records, ./usageRoutes.ts);
 * one batch is two statements whatever its size — the flush id (so a batch re-sent after a lost answer is added once)
 * and one INSERT … ON CONFLICT DO UPDATE that adds the counts of the same minute, app and department from every
 * replica. Reads group the minutes into buckets in SQL, one statement per query.
 */
import { z } from "zod";
import type { SubgraphDatabase } from "../../../lib/db/database.ts";
import { codedError } from "../../../lib/errors.ts";
import type { Principal } from "../../../lib/principal.ts";
import type { IdentityPrisma } from "../loaders.ts";

/** How long usage is kept (the widest DAY query) — older minutes are pruned and refused. */
export const USAGE_RETENTION_DAYS = 400;
/** How long flush ids are remembered: far longer than any gateway keeps re-sending a batch. */
const FLUSH_ID_DAYS = 7;
const DAY_MS = 86_400_000;

/** At most this many rows per batch: a gateway's minute of distinct apps and departments, with room to spare. */
export const MAX_USAGE_ROWS = 5_000;

const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const id = z.string().min(1).max(200).nullable();

export const usageBatchSchema = z
  .object({
    /** Random per batch (uuid); the same id on a re-send. */
    flushId: z.uuid(),
    rows: z
      .array(
        z
          .object({
            /** The minute's start, ISO 8601 (`2026-12-06T02:41:00.000Z`). */
            minute: z.iso.datetime().refine((value) => new Date(value).getTime() % 60_000 === 0, "not a whole minute"),
            appId: id,
            departmentId: id,
            requests: count,
            errors: count,
            cost: count,
            subgraphFetches: count,
            classifiedFields: count,
          })
          .strict(),
      )
      .max(MAX_USAGE_ROWS),
  })
  .strict();

export type UsageBatch = z.infer<typeof usageBatchSchema>;

/** The first row outside the kept window (older than the retention, or more than an hour ahead of this clock). */
export function usageOutOfWindow(batch: UsageBatch, now: Date): number {
  const oldest = now.getTime() - USAGE_RETENTION_DAYS * DAY_MS;
  const newest = now.getTime() + 3_600_000;
  return batch.rows.findIndex((row) => {
    const at = Date.parse(row.minute);
    return at < oldest || at > newest;
  });
}

/** Adds a batch; answers how many rows it added (0 when the batch had been added before). */
export async function addUsage(db: SubgraphDatabase, batch: UsageBatch, now: Date): Promise<{ added: number }> {
  return db.transaction(async (tx) => {
    const fresh = await tx.query(
      `INSERT INTO usage_flush (id, at) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING id`,
      [batch.flushId, now.toISOString()],
    );
    if (fresh.length === 0 || batch.rows.length === 0) return { added: 0 };
    const rows = batch.rows.map((row) => ({ ...row, appId: row.appId ?? "", departmentId: row.departmentId ?? "" }));
    await tx.query(
      `INSERT INTO usage_minute (minute, app_id, department_id, requests, errors, cost, subgraph_fetches, classified_fields)
       SELECT r."minute", r."appId", r."departmentId", sum(r."requests"), sum(r."errors"), sum(r."cost"),
              sum(r."subgraphFetches"), sum(r."classifiedFields")
       FROM json_to_recordset($1::json) AS r("minute" timestamptz, "appId" text, "departmentId" text, "requests" bigint,
            "errors" bigint, "cost" bigint, "subgraphFetches" bigint, "classifiedFields" bigint)
       GROUP BY 1, 2, 3
       ON CONFLICT (minute, app_id, department_id) DO UPDATE SET
         requests = usage_minute.requests + EXCLUDED.requests,
         errors = usage_minute.errors + EXCLUDED.errors,
         cost = usage_minute.cost + EXCLUDED.cost,
         subgraph_fetches = usage_minute.subgraph_fetches + EXCLUDED.subgraph_fetches,
         classified_fields = usage_minute.classified_fields + EXCLUDED.classified_fields`,
      [JSON.stringify(rows)],
    );
    return { added: rows.length };
  });
}

/** Deletes usage past its retention and flush ids past theirs: two range deletes on indexed columns. */
export async function pruneUsage(db: SubgraphDatabase, now: Date): Promise<{ minutes: number; flushes: number }> {
  const minutes = await db.query(`DELETE FROM usage_minute WHERE minute < $1 RETURNING 1`, [
    new Date(now.getTime() - USAGE_RETENTION_DAYS * DAY_MS).toISOString(),
  ]);
  const flushes = await db.query(`DELETE FROM usage_flush WHERE at < $1 RETURNING 1`, [
    new Date(now.getTime() - FLUSH_ID_DAYS * DAY_MS).toISOString(),
  ]);
  return { minutes: minutes.length, flushes: flushes.length };
}

export type UsageGranularity = "MINUTE" | "HOUR" | "DAY";

/** Widest window per granularity: a query answers at most a few thousand buckets per app and department. */
const MAX_SPAN_MS: Record<UsageGranularity, number> = {
  MINUTE: 86_400_000,
  HOUR: 31 * 86_400_000,
  DAY: 400 * 86_400_000,
};
const STRIDE: Record<UsageGranularity, string> = { MINUTE: "1 minute", HOUR: "1 hour", DAY: "1 day" };
/** Rows per answer; a wider answer asks the caller to narrow the window or the filter. */
export const MAX_USAGE_BUCKETS = 5_000;

export interface UsageQuery {
  from: Date;
  to: Date;
  appId?: string | null;
  departmentId?: string | null;
  granularity: UsageGranularity;
}

export interface UsageBucket {
  /** Start of the bucket; days start at 00:00 in Shanghai. */
  start: Date;
  appId: string | null;
  departmentId: string | null;
  requests: number;
  errors: number;
  cost: number;
  subgraphFetches: number;
  classifiedFields: number;
}

const USAGE_READERS = ["security_admin", "auditor"];

/**
 * Who may read whose usage (the row rule of usage): security admins and auditors every app's and department's; an
 * integrator app its own only (asking for another app's is refused, never answered empty); nobody else. Returns the
 * app the query is narrowed to.
 */
export function usageScopeOf(principal: Principal, appId: string | null | undefined): string | null {
  const isReader =
    principal.kind !== "app" &&
    principal.kind !== "system" &&
    principal.kind !== "anonymous" &&
    USAGE_READERS.some((role) => principal.kind === role || principal.roles.includes(role));
  if (isReader) return appId ?? null;
  if (principal.kind === "app" && principal.id) {
    if (appId && appId !== principal.id) {
      throw codedError("FORBIDDEN", "An app reads only its own usage: leave out appId, or name your own client id.", {
        argument: "appId",
      });
    }
    return principal.id;
  }
  if (principal.kind === "anonymous") {
    throw codedError("AUTHENTICATION_REQUIRED", "Reading usage needs a logged-in caller; send a bearer token.");
  }
  throw codedError(
    "FORBIDDEN",
    "Reading usage needs the role security_admin or auditor, or an app's own token for its own usage.",
    { requiredRoles: USAGE_READERS },
  );
}

export async function readUsage(prisma: IdentityPrisma, query: UsageQuery): Promise<UsageBucket[]> {
  const { from, to, granularity } = query;
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || to.getTime() <= from.getTime()) {
    throw codedError("BAD_USER_INPUT", "`to` must be after `from`.", { argument: "to" });
  }
  if (to.getTime() - from.getTime() > MAX_SPAN_MS[granularity]) {
    const days = MAX_SPAN_MS[granularity] / 86_400_000;
    throw codedError(
      "BAD_USER_INPUT",
      `A ${granularity} query spans at most ${days} day(s); narrow from–to or choose a coarser granularity.`,
      { argument: "to" },
    );
  }
  const app = query.appId ?? null;
  const department = query.departmentId ?? null;
  const rows = await prisma.$queryRaw<
    Array<{
      bucket: Date;
      app_id: string;
      department_id: string;
      requests: bigint;
      errors: bigint;
      cost: bigint;
      subgraph_fetches: bigint;
      classified_fields: bigint;
    }>
  >`
    SELECT date_bin(${STRIDE[granularity]}::interval, minute, TIMESTAMPTZ '2000-01-01 00:00:00+08') AS bucket,
           app_id, department_id, sum(requests)::bigint AS requests, sum(errors)::bigint AS errors,
           sum(cost)::bigint AS cost, sum(subgraph_fetches)::bigint AS subgraph_fetches,
           sum(classified_fields)::bigint AS classified_fields
    FROM usage_minute
    WHERE minute >= ${from} AND minute < ${to}
      AND (${app}::text IS NULL OR app_id = ${app}::text)
      AND (${department}::text IS NULL OR department_id = ${department}::text)
    GROUP BY 1, 2, 3
    ORDER BY 1, 2, 3
    LIMIT ${MAX_USAGE_BUCKETS + 1}`;
  if (rows.length > MAX_USAGE_BUCKETS) {
    throw codedError(
      "BAD_USER_INPUT",
      `The answer would hold more than ${MAX_USAGE_BUCKETS} buckets; narrow from–to, filter by app or department, or choose a coarser granularity.`,
      { argument: "granularity" },
    );
  }
  return rows.map((row) => ({
    start: new Date(row.bucket),
    appId: row.app_id || null,
    departmentId: row.department_id || null,
    requests: Number(row.requests),
    errors: Number(row.errors),
    cost: Number(row.cost),
    subgraphFetches: Number(row.subgraph_fetches),
    classifiedFields: Number(row.classified_fields),
  }));
}
