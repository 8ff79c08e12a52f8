/**
 * The hash chain of the data-access audit (审计链): every record's `hash` is sha256(`prevHash` + the canonical
 * serialisation of its content, sequence included), and its `prevHash` is the previous record's `hash`. Editing,
 * deleting or reordering a record breaks a link that `verifyChain` (verifyChain.ts) finds and names.
 *
 * Appends are serialised by locking the chain head row (`SELECT … FOR UPDATE`) inside one transaction per batch, so
 * batches from several gateway replicas arriving at once still form one chain; on PGlite the single connection
 * serialises transactions anyway. The design is in docs/audit.md.
 */
import { createHash } from "node:crypto";
import type { AuditRecord, FieldAccess } from "../../lib/contracts/auditRecord.ts";

/** The `prevHash` of the first record ever appended. */
export const GENESIS_HASH = "0".repeat(64);

/** What the chain code needs from a database: one statement at a time inside one transaction. */
export interface SqlRunner {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
}

/** `SubgraphDatabase` fits; so does a Prisma interactive transaction (see `prismaChainDatabase`). */
export interface ChainDatabase {
  transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T>;
}

/** A point of the chain: a record's sequence and hash (or the genesis, or a retention checkpoint). */
export interface ChainLink {
  /** Decimal, because the chain outgrows 32-bit integers. */
  sequence: string;
  hash: string;
}

/** The fields that are hashed, exactly as the database gives them back (see `RECORD_COLUMNS`). */
export interface ChainContent {
  sequence: string;
  recordId: string;
  /** UTC, millisecond precision: `2026-11-29T14:44:17.123Z`. */
  occurredAt: string;
  requestId: string;
  principalId: string | null;
  principalKind: string;
  applicationId: string | null;
  departmentId: string | null;
  purpose: string | null;
  /**
   * Only present when a case was declared: `canonicalJson` leaves undefined keys out, so records without a case hash
   * exactly as they did before the column existed.
   */
  caseReference?: string;
  operationName: string | null;
  operationHash: string;
  fields: FieldAccess[];
  subjectResidentIds: string[];
  policyVersion: string;
}

/** JSON with object keys sorted at every depth: the same content always gives the same bytes (jsonb reorders keys). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

export function recordHash(prevHash: string, content: ChainContent): string {
  return createHash("sha256")
    .update(prevHash + canonicalJson(content), "utf8")
    .digest("hex");
}

/** The content of a validated record at a given position of the chain. */
export function contentOf(record: AuditRecord, sequence: bigint): ChainContent {
  return {
    sequence: sequence.toString(),
    recordId: record.recordId,
    occurredAt: record.occurredAt.toISOString(),
    requestId: record.requestId,
    principalId: record.principal.id,
    principalKind: record.principal.kind,
    applicationId: record.applicationId,
    departmentId: record.principal.departmentId,
    purpose: record.purpose,
    caseReference: record.caseReference ?? undefined,
    operationName: record.operationName,
    operationHash: record.operationHash,
    fields: record.fields.map(({ coordinate, level, category, decision }) => ({
      coordinate,
      level,
      category,
      decision,
    })),
    subjectResidentIds: record.subjectResidentIds,
    policyVersion: record.policyVersion,
  };
}

/**
 * Every column as text, in the exact form the hash was computed from, whichever driver runs the query (pg, PGlite or
 * Prisma's raw queries parse bigint, timestamptz, jsonb and arrays differently).
 */
export const RECORD_COLUMNS = `
  "sequence"::text AS "sequence",
  "recordId"::text AS "recordId",
  to_char("occurredAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "occurredAt",
  "requestId", "principalId", "principalKind", "applicationId", "departmentId", "purpose", "caseReference",
  "operationName", "operationHash",
  "fields"::text AS "fields",
  coalesce(array_to_json("subjectResidentIds"), '[]'::json)::text AS "subjectResidentIds",
  "policyVersion", "prevHash", "hash"`;

export interface StoredRecordRow extends Omit<ChainContent, "fields" | "subjectResidentIds" | "caseReference"> {
  caseReference: string | null;
  fields: string;
  subjectResidentIds: string;
  prevHash: string;
  hash: string;
}

export function contentOfRow(row: StoredRecordRow): ChainContent {
  return {
    sequence: row.sequence,
    recordId: row.recordId,
    occurredAt: row.occurredAt,
    requestId: row.requestId,
    principalId: row.principalId,
    principalKind: row.principalKind,
    applicationId: row.applicationId,
    departmentId: row.departmentId,
    purpose: row.purpose,
    caseReference: row.caseReference ?? undefined,
    operationName: row.operationName,
    operationHash: row.operationHash,
    fields: JSON.parse(row.fields) as FieldAccess[],
    subjectResidentIds: JSON.parse(row.subjectResidentIds) as string[],
    policyVersion: row.policyVersion,
  };
}

export interface AppendResult {
  /** Records added to the chain. */
  appended: number;
  /** Records already in the chain (a re-sent batch) or repeated within the batch: not added again. */
  duplicates: number;
  head: ChainLink;
}

/** Locks the chain head for the rest of the transaction; every append and every pruning goes through here. */
export async function lockChainHead(tx: SqlRunner): Promise<ChainLink> {
  const [head] = await tx.query<ChainLink>(
    `SELECT "sequence"::text AS "sequence", "hash" FROM "AuditChainHead" WHERE "id" = 1 FOR UPDATE`,
  );
  if (!head) throw new Error("The audit chain head row is missing: migration 0002_chain_genesis was not applied.");
  return head;
}

/**
 * Appends records to the chain in one transaction: all of them or none. Records whose id is already in the chain are
 * skipped, so a batch the gateway re-sends after a lost answer never adds anything twice.
 *
 * `onlyIfChainEmpty` appends nothing unless the chain has never held a record (seed data).
 */
export async function appendRecords(
  db: ChainDatabase,
  records: AuditRecord[],
  options: { onlyIfChainEmpty?: boolean } = {},
): Promise<AppendResult> {
  return db.transaction(async (tx) => {
    const head = await lockChainHead(tx);
    if (options.onlyIfChainEmpty) {
      const [checkpoint] = await tx.query(`SELECT 1 FROM "AuditCheckpoint" LIMIT 1`);
      if (head.sequence !== "0" || checkpoint) return { appended: 0, duplicates: records.length, head };
    }
    const unique = new Map<string, AuditRecord>();
    for (const record of records) if (!unique.has(record.recordId)) unique.set(record.recordId, record);
    const existing =
      unique.size === 0
        ? []
        : await tx.query<{ recordId: string }>(
            `SELECT "recordId"::text AS "recordId" FROM "DataAccessRecord" WHERE "recordId" = ANY($1::uuid[])`,
            [[...unique.keys()]],
          );
    for (const { recordId } of existing) unique.delete(recordId);
    if (unique.size === 0) return { appended: 0, duplicates: records.length, head };

    let sequence = BigInt(head.sequence);
    let prevHash = head.hash;
    const rows = [...unique.values()].map((record) => {
      sequence += 1n;
      const content = contentOf(record, sequence);
      const hash = recordHash(prevHash, content);
      const row = { ...content, prevHash, hash };
      prevHash = hash;
      return row;
    });
    // One statement for the whole batch. The JSON goes in as text so no driver re-encodes it.
    await tx.query(
      `INSERT INTO "DataAccessRecord" ("sequence", "recordId", "occurredAt", "requestId", "principalId",
         "principalKind", "applicationId", "departmentId", "purpose", "caseReference", "operationName",
         "operationHash", "fields", "subjectResidentIds", "policyVersion", "prevHash", "hash")
       SELECT "sequence", "recordId", "occurredAt", "requestId", "principalId", "principalKind", "applicationId",
         "departmentId", "purpose", "caseReference", "operationName", "operationHash", "fields", "subjectResidentIds",
         "policyVersion", "prevHash", "hash"
       FROM jsonb_to_recordset(($1::text)::jsonb) AS x(
         "sequence" bigint, "recordId" uuid, "occurredAt" timestamptz, "requestId" text, "principalId" text,
         "principalKind" text, "applicationId" text, "departmentId" text, "purpose" text, "caseReference" text,
         "operationName" text, "operationHash" text, "fields" jsonb, "subjectResidentIds" text[], "policyVersion" text, "prevHash" text,
         "hash" text)`,
      [JSON.stringify(rows)],
    );
    const newHead = { sequence: sequence.toString(), hash: prevHash };
    await tx.query(
      `UPDATE "AuditChainHead" SET "sequence" = $1::bigint, "hash" = $2, "updatedAt" = CURRENT_TIMESTAMP WHERE "id" = 1`,
      [newHead.sequence, newHead.hash],
    );
    return { appended: rows.length, duplicates: records.length - rows.length, head: newHead };
  });
}

/** Prisma's interactive transaction as a `ChainDatabase` (for resolvers, which hold Prisma rather than the pool). */
export function prismaChainDatabase(prisma: {
  $transaction<T>(work: (tx: any) => Promise<T>, options?: { maxWait?: number; timeout?: number }): Promise<T>;
}): ChainDatabase {
  return {
    transaction: (work) =>
      prisma.$transaction(
        (tx: { $queryRawUnsafe<R>(sql: string, ...params: unknown[]): Promise<R> }) =>
          work({ query: (sql, params = []) => tx.$queryRawUnsafe(sql, ...params) }),
        // Verifying a long chain takes a while; Prisma's default (5 s) would abort it.
        { maxWait: 10_000, timeout: 300_000 },
      ),
  };
}
