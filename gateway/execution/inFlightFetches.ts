/**
 * Collapsing identical in-flight subgraph fetches (issue 16, "fewer fetches").
 *
 * While a fetch with a given key is in flight, a second fetch with the same key does not send a request: it waits for
 * the first one's outcome. The key is built by the caller (`SubgraphDataSource`) from everything that can change the
 * subgraph's answer — the audience, the principal, the purpose, the case, the client address and the exact body
 * (query, variables, operation name) — so two callers share only when the subgraph could not tell them apart.
 *
 * - A failure is shared the same way an answer is: every waiter gets the same rejection.
 * - Nothing outlives the flight: the entry is removed when the fetch settles, before any waiter resumes, so a fetch
 *   started after the answer arrived sends its own request (this is not a cache).
 * - When the answer had more than one taker, each gets its own copy (`copy`): Apollo's executor merges fetched
 *   entities into its result in place, and two requests must never write into one object.
 */
export class InFlightFetches<T> {
  private readonly flights = new Map<string, { promise: Promise<T>; sharers: number }>();
  /** Fetches that shared another's request instead of sending one (for metrics and tests). */
  collapsed = 0;

  constructor(private readonly copy: (value: T) => T) {}

  /** Fetches in flight now (tests). */
  get size(): number {
    return this.flights.size;
  }

  async share(key: string, send: () => Promise<T>): Promise<T> {
    let flight = this.flights.get(key);
    if (flight) {
      flight.sharers += 1;
      this.collapsed += 1;
    } else {
      const created = { sharers: 1, promise: Promise.resolve() as Promise<unknown> as Promise<T> };
      created.promise = send().finally(() => {
        if (this.flights.get(key) === created) this.flights.delete(key);
      });
      this.flights.set(key, created);
      flight = created;
    }
    const value = await flight.promise;
    // The entry is gone by now, so `sharers` is final: one taker keeps the original, several each get a copy.
    return flight.sharers > 1 ? this.copy(value) : value;
  }
}
