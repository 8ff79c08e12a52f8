/**
 * A small fetch over undici's `request` and its per-origin connection pools (issue 16, "less work per request"), for
 * the gateway's hottest outgoing calls: subgraph fetches (gateway/execution/subgraphFetcher.ts) and audit deliveries
 * (gateway/audit/auditWriter.ts).
 *
 * **Why.** `npm run bench`'s hot path spent more CPU in the HTTP client than in any control; `scripts/benchHttpClient.ts`
 * measured client CPU per POST (docs/benchmarks.md, "HTTP client"): undici's `request` on a pool about a third of
 * `node-fetch` on a keep-alive agent and a quarter of Node's built-in (WHATWG) `fetch`. The WHATWG layer — Request,
 * Headers and Response objects, web streams — is what costs; this keeps only what the callers read.
 *
 * **What it is.** `poolFetch(url, init)` sends one request and answers an object with the parts of the Fetch API's
 * `Response` that Apollo's `RemoteGraphQLDataSource` and the audit writer use: `ok`, `status`, `statusText`, `url`,
 * `headers.get/has/forEach/entries`, `text()`, `json()`, `arrayBuffer()`, and `body.cancel()`. The body is a string or
 * bytes (never a stream), so what a signer hashed is exactly what is sent.
 *
 * **Connections.** One undici `Agent` keeps one pool per origin: a connection is reused once its response body has
 * been read (or cancelled), a new one opens when all are busy (no fixed limit, like Node's keep-alive agent), idle ones
 * close after `KEEP_ALIVE_IDLE_MS`. An aborted request (its attempt's timeout or deadline) destroys its connection, so
 * a late answer never reaches the next request.
 */
import { STATUS_CODES } from "node:http";
import { Agent } from "undici";

const KEEP_ALIVE_IDLE_MS = 4_000;
const agent = new Agent({ keepAliveTimeout: KEEP_ALIVE_IDLE_MS, keepAliveMaxTimeout: KEEP_ALIVE_IDLE_MS });

export interface PoolFetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array | null;
  signal?: AbortSignal | null;
}

/** Response headers, read-only, names compared case-insensitively (undici gives them lower-case). */
export class PoolFetchHeaders {
  constructor(private readonly raw: Record<string, string | string[] | undefined>) {}
  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(", ") : value;
  }
  has(name: string): boolean {
    return this.raw[name.toLowerCase()] !== undefined;
  }
  *entries(): IterableIterator<[string, string]> {
    for (const name of Object.keys(this.raw)) {
      const value = this.get(name);
      if (value !== null) yield [name, value];
    }
  }
  keys(): IterableIterator<string> {
    return Object.keys(this.raw)[Symbol.iterator]();
  }
  *values(): IterableIterator<string> {
    for (const [, value] of this.entries()) yield value;
  }
  forEach(callback: (value: string, name: string) => void): void {
    for (const [name, value] of this.entries()) callback(value, name);
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

type UndiciBody = Awaited<ReturnType<Agent["request"]>>["body"];

export class PoolFetchResponse {
  readonly ok: boolean;
  readonly statusText: string;
  readonly redirected = false;
  readonly headers: PoolFetchHeaders;
  /** `cancel()` discards the unread body (its connection goes back to the pool). */
  readonly body: { cancel(): Promise<void> };
  private used = false;

  constructor(
    readonly url: string,
    readonly status: number,
    headers: Record<string, string | string[] | undefined>,
    private readonly stream: UndiciBody,
  ) {
    this.ok = status >= 200 && status < 300;
    this.statusText = STATUS_CODES[status] ?? "";
    this.headers = new PoolFetchHeaders(headers);
    this.body = {
      cancel: async () => {
        this.used = true;
        await stream.dump();
      },
    };
  }
  get bodyUsed(): boolean {
    return this.used;
  }
  text(): Promise<string> {
    this.used = true;
    return this.stream.text();
  }
  async json(): Promise<unknown> {
    this.used = true;
    return this.stream.json();
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    this.used = true;
    return this.stream.arrayBuffer();
  }
  clone(): never {
    throw new Error("poolFetch responses cannot be cloned");
  }
}

/** Sends one request through the shared pools; see the module comment. */
export async function poolFetch(url: string, init: PoolFetchInit = {}): Promise<PoolFetchResponse> {
  const parsed = new URL(url);
  const { statusCode, headers, body } = await agent.request({
    origin: parsed.origin,
    path: `${parsed.pathname}${parsed.search}`,
    method: (init.method ?? "GET").toUpperCase() as "GET",
    headers: init.headers,
    body: init.body ?? undefined,
    signal: init.signal ?? undefined,
  });
  return new PoolFetchResponse(url, statusCode, headers, body);
}
