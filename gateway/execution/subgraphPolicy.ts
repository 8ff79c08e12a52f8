/**
 * Resilient subgraph traffic (issue #6 item 2): one policy per subgraph that every fetch of that subgraph goes
 * through, with `cockatiel`'s circuit breaker and backoff:
 *
 *   retry (queries only, exponential backoff, small cap) → circuit breaker (per subgraph) → timeout (per fetch)
 *
 * - **Timeout**: each attempt gets `min(the subgraph's timeout, time left before the request's deadline)`; the fetch
 *   is aborted when it runs out (one timer per attempt aborts the signal handed to the fetch, and the attempt fails
 *   at once, without waiting for the fetch to notice).
 * - **Retries**: only when the fetch is idempotent (a query, not while serving a mutation), only for failures that
 *   a second try can fix (connection refused or reset, HTTP 502/503/504) and only while the deadline leaves time.
 *   Timeouts are not retried: a hanging service would eat the whole deadline, and the breaker handles it.
 * - **Circuit breaker**: `failures` consecutive failed attempts (network error, timeout, HTTP 5xx) open it; while
 *   open every fetch fails at once, without touching the network; after `openMs` one trial fetch is let through
 *   (half-open) and closes it on success or opens it again on failure. 4xx answers are the caller's problem, not the
 *   subgraph's, and do not count.
 *
 * Policies live as long as the gateway: `SubgraphDataSource` is rebuilt on every supergraph reload, so it asks the
 * registry for its subgraph's policy instead of owning one, and breaker state and counters survive reloads.
 */
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleWhen,
  type IBackoff,
} from "cockatiel";
import type { Logger } from "../../lib/log.ts";

export interface ResilienceOptions {
  /** Longest time one fetch (one attempt) may take, unless `timeoutsBySubgraph` names the subgraph. Default 5000. */
  timeoutMs: number;
  /** Per-subgraph timeouts in ms (a legacy-backed department may need more than the rest). */
  timeoutsBySubgraph: Record<string, number>;
  /** Retries after the first attempt, for idempotent fetches only. Default 2 (three attempts at most). */
  retries: number;
  /** First backoff delay in ms; later delays grow exponentially (with jitter) up to `backoffMaxMs`. Default 50. */
  backoffInitialMs: number;
  /** Largest backoff delay in ms. Default 500. */
  backoffMaxMs: number;
  /** Consecutive failed attempts that open a subgraph's breaker. Default 5. */
  breakerFailures: number;
  /** How long an open breaker refuses fetches before letting one trial through (half-open). Default 10000. */
  breakerOpenMs: number;
}

export const DEFAULT_RESILIENCE: ResilienceOptions = {
  timeoutMs: 5_000,
  timeoutsBySubgraph: {},
  retries: 2,
  backoffInitialMs: 50,
  backoffMaxMs: 500,
  breakerFailures: 5,
  breakerOpenMs: 10_000,
};

/** Below this many ms left before the deadline, a fetch is not started (it could not answer in time anyway). */
const MIN_ATTEMPT_MS = 20;

export type BreakerState = "closed" | "open" | "half-open";

/** Why a fetch failed, as the client's message and the log put it. */
export type FailureReason = "timeout" | "circuit-open" | "deadline" | "unavailable";

/** The request's deadline ran out before this subgraph could be asked. Never counted against the subgraph. */
export class DeadlineExceededError extends Error {
  override name = "DeadlineExceededError";
}

/** One attempt ran out of time; carries the budget it had. */
export class SubgraphTimeoutError extends Error {
  override name = "SubgraphTimeoutError";
  constructor(readonly budgetMs: number) {
    super(`no answer within ${budgetMs} ms`);
  }
}

export interface SubgraphPolicyStats {
  /** Retries sent (attempts after the first). */
  retries: number;
  /** Attempts that ran out of time. */
  timeouts: number;
  /** Fetches refused at once because the breaker was open. */
  shortCircuits: number;
  /** Times the breaker opened. */
  opens: number;
}

export interface FetchCall {
  /** Epoch ms by which the client's answer is due. */
  deadline: number;
  /** Only idempotent fetches (queries) are retried. */
  idempotent: boolean;
}

export class SubgraphPolicy {
  readonly stats: SubgraphPolicyStats = { retries: 0, timeouts: 0, shortCircuits: 0, opens: 0 };
  readonly timeoutMs: number;
  private readonly breaker;
  /** Delays between retries: exponential with jitter, from `backoffInitialMs` up to `backoffMaxMs`. */
  private readonly backoff: ExponentialBackoff<unknown>;

  constructor(
    readonly name: string,
    private readonly options: ResilienceOptions,
    log: Logger,
  ) {
    this.timeoutMs = options.timeoutsBySubgraph[name] ?? options.timeoutMs;
    this.backoff = new ExponentialBackoff({ initialDelay: options.backoffInitialMs, maxDelay: options.backoffMaxMs });
    this.breaker = circuitBreaker(handleWhen(isSubgraphFault), {
      halfOpenAfter: options.breakerOpenMs,
      breaker: new ConsecutiveBreaker(options.breakerFailures),
    });
    this.breaker.onBreak(() => {
      this.stats.opens += 1;
      log.warn({ subgraph: name, openMs: options.breakerOpenMs }, "subgraph circuit opened: fetches fail fast");
    });
    this.breaker.onHalfOpen(() => log.info({ subgraph: name }, "subgraph circuit half-open: one trial fetch"));
    this.breaker.onReset(() => log.info({ subgraph: name }, "subgraph circuit closed: the subgraph answers again"));
  }

  get state(): BreakerState {
    const state = this.breaker.state;
    if (state === CircuitState.Closed) return "closed";
    if (state === CircuitState.HalfOpen) return "half-open";
    return "open";
  }

  /**
   * Runs `attempt` under this subgraph's policy. `attempt` receives the signal that aborts its fetch; it may be
   * called up to `1 + retries` times for idempotent calls.
   */
  async run<T>(call: FetchCall, attempt: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (call.deadline - Date.now() < MIN_ATTEMPT_MS)
      throw new DeadlineExceededError("the request's deadline had passed");
    const retries = call.idempotent ? this.options.retries : 0;
    let backoff: IBackoff<unknown> | undefined;
    for (let tries = 0; ; tries += 1) {
      try {
        return await this.once(call, attempt);
      } catch (error) {
        if (error instanceof BrokenCircuitError) this.stats.shortCircuits += 1;
        if (tries >= retries || !isRetryable(error) || call.deadline - Date.now() <= MIN_ATTEMPT_MS * 2) throw error;
      }
      backoff = backoff ? backoff.next(undefined) : this.backoff.next();
      // The wait ends by the deadline; the next attempt then finds no time left and ends the call as "deadline".
      await delay(Math.min(backoff.duration, call.deadline - Date.now()));
      this.stats.retries += 1;
    }
  }

  /**
   * One attempt through the breaker, aborted at `min(the subgraph's timeout, time left before the deadline)`. Run by
   * hand rather than with cockatiel's retry and timeout policies (issue 16): those made two policies, two abort
   * controllers, a race and their event emitters on every fetch, about 16 KB and 12 µs; this makes one abort
   * controller and one timer. When the deadline rather than the subgraph's timeout ends an attempt, it is a deadline
   * (the request's time ran out), never counted against the subgraph.
   */
  private once<T>(call: FetchCall, attempt: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const untilDeadline = call.deadline - Date.now();
    const budget = Math.min(this.timeoutMs, untilDeadline);
    if (budget < MIN_ATTEMPT_MS) return Promise.reject(new DeadlineExceededError("the request's deadline had passed"));
    const byDeadline = untilDeadline <= this.timeoutMs;
    const timed = () =>
      new Promise<T>((resolve, reject) => {
        const controller = new AbortController();
        let settled = false;
        // Not aborted on return: an attempt returns once its answer is read whole, leaving nothing to abort, and an
        // abort creates a DOMException with its stack (issue 16, docs/benchmarks.md).
        const timer = setTimeout(() => {
          if (settled) return;
          settled = true;
          controller.abort();
          if (byDeadline) {
            reject(new DeadlineExceededError("the request's deadline passed"));
          } else {
            this.stats.timeouts += 1;
            reject(new SubgraphTimeoutError(budget));
          }
        }, budget);
        let pending: Promise<T>;
        try {
          pending = attempt(controller.signal);
        } catch (error) {
          // An attempt that throws before it returns a promise: a failure like any other, not a timeout later on.
          settled = true;
          clearTimeout(timer);
          reject(error);
          return;
        }
        pending.then(
          (value) => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            resolve(value);
          },
          (error: unknown) => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            reject(error);
          },
        );
      });
    // A closed breaker runs the attempt at once. Otherwise the call may first wait for a half-open trial fetch's
    // outcome: that wait ends by the deadline too.
    if (this.breaker.state === CircuitState.Closed) return this.breaker.execute(timed);
    return byTheDeadline(this.breaker.execute(timed), call.deadline);
  }
}

/** Waits `ms` (at least 0). */
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** `promise`, or a DeadlineExceededError once `deadline` (epoch ms) passes first. */
function byTheDeadline<T>(promise: Promise<T>, deadline: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new DeadlineExceededError("the request's deadline passed")),
      Math.max(0, deadline - Date.now()),
    );
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Why a fetch failed, from the error the policy threw. */
export function failureReason(error: unknown): FailureReason {
  if (error instanceof SubgraphTimeoutError) return "timeout";
  if (error instanceof BrokenCircuitError) return "circuit-open";
  if (error instanceof DeadlineExceededError) return "deadline";
  return "unavailable";
}

/** Per-subgraph policies for the lifetime of the gateway (they outlive supergraph reloads). */
export interface SubgraphPolicies {
  for(name: string): SubgraphPolicy;
  all(): SubgraphPolicy[];
}

export function createSubgraphPolicies(options: Partial<ResilienceOptions>, log: Logger): SubgraphPolicies {
  const resolved = { ...DEFAULT_RESILIENCE, ...options };
  const policies = new Map<string, SubgraphPolicy>();
  return {
    for(name) {
      let policy = policies.get(name);
      if (!policy) {
        policy = new SubgraphPolicy(name, resolved, log);
        policies.set(name, policy);
      }
      return policy;
    },
    all: () => [...policies.values()],
  };
}

/** The status of a non-2xx subgraph answer (Apollo's data source throws a GraphQLError carrying it). */
function httpStatusOf(error: unknown): number | undefined {
  const status = (error as { extensions?: { response?: { status?: unknown } } })?.extensions?.response?.status;
  return typeof status === "number" ? status : undefined;
}

/** A failure of the subgraph itself: it is down, hangs, or answers 5xx. Counts towards opening its breaker. */
export function isSubgraphFault(error: unknown): boolean {
  if (error instanceof SubgraphTimeoutError) return true;
  const status = httpStatusOf(error);
  if (status !== undefined) return status >= 500;
  return isNetworkError(error);
}

/** Failures a second attempt can fix: the connection failed before an answer, or the subgraph is briefly away. */
export function isRetryable(error: unknown): boolean {
  const status = httpStatusOf(error);
  if (status !== undefined) return status === 502 || status === 503 || status === 504;
  return isNetworkError(error);
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/** `fetch failed` (undici puts the system error in `cause`), or a socket error thrown directly. */
function isNetworkError(error: unknown): boolean {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; depth += 1) {
    if (typeof e.code === "string" && NETWORK_CODES.has(e.code)) return true;
    e = e.cause as typeof e;
  }
  return error instanceof TypeError && error.message === "fetch failed";
}
