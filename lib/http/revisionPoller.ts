/**
 * The one poll loop of the sets identity serves every gateway replica (access policies, purposes, rate limits,
 * trusted documents): a signed `GET <url>?since=<revision held>` every `intervalMs`, where 304 keeps what is held and
 * a 200 is handed to `apply`, which reads the payload against its contract (lib/contracts/) and swaps it in. Any
 * failure — unreachable, an error status, a payload `apply` refuses — goes to `onError`, and the last good copy stays
 * in force. One poll at a time (`refresh()` while one runs joins it); the timer never holds the process open.
 *
 * Polls go through `poolFetch` (./poolFetch.ts), the client of the subgraph fetches: a gateway polls three or four
 * sets a second, and Node's WHATWG `fetch` cost about 0.5 ms of CPU per poll (issue 16).
 */
import { type PoolFetchResponse, poolFetch } from "./poolFetch.ts";

export interface RevisionPollerOptions {
  /** The endpoint, without `?since=`. */
  url: string;
  /** What it serves, for errors: "access policies" → "access policies answered HTTP 503". */
  what: string;
  /** Signed gateway headers for one poll of this exact URL (a GET; the envelope is bound to it). */
  headers: (url: string) => Record<string, string>;
  /** The revision held now (0: none yet). */
  revision: () => number;
  /** Reads a 200 answer and swaps the new set in; throws to refuse it (the held set stays). */
  apply: (response: PoolFetchResponse) => Promise<void>;
  intervalMs?: number;
  timeoutMs?: number;
  onError?: (error: unknown) => void;
}

export interface RevisionPoller {
  /** Polls now (start-up, tests); resolves when the poll has been applied or has failed. */
  refresh(): Promise<void>;
  stop(): void;
}

export function revisionPoller(options: RevisionPollerOptions): RevisionPoller {
  const { url, what, intervalMs = 1000, timeoutMs = 1500 } = options;
  let inFlight: Promise<void> | undefined;

  async function poll() {
    try {
      const pollUrl = `${url}?since=${options.revision()}`;
      const response = await poolFetch(pollUrl, {
        headers: options.headers(pollUrl),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (response.status === 304 || !response.ok) {
        await response.body.cancel(); // nothing to read: the connection goes back to the pool
        if (response.status === 304) return;
        throw new Error(`${what} answered HTTP ${response.status}`);
      }
      await options.apply(response);
    } catch (error) {
      options.onError?.(error);
    }
  }

  const refresh = () => {
    inFlight ??= poll().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
  const timer = setInterval(() => void refresh(), intervalMs);
  timer.unref();
  return { refresh, stop: () => clearInterval(timer) };
}
