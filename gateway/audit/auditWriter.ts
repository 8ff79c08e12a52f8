/**
 * The gateway's buffered writer of data-access audit records (数据访问审计): `record()` puts an entry in a bounded
 * buffer; batches go to the audit service (POST /audit/records) signed as the gateway; `close()` delivers everything
 * on graceful shutdown.
 *
 * Records are never dropped:
 * - a full buffer makes `record()` wait (back-pressure) until a delivered batch frees room, first come first served;
 * - a failed delivery keeps its records at the head of the buffer and is retried with exponential backoff (with
 *   jitter) — while the audit service is down the buffer fills and the gateway slows down instead of forgetting;
 * - every record carries its id from the start, so a batch re-sent after a lost answer is not appended twice;
 * - a batch the service finds too large (413) is split in halves.
 * Only counts and statuses are logged, never a record's content.
 *
 * One batch is in flight at a time, so records reach the chain in the order they were recorded.
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "../../lib/log.ts";
import { systemPrincipal } from "../../lib/principal.ts";
import { ENVELOPE_HEADER, type EnvelopeSigner } from "../../lib/wire.ts";
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
  /** The gateway's envelope signer (lib/wire.ts); each delivery is signed for audience `audit` as a system principal. */
  signEnvelope: EnvelopeSigner;
  log: Logger;
  /** Records held at most, delivered or not; `record()` waits beyond. Default 10 000. */
  bufferSize?: number;
  /** Records per delivery. Default 200 (at most 1000, the service's limit). */
  batchSize?: number;
  /** A partial batch is delivered at the latest after this long. Default 1000 ms. */
  flushIntervalMs?: number;
  /** First wait after a failed delivery; doubles per consecutive failure. Default 250 ms. */
  initialBackoffMs?: number;
  /** Longest wait between retries. Default 30 000 ms. */
  maxBackoffMs?: number;
  /** Longest wait for one delivery's answer. Default 10 000 ms. */
  requestTimeoutMs?: number;
  /** Longest `close()` keeps retrying before it gives up and rejects, naming the undelivered count. Default 30 000 ms. */
  closeTimeoutMs?: number;
  /** The system principal's id in the envelope. Default `gateway-audit`. */
  principalId?: string;
  /** For tests: the fetch to deliver with. */
  fetch?: typeof fetch;
}

export interface AuditWriterStats {
  /** Records in the buffer, including the batch in flight. */
  buffered: number;
  /** `record()` calls waiting for room (back-pressure). */
  waiting: number;
  /** Records the service appended. */
  delivered: number;
  /** Records the service already had (re-sent after a lost answer). */
  duplicates: number;
  /** Deliveries that failed and were retried. */
  failedDeliveries: number;
}

export interface AuditWriter {
  /**
   * Takes an entry into the buffer. Resolves once it is there — at once, or when room frees up while the buffer is
   * full. Rejects with a TypeError for a malformed entry, and after `close()` was called.
   */
  record(entry: AuditEntry): Promise<void>;
  /** Delivers everything buffered now; resolves when the buffer is empty. */
  flush(): Promise<void>;
  /**
   * Stops taking entries and delivers everything buffered (graceful shutdown). Rejects with `AuditUndeliveredError`
   * if the service could not take it all within `closeTimeoutMs`.
   */
  close(): Promise<void>;
  stats(): AuditWriterStats;
}

export class AuditWriterClosedError extends Error {
  constructor() {
    super("The audit writer is closed: the gateway is shutting down and takes no more audit entries.");
  }
}

export class AuditUndeliveredError extends Error {
  constructor(readonly undelivered: number) {
    super(`${undelivered} audit records could not be delivered to the audit service before shutdown.`);
  }
}

interface Waiter {
  record: AuditRecordWire;
  resolve(): void;
  reject(error: Error): void;
}

export function createAuditWriter(options: AuditWriterOptions): AuditWriter {
  const bufferSize = options.bufferSize ?? 10_000;
  const batchSize = Math.min(options.batchSize ?? 200, 1000);
  const flushIntervalMs = options.flushIntervalMs ?? 1000;
  const initialBackoffMs = options.initialBackoffMs ?? 250;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  const closeTimeoutMs = options.closeTimeoutMs ?? 30_000;
  const principal = systemPrincipal(options.principalId ?? "gateway-audit");
  const endpoint = new URL(AUDIT_INGEST_PATH, options.url).toString();
  const doFetch = options.fetch ?? fetch;
  const { log } = options;
  if (!Number.isInteger(bufferSize) || !Number.isInteger(batchSize) || batchSize < 1 || bufferSize < batchSize) {
    throw new Error(`The audit buffer (${bufferSize}) must be a whole number at least the batch size (${batchSize}).`);
  }

  const buffer: AuditRecordWire[] = [];
  const waiters: Waiter[] = [];
  const stats = { delivered: 0, duplicates: 0, failedDeliveries: 0 };
  let drained: Array<() => void> = [];
  let pumping = false;
  /** Deliver partial batches too (interval elapsed, flush or close), until the buffer is empty. */
  let deliverAll = false;
  let closed = false;
  /** Set when close() gave up: the loop stops retrying. */
  let abandoned = false;
  let consecutiveFailures = 0;
  /** Shrinks after a 413 and grows back after successes. */
  let currentBatch = batchSize;
  let wakeUp: (() => void) | undefined;

  const timer = setInterval(() => {
    if (buffer.length > 0) {
      deliverAll = true;
      void pump();
    }
  }, flushIntervalMs);
  timer.unref();

  function admitWaiters() {
    while (waiters.length > 0 && buffer.length < bufferSize) {
      const waiter = waiters.shift() as Waiter;
      buffer.push(waiter.record);
      waiter.resolve();
    }
  }

  function settleDrained() {
    if (buffer.length > 0 || waiters.length > 0) return;
    deliverAll = false;
    const listeners = drained;
    drained = [];
    for (const listener of listeners) listener();
  }

  /** Delivers one batch; true when the service took it. */
  async function deliver(batch: AuditRecordWire[]): Promise<"ok" | "too-large" | "failed"> {
    let status = 0;
    try {
      const response = await doFetch(endpoint, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          [ENVELOPE_HEADER]: options.signEnvelope({
            aud: AUDIT_AUDIENCE,
            requestId: randomUUID(),
            purpose: null,
            principal,
          }),
        },
        body: JSON.stringify({ records: batch }),
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
      // A refused batch (400) means the two ends disagree on the record shape: loud, but still kept and retried.
      const level = status === 400 || status === 401 || status === 403 ? "error" : "warn";
      log[level]({ status, records: batch.length, attempt: consecutiveFailures + 1 }, "audit batch refused; retrying");
    } catch (error) {
      log.warn(
        { reason: (error as Error).name, status, records: batch.length, attempt: consecutiveFailures + 1 },
        "audit batch not delivered; retrying",
      );
    }
    return "failed";
  }

  function backoff(): Promise<void> {
    const ceiling = Math.min(maxBackoffMs, initialBackoffMs * 2 ** Math.min(consecutiveFailures - 1, 20));
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    return new Promise((resolve) => {
      const sleep = setTimeout(resolve, delay);
      // close() cuts the wait short once it gives up.
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
      while (!abandoned && buffer.length > 0 && (deliverAll || buffer.length >= currentBatch)) {
        const batch = buffer.slice(0, currentBatch);
        const outcome = await deliver(batch);
        if (outcome === "ok") {
          buffer.splice(0, batch.length);
          consecutiveFailures = 0;
          currentBatch = Math.min(batchSize, currentBatch * 2);
          admitWaiters();
          settleDrained();
        } else if (outcome === "too-large") {
          currentBatch = Math.max(1, Math.floor(batch.length / 2));
        } else {
          stats.failedDeliveries += 1;
          consecutiveFailures += 1;
          await backoff();
        }
      }
    } finally {
      pumping = false;
      wakeUp = undefined;
    }
  }

  function untilDrained(): Promise<void> {
    if (buffer.length === 0 && waiters.length === 0) return Promise.resolve();
    deliverAll = true;
    const done = new Promise<void>((resolve) => drained.push(resolve));
    void pump();
    return done;
  }

  return {
    async record(entry) {
      if (closed) throw new AuditWriterClosedError();
      const record = toWire(entry, entry.recordId ?? randomUUID());
      if (waiters.length === 0 && buffer.length < bufferSize) {
        buffer.push(record);
        if (buffer.length >= currentBatch) void pump();
        return;
      }
      // Back-pressure: wait for room, behind everyone already waiting.
      await new Promise<void>((resolve, reject) => {
        waiters.push({ record, resolve, reject });
        void pump();
      });
    },

    flush: untilDrained,

    async close() {
      if (closed) return untilDrained();
      closed = true;
      clearInterval(timer);
      let deadline: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<"timeout">((resolve) => {
        deadline = setTimeout(() => resolve("timeout"), closeTimeoutMs);
      });
      try {
        const outcome = await Promise.race([untilDrained(), gaveUp]);
        if (outcome === "timeout") {
          abandoned = true;
          wakeUp?.();
          const undelivered = buffer.length + waiters.length;
          for (const waiter of waiters.splice(0)) waiter.reject(new AuditUndeliveredError(undelivered));
          log.error({ undelivered }, "audit records not delivered before shutdown");
          throw new AuditUndeliveredError(undelivered);
        }
        log.info({ delivered: stats.delivered }, "audit writer closed; every record delivered");
      } finally {
        clearTimeout(deadline);
      }
    },

    stats: () => ({
      buffered: buffer.length,
      waiting: waiters.length,
      delivered: stats.delivered,
      duplicates: stats.duplicates,
      failedDeliveries: stats.failedDeliveries,
    }),
  };
}
