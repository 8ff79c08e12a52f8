/**
 * The gateway's writer of data-access audit records (数据访问审计), durable before the answer leaves:
 * `record(entry, { deadline })` resolves only once the audit service has appended the record to its hash chain
 * (POST /audit/records, signed as the gateway). The gateway awaits it before a classified answer leaves, so a crash
 * or SIGKILL of the gateway can never lose the record of an answer that was sent.
 *
 * Throughput holds by **group commit**: one batch is in flight at a time, and every record that arrives meanwhile
 * joins the next batch (up to `batchSize`), so concurrent answers share one request and one transaction at the
 * audit service instead of one each.
 *
 * It fails closed and bounded:
 * - a record not appended by its deadline (the request's deadline, or `maxWaitMs` after it was recorded, whichever is
 *   sooner) is rejected with `AuditUnavailableError` — the gateway then withholds the classified fields and answers
 *   503 AUDIT_UNAVAILABLE; no caller ever waits without bound;
 * - at most `maxWaiting` records wait at once (memory is bounded); beyond, `record()` rejects at once with the same
 *   error;
 * - failed deliveries are retried with short exponential backoff while their records' deadlines allow; a record that
 *   gave up before its batch left is taken out of the queue;
 * - every record carries its id from the start, so a batch re-sent after a lost answer is not appended twice;
 * - a batch the service finds too large (413) is split in halves.
 * A record whose deadline passed while its batch was already in flight may still be appended: the trail then records
 * a read whose classified fields were withheld — it over-reports, it never under-reports. Only counts and statuses are
 * logged, never a record's content.
 */
import { randomUUID } from "node:crypto";
import { MAX_RECORDS_PER_BATCH } from "../../lib/contracts/auditRecord.ts";
import { poolFetch } from "../../lib/http/poolFetch.ts";
import type { Logger } from "../../lib/log.ts";
import { systemPrincipal } from "../../lib/principal.ts";
import { ENVELOPE_HEADER, type EnvelopeSigner, requestPath, SYSTEM_SCOPES } from "../../lib/wire.ts";
import { type AuditEntry, type AuditRecordWire, toWire } from "./auditEntry.ts";

export type { AccessDecision, AuditEntry, FieldAccess } from "./auditEntry.ts";
export { hashOperation } from "./auditEntry.ts";

/** Where the audit service takes batches, below its base URL. */
export const AUDIT_INGEST_PATH = "/audit/records";
/** The envelope's audience: the audit service. */
export const AUDIT_AUDIENCE = "audit";

export interface AuditWriterOptions {
  /** Base URL of the audit service, e.g. `http://127.0.0.1:4109` (AUDIT_URL); batches go to `<url>/audit/records`. */
  url: string;
  /**
   * The gateway's envelope signer (lib/wire.ts); each delivery (each retry too) is signed for audience `audit`, bound
   * to its POST and exact body bytes, as a system principal with scope `audit:write` — the only caller that has it.
   */
  signEnvelope: EnvelopeSigner;
  log: Logger;
  /** Records per delivery (group commit). Default 200 (at most 1000, the service's limit). */
  batchSize?: number;
  /** Records waiting for the audit service at most; `record()` rejects at once beyond. Default 2000. */
  maxWaiting?: number;
  /** Longest a record waits to be appended, when the caller's deadline is later (or absent). Default 2000 ms. */
  maxWaitMs?: number;
  /** First wait after a failed delivery; doubles per consecutive failure. Default 25 ms. */
  initialBackoffMs?: number;
  /** Longest wait between retries. Default 1000 ms. */
  maxBackoffMs?: number;
  /** Longest wait for one delivery's answer. Default 5000 ms. */
  requestTimeoutMs?: number;
  /** Longest `close()` waits for the records in flight. Default 10 000 ms. */
  closeTimeoutMs?: number;
  /** The system principal's id in the envelope. Default `gateway-audit`. */
  principalId?: string;
  /**
   * For tests: the fetch to deliver with (default: `poolFetch`, undici's pooled `request`, lib/http/poolFetch.ts), and
   * the clock deadlines are measured on (epoch ms).
   */
  fetch?: AuditFetch;
  now?: () => number;
}

/** What a delivery needs of a fetch: the built-in `fetch` and `poolFetch` both fit. */
export type AuditFetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: Uint8Array; signal: AbortSignal },
) => Promise<{ ok: boolean; status: number; json(): Promise<unknown>; body: { cancel(): Promise<void> } | null }>;

export interface RecordOptions {
  /** Epoch ms (on the writer's clock) after which the caller stops waiting: the request's deadline. */
  deadline?: number;
}

export interface AuditWriterStats {
  /** Records waiting to be appended, including the batch in flight. */
  waiting: number;
  /** Records the service appended. */
  delivered: number;
  /** Records the service already had (re-sent after a lost answer). */
  duplicates: number;
  /** Deliveries that failed and were retried. */
  failedDeliveries: number;
  /** Records given up on: deadline passed, or refused because too many were waiting. */
  unavailable: number;
}

export interface AuditWriter {
  /**
   * Resolves once the audit service appended the record (durable). Rejects with `AuditUnavailableError` when it was
   * not appended by the deadline or too many records are waiting, with a TypeError for a malformed entry, and with
   * `AuditWriterClosedError` after `close()`.
   */
  record(entry: AuditEntry, options?: RecordOptions): Promise<void>;
  /** Resolves when nothing is waiting any more. */
  flush(): Promise<void>;
  /** Stops taking entries and waits (at most `closeTimeoutMs`) for the records waiting now. */
  close(): Promise<void>;
  stats(): AuditWriterStats;
}

export class AuditWriterClosedError extends Error {
  constructor() {
    super("The audit writer is closed: the gateway is shutting down and takes no more audit entries.");
  }
}

/** The audit service did not append the record in time, or too many records are waiting for it. */
export class AuditUnavailableError extends Error {
  constructor(readonly reason: "deadline" | "overloaded" | "closed") {
    super(
      reason === "deadline"
        ? "The audit service did not confirm the record before the deadline."
        : reason === "overloaded"
          ? "Too many records are waiting for the audit service."
          : "The gateway shut down before the audit service confirmed the record.",
    );
  }
}

interface Waiter {
  record: AuditRecordWire;
  deadline: number;
  timer: NodeJS.Timeout | undefined;
  /** In the batch being delivered. */
  inFlight: boolean;
  settled: boolean;
  resolve(): void;
  reject(error: Error): void;
}

export function createAuditWriter(options: AuditWriterOptions): AuditWriter {
  const batchSize = Math.min(options.batchSize ?? 200, MAX_RECORDS_PER_BATCH);
  const maxWaiting = options.maxWaiting ?? 2000;
  const maxWaitMs = options.maxWaitMs ?? 2000;
  const initialBackoffMs = options.initialBackoffMs ?? 25;
  const maxBackoffMs = options.maxBackoffMs ?? 1000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 5000;
  const closeTimeoutMs = options.closeTimeoutMs ?? 10_000;
  const now = options.now ?? Date.now;
  const principal = systemPrincipal(options.principalId ?? "gateway-audit", [SYSTEM_SCOPES.auditWrite]);
  const endpoint = new URL(AUDIT_INGEST_PATH, options.url).toString();
  const doFetch: AuditFetch = options.fetch ?? poolFetch;
  const { log } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1 || !Number.isInteger(maxWaiting) || maxWaiting < 1) {
    throw new Error(`The audit batch size (${batchSize}) and waiting bound (${maxWaiting}) must be positive integers.`);
  }

  /** Records waiting, oldest first; the batch in flight is its head. */
  let queue: Waiter[] = [];
  /** Records whose callers are still waiting (the bound applies to these). */
  let pending = 0;
  const stats = { delivered: 0, duplicates: 0, failedDeliveries: 0, unavailable: 0 };
  let pumping = false;
  let closed = false;
  let consecutiveFailures = 0;
  /** Shrinks after a 413 and grows back after successes. */
  let currentBatch = batchSize;
  let idle: Array<() => void> = [];
  let wakeUp: (() => void) | undefined;

  const settle = (waiter: Waiter, error?: Error) => {
    if (waiter.settled) return;
    waiter.settled = true;
    pending -= 1;
    clearTimeout(waiter.timer);
    if (error) {
      stats.unavailable += 1;
      waiter.reject(error);
    } else {
      waiter.resolve();
    }
  };

  const removeSettledWaiting = () => {
    queue = queue.filter((waiter) => waiter.inFlight || !waiter.settled);
  };

  const notifyIdle = () => {
    if (queue.length > 0) return;
    const listeners = idle;
    idle = [];
    for (const listener of listeners) listener();
  };

  /** Delivers one batch. */
  async function deliver(batch: AuditRecordWire[]): Promise<"ok" | "too-large" | "failed"> {
    let status = 0;
    try {
      const body = Buffer.from(JSON.stringify({ records: batch }), "utf8");
      const response = await doFetch(endpoint, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          [ENVELOPE_HEADER]: options.signEnvelope(
            { aud: AUDIT_AUDIENCE, requestId: randomUUID(), purpose: null, principal },
            { method: "POST", path: requestPath(endpoint), body },
          ),
        },
        body,
        signal: AbortSignal.timeout(requestTimeoutMs),
      });
      status = response.status;
      if (response.ok) {
        const body = (await response.json()) as { appended?: number; duplicates?: number };
        stats.delivered += body.appended ?? 0;
        stats.duplicates += body.duplicates ?? 0;
        return "ok";
      }
      await response.body?.cancel();
      if (status === 413 && batch.length > 1) return "too-large";
      // A refused batch (400) means the two ends disagree on the record shape: loud.
      const level = status === 400 || status === 401 || status === 403 ? "error" : "warn";
      log[level]({ status, records: batch.length, attempt: consecutiveFailures + 1 }, "audit batch refused");
    } catch (error) {
      log.warn(
        { reason: (error as Error).name, status, records: batch.length, attempt: consecutiveFailures + 1 },
        "audit batch not delivered",
      );
    }
    return "failed";
  }

  function backoff(): Promise<void> {
    const ceiling = Math.min(maxBackoffMs, initialBackoffMs * 2 ** Math.min(consecutiveFailures - 1, 20));
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    return new Promise((resolve) => {
      const sleep = setTimeout(resolve, delay);
      wakeUp = () => {
        clearTimeout(sleep);
        resolve();
      };
    });
  }

  async function pump(): Promise<void> {
    if (pumping) return;
    pumping = true;
    try {
      for (;;) {
        removeSettledWaiting();
        if (queue.length === 0) break;
        const batch = queue.slice(0, currentBatch);
        for (const waiter of batch) waiter.inFlight = true;
        const outcome = await deliver(batch.map((waiter) => waiter.record));
        for (const waiter of batch) waiter.inFlight = false;
        if (outcome === "ok") {
          const appended = new Set(batch);
          queue = queue.filter((waiter) => !appended.has(waiter));
          consecutiveFailures = 0;
          currentBatch = Math.min(batchSize, currentBatch * 2);
          for (const waiter of batch) settle(waiter);
        } else if (outcome === "too-large") {
          currentBatch = Math.max(1, Math.floor(batch.length / 2));
        } else {
          stats.failedDeliveries += 1;
          consecutiveFailures += 1;
          removeSettledWaiting();
          if (queue.length === 0) break;
          await backoff();
        }
      }
    } finally {
      pumping = false;
      wakeUp = undefined;
      notifyIdle();
    }
  }

  return {
    record(entry, recordOptions = {}) {
      if (closed) return Promise.reject(new AuditWriterClosedError());
      let record: AuditRecordWire;
      try {
        record = toWire(entry, entry.recordId ?? randomUUID());
      } catch (error) {
        return Promise.reject(error);
      }
      if (pending >= maxWaiting) {
        stats.unavailable += 1;
        return Promise.reject(new AuditUnavailableError("overloaded"));
      }
      const started = now();
      const deadline = Math.min(recordOptions.deadline ?? Number.POSITIVE_INFINITY, started + maxWaitMs);
      return new Promise<void>((resolve, reject) => {
        const waiter: Waiter = { record, deadline, timer: undefined, inFlight: false, settled: false, resolve, reject };
        waiter.timer = setTimeout(() => settle(waiter, new AuditUnavailableError("deadline")), deadline - started);
        queue.push(waiter);
        pending += 1;
        void pump();
      });
    },

    flush() {
      if (queue.length === 0 && !pumping) return Promise.resolve();
      return new Promise<void>((resolve) => idle.push(resolve));
    },

    async close() {
      closed = true;
      if (queue.length === 0 && !pumping) return;
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), closeTimeoutMs);
      });
      const drained = new Promise<"drained">((resolve) => idle.push(() => resolve("drained")));
      try {
        if ((await Promise.race([drained, gaveUp])) === "timeout") {
          const left = queue.length;
          for (const waiter of queue.splice(0)) settle(waiter, new AuditUnavailableError("closed"));
          wakeUp?.();
          log.error({ undelivered: left }, "audit records not confirmed before shutdown");
        }
      } finally {
        clearTimeout(timer);
      }
    },

    stats: () => ({
      waiting: pending,
      delivered: stats.delivered,
      duplicates: stats.duplicates,
      failedDeliveries: stats.failedDeliveries,
      unavailable: stats.unavailable,
    }),
  };
}
