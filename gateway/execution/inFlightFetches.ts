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
 * - The key comes in two parts, and the second (the variables) is only serialized when there is something to compare
 *   it with: a fetch alone — every fetch at one connection — costs no serialization of its representations.
 * - When the answer had more than one taker, each gets its own object: Apollo's executor merges fetched entities into
 *   its result in place, and two requests must never write into one object. The copies (`copy`, one fewer than the
 *   takers: one taker keeps the original) are all made when the fetch settles, before any taker resumes, so none is
 *   ever taken from an answer another request has already started to change.
 */
export class InFlightFetches<T> {
  /** Flights by key prefix; a prefix rarely has more than one flight, so the list is searched. */
  private readonly flights = new Map<string, Flight<T>[]>();
  /** Fetches that shared another's request instead of sending one (for metrics and tests). */
  collapsed = 0;

  constructor(private readonly copy: (value: T) => T) {}

  /** Fetches in flight now (tests). */
  get size(): number {
    let size = 0;
    for (const list of this.flights.values()) size += list.length;
    return size;
  }

  /**
   * The key is `prefix` (cheap: the claims and the query) and `rest()` (the variables, which for an entity fetch are
   * every representation). `rest` is called only when a flight with the same prefix is in flight — for that flight
   * too, at most once each — so a fetch with nothing to share with serializes nothing for its key (issue 16).
   */
  async share(prefix: string, rest: () => string, send: () => Promise<T>): Promise<T> {
    let list = this.flights.get(prefix);
    let flight: Flight<T> | undefined;
    if (list) {
      const mine = rest();
      flight = list.find((other) => restOf(other) === mine);
      if (flight) {
        flight.sharers += 1;
        this.collapsed += 1;
      } else {
        flight = this.start(prefix, list, rest, mine, send);
      }
    } else {
      list = [];
      this.flights.set(prefix, list);
      flight = this.start(prefix, list, rest, undefined, send);
    }
    return (await flight.answers).pop() as T;
  }

  private start(
    prefix: string,
    list: Flight<T>[],
    restOf: () => string,
    rest: string | undefined,
    send: () => Promise<T>,
  ): Flight<T> {
    const created: Flight<T> = { sharers: 1, restOf, rest, answers: Promise.resolve([]) };
    const settled = send().finally(() => {
      const index = list.indexOf(created);
      if (index >= 0) list.splice(index, 1);
      if (list.length === 0 && this.flights.get(prefix) === list) this.flights.delete(prefix);
    });
    // Runs after the entry is gone, so `sharers` is final: the original and one copy for each further taker.
    created.answers = settled.then((value) => {
      const answers = [value];
      for (let i = 1; i < created.sharers; i += 1) answers.push(this.copy(value));
      return answers;
    });
    list.push(created);
    return created;
  }
}

/** A flight's rest of the key, serialized the first time a fetch compares with it. */
function restOf(flight: Flight<unknown>): string {
  flight.rest ??= flight.restOf();
  return flight.rest;
}

interface Flight<T> {
  /** Callers waiting for this flight's outcome, the one that sent it included. */
  sharers: number;
  /** One answer per taker (each takes one), or the shared failure. */
  answers: Promise<T[]>;
  /** The rest of the key, once some fetch needed to compare with it. */
  rest: string | undefined;
  restOf: () => string;
}

/**
 * A deep copy of a JSON value (what a subgraph's answer parses to: plain objects, arrays, strings, numbers, booleans,
 * null), own keys in their order, `__proto__` kept as an own key as `JSON.parse` made it. The same copy as
 * `structuredClone` gives for such values, several times cheaper (issue 16: each taker of a shared answer gets one).
 */
export function copyJson<T>(value: T): T {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    for (let index = 0; index < value.length; index += 1) copy.push(copyJson(value[index]));
    return copy as T;
  }
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = copyJson((value as Record<string, unknown>)[key]);
    if (key === "__proto__") {
      Object.defineProperty(copy, key, { value: item, enumerable: true, writable: true, configurable: true });
    } else {
      copy[key] = item;
    }
  }
  return copy as T;
}
