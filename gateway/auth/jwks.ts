/**
 * Public keys of a token issuer, fetched from its JWKS endpoint and cached by `kid`. An unknown `kid` triggers one
 * refetch (a rotation just happened), at most once per `minRefetchMs`, so forged kids cannot flood the issuer.
 */
import { createPublicKey, type JsonWebKey, type KeyObject } from "node:crypto";

export interface JwksSourceOptions {
  url: string;
  /**
   * Extra headers for one fetch of this exact URL (a GET). The district identity service publishes its keys without
   * an envelope; a provider that wants a credential gets it here, per fetch (an envelope is bound to one request).
   */
  headers?: (url: string) => Record<string, string>;
  timeoutMs?: number;
  /** Keys are refreshed at least this often even when every kid is known. */
  maxAgeMs?: number;
  /** Unknown kids trigger a refetch at most this often. Default 10 000. */
  minRefetchMs?: number;
  /** The clock of `maxAgeMs` and `minRefetchMs`. Default Date.now; tests move it instead of sleeping. */
  now?: () => number;
  /** The HTTP client. Default the global fetch; unit tests pass one that answers without a server. */
  fetch?: typeof fetch;
}

export interface JwksSource {
  /** The key for a kid, or undefined when the issuer does not publish it. */
  key(kid: string): Promise<KeyObject | undefined>;
}

export function createJwksSource(options: JwksSourceOptions): JwksSource {
  const {
    url,
    timeoutMs = 2000,
    maxAgeMs = 5 * 60_000,
    minRefetchMs = 10_000,
    now = Date.now,
    fetch: fetchJwks = fetch,
  } = options;
  let keys = new Map<string, KeyObject>();
  let fetchedAt = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<void> | undefined;

  async function refresh(): Promise<void> {
    inFlight ??= (async () => {
      try {
        const response = await fetchJwks(url, {
          headers: options.headers?.(url),
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (!response.ok) throw new Error(`JWKS answered HTTP ${response.status}`);
        const body = (await response.json()) as { keys?: Array<JsonWebKey & { kid?: string }> };
        const next = new Map<string, KeyObject>();
        for (const jwk of body.keys ?? []) {
          if (typeof jwk.kid !== "string") continue;
          try {
            next.set(jwk.kid, createPublicKey({ key: jwk, format: "jwk" }));
          } catch {
            // A malformed key is skipped; the others still verify.
          }
        }
        keys = next;
      } finally {
        fetchedAt = now();
        inFlight = undefined;
      }
    })();
    return inFlight;
  }

  return {
    async key(kid) {
      const age = now() - fetchedAt;
      if (age > maxAgeMs || (!keys.has(kid) && age > minRefetchMs)) {
        await refresh().catch(() => {
          // The issuer is unreachable: keep verifying with the keys we have.
        });
      }
      return keys.get(kid);
    },
  };
}
