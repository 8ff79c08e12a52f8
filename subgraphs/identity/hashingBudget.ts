/**
 * A bounded scrypt budget per client address (登录防滥用): every password and client-secret check costs about 75 ms of
 * CPU and 32 MiB on purpose, so an unthrottled caller could buy all of it — six `client_credentials` requests a second
 * saturate a core and real logins queue behind them. Password logins, `client_credentials` and password changes draw
 * from one budget per address:
 *
 * - **how many**: a token bucket, `burst` checks at once, refilled at `perSecond`. Over it the answer is 429 with
 *   Retry-After, decided in memory before any database work and without running scrypt (a check includes the
 *   database reads it needs, so an address hammering a locked account is bounded too);
 * - **how many at a time**: an address's checks run one after another, never side by side. Node runs scrypt on its
 *   small thread pool (4 threads) in arrival order, so a burst from one address would otherwise sit in front of every
 *   other caller's login; this way a flooding address holds at most one thread, and a login from anywhere else starts
 *   its check at once. The bucket bounds how many can wait.
 *
 * The budget protects this replica's CPU, so it is kept per replica (several replicas each grant the budget; each
 * one's CPU stays bounded). The map of addresses is bounded too (`maxAddresses`, least recently used out first), so
 * a caller rotating addresses costs memory no more than that.
 */

export interface HashingBudgetOptions {
  /** Checks an address may run in a burst. Default 10. */
  burst?: number;
  /** Checks an address regains per second. Default 2. */
  perSecond?: number;
  /** Addresses remembered at most. Default 50,000. */
  maxAddresses?: number;
  /** The current time in ms (tests inject it). */
  now?: () => number;
}

export type BudgetDecision =
  | { granted: true }
  /** `firstRefusal`: the first refusal since the address last had budget (log once per episode, not per request). */
  | { granted: false; retryAfterSeconds: number; firstRefusal: boolean };

export interface HashingBudget {
  /**
   * Spends one check of the address's budget and runs it after the address's earlier checks have finished; or, over
   * the budget, runs nothing and answers the refusal.
   */
  run<T>(
    address: string,
    check: () => Promise<T>,
  ): Promise<{ decision: { granted: true }; value: T } | { decision: Exclude<BudgetDecision, { granted: true }> }>;
}

interface Bucket {
  tokens: number;
  at: number;
  refusing: boolean;
  /** The address's last check, which the next one waits for. */
  tail: Promise<unknown> | null;
}

export function createHashingBudget(options: HashingBudgetOptions = {}): HashingBudget {
  const { burst = 10, perSecond = 2, maxAddresses = 50_000, now = Date.now } = options;
  if (!(burst >= 1 && perSecond > 0 && maxAddresses >= 1)) {
    throw new Error("A hashing budget needs burst ≥ 1, perSecond > 0 and maxAddresses ≥ 1.");
  }
  /** Insertion order is recency: every touched bucket is re-inserted. */
  const buckets = new Map<string, Bucket>();

  function current(address: string): Bucket {
    const at = now();
    const bucket = buckets.get(address);
    if (!bucket) return { tokens: burst, at, refusing: false, tail: null };
    return { ...bucket, tokens: Math.min(burst, bucket.tokens + ((at - bucket.at) / 1000) * perSecond), at };
  }

  function store(address: string, bucket: Bucket): void {
    buckets.delete(address);
    buckets.set(address, bucket);
    if (buckets.size > maxAddresses) buckets.delete(buckets.keys().next().value as string);
  }

  const wait = (tokens: number) => Math.max(1, Math.ceil((1 - tokens) / perSecond));

  return {
    async run(address, check) {
      const bucket = current(address);
      if (bucket.tokens < 1) {
        store(address, { ...bucket, refusing: true });
        return { decision: { granted: false, retryAfterSeconds: wait(bucket.tokens), firstRefusal: !bucket.refusing } };
      }
      const previous = bucket.tail ?? Promise.resolve();
      const result = previous.then(check, check);
      const tail = result.then(
        () => undefined,
        () => undefined,
      );
      store(address, { tokens: bucket.tokens - 1, at: bucket.at, refusing: false, tail });
      // Once the last check of the address is done nothing needs to wait for it.
      void tail.then(() => {
        const latest = buckets.get(address);
        if (latest?.tail === tail) latest.tail = null;
      });
      return { decision: { granted: true }, value: await result };
    },
  };
}
