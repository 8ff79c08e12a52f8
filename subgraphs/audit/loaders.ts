/**
 * Per-request DataLoaders of the audit subgraph. A resident's accesses are a per-parent list (`Resident.dataAccesses`),
 * so many residents' pages and counts are fetched with one statement each (a LATERAL join over the resident ids,
 * using the GIN index on the subjects), never one query per resident.
 */
import DataLoader from "dataloader";
import type { FieldAccess } from "../../lib/contracts/auditRecord.ts";
import type { PrismaClient } from "./generated/prisma/client.ts";

export type AuditPrisma = PrismaClient;

/** One access to a resident's data, as the resident sees it; `id` is the chain sequence (the cursor key). */
export interface ResidentAccessRow {
  id: string;
  recordId: string;
  occurredAt: Date;
  principalKind: string;
  departmentId: string | null;
  applicationId: string | null;
  purpose: string | null;
  fields: FieldAccess[];
}

/** One page of one resident's accesses, newest first: `take` records with a sequence below `before`. */
export interface AccessPageKey {
  residentId: string;
  take: number;
  /** Decimal sequence; records below it. Absent: from the newest. */
  before: string | undefined;
}

/** Larger than any sequence: "from the newest". */
const NEWEST = "9223372036854775807";

interface RawAccessRow {
  residentId: string;
  sequence: string;
  recordId: string;
  occurredAt: string;
  principalKind: string;
  departmentId: string | null;
  applicationId: string | null;
  purpose: string | null;
  fields: string;
}

export function createLoaders(prisma: AuditPrisma) {
  return {
    accessPageByResident: new DataLoader<AccessPageKey, ResidentAccessRow[], string>(
      async (keys) => {
        const pages = new Map<string, ResidentAccessRow[]>();
        const shapes = new Map<string, AccessPageKey[]>();
        for (const key of keys) {
          const shape = `${key.take}:${key.before ?? NEWEST}`;
          shapes.set(shape, [...(shapes.get(shape) ?? []), key]);
        }
        await Promise.all(
          [...shapes.values()].map(async (group) => {
            const { take, before } = group[0] as AccessPageKey;
            const residentIds = [...new Set(group.map((key) => key.residentId))];
            const rows = await prisma.$queryRawUnsafe<RawAccessRow[]>(
              `SELECT r.id AS "residentId", d."sequence"::text AS "sequence", d."recordId"::text AS "recordId",
                 to_char(d."occurredAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "occurredAt",
                 d."principalKind", d."departmentId", d."applicationId", d."purpose", d."fields"::text AS "fields"
               FROM jsonb_array_elements_text(($1::text)::jsonb) AS r(id)
               CROSS JOIN LATERAL (
                 SELECT * FROM "DataAccessRecord" x
                 WHERE x."subjectResidentIds" @> ARRAY[r.id] AND x."sequence" < ($2::text)::bigint
                 ORDER BY x."sequence" DESC
                 LIMIT ($3::text)::int
               ) d`,
              JSON.stringify(residentIds),
              before ?? NEWEST,
              String(take),
            );
            for (const row of rows) {
              const pageKey = accessPageCacheKey({ residentId: row.residentId, take, before });
              pages.set(pageKey, [...(pages.get(pageKey) ?? []), toAccessRow(row)]);
            }
          }),
        );
        return keys.map((key) => pages.get(accessPageCacheKey(key)) ?? []);
      },
      { cacheKeyFn: accessPageCacheKey },
    ),

    accessCountByResident: new DataLoader<string, number>(async (residentIds) => {
      const rows = await prisma.$queryRawUnsafe<Array<{ residentId: string; count: number | bigint }>>(
        `SELECT r.id AS "residentId",
           (SELECT count(*) FROM "DataAccessRecord" x WHERE x."subjectResidentIds" @> ARRAY[r.id])::int AS "count"
         FROM jsonb_array_elements_text(($1::text)::jsonb) AS r(id)`,
        JSON.stringify([...new Set(residentIds)]),
      );
      const counts = new Map(rows.map((row) => [row.residentId, Number(row.count)]));
      return residentIds.map((id) => counts.get(id) ?? 0);
    }),
  };
}

export type AuditLoaders = ReturnType<typeof createLoaders>;

function accessPageCacheKey(key: AccessPageKey): string {
  return JSON.stringify([key.residentId, key.take, key.before ?? NEWEST]);
}

function toAccessRow(row: RawAccessRow): ResidentAccessRow {
  return {
    id: row.sequence,
    recordId: row.recordId,
    occurredAt: new Date(row.occurredAt),
    principalKind: row.principalKind,
    departmentId: row.departmentId,
    applicationId: row.applicationId,
    purpose: row.purpose,
    fields: JSON.parse(row.fields) as FieldAccess[],
  };
}
