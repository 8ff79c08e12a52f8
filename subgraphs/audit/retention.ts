/**
 * Retention of the data-access audit (保存期限): records older than the retention period are removed from the start of
 * the chain, and a checkpoint keeps the hash the remaining chain continues from, so verification stays green.
 *
 * Only a prefix of the chain is ever removed (the chain order is the arrival order, which may differ a little from
 * `occurredAt`): everything up to the last record before the first one that must still be kept. Before removing
 * anything the prefix is verified; a broken prefix is kept as evidence and pruning refuses.
 */
import { type ChainDatabase, lockChainHead } from "./chain.ts";
import { chainStart, walkChain } from "./verifyChain.ts";

/** Data Security Law practice in the district: access logs are kept at least 180 days (issue #6). */
export const MIN_RETENTION_DAYS = 180;
export const DEFAULT_RETENTION_DAYS = 180;

export interface PruneResult {
  /** Records removed. */
  pruned: number;
  /** Records that occurred before this instant were due. */
  cutoff: Date;
  /** The new checkpoint, or null when nothing was due. */
  checkpoint: { sequence: string; hash: string } | null;
}

export class AuditChainBrokenError extends Error {}

export function assertRetentionDays(days: number): void {
  if (!Number.isInteger(days) || days < MIN_RETENTION_DAYS) {
    throw new Error(
      `The audit retention is ${days} days; it must be a whole number of at least ${MIN_RETENTION_DAYS} days (AUDIT_RETENTION_DAYS).`,
    );
  }
}

export async function pruneAuditTrail(
  db: ChainDatabase,
  options: { retentionDays: number; now: Date },
): Promise<PruneResult> {
  assertRetentionDays(options.retentionDays);
  const cutoff = new Date(options.now.getTime() - options.retentionDays * 86_400_000);
  return db.transaction(async (tx) => {
    // Appends wait meanwhile, so the head, the prefix and the checkpoint are decided on one state.
    const head = await lockChainHead(tx);
    const start = await chainStart(tx);
    const [firstKept] = await tx.query<{ sequence: string | null }>(
      `SELECT min("sequence")::text AS "sequence" FROM "DataAccessRecord" WHERE "occurredAt" >= $1::timestamptz`,
      [cutoff.toISOString()],
    );
    const until = firstKept?.sequence ? (BigInt(firstKept.sequence) - 1n).toString() : head.sequence;
    if (BigInt(until) <= BigInt(start.sequence)) return { pruned: 0, cutoff, checkpoint: null };

    const walk = await walkChain(tx, start, { until });
    if (walk.firstBreak) {
      throw new AuditChainBrokenError(
        `Pruning refused, the records due are kept as evidence: ${walk.firstBreak.message}`,
      );
    }
    if (walk.last.sequence !== until) {
      throw new AuditChainBrokenError(
        `Pruning refused: records up to ${until} were due but the chain ends at ${walk.last.sequence}.`,
      );
    }
    await tx.query(
      `INSERT INTO "AuditCheckpoint" ("sequence", "hash", "prunedRecords", "cutoff", "createdAt")
       VALUES ($1::bigint, $2, $3, $4::timestamptz, $5::timestamptz)`,
      [walk.last.sequence, walk.last.hash, walk.checked, cutoff.toISOString(), options.now.toISOString()],
    );
    await tx.query(`DELETE FROM "DataAccessRecord" WHERE "sequence" <= $1::bigint`, [until]);
    return { pruned: walk.checked, cutoff, checkpoint: walk.last };
  });
}
