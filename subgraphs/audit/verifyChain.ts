/**
 * Verification of the audit chain: recomputes every record's hash from its stored content and checks every link,
 * from the newest retention checkpoint (or the genesis) to the chain head, in one read-only snapshot, so appends and
 * pruning running meanwhile cannot make an intact chain look broken. Used by `npm run audit:verify`, by
 * `Query.auditChainVerification` and by retention pruning before it removes anything.
 */
import {
  type ChainDatabase,
  type ChainLink,
  contentOfRow,
  GENESIS_HASH,
  RECORD_COLUMNS,
  recordHash,
  type SqlRunner,
  type StoredRecordRow,
} from "./chain.ts";

export type ChainBreakReason =
  /** The record's content no longer gives its stored hash: edited (or moved to another sequence) after appending. */
  | "edited"
  /** The record's prevHash is not the previous record's hash: the previous record was edited and re-hashed. */
  | "relinked"
  /** Sequences are missing before this record: records were deleted. */
  | "gap"
  /** Records after the last one present, up to the chain head, are missing: the newest records were deleted. */
  | "truncated"
  /** A record lies beyond the chain head: it was inserted without being appended. */
  | "beyond-head";

/** The first place where the chain does not hold. */
export interface ChainBreak {
  /** The record named (or, for `truncated`, the first missing sequence). */
  sequence: string;
  /** The record's id; null when the record itself is gone. */
  recordId: string | null;
  reason: ChainBreakReason;
  /** A sentence for the operator: what is wrong and where. */
  message: string;
}

export interface ChainVerification {
  intact: boolean;
  /** Records whose hash and link were checked. */
  checkedRecords: number;
  /** Where verification started: the newest retention checkpoint, or the genesis (sequence 0). */
  start: ChainLink & { checkpoint: boolean };
  /** The chain head as stored: the last appended record. */
  head: ChainLink;
  firstBreak: ChainBreak | null;
}

interface Walk {
  checked: number;
  last: ChainLink;
  firstBreak: ChainBreak | null;
}

/**
 * Checks records after `start` up to `until` (inclusive; the whole table when absent) and stops at the first break.
 * Reads `pageSize` records per statement.
 */
export async function walkChain(
  tx: SqlRunner,
  start: ChainLink,
  options: { until?: string; pageSize?: number } = {},
): Promise<Walk> {
  const pageSize = options.pageSize ?? 1000;
  let last = start;
  let checked = 0;
  for (;;) {
    const params: unknown[] = [last.sequence, pageSize];
    if (options.until !== undefined) params.push(options.until);
    const rows = await tx.query<StoredRecordRow>(
      // The table is qualified in ORDER BY: a bare "sequence" would sort by the text column of the same name.
      `SELECT ${RECORD_COLUMNS} FROM "DataAccessRecord"
       WHERE "sequence" > $1::bigint ${options.until !== undefined ? `AND "sequence" <= $3::bigint` : ""}
       ORDER BY "DataAccessRecord"."sequence" LIMIT $2`,
      params,
    );
    for (const row of rows) {
      const expected = BigInt(last.sequence) + 1n;
      const named = `record ${row.sequence} (${row.recordId})`;
      if (BigInt(row.sequence) !== expected) {
        const missing =
          BigInt(row.sequence) - expected === 1n ? `${expected}` : `${expected}–${BigInt(row.sequence) - 1n}`;
        return {
          checked,
          last,
          firstBreak: {
            sequence: row.sequence,
            recordId: row.recordId,
            reason: "gap",
            message: `The chain is broken before ${named}: record ${missing} is missing (deleted).`,
          },
        };
      }
      if (row.prevHash !== last.hash) {
        return {
          checked,
          last,
          firstBreak: {
            sequence: row.sequence,
            recordId: row.recordId,
            reason: "relinked",
            message: `The chain is broken at ${named}: its prevHash is not the hash of record ${last.sequence}, so record ${last.sequence} was changed and re-hashed (or this record was moved).`,
          },
        };
      }
      if (recordHash(row.prevHash, contentOfRow(row)) !== row.hash) {
        return {
          checked,
          last,
          firstBreak: {
            sequence: row.sequence,
            recordId: row.recordId,
            reason: "edited",
            message: `The chain is broken at ${named}: its content does not give its stored hash, so it was edited after it was appended.`,
          },
        };
      }
      checked += 1;
      last = { sequence: row.sequence, hash: row.hash };
    }
    if (rows.length < pageSize) return { checked, last, firstBreak: null };
  }
}

/** The newest retention checkpoint, or the genesis when nothing was ever pruned. */
export async function chainStart(tx: SqlRunner): Promise<ChainLink & { checkpoint: boolean }> {
  const [checkpoint] = await tx.query<ChainLink>(
    `SELECT "sequence"::text AS "sequence", "hash" FROM "AuditCheckpoint" ORDER BY "AuditCheckpoint"."sequence" DESC LIMIT 1`,
  );
  return checkpoint ? { ...checkpoint, checkpoint: true } : { sequence: "0", hash: GENESIS_HASH, checkpoint: false };
}

/** Verifies the whole chain in one read-only snapshot. */
export async function verifyChain(db: ChainDatabase, options: { pageSize?: number } = {}): Promise<ChainVerification> {
  return db.transaction(async (tx) => {
    // Must be the transaction's first statement: every later read sees the same snapshot.
    await tx.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    const [head] = await tx.query<ChainLink>(
      `SELECT "sequence"::text AS "sequence", "hash" FROM "AuditChainHead" WHERE "id" = 1`,
    );
    if (!head)
      throw new Error("The audit chain head row is missing: this is not an audit database, or it was damaged.");
    const start = await chainStart(tx);
    const walk = await walkChain(tx, start, options);
    const result = { checkedRecords: walk.checked, start, head };
    if (walk.firstBreak) return { ...result, intact: false, firstBreak: walk.firstBreak };
    const last = BigInt(walk.last.sequence);
    const headSequence = BigInt(head.sequence);
    if (last > headSequence) {
      const [beyond] = await tx.query<{ recordId: string }>(
        `SELECT "recordId"::text AS "recordId" FROM "DataAccessRecord" WHERE "sequence" > $1::bigint ORDER BY "sequence" LIMIT 1`,
        [head.sequence],
      );
      const sequence = (headSequence + 1n).toString();
      return {
        ...result,
        intact: false,
        firstBreak: {
          sequence,
          recordId: beyond?.recordId ?? null,
          reason: "beyond-head",
          message: `Record ${sequence} (${beyond?.recordId ?? "unknown"}) lies beyond the chain head (${head.sequence}): it was inserted without being appended.`,
        },
      };
    }
    if (last < headSequence || walk.last.hash !== head.hash) {
      const sequence = (last + 1n).toString();
      return {
        ...result,
        intact: false,
        firstBreak:
          last < headSequence
            ? {
                sequence,
                recordId: null,
                reason: "truncated",
                message: `The chain head is record ${head.sequence} but the last record present is ${walk.last.sequence}: records ${sequence}–${head.sequence} were deleted.`,
              }
            : {
                sequence: walk.last.sequence,
                recordId: null,
                reason: "relinked",
                message: `The chain head's hash is not the hash of the last record (${walk.last.sequence}): the record or the head was changed.`,
              },
      };
    }
    return { ...result, intact: true, firstBreak: null };
  });
}
