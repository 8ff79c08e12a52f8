/**
 * Leased counters (gateway/limits/leasedCounter.ts) without a server: a fixed-window store shared by "replicas" (one
 * leased counter each), an injected clock, no sleeps. What is checked: never more than the limit across replicas, the
 * 429 exact at the limit from one process, store round trips far fewer than decisions, the last units one by one,
 * windows, refused decisions not charged, and a store that is down.
 */
import { describe, expect, it } from "vitest";
import { LEASE_SHARE, leaseBook, leasedCounter, leaseSize } from "../../gateway/limits/leasedCounter.ts";
import type { Counter, Outcome } from "../../gateway/limits/limitStore.ts";

/** A fixed-window counter as rate-limiter-flexible keeps it: an increment is counted even when it goes past. */
function fakeStore(points: number, windowMs: number, now: () => number) {
  const keys = new Map<string, { consumed: number; endsAt: number }>();
  const calls: number[] = [];
  let down: Outcome | null = null;
  const counter: Counter = {
    async consume(key, units = 1) {
      calls.push(units);
      if (down) return down;
      let entry = keys.get(key);
      if (!entry || entry.endsAt <= now()) {
        entry = { consumed: 0, endsAt: now() + windowMs };
        keys.set(key, entry);
      }
      entry.consumed += units;
      return {
        kind: entry.consumed > points ? "limited" : "allowed",
        consumed: entry.consumed,
        remaining: Math.max(0, points - entry.consumed),
        resetMs: entry.endsAt - now(),
        source: "store",
      };
    },
    async refund(key, units) {
      const entry = keys.get(key);
      if (entry) entry.consumed -= units;
    },
  };
  return {
    counter,
    calls,
    consumedOf: (key: string) => keys.get(key)?.consumed ?? 0,
    goDown: (outcome: Outcome | null) => {
      down = outcome;
    },
  };
}

function setup(points: number, maxLease = 64, replicas = 1) {
  let t = Date.parse("2026-12-06T10:00:00Z");
  const now = () => t;
  const store = fakeStore(points, 60_000, now);
  const counters = Array.from({ length: replicas }, () => leasedCounter(store.counter, { points, maxLease, now }));
  return {
    store,
    counters,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

async function spend(counter: Counter, key: string, times: number) {
  const kinds: string[] = [];
  for (let i = 0; i < times; i += 1) kinds.push((await counter.consume(key)).kind);
  return kinds;
}

describe("leasedCounter", () => {
  it("sizes leases: at most maxLease decisions, at most a quarter of what is left, never below the decision", () => {
    expect(leaseSize(1, 64, 600)).toBe(64);
    expect(leaseSize(1, 64, 100)).toBe(25);
    expect(leaseSize(1, 64, 7)).toBe(1);
    expect(leaseSize(1, 64, 0)).toBe(1);
    expect(leaseSize(400, 64, 2_000_000)).toBe(25_600);
    expect(leaseSize(400, 64, 1_000)).toBe(400);
    expect(leaseSize(1, 1, 600)).toBe(1);
    expect(LEASE_SHARE).toBe(4);
  });

  it("refuses exactly at the limit from one process, with exact remaining counts, in far fewer store calls", async () => {
    const { store, counters } = setup(600);
    const [counter] = counters as [Counter];
    const remaining: number[] = [];
    for (let i = 0; i < 600; i += 1) {
      const outcome = await counter.consume("app:a");
      expect(outcome.kind, `decision ${i + 1}`).toBe("allowed");
      if (outcome.kind === "allowed") remaining.push(outcome.remaining);
    }
    expect(remaining).toEqual(Array.from({ length: 600 }, (_, i) => 599 - i));
    const refused = await counter.consume("app:a");
    expect(refused).toMatchObject({ kind: "limited", remaining: 0 });
    expect(store.consumedOf("app:a")).toBe(600);
    // 600 decisions: leases of 64 while plenty is left, shrinking to one unit at a time at the end.
    expect(store.calls.length).toBeLessThan(80);
    expect(store.calls.slice(0, 2)).toEqual([64, 64]);
    expect(store.calls.slice(-3)).toEqual([1, 1, 1]);
    // Past the limit, nothing more is asked of the store until the window ends.
    const calls = store.calls.length;
    expect(await spend(counter, "app:a", 50)).toEqual(Array(50).fill("limited"));
    expect(store.calls.length).toBe(calls);
  });

  it("never allows more than the limit across replicas, and refuses at most (replicas − 1) leases early", async () => {
    for (const points of [4, 10, 97, 600]) {
      const { counters, store } = setup(points, 64, 3);
      let allowed = 0;
      // Round robin, as a load balancer would: 3 × points decisions.
      for (let i = 0; i < points * 3; i += 1) {
        const outcome = await (counters[i % 3] as Counter).consume("app:shared");
        if (outcome.kind === "allowed") allowed += 1;
      }
      expect(allowed, `limit ${points}`).toBeLessThanOrEqual(points);
      expect(allowed, `limit ${points}`).toBeGreaterThanOrEqual(points - 2 * leaseSize(1, 64, points));
      expect(store.consumedOf("app:shared")).toBeGreaterThanOrEqual(points);
    }
  });

  it("with a small limit shared by two replicas, takes units one by one: the 429 comes exactly at the limit", async () => {
    const { counters } = setup(4, 64, 2);
    const [a, b] = counters as [Counter, Counter];
    const kinds: string[] = [];
    for (const counter of [a, b, a, b, a, b]) kinds.push((await counter.consume("app:small")).kind);
    expect(kinds).toEqual(["allowed", "allowed", "allowed", "allowed", "limited", "limited"]);
  });

  it("ends a lease with its window: units of one window are never spent in the next", async () => {
    const { counters, store, advance } = setup(100);
    const [counter] = counters as [Counter];
    expect(await spend(counter, "k", 100)).toEqual(Array(100).fill("allowed"));
    expect((await counter.consume("k")).kind).toBe("limited");
    advance(60_000);
    const next = await counter.consume("k");
    expect(next).toMatchObject({ kind: "allowed", remaining: 99, resetMs: 60_000 });
    expect(store.consumedOf("k")).toBe(25);

    // A lease taken late in a window lasts only until that window ends.
    advance(59_000);
    await spend(counter, "k", 30);
    const leftover = store.consumedOf("k");
    advance(1_000);
    await counter.consume("k");
    expect(store.consumedOf("k")).toBe(25);
    expect(leftover).toBeGreaterThan(30);
  });

  it("charges nothing for a refused decision and keeps what a partial lease granted for a cheaper one", async () => {
    const { counters, store } = setup(3);
    const [counter] = counters as [Counter];
    expect((await counter.consume("budget", 1)).kind).toBe("allowed");
    expect((await counter.consume("budget", 1)).kind).toBe("allowed");
    const expensive = await counter.consume("budget", 10);
    expect(expensive).toMatchObject({ kind: "limited", remaining: 1 });
    expect(await counter.consume("budget", 1)).toMatchObject({ kind: "allowed", remaining: 0 });
    expect(await counter.consume("budget", 1)).toMatchObject({ kind: "limited", remaining: 0 });
    expect(store.calls).toEqual([1, 1, 10]);
  });

  it("shares one lease between concurrent decisions of one key instead of asking the store for each", async () => {
    const { counters, store } = setup(10_000);
    const [counter] = counters as [Counter];
    const outcomes = await Promise.all(Array.from({ length: 40 }, () => counter.consume("address:203.0.113.7")));
    expect(outcomes.every((outcome) => outcome.kind === "allowed")).toBe(true);
    expect(store.calls).toEqual([64]);
  });

  it("with the store down, answers as its fallback says, and still spends units already leased", async () => {
    const { counters, store } = setup(1_000);
    const [counter] = counters as [Counter];
    expect((await counter.consume("k")).kind).toBe("allowed");
    store.goDown({ kind: "unavailable" });
    expect(await spend(counter, "k", 63)).toEqual(Array(63).fill("allowed"));
    expect(await counter.consume("k")).toEqual({ kind: "unavailable" });
    store.goDown({ kind: "uncounted" });
    expect(await counter.consume("other")).toEqual({ kind: "uncounted" });
  });

  it("voids leased units when the store's count went back (a key lost or flushed)", async () => {
    const { counters, store } = setup(1_000);
    const [counter] = counters as [Counter];
    await spend(counter, "k", 64);
    await store.counter.refund("k", 64); // the store forgets
    await counter.consume("k");
    // A fresh lease of 64; the next decision spends from it, not from anything older.
    expect(store.consumedOf("k")).toBe(64);
  });

  it("with maxLease 1, asks the store for every decision until it is spent", async () => {
    const { counters, store } = setup(100, 1);
    expect(await spend(counters[0] as Counter, "k", 101)).toEqual([...Array(100).fill("allowed"), "limited"]);
    expect(store.calls).toEqual(Array(100).fill(1));
  });
});

describe("leasedCounter, a limit changed", () => {
  it("gives back the units leased under the old limit before the new one leases from the same store", async () => {
    const now = () => 0;
    const store = fakeStore(600, 60_000, now);
    const book = leaseBook();
    const before = leasedCounter(store.counter, { points: 600, maxLease: 64, now, book });
    await spend(before, "app:a", 2);
    expect(store.consumedOf("app:a")).toBe(64);
    // The store still counts against 600; the new limit of 3 reads the same key (as Redis does).
    const lowered = leasedCounter(fakeLimit(store.counter, 3), { points: 3, maxLease: 64, now, book });
    expect(await spend(lowered, "app:a", 2)).toEqual(["allowed", "limited"]);
    // 2 spent before, 1 after: the 62 leased and unspent were given back.
    expect(store.consumedOf("app:a")).toBe(3);
  });
});

/** The same store keys read against another limit (what Redis does when a limit changes). */
function fakeLimit(inner: Counter, points: number): Counter {
  return {
    async consume(key, units) {
      const outcome = await inner.consume(key, units);
      if (outcome.kind !== "allowed" && outcome.kind !== "limited") return outcome;
      return {
        ...outcome,
        kind: outcome.consumed > points ? "limited" : "allowed",
        remaining: Math.max(0, points - outcome.consumed),
      };
    },
    refund: (key, units) => inner.refund(key, units),
  };
}
