/**
 * The HTTP client for subgraph fetches: Node's built-in `fetch` (undici), with the abort signal of the current
 * attempt attached.
 *
 * **Connection reuse.** Node's `fetch` sends every request through undici's global dispatcher, an `Agent` that
 * keeps one pool of keep-alive connections per origin: a connection returns to the pool once its response body has
 * been read, and the next fetch to that subgraph reuses it (idle connections close after undici's keep-alive timeout,
 * 4 s by default, or sooner when the subgraph's `Keep-Alive: timeout=` hint says so). So the gateway opens about as
 * many connections to a subgraph as it has fetches in flight to it at the busiest moment, not one per fetch —
 * `test/gateway/resilience.test.ts` counts them at the subgraph's socket. An attempt that times out is aborted, and
 * undici closes that one connection (its answer may still be on the way) instead of handing it to the next fetch.
 *
 * Apollo's `RemoteGraphQLDataSource` calls `fetcher(url, init)` without a signal, so the signal travels from
 * `SubgraphPolicy.run` to here through `AsyncLocalStorage` (one store per attempt; concurrent fetches never share it).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { RemoteGraphQLDataSource } from "@apollo/gateway";

type Fetcher = RemoteGraphQLDataSource["fetcher"];

const attemptSignal = new AsyncLocalStorage<AbortSignal>();

/** Runs `fn` with `signal` as the abort signal of every subgraph fetch it starts. */
export function withAttemptSignal<T>(signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
  return attemptSignal.run(signal, fn);
}

export const subgraphFetcher: Fetcher = (url, init) =>
  fetch(url, { ...(init as RequestInit), signal: attemptSignal.getStore() ?? null }) as ReturnType<Fetcher>;
