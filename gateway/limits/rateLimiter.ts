/**
 * Rate limits and quotas (资源管理), counted: each request against its caller's request rate (per app, per user, per
 * anonymous address — lib/limits/rateLimitRules.ts), each operation's estimated cost against the caller's daily
 * budget, and each `/oauth/*` request against its address. Counters live in the limit store (./limitStore.ts: Redis
 * shared by replicas, or memory), one store round trip per decision.
 *
 * The gateway asks for the request rate as it builds the context — after authentication, before Apollo parses the
 * document, so a flood of junk documents is limited too — and charges the cost budget in the operation guard, after
 * the cost estimate and the authorization decision (gateway/operationGuard.ts). The budget's day is the
 * Asia/Shanghai calendar day of the injected clock; the day is part of the counter's key, so the budget resets when
 * the day changes whatever the store's own clock says.
 */
import type { GraphQLError } from "graphql";
import { codedError } from "../../lib/errors.ts";
import type { LimitSubject, RateLimitPolicy, RequestRate, Tier } from "../../lib/limits/rateLimitRules.ts";
import type { Principal } from "../../lib/principal.ts";
import { type LeaseBook, leaseBook, leasedCounter } from "./leasedCounter.ts";
import type { Counter, Fallback, LimitStore, Outcome } from "./limitStore.ts";

export type LimitName = "requests" | "dailyCost" | "oauth";
export const LIMIT_NAMES: readonly LimitName[] = ["requests", "dailyCost", "oauth"];

export interface RateLimiterOptions {
  /**
   * The rules: fixed, or read on every decision so that a change (limits as data, polled from the identity service —
   * ./rateLimitSource.ts) applies to the next request without a restart.
   */
  policy: RateLimitPolicy | (() => RateLimitPolicy);
  store: LimitStore;
  /** What each limit does while its store is unreachable (./limitStore.ts). */
  fallbacks: Record<LimitName, Fallback>;
  /** Clock of the daily budgets (epoch ms). */
  now?: () => number;
  /**
   * Most decisions one lease of a counter covers (`RATE_LIMIT_MAX_LEASE`, ./leasedCounter.ts); 1: every decision asks
   * the store. Default 64.
   */
  maxLease?: number;
}

/** Where a caller stands against one limit: what the `RateLimit-*` headers say. */
export interface RateLimitState {
  limit: LimitName;
  max: number;
  remaining: number;
  /** Seconds until the window (or the budget's day) resets. */
  resetSeconds: number;
  windowSeconds: number;
}

/** A refused request: status, coded error and headers, for a GraphQL answer or an OAuth one. */
export interface Refusal {
  status: 429 | 503;
  code: "RATE_LIMITED" | "QUOTA_EXCEEDED" | "RATE_LIMIT_UNAVAILABLE";
  limit: LimitName;
  message: string;
  max: number | null;
  retryAfterSeconds: number;
  headers: Record<string, string>;
}

export type Decision = "allowed" | "limited" | "uncounted" | "unavailable";
/** One metric series: decisions per limit, tier, outcome and which store decided (`none` when none could). */
export interface DecisionCount {
  limit: LimitName;
  tier: string;
  decision: Decision;
  store: "primary" | "insurance" | "none";
  count: number;
}

export interface RateLimiter {
  enabled: boolean;
  /**
   * Counts one request of the caller. Resolves with its request-rate state (null when not counted), or throws a coded
   * RATE_LIMITED (429) or RATE_LIMIT_UNAVAILABLE (503) error carrying its headers.
   */
  request(principal: Principal, clientAddress: string): Promise<RateLimitState | null>;
  /** Charges an operation's estimated cost to the caller's daily budget; throws QUOTA_EXCEEDED (429) when over. */
  chargeCost(principal: Principal, clientAddress: string, cost: number): Promise<void>;
  /** Counts one `/oauth/*` request from an address: null when allowed, else how to refuse it. */
  oauth(clientAddress: string): Promise<Refusal | null>;
  /** Decisions so far (read when /metrics is scraped). */
  decisions(): DecisionCount[];
  close(): Promise<void>;
}

const DAY_MS = 86_400_000;
/** China Standard Time is UTC+8 all year (no daylight saving since 1991), so the day boundary is fixed. */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
/** Budgets' keys outlive their day by one, so a clock a little behind the store's still finds them. */
const BUDGET_KEY_SECONDS = 2 * 86_400;

/** The Asia/Shanghai calendar day of an instant (`2026-12-05`), and the instant the next one starts. */
export function shanghaiDay(now: number): { day: string; nextDayStartsAt: number } {
  const localDayStart = Math.floor((now + SHANGHAI_OFFSET_MS) / DAY_MS) * DAY_MS;
  return {
    day: new Date(localDayStart).toISOString().slice(0, 10),
    nextDayStartsAt: localDayStart + DAY_MS - SHANGHAI_OFFSET_MS,
  };
}

/** The IETF draft's `RateLimit-*` headers (draft-ietf-httpapi-ratelimit-headers, delta-seconds reset). */
export function rateLimitHeaders(state: RateLimitState): Record<string, string> {
  return {
    "ratelimit-limit": String(state.max),
    "ratelimit-remaining": String(state.remaining),
    "ratelimit-reset": String(state.resetSeconds),
    "ratelimit-policy": `${state.max};w=${state.windowSeconds}`,
  };
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
const UNAVAILABLE_RETRY_SECONDS = 5;

const whom = (subject: LimitSubject) =>
  subject.key.startsWith("address:")
    ? "each address without a token"
    : subject.key.startsWith("app:")
      ? "each app"
      : "each user";

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { store, fallbacks, now = Date.now, maxLease = 64 } = options;
  const policyNow = typeof options.policy === "function" ? options.policy : () => options.policy as RateLimitPolicy;
  /**
   * Counters by what they count (name, points, window), not by tier: a change of the rules keeps the counters of every
   * limit it did not change, and in Redis a changed limit goes on counting in the same keys. Bounded by the distinct
   * limits ever configured in this process.
   */
  const counters = new Map<string, Counter>();
  /** Leases per counter name, so a caller's changed limit gives back what was leased under the old one. */
  const books = new Map<string, LeaseBook>();
  const counterFor = (name: string, points: number, windowSeconds: number, fallback: Fallback) => {
    const id = `${name}|${points}|${windowSeconds}`;
    let counter = counters.get(id);
    if (!counter) {
      // The lease remembers a caller past its limit until the window ends, so a flood costs no store round trip.
      let book = books.get(name);
      if (!book) {
        book = leaseBook();
        books.set(name, book);
      }
      counter = leasedCounter(store.counter({ name, points, windowSeconds, fallback }), { points, maxLease, book });
      counters.set(id, counter);
    }
    return counter;
  };
  const oauthCounter = (rate: RequestRate) => counterFor("oauth", rate.requests, rate.perSeconds, fallbacks.oauth);
  const counts = new Map<string, DecisionCount>();
  const count = (limit: LimitName, tier: string, outcome: Outcome) => {
    const decision: Decision = outcome.kind;
    const source = outcome.kind === "allowed" || outcome.kind === "limited" ? outcome.source : null;
    const storeLabel = source === "store" ? "primary" : source === "memory" ? "insurance" : "none";
    const id = `${limit}|${tier}|${decision}|${storeLabel}`;
    const entry = counts.get(id);
    if (entry) entry.count += 1;
    else counts.set(id, { limit, tier, decision, store: storeLabel, count: 1 });
  };

  // Per tier object too (weakly: a replaced rule set's tiers go with it), so a request builds no counter id.
  const requestCounters = new WeakMap<Tier, Counter>();
  const budgetCounters = new WeakMap<Tier, Counter>();
  const requestCounter = (tier: Tier) => {
    let counter = requestCounters.get(tier);
    if (!counter) {
      counter = counterFor("requests", tier.rate.requests, tier.rate.perSeconds, fallbacks.requests);
      requestCounters.set(tier, counter);
    }
    return counter;
  };
  const budgetCounter = (tier: Tier, budget: number) => {
    let counter = budgetCounters.get(tier);
    if (!counter) {
      counter = counterFor("daily-cost", budget, BUDGET_KEY_SECONDS, fallbacks.dailyCost);
      budgetCounters.set(tier, counter);
    }
    return counter;
  };

  const unavailable = (limit: LimitName, what: string): Refusal => ({
    status: 503,
    code: "RATE_LIMIT_UNAVAILABLE",
    limit,
    message: `The ${what} cannot be checked (its store is unreachable) and it refuses requests until it can; retry after ${UNAVAILABLE_RETRY_SECONDS} seconds.`,
    max: null,
    retryAfterSeconds: UNAVAILABLE_RETRY_SECONDS,
    headers: { "retry-after": String(UNAVAILABLE_RETRY_SECONDS) },
  });
  const rateRefusal = (limit: "requests" | "oauth", rate: RequestRate, resetMs: number, named: string): Refusal => {
    const retryAfterSeconds = seconds(resetMs);
    return {
      status: 429,
      code: "RATE_LIMITED",
      limit,
      message: `Too many requests: ${named} allows ${rate.requests} requests per ${rate.perSeconds} seconds. Retry after ${retryAfterSeconds} seconds.`,
      max: rate.requests,
      retryAfterSeconds,
      headers: {
        "retry-after": String(retryAfterSeconds),
        ...rateLimitHeaders({
          limit,
          max: rate.requests,
          remaining: 0,
          resetSeconds: retryAfterSeconds,
          windowSeconds: rate.perSeconds,
        }),
      },
    };
  };

  return {
    get enabled() {
      return policyNow().enabled;
    },
    async request(principal, clientAddress) {
      const policy = policyNow();
      if (!policy.enabled) return null;
      const subject = policy.subjectOf(principal, clientAddress);
      if (!subject) return null;
      const { tier } = subject;
      const outcome = await requestCounter(tier).consume(subject.key);
      count("requests", tier.name, outcome);
      if (outcome.kind === "uncounted") return null;
      if (outcome.kind === "unavailable") throw refusalError(unavailable("requests", "request rate limit"));
      if (outcome.kind === "limited") {
        throw refusalError(
          rateRefusal("requests", tier.rate, outcome.resetMs, `the limit "${tier.name}" for ${whom(subject)}`),
        );
      }
      return {
        limit: "requests",
        max: tier.rate.requests,
        remaining: outcome.remaining,
        resetSeconds: seconds(outcome.resetMs),
        windowSeconds: tier.rate.perSeconds,
      };
    },

    async chargeCost(principal, clientAddress, cost) {
      const policy = policyNow();
      if (!policy.enabled || cost <= 0) return;
      const subject = policy.subjectOf(principal, clientAddress);
      const budget = subject?.tier.dailyCost;
      if (!subject || !budget) return;
      const { day, nextDayStartsAt } = shanghaiDay(now());
      const counter = budgetCounter(subject.tier, budget);
      const key = `${subject.key}:${day}`;
      const points = Math.ceil(cost);
      const outcome = await counter.consume(key, points);
      count("dailyCost", subject.tier.name, outcome);
      if (outcome.kind === "uncounted" || outcome.kind === "allowed") return;
      if (outcome.kind === "unavailable") throw refusalError(unavailable("dailyCost", "daily cost budget"));
      // A refused operation is not charged (a lease charges only what it spends): a cheaper one may still fit.
      const left = outcome.remaining;
      const retryAfterSeconds = seconds(nextDayStartsAt - now());
      const resetsAt = `${shanghaiDay(nextDayStartsAt).day}T00:00:00+08:00`;
      throw refusalError({
        status: 429,
        code: "QUOTA_EXCEEDED",
        limit: "dailyCost",
        message: `The daily cost budget "${subject.tier.name}" (${budget} per Asia/Shanghai day, for ${whom(subject)}) has ${left} left, and this operation's estimated cost is ${points}. It resets at ${resetsAt}, in ${retryAfterSeconds} seconds: retry then, or send cheaper operations (smaller pages, fewer nested lists).`,
        max: budget,
        retryAfterSeconds,
        headers: {
          "retry-after": String(retryAfterSeconds),
          ...rateLimitHeaders({
            limit: "dailyCost",
            max: budget,
            remaining: left,
            resetSeconds: retryAfterSeconds,
            windowSeconds: 86_400,
          }),
        },
      });
    },

    async oauth(clientAddress) {
      const policy = policyNow();
      if (!policy.enabled) return null;
      const outcome = await oauthCounter(policy.oauth).consume(`address:${clientAddress}`);
      count("oauth", "oauth", outcome);
      if (outcome.kind === "unavailable") return unavailable("oauth", "token endpoints' rate limit");
      if (outcome.kind !== "limited") return null;
      return rateRefusal("oauth", policy.oauth, outcome.resetMs, "the token endpoints' limit for each address");
    },

    decisions: () => [...counts.values()].map((entry) => ({ ...entry })),
    close: () => store.close(),
  };
}

/** The coded GraphQL error of a refusal, with its status and headers for the HTTP answer. */
export function refusalError(refusal: Refusal): GraphQLError {
  return codedError(refusal.code, refusal.message, {
    limit: refusal.limit,
    ...(refusal.max === null ? {} : { max: refusal.max }),
    retryAfterSeconds: refusal.retryAfterSeconds,
    http: { status: refusal.status, headers: new Map(Object.entries(refusal.headers)) },
  });
}
