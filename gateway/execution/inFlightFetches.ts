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
 * - When the answer had more than one taker, each gets its own object: Apollo's executor merges fetched entities into
 *   its result in place, and two requests must never write into one object. The copies (`copy`, one fewer than the
 *   takers: one taker keeps the original) are all made when the fetch settles, before any taker resumes, so none is
 *   ever taken from an answer another request has already started to change.
 */
export class InFlightFetches<T> {
  private readonly flights = new Map<string, Flight<T>>();
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
      const created: Flight<T> = { sharers: 1, answers: Promise.resolve([]) };
      const settled = send().finally(() => {
        if (this.flights.get(key) === created) this.flights.delete(key);
      });
      // Runs after the entry is gone, so `sharers` is final: the original and one copy for each further taker.
      created.answers = settled.then((value) => {
        const answers = [value];
        for (let i = 1; i < created.sharers; i += 1) answers.push(this.copy(value));
        return answers;
      });
      this.flights.set(key, created);
      flight = created;
    }
    return (await flight.answers).pop() as T;
  }
}

interface Flight<T> {
  /** Callers waiting for this flight's outcome, the one that sent it included. */
  sharers: number;
  /** One answer per taker (each takes one), or the shared failure. */
  answers: Promise<T[]>;
}
