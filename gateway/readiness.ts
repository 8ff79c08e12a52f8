/**
 * Readiness: the gateway is ready only when a supergraph is loaded and every subgraph it names answers a trivial
 * query within the timeout. Results are cached briefly so probes from many load balancers cost one round.
 */
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
  /** Headers for the probe of one subgraph (the signed envelope of the gateway's system principal). */
  headers?: (subgraph: string) => Record<string, string>;
  cacheMs?: number;
}

export function createReadinessCheck(options: ReadinessOptions) {
  let cached: { at: number; result: Promise<SubgraphProbe[]> } | undefined;
  const cacheMs = options.cacheMs ?? 1000;
  return (): Promise<SubgraphProbe[]> => {
    const now = Date.now();
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
    const response = await fetch(subgraph.url, {
      method: "POST",
      headers: { "content-type": "application/json", ...options.headers?.(subgraph.name) },
      body: JSON.stringify({ query: "{ __typename }" }),
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
