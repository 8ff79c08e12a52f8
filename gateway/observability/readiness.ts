/**
 * Readiness: the gateway is ready only when a supergraph is loaded and every subgraph it names answers a trivial
 * query within the timeout. Results are cached briefly so probes from many load balancers cost one round.
 */
import { type BoundRequest, requestPath } from "../../lib/wire.ts";

/** The probe's body: the same bytes every time, signed byte for byte. */
const PROBE_BODY = Buffer.from(JSON.stringify({ query: "{ __typename }" }), "utf8");
export interface SubgraphProbe {
  name: string;
  ok: boolean;
  /** Short reason when not ok (never the internal URL: this answer is public). */
  reason?: string;
  ms: number;
}

export interface ReadinessOptions {
  subgraphs: () => Array<{ name: string; url: string }>;
  timeoutMs: number;
  /**
   * Headers for one probe of one subgraph: the envelope of the gateway's readiness principal (scope
   * `system:readiness` only), bound to the probe's method, path and body bytes.
   */
  headers?: (subgraph: string, request: BoundRequest) => Record<string, string>;
  cacheMs?: number;
  /** The clock of the cache. Default Date.now; tests move it past the cache instead of sleeping. */
  now?: () => number;
}

export function createReadinessCheck(options: ReadinessOptions) {
  let cached: { at: number; result: Promise<SubgraphProbe[]> } | undefined;
  const { cacheMs = 1000, now: clock = Date.now } = options;
  return (): Promise<SubgraphProbe[]> => {
    const now = clock();
    if (!cached || now - cached.at > cacheMs) {
      cached = { at: now, result: Promise.all(options.subgraphs().map((s) => probe(s, options))) };
    }
    return cached.result;
  };
}

async function probe(subgraph: { name: string; url: string }, options: ReadinessOptions): Promise<SubgraphProbe> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const headers = options.headers?.(subgraph.name, {
      method: "POST",
      path: requestPath(subgraph.url),
      body: PROBE_BODY,
    });
    const response = await fetch(subgraph.url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: new Uint8Array(PROBE_BODY),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const body = (await response.json().catch(() => null)) as { data?: { __typename?: string } } | null;
    if (response.ok && body?.data?.__typename === "Query") return { name: subgraph.name, ok: true, ms: elapsed() };
    return { name: subgraph.name, ok: false, reason: `answered HTTP ${response.status}`, ms: elapsed() };
  } catch (error) {
    const reason = (error as Error).name === "TimeoutError" ? "timed out" : "unreachable";
    return { name: subgraph.name, ok: false, reason, ms: elapsed() };
  }
}
