/**
 * A bounded scrypt budget per client address (登录防滥用): every password and client-secret check costs about 75 ms of
 * CPU and 32 MiB on purpose, so an unthrottled caller could buy all of it — six `client_credentials` requests a second
 * saturate a core and real logins queue behind them. Password logins, `client_credentials` and password changes draw
 * from one token bucket per address: `burst` checks at once, refilled at `perSecond`. Over it the answer is 429 with
 * Retry-After, decided in memory before any database work and without running scrypt.
 *
 * The budget protects this replica's CPU, so it is kept per replica (several replicas each grant the budget; each
 * one's CPU stays bounded). The map of addresses is bounded too (`maxAddresses`, least recently used out first), so
 * a caller rotating addresses costs memory no more than that.
 */

export interface HashingBudgetOptions {
  /** Checks an address may run at once. Default 10. */
  burst?: number;
  /** Checks an address regains per second. Default 2. */
  perSecond?: number;
  /** Addresses remembered at most. Default 50,000. */
  maxAddresses?: number;
  /** The current time in ms (tests inject it). */
  now?: () => number;
}

export type BudgetDecision = { granted: true } | { granted: false; retryAfterSeconds: number };

export interface HashingBudget {
  /** Whether a check would be granted now, without spending anything (refuse early, before database work). */
  peek(address: string): BudgetDecision;
  /** Spends one check for the address, or says how long to wait. */
  take(address: string): BudgetDecision;
}

export function createHashingBudget(options: HashingBudgetOptions = {}): HashingBudget {
  const { burst = 10, perSecond = 2, maxAddresses = 50_000, now = Date.now } = options;
  if (!(burst >= 1 && perSecond > 0 && maxAddresses >= 1)) {
    throw new Error("A hashing budget needs burst ≥ 1, perSecond > 0 and maxAddresses ≥ 1.");
  }
  /** address → tokens left at `at` (insertion order is recency: touched entries are re-inserted). */
  const buckets = new Map<string, { tokens: number; at: number }>();

  function level(address: string): { tokens: number; at: number } {
    const at = now();
    const bucket = buckets.get(address);
    const tokens = bucket ? Math.min(burst, bucket.tokens + ((at - bucket.at) / 1000) * perSecond) : burst;
    return { tokens, at };
  }

  function decide(tokens: number): BudgetDecision {
    if (tokens >= 1) return { granted: true };
    return { granted: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / perSecond)) };
  }

  return {
    peek: (address) => decide(level(address).tokens),
    take(address) {
      const current = level(address);
      const decision = decide(current.tokens);
      buckets.delete(address);
      buckets.set(address, { tokens: decision.granted ? current.tokens - 1 : current.tokens, at: current.at });
      if (buckets.size > maxAddresses) buckets.delete(buckets.keys().next().value as string);
      return decision;
    },
  };
}
