/**
 * The shared nonce store for several replicas of one subgraph (./nonceStore.ts): one Redis key per accepted
 * envelope, `SET <prefix><aud>:<nonce> 1 PX <ms until exp + skew> NX`. `NX` makes the claim atomic across replicas —
 * of two replicas handed the same envelope, exactly one gets `OK` — and `PX` lets Redis forget the nonce once the
 * envelope has expired anyway, so memory stays bounded by the request rate without any sweeping.
 *
 * Fail closed: no offline queue and a short command timeout, so while Redis is unreachable a claim fails at once and
 * the request is refused with 503 ENVELOPE_STORE_UNAVAILABLE; it is never accepted unchecked.
 * Configured by `ENVELOPE_NONCE_REDIS_URL` (subgraphs/kit/config.ts); absent, a subgraph uses its own memory, which
 * is right for a single replica only.
 */
import { Redis } from "ioredis";
import type { NonceStore } from "./nonceStore.ts";

export interface RedisNonceStoreOptions {
  /** `redis://host:6379/0` (or `rediss://` for TLS). */
  url: string;
  /** Key prefix; the key is `<prefix><aud>:<nonce>`. Default `og:envelope-nonce:`. */
  keyPrefix?: string;
  /** Longest wait for one claim. Default 250 ms. */
  commandTimeoutMs?: number;
  now?: () => number;
}

/** Connects (so the first requests do not meet a connection still being made) and returns the store. */
export async function createRedisNonceStore(options: RedisNonceStoreOptions): Promise<NonceStore> {
  const { url, keyPrefix = "og:envelope-nonce:", commandTimeoutMs = 250, now = Date.now } = options;
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: commandTimeoutMs,
    connectTimeout: 2_000,
  });
  // Reconnection is ioredis's own; errors while disconnected surface as failed claims, not as crashes.
  redis.on("error", () => {});
  await redis.connect();
  return {
    async claim(nonce, expiresAt) {
      const ttl = Math.max(1, Math.ceil(expiresAt - now()));
      try {
        const answer = await redis.set(`${keyPrefix}${nonce}`, "1", "PX", ttl, "NX");
        return answer === "OK" ? "fresh" : "seen";
      } catch {
        return "unavailable";
      }
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
