/**
 * Where rate-limit counters live: Redis when `REDIS_URL` is set (shared by every gateway replica: one atomic Lua
 * increment per lease of units — ./leasedCounter.ts —, rate-limiter-flexible's `RateLimiterRedis`), otherwise this process's memory (the
 * one-command start, a single replica).
 *
 * Redis down or slow never becomes a 500: commands time out after `timeoutMs`, nothing is queued while disconnected
 * (a decision against a broken connection fails at once), and each counter says what happens then (`Fallback`):
 * - `memory`: rate-limiter-flexible's insurance limiter — the same limit counted in this process's memory until
 *   Redis answers again (with N replicas a caller may then get up to N times the limit);
 * - `open`: the request is let through uncounted;
 * - `closed`: the request is refused (503 RATE_LIMIT_UNAVAILABLE).
 */
import { Redis } from "ioredis";
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import type { Logger } from "../../lib/log.ts";

export type Fallback = "memory" | "open" | "closed";

export interface CounterOptions {
  /** Namespace of the counter's keys (`requests`, `daily-cost` …), after the store's prefix. */
  name: string;
  /** Points per window. */
  points: number;
  windowSeconds: number;
  fallback: Fallback;
}

export type Outcome =
  /**
   * Counted: `consumed` is the store's count after this increment (past `points` when refused: a refused increment
   * stays counted), `remaining` points are left, the window resets in `resetMs`; `source` says which store decided.
   */
  | { kind: "allowed" | "limited"; consumed: number; remaining: number; resetMs: number; source: "store" | "memory" }
  /** The store failed and the counter fails open: let through, uncounted. */
  | { kind: "uncounted" }
  /** The store failed and the counter fails closed. */
  | { kind: "unavailable" };

export interface Counter {
  consume(key: string, points?: number): Promise<Outcome>;
  /** Gives back points (a refused operation is not charged); best effort. */
  refund(key: string, points: number): Promise<void>;
}

export interface LimitStore {
  kind: "memory" | "redis";
  counter(options: CounterOptions): Counter;
  close(): Promise<void>;
}

export interface LimitStoreOptions {
  /** `redis://host:6379/1` (`rediss://` for TLS); absent: counters in memory. */
  redisUrl?: string;
  /** Prefix of every key in Redis. */
  keyPrefix: string;
  /** Longest wait for one Redis command before the counter's fallback applies. */
  timeoutMs: number;
  log: Logger;
}

export async function createLimitStore(options: LimitStoreOptions): Promise<LimitStore> {
  const { redisUrl, keyPrefix, timeoutMs, log } = options;
  if (!redisUrl) {
    return {
      kind: "memory",
      counter: (counter) => memoryCounter(counter, keyPrefix),
      close: async () => {},
    };
  }
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: timeoutMs,
    connectTimeout: 2_000,
    // Reconnect forever, at most every 2 s: limits return to Redis as soon as it is back.
    retryStrategy: (times) => Math.min(100 * times, 2_000),
  });
  let lastWarning = 0;
  redis.on("error", (error: Error) => {
    // ioredis reports every failed reconnection; one line per minute says enough. The URL may hold a password.
    if (Date.now() - lastWarning < 60_000) return;
    lastWarning = Date.now();
    log.warn({ err: { message: error.message } }, "rate-limit store (Redis) unreachable; limits use their fallbacks");
  });
  redis.on("ready", () => log.info("rate-limit store (Redis) connected"));
  // Start without waiting for a Redis that is down: until it answers, every counter uses its fallback.
  await redis.connect().catch(() => {});
  return {
    kind: "redis",
    counter: (counter) => redisCounter(counter, redis, keyPrefix),
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

function memoryCounter(options: CounterOptions, keyPrefix: string): Counter {
  const limiter = new RateLimiterMemory({
    keyPrefix: `${keyPrefix}${options.name}`,
    points: options.points,
    duration: options.windowSeconds,
  });
  return counterOf(limiter, options, () => "store");
}

function redisCounter(options: CounterOptions, redis: Redis, keyPrefix: string): Counter {
  // The insurance limiter's answers are remembered (weakly), so a decision says which store made it.
  const fromInsurance = new WeakSet<RateLimiterRes>();
  let insuranceLimiter: RateLimiterMemory | undefined;
  if (options.fallback === "memory") {
    const memory = new RateLimiterMemory({
      keyPrefix: `${keyPrefix}${options.name}`,
      points: options.points,
      duration: options.windowSeconds,
    });
    const consume = memory.consume.bind(memory);
    memory.consume = (key, points, consumeOptions) =>
      consume(key, points, consumeOptions).then(
        (res) => {
          fromInsurance.add(res);
          return res;
        },
        (res: unknown) => {
          if (res instanceof RateLimiterRes) fromInsurance.add(res);
          throw res;
        },
      );
    insuranceLimiter = memory;
  }
  const limiter = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `${keyPrefix}${options.name}`,
    points: options.points,
    duration: options.windowSeconds,
    // Not connected: the fallback at once, rather than a command that can only time out.
    rejectIfRedisNotReady: true,
    insuranceLimiter,
  });
  return counterOf(limiter, options, (res) => (fromInsurance.has(res) ? "memory" : "store"));
}

function counterOf(
  limiter: RateLimiterAbstract,
  options: CounterOptions,
  sourceOf: (res: RateLimiterRes) => "store" | "memory",
): Counter {
  const outcome = (kind: "allowed" | "limited", res: RateLimiterRes): Outcome => ({
    kind,
    consumed: res.consumedPoints,
    remaining: res.remainingPoints,
    resetMs: res.msBeforeNext,
    source: sourceOf(res),
  });
  return {
    async consume(key, points = 1) {
      try {
        return outcome("allowed", await limiter.consume(key, points));
      } catch (error) {
        if (error instanceof RateLimiterRes) return outcome("limited", error);
        return options.fallback === "closed" ? { kind: "unavailable" } : { kind: "uncounted" };
      }
    },
    async refund(key, points) {
      await limiter.reward(key, points).catch(() => {});
    },
  };
}
