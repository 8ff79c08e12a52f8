/**
 * The HTTP client for subgraph fetches: undici's `request` over per-origin keep-alive pools (`lib/http/poolFetch.ts`),
 * with the abort signal of the current attempt attached.
 *
 * **Why not `fetch` or `node-fetch`.** Measured on this machine (`scripts/benchHttpClient.ts`, docs/benchmarks.md
 * "HTTP client"): client CPU per POST was about 0.25 ms with `node-fetch` on a keep-alive agent (this fetcher until
 * issue 16), 0.30 ms with Node's built-in WHATWG `fetch` and 0.08 ms with undici's `request` on a pool; a gateway that
 * makes 7–8 subgraph fetches per operation pays the difference 7–8 times.
 *
 * **Connection reuse.** One keep-alive pool per subgraph origin: a connection returns to the pool once its response
 * body has been read, and the next fetch to that subgraph reuses it (idle connections close after 4 s). So the gateway
 * opens about as many connections to a subgraph as it has fetches in flight to it at the busiest moment, not one per
 * fetch — `test/gateway/resilience.test.ts` counts them at the subgraph's socket. An attempt that times out is aborted,
 * which destroys that one connection (its answer may still be on the way) instead of handing it to the next fetch.
 *
 * Apollo's `RemoteGraphQLDataSource` calls `fetcher(url, init)` without a signal, so the signal travels from
 * `SubgraphPolicy.run` to here through `AsyncLocalStorage` (one store per attempt; concurrent fetches never share it).
 *
 * **The envelope is signed here**, where the exact bytes are known: the attempt carries the envelope's claims (who,
 * why, for which subgraph), and this fetcher binds them to the method, the request-target and the SHA-256 of the
 * body bytes it is about to send, with a fresh nonce — so each retry is a new envelope, and what is signed is what
 * is sent (lib/wire.ts). A fetch outside an attempt has no claims and is refused: nothing leaves unsigned.
 *
 * **Tracing.** With tracing on, each attempt is a client span whose W3C `traceparent` goes next to the envelope, so
 * the subgraph's spans join the request's trace (lib/telemetry/tracing.ts); with it off, nothing is added.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { RemoteGraphQLDataSource } from "@apollo/gateway";
import { poolFetch } from "../../lib/http/poolFetch.ts";
import { inClientSpan } from "../../lib/telemetry/tracing.ts";
import { type BoundRequest, ENVELOPE_HEADER, requestPath } from "../../lib/wire.ts";

type Fetcher = RemoteGraphQLDataSource["fetcher"];

/** One attempt of one subgraph fetch. */
export interface FetchAttempt {
  /** Aborts the attempt (its timeout, or the request's deadline). */
  signal: AbortSignal;
  /** Headers every fetch of the attempt carries (the request id). */
  headers: Record<string, string>;
  /** Signs the envelope for the request about to be sent (the data source's claims, bound to these bytes). */
  sign: (request: BoundRequest) => string;
  /** The subgraph's name, for the attempt's span. */
  subgraph?: string;
}

const currentAttempt = new AsyncLocalStorage<FetchAttempt>();

/** Runs `fn` as one attempt: every subgraph fetch it starts is aborted by `signal` and signed with `sign`. */
export function withAttempt<T>(attempt: FetchAttempt, fn: () => Promise<T>): Promise<T> {
  return currentAttempt.run(attempt, fn);
}

export const subgraphFetcher: Fetcher = async (url, init) => {
  const attempt = currentAttempt.getStore();
  if (!attempt) throw new Error("A subgraph fetch outside an attempt has no envelope claims; it is not sent unsigned.");
  const method = (init?.method ?? "GET").toUpperCase();
  const raw = init?.body;
  if (raw !== undefined && raw !== null && typeof raw !== "string") {
    throw new Error("Subgraph request bodies are JSON strings; another body type cannot be signed byte for byte.");
  }
  const body = raw === undefined || raw === null ? undefined : Buffer.from(raw, "utf8");
  const headers: Record<string, string> = {
    ...(init?.headers as Record<string, string> | undefined),
    ...attempt.headers,
    [ENVELOPE_HEADER]: attempt.sign({ method, path: requestPath(url), body }),
  };
  const send = () => poolFetch(url, { method, headers, body, signal: attempt.signal });
  const span = `${method} ${attempt.subgraph ?? "subgraph"}`;
  return (await inClientSpan(
    span,
    { "http.request.method": method, "og.subgraph": attempt.subgraph ?? "" },
    headers,
    send,
  )) as unknown as Awaited<ReturnType<Fetcher>>;
};
