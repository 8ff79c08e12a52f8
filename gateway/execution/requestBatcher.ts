/**
 * Merging the parallel fetches of one request to one subgraph into one HTTP request (issue 16, "fewer fetches").
 *
 * Apollo's query plan runs the fetches of a `Parallel` node at once; several of them often go to the same subgraph
 * (e.g. a hospital's street and its department, both from the catalog). Each fetch to a subgraph that accepts
 * batches is queued under its client request (`owner`, the request's context object) and the queue is flushed once
 * the current turn of the event loop has started everything it will start (`setImmediate`), DataLoader-style: one
 * queued fetch goes alone, several go as one batched request (a JSON array, Apollo Server's HTTP batching).
 *
 * The queue is per client request, never shared between requests, so a batch carries one principal, one purpose and
 * one request id, signed by one envelope over the batch's exact bytes.
 */
export class RequestBatcher<E> {
  private readonly pending = new WeakMap<object, E[]>();

  constructor(
    /** Sends one group: one entry, or several that go as one batch. */
    private readonly flush: (entries: E[]) => void,
    /** Largest batch; more queued fetches are split into batches of at most this many. */
    private readonly maxBatch: number,
  ) {}

  add(owner: object, entry: E): void {
    let queue = this.pending.get(owner);
    if (!queue) {
      const created: E[] = [];
      this.pending.set(owner, created);
      setImmediate(() => {
        this.pending.delete(owner);
        for (let i = 0; i < created.length; i += this.maxBatch) this.flush(created.slice(i, i + this.maxBatch));
      });
      queue = created;
    }
    queue.push(entry);
  }
}
