/**
 * Browser-facing hygiene for the HTTP edge: CORS by an exact allow-list of origins, and the security headers every
 * response carries. Pure functions; `graphqlHttp.ts` applies them.
 *
 * CORS: a request with an `Origin` header is a browser's. From an allowed origin it gets
 * `Access-Control-Allow-Origin` naming that origin (never `*`; tokens travel in `Authorization`, so no
 * credentials mode is needed); from any other origin it is refused with `403 ORIGIN_NOT_ALLOWED` and no CORS header,
 * preflight or not. Requests without `Origin` (servers, curl) are not affected. Apollo Server's CSRF prevention stays
 * on underneath: a "simple" request (no preflight) is refused unless it carries a JSON content type or a
 * preflight-forcing header, whatever its origin.
 */

export interface CorsOptions {
  /** Exact origins (`https://portal.example`) allowed to call from a browser; empty refuses every browser origin. */
  origins: readonly string[];
  /** How long browsers may cache a preflight answer, in seconds. Default 600. */
  maxAgeSeconds?: number;
}

/** Request headers a browser client may send (besides the CORS-safelisted ones). */
const ALLOWED_HEADERS = [
  "authorization",
  "content-type",
  "x-request-id",
  "x-og-purpose",
  "x-og-case",
  "apollo-require-preflight",
  "x-apollo-operation-name",
];
/** Response headers a browser client may read. */
const EXPOSED_HEADERS = ["x-request-id", "retry-after", "www-authenticate"];

export type CorsDecision =
  /** Not a browser request, or no CORS configured: nothing to add. */
  | { kind: "none" }
  /** An origin not on the list. */
  | { kind: "refused"; origin: string }
  /** A preflight from an allowed origin: answer 204 with these headers, do not route. */
  | { kind: "preflight"; headers: Record<string, string> }
  /** An actual request from an allowed origin: add these headers and serve it. */
  | { kind: "allowed"; headers: Record<string, string> };

export function corsDecision(
  options: CorsOptions,
  request: { method: string; origin: string | undefined; requestMethod: string | undefined },
): CorsDecision {
  const { origin } = request;
  if (origin === undefined) return { kind: "none" };
  if (!options.origins.includes(origin)) return { kind: "refused", origin };
  const base = { "access-control-allow-origin": origin, vary: "Origin" };
  if (request.method === "OPTIONS" && request.requestMethod !== undefined) {
    return {
      kind: "preflight",
      headers: {
        ...base,
        "access-control-allow-methods": "GET, POST",
        "access-control-allow-headers": ALLOWED_HEADERS.join(", "),
        "access-control-max-age": String(options.maxAgeSeconds ?? 600),
      },
    };
  }
  return { kind: "allowed", headers: { ...base, "access-control-expose-headers": EXPOSED_HEADERS.join(", ") } };
}

export interface SecurityHeaderOptions {
  /** `Strict-Transport-Security` max-age; 0 or absent sends none (only meaningful behind TLS). */
  hstsMaxAgeSeconds?: number;
}

/**
 * Headers for every response of an API that serves no pages: nothing may sniff, frame, cache or leak a referrer.
 * `Cache-Control: no-store` because answers depend on the caller's token.
 */
export function securityHeaders(options: SecurityHeaderOptions = {}): Record<string, string> {
  return {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
    "cross-origin-resource-policy": "same-origin",
    "cache-control": "no-store",
    ...(options.hstsMaxAgeSeconds ? { "strict-transport-security": `max-age=${options.hstsMaxAgeSeconds}` } : {}),
  };
}
