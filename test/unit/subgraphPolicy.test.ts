/**
 * The per-subgraph policy (gateway/execution/subgraphPolicy.ts) without a server: attempts are functions the test
 * controls, time is vitest's fake clock. Behaviour is asserted by counted attempts and the policy's state, never by
 * how long anything took.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  DEFAULT_RESILIENCE,
  DeadlineExceededError,
  failureReason,
  isRetryable,
  isSubgraphFault,
  type ResilienceOptions,
  SubgraphPolicy,
  SubgraphTimeoutError,
} from "../../gateway/execution/subgraphPolicy.ts";
import { createLogger } from "../../lib/log.ts";

const log = createLogger({ service: "test", level: "silent" });

function policy(options: Partial<ResilienceOptions> = {}) {
  return new SubgraphPolicy(
    "reviews",
    { ...DEFAULT_RESILIENCE, backoffInitialMs: 1, backoffMaxMs: 2, ...options },
    log,
  );
}

const httpError = (status: number) =>
  Object.assign(new Error(`HTTP ${status}`), { extensions: { response: { status } } });
const refused = () => Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } });

/** An attempt that fails with each of `failures` in turn, then answers "ok"; counts its calls. */
function attempts(...failures: unknown[]) {
  const attempt = Object.assign(
    async (_signal: AbortSignal) => {
      attempt.calls += 1;
      const failure = failures[attempt.calls - 1];
      if (failure) throw failure;
      return "ok";
    },
    { calls: 0 },
  );
  return attempt;
}

const soon = () => ({ deadline: Date.now() + 60_000 });

beforeEach(() => {
  vi.useFakeTimers({ now: Date.UTC(2027, 2, 1, 9, 0, 0) });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Runs a call to completion while the fake clock moves (backoff delays, timeouts). */
async function settle<T>(promise: Promise<T>): Promise<T | unknown> {
  const outcome = promise.then(
    (value) => value,
    (error: unknown) => error,
  );
  await vi.runAllTimersAsync();
  return outcome;
}

describe("retries", () => {
  it("retries an idempotent fetch after a failure a second try can fix, up to the limit", async () => {
    const p = policy({ retries: 2 });
    const attempt = attempts(httpError(503), refused());
    expect(await settle(p.run({ ...soon(), idempotent: true }, attempt))).toBe("ok");
    expect(attempt.calls).toBe(3);
    expect(p.stats.retries).toBe(2);

    const exhausted = attempts(httpError(502), httpError(502), httpError(502), httpError(502));
    expect(await settle(p.run({ ...soon(), idempotent: true }, exhausted))).toMatchObject({ message: "HTTP 502" });
    expect(exhausted.calls).toBe(3);
  });

  it("never retries a fetch that is not idempotent (a mutation)", async () => {
    const p = policy({ retries: 2 });
    const attempt = attempts(httpError(503));
    expect(await settle(p.run({ ...soon(), idempotent: false }, attempt))).toMatchObject({ message: "HTTP 503" });
    expect(attempt.calls).toBe(1);
    expect(p.stats.retries).toBe(0);
  });

  it("does not retry what a second try cannot fix: a 500, a 4xx", async () => {
    const p = policy({ retries: 2 });
    for (const status of [500, 400, 404]) {
      const attempt = attempts(httpError(status));
      await settle(p.run({ ...soon(), idempotent: true }, attempt));
      expect([status, attempt.calls]).toEqual([status, 1]);
    }
  });
});

describe("timeouts and the deadline", () => {
  it("aborts an attempt at the subgraph's timeout, does not retry it, and counts it", async () => {
    const p = policy({ timeoutMs: 300, retries: 2 });
    let calls = 0;
    let aborted = false;
    const hanging = (signal: AbortSignal) =>
      new Promise<string>((_resolve, reject) => {
        calls += 1;
        // Like the data source's fetch: the abort surfaces a moment later, through its own promise chain.
        signal.addEventListener("abort", () => {
          aborted = true;
          setTimeout(() => reject(signal.reason), 0);
        });
      });
    const error = await settle(p.run({ ...soon(), idempotent: true }, hanging));
    expect(error).toBeInstanceOf(SubgraphTimeoutError);
    expect((error as SubgraphTimeoutError).budgetMs).toBe(300);
    expect(failureReason(error)).toBe("timeout");
    expect([calls, aborted, p.stats.timeouts]).toEqual([1, true, 1]);
  });

  it("ends a hanging call at the request's deadline when that comes before the subgraph's timeout", async () => {
    const p = policy({ timeoutMs: 5_000 });
    let calls = 0;
    const hanging = (signal: AbortSignal) =>
      new Promise<string>((_resolve, reject) => {
        calls += 1;
        signal.addEventListener("abort", () => setTimeout(() => reject(signal.reason), 0));
      });
    const started = Date.now();
    const error = await settle(p.run({ deadline: started + 1_500, idempotent: true }, hanging));
    expect(failureReason(error)).toBe("deadline");
    // On the fake clock: the call ended at the deadline, not at the 5 s timeout; a deadline is not the subgraph's fault.
    expect(Date.now() - started).toBeLessThan(5_000);
    expect([calls, p.stats.timeouts]).toEqual([1, 0]);
  });

  it("does not call a subgraph at all once the request's deadline has passed", async () => {
    const p = policy();
    const attempt = attempts();
    const error = await settle(p.run({ deadline: Date.now() - 1, idempotent: true }, attempt));
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(failureReason(error)).toBe("deadline");
    expect(attempt.calls).toBe(0);
  });
});

describe("the circuit breaker", () => {
  it("opens after consecutive faults, then fails at once without calling the subgraph", async () => {
    const p = policy({ breakerFailures: 3, retries: 0 });
    for (let i = 0; i < 3; i += 1) await settle(p.run({ ...soon(), idempotent: false }, attempts(httpError(503))));
    expect(p.state).toBe("open");
    expect(p.stats.opens).toBe(1);
    const attempt = attempts();
    const error = await settle(p.run({ ...soon(), idempotent: false }, attempt));
    expect(failureReason(error)).toBe("circuit-open");
    expect(attempt.calls).toBe(0);
    expect(p.stats.shortCircuits).toBe(1);
  });

  it("does not count the caller's 4xx mistakes, and a success resets the count", async () => {
    const p = policy({ breakerFailures: 2, retries: 0 });
    for (let i = 0; i < 5; i += 1) await settle(p.run({ ...soon(), idempotent: false }, attempts(httpError(400))));
    await settle(p.run({ ...soon(), idempotent: false }, attempts(httpError(503))));
    await settle(p.run({ ...soon(), idempotent: false }, attempts()));
    await settle(p.run({ ...soon(), idempotent: false }, attempts(httpError(503))));
    expect(p.state).toBe("closed");
  });

  it("lets one trial through after the open time (half-open): success closes it, failure opens it again", async () => {
    const p = policy({ breakerFailures: 1, breakerOpenMs: 10_000, retries: 0 });
    await settle(p.run({ ...soon(), idempotent: false }, attempts(refused())));
    expect(p.state).toBe("open");

    vi.advanceTimersByTime(9_000);
    const early = attempts();
    expect(failureReason(await settle(p.run({ ...soon(), idempotent: false }, early)))).toBe("circuit-open");
    expect(early.calls).toBe(0);

    vi.advanceTimersByTime(1_001);
    const failedTrial = attempts(httpError(503));
    await settle(p.run({ ...soon(), idempotent: false }, failedTrial));
    expect(failedTrial.calls).toBe(1);
    expect(p.state).toBe("open");
    expect(p.stats.opens).toBe(2);

    vi.advanceTimersByTime(10_001);
    const trial = attempts();
    expect(await settle(p.run({ ...soon(), idempotent: false }, trial))).toBe("ok");
    expect(trial.calls).toBe(1);
    expect(p.state).toBe("closed");
  });
});

describe("the deadline bounds every wait", () => {
  const hanging = (signal: AbortSignal) =>
    new Promise<string>((_resolve, reject) => {
      signal.addEventListener("abort", () => setTimeout(() => reject(signal.reason), 0));
    });

  it("a call waiting for a half-open trial ends at its deadline, and does not count against the subgraph", async () => {
    const p = policy({ breakerFailures: 1, breakerOpenMs: 10_000, retries: 0, timeoutMs: 5_000 });
    await settle(p.run({ ...soon(), idempotent: false }, attempts(refused())));
    vi.advanceTimersByTime(10_001);
    // The trial: hangs until its 5 s timeout.
    const trial = p.run({ ...soon(), idempotent: false }, hanging).catch((error: unknown) => error);
    const started = Date.now();
    const waiting = attempts();
    const outcome = p.run({ deadline: started + 1_000, idempotent: false }, waiting).then(
      (value) => ({ value, at: Date.now() }),
      (error: unknown) => ({ error, at: Date.now() }),
    );
    await vi.runAllTimersAsync();
    const waited = await outcome;
    expect(failureReason((waited as { error: unknown }).error)).toBe("deadline");
    expect(waited.at - started).toBeLessThan(5_000); // not held until the trial's timeout
    expect(waiting.calls).toBe(0);
    expect(failureReason(await trial)).toBe("timeout");
    expect(p.stats.timeouts).toBe(1); // the trial's only
  });

  it("does not wait out a backoff past the deadline", async () => {
    const p = policy({ retries: 2, backoffInitialMs: 5_000, backoffMaxMs: 5_000 });
    const attempt = attempts(httpError(503), httpError(503));
    const started = Date.now();
    const ended = p.run({ deadline: started + 1_000, idempotent: true }, attempt).catch((error: unknown) => ({
      error,
      at: Date.now(),
    }));
    await vi.runAllTimersAsync();
    const { error, at } = (await ended) as { error: unknown; at: number };
    expect(failureReason(error)).toBe("deadline");
    expect(at - started).toBeLessThanOrEqual(1_000);
    expect(attempt.calls).toBe(1);
  });

  it("an attempt that throws at once fails as itself, and its timer is not left to count a timeout", async () => {
    const p = policy({ retries: 0, timeoutMs: 300 });
    const throwing = (_signal: AbortSignal): Promise<string> => {
      throw httpError(400);
    };
    expect(await settle(p.run({ ...soon(), idempotent: false }, throwing))).toMatchObject({ message: "HTTP 400" });
    expect(p.stats.timeouts).toBe(0);
  });

  it("an attempt ended by the deadline is no fault of the subgraph: the breaker stays closed", async () => {
    const p = policy({ breakerFailures: 1, retries: 0, timeoutMs: 5_000 });
    const error = await settle(p.run({ deadline: Date.now() + 500, idempotent: false }, hanging));
    expect(failureReason(error)).toBe("deadline");
    expect([p.state, p.stats.timeouts]).toEqual(["closed", 0]);
  });
});

describe("fault classification", () => {
  it("counts timeouts, 5xx and network errors as the subgraph's faults; retries only what a retry can fix", () => {
    expect(isSubgraphFault(new SubgraphTimeoutError(10))).toBe(true);
    expect(isSubgraphFault(httpError(500))).toBe(true);
    expect(isSubgraphFault(httpError(429))).toBe(false);
    expect(isSubgraphFault(refused())).toBe(true);
    expect(isRetryable(httpError(503))).toBe(true);
    expect(isRetryable(httpError(500))).toBe(false);
    expect(isRetryable(new SubgraphTimeoutError(10))).toBe(false);
    expect(isRetryable(refused())).toBe(true);
  });
});
