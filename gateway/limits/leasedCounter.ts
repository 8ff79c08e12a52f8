/**
 * Leased counters: a gateway process takes a **lease** of several units of a caller's limit from the store in one
 * atomic increment (rate-limiter-flexible's Lua script on Redis) and spends it locally, so most decisions cost no
 * store round trip (docs/limits.md, "Leases").
 *
 * - **Never over the limit.** A lease is an atomic increment of the shared counter by `size`; what this process may
 *   spend is the part of that increment that was still under the limit (`limit − (consumed − size)`, clamped to
 *   `0…size`). Grants are disjoint slices of `0…limit`, so all replicas together never allow more than the limit in a
 *   window. A refused lease keeps what it was granted for a cheaper decision and charges nothing else.
 * - **Smaller as the limit runs out.** A lease covers at most `maxLease` decisions of the size asked for, and at most a
 *   quarter of what the store had left at this process's last contact; the last units of a window go one by one, so
 *   from one process the 429 comes exactly at the limit.
 * - **What it costs in accuracy.** Units one replica leased and has not spent are not available to another: across R
 *   replicas a caller may be refused up to (R − 1) leases before its limit (each at most `maxLease` decisions and a
 *   quarter of what was left), and a replica's unspent units are lost when the window ends. `RateLimit-Remaining` is
 *   this process's view (exact with one replica).
 * - **Window.** A lease lasts until the window the store reported ends, measured from the moment the lease was asked
 *   for (never later than the store's own end), so units of one window are never spent in the next.
 * - **Limit changed.** Counters of one name share their leases (`book`): when a caller's limit changes, the units
 *   leased under the old limit and not spent go back to the store before the new limit leases, so in Redis the new
 *   limit goes on from what was actually spent.
 * - **Store down.** A decision that needs the store and cannot reach it answers as the counter's fallback says
 *   (limitStore.ts); units already leased are still spent (at most one lease per caller and process).
 */
import type { Counter, Outcome } from "./limitStore.ts";

export interface LeaseOptions {
  /** The limit: points per window. */
  points: number;
  /** Most decisions of the size asked for that one lease covers (`RATE_LIMIT_MAX_LEASE`); 1: no leasing. */
  maxLease: number;
  /** The store's clock (epoch ms): windows are the store's. */
  now?: () => number;
  /** Leases by key, shared by the counters of one name (one per limit value); default: this counter's own. */
  book?: LeaseBook;
}

export type LeaseBook = Map<string, Lease>;
export const leaseBook = (): LeaseBook => new Map();

/** A lease takes at most this fraction (1/LEASE_SHARE) of what the store had left. */
export const LEASE_SHARE = 4;

/** The number of units to lease for a decision of `cost`, with `storeRemaining` left in the store at last contact. */
export function leaseSize(cost: number, maxLease: number, storeRemaining: number): number {
  return Math.max(cost, Math.min(maxLease * cost, Math.floor(storeRemaining / LEASE_SHARE)));
}

export interface Lease {
  /** The limit it was leased under, and the counter that leased it. */
  points: number;
  owner: Counter;
  /** Units leased by this process and not yet spent. */
  available: number;
  /** The store's count after this process's last lease (every replica's). */
  storeConsumed: number;
  /** When the window ends (epoch ms, measured from the moment the lease was asked for). */
  windowEnd: number;
  source: "store" | "memory";
}

/** Leases are dropped when their window ends; expired ones are swept when the map has doubled. */
const SWEEP_FLOOR = 1_024;

export function leasedCounter(inner: Counter, options: LeaseOptions): Counter {
  const { points, maxLease, now = Date.now } = options;
  const leases = options.book ?? leaseBook();
  /** One lease request in flight per key: concurrent decisions wait for it and then spend from it. */
  const inFlight = new Map<string, Promise<unknown>>();
  let sweepAt = SWEEP_FLOOR;

  const sweep = (t: number) => {
    if (leases.size < sweepAt) return;
    for (const [key, lease] of leases) if (lease.windowEnd <= t) leases.delete(key);
    sweepAt = Math.max(SWEEP_FLOOR, leases.size * 2);
  };
  const outcome = (kind: "allowed" | "limited", lease: Lease, t: number): Outcome => {
    const remaining = lease.available + Math.max(0, points - lease.storeConsumed);
    return {
      kind,
      consumed: points - remaining,
      remaining,
      resetMs: Math.max(0, lease.windowEnd - t),
      source: lease.source,
    };
  };
  const current = (key: string, t: number) => {
    const lease = leases.get(key);
    if (lease && lease.windowEnd <= t) {
      leases.delete(key);
      return undefined;
    }
    return lease;
  };

  const consume = async (key: string, cost = 1): Promise<Outcome> => {
    const t = now();
    let lease = current(key, t);
    if (lease && lease.points !== points) {
      // The limit changed: what was leased under the old one and not spent goes back to the store it came from.
      leases.delete(key);
      if (lease.available > 0) await lease.owner.refund(key, lease.available);
      lease = undefined;
    }
    if (lease) {
      if (lease.available >= cost) {
        lease.available -= cost;
        return outcome("allowed", lease, t);
      }
      // Nothing left in the store this window: refused without a round trip.
      if (lease.storeConsumed >= points) return outcome("limited", lease, t);
    }
    const pending = inFlight.get(key);
    if (pending) {
      await pending;
      return consume(key, cost);
    }
    const size = leaseSize(cost, maxLease, lease ? points - lease.storeConsumed : points);
    const asked = inner.consume(key, size);
    inFlight.set(
      key,
      asked.catch(() => {}),
    );
    let answer: Outcome;
    try {
      answer = await asked;
    } finally {
      inFlight.delete(key);
    }
    if (answer.kind === "uncounted" || answer.kind === "unavailable") return answer;
    const before = answer.consumed - size;
    const granted = Math.min(size, Math.max(0, points - before));
    const kept = current(key, t);
    // The store's count went back (its window ended early, or its key was lost): units leased before are void.
    const carried = kept && kept.points === points && before >= kept.storeConsumed ? kept.available : 0;
    const next: Lease = {
      points,
      owner: inner,
      available: carried + granted,
      storeConsumed: answer.consumed,
      windowEnd: t + answer.resetMs,
      source: answer.source,
    };
    sweep(t);
    leases.set(key, next);
    if (next.available >= cost) {
      next.available -= cost;
      return outcome("allowed", next, t);
    }
    return outcome("limited", next, t);
  };

  const counter: Counter = {
    consume,
    async refund(key, units) {
      const lease = current(key, now());
      if (lease?.points === points) lease.available += units;
      else await inner.refund(key, units);
    },
  };
  return counter;
}
