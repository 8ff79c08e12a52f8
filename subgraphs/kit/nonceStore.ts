/**
 * Where a subgraph remembers the nonces of the envelopes it accepted, so that each envelope is used once
 * (lib/wire.ts). A nonce is held until its envelope could no longer be accepted anyway (exp + clock skew), so memory
 * is bounded by the request rate times about 35 seconds.
 *
 * **One store per set of replicas.** The memory store protects one process. With several replicas of one subgraph
 * behind a load balancer, an envelope refused as a replay by one replica would be accepted once by each other replica:
 * replicas must share the store. `createRedisNonceStore` (./redisNonceStore.ts, `ENVELOPE_NONCE_REDIS_URL`) is that
 * shared store; both implement the same `NonceStore` interface, and the kit takes whichever configuration names.
 *
 * Fail closed: a store that cannot answer (Redis unreachable) or cannot hold more (memory full of live nonces)
 * says so, and the request is refused with 503 ENVELOPE_STORE_UNAVAILABLE — never accepted unchecked.
 */

export type NonceClaim =
  /** First time this nonce is seen: the request may proceed. */
  | "fresh"
  /** Already seen before its expiry: a replay. */
  | "seen"
  /** The store could not decide (unreachable, or full): refuse the request. */
  | "unavailable";

export interface NonceStore {
  /**
   * Remembers `nonce` until `expiresAt` (epoch ms) if it is new. Atomic: of two concurrent claims of one nonce, at
   * most one is `fresh`.
   */
  claim(nonce: string, expiresAt: number): Promise<NonceClaim>;
  /** Nonces held now (memory store), for /metrics; undefined when the store cannot tell cheaply. */
  size?(): number;
  close?(): Promise<void>;
}

export interface MemoryNonceStoreOptions {
  /** Most nonces held at once; beyond, claims answer `unavailable` until some expire. Default 200 000 (about 30 MB). */
  maxEntries?: number;
  now?: () => number;
}

/**
 * A process-local store: a Map in insertion order. Expiries grow with insertion (every envelope lives the same 30 s),
 * so expired entries are swept from the front, a few per claim, and all of them when the store is full.
 */
export function createMemoryNonceStore(options: MemoryNonceStoreOptions = {}): NonceStore {
  const { maxEntries = 200_000, now = Date.now } = options;
  const held = new Map<string, number>();

  /** Drops up to `budget` expired entries from the front, stopping at the first live one. */
  const sweepFront = (at: number, budget: number) => {
    let left = budget;
    for (const [nonce, expiresAt] of held) {
      if (expiresAt > at || left <= 0) break;
      held.delete(nonce);
      left -= 1;
    }
  };
  /** Drops every expired entry (clocks of several gateways may interleave expiries slightly). */
  const sweepAll = (at: number) => {
    for (const [nonce, expiresAt] of held) if (expiresAt <= at) held.delete(nonce);
  };

  return {
    async claim(nonce, expiresAt) {
      const at = now();
      sweepFront(at, 16);
      const existing = held.get(nonce);
      if (existing !== undefined && existing > at) return "seen";
      if (existing !== undefined) held.delete(nonce);
      if (held.size >= maxEntries) {
        sweepAll(at);
        if (held.size >= maxEntries) return "unavailable";
      }
      held.set(nonce, expiresAt);
      return "fresh";
    },
    size: () => held.size,
  };
}
