/**
 * The token endpoints of the district identity service, served through the gateway so front ends need one origin:
 * `POST /oauth/token`, `POST /oauth/password`, `POST /oauth/revoke`, `GET /.well-known/jwks.json`, and its OpenID
 * Connect provider: everything under `/oidc/` (GET and POST, with the browser's cookies and the provider's redirects)
 * and `GET /.well-known/openid-configuration` (the provider's discovery document, `/oidc/.well-known/…`). Each forwarded
 * request carries an envelope (system principal with scope `identity:proxy` only) bound to its method, path and the
 * exact body bytes forwarded, with the client's address signed inside (`clientAddressOf`: the socket, or
 * X-Forwarded-For from a trusted proxy only). No address header is forwarded: the identity service reads the signed one.
 *
 * The `/oauth/*` routes count each request against its client address (`limit`, the `oauth` rate of RATE_LIMITS;
 * docs/limits.md) before reading its body: over the limit the answer is 429 with Retry-After and RateLimit-* and an
 * OAuth error body, and the identity service never sees the request.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { answerThenClose, type Route } from "../../lib/http/graphqlHttp.ts";
import { BodyTooLargeError, readBody } from "../../lib/http/requestBody.ts";
import type { Logger } from "../../lib/log.ts";
import { systemPrincipal } from "../../lib/principal.ts";
import { inClientSpan } from "../../lib/telemetry/tracing.ts";
import { ENVELOPE_HEADER, type EnvelopeSigner, requestPath, SYSTEM_SCOPES } from "../../lib/wire.ts";
import type { Refusal } from "../limits/rateLimiter.ts";
import type { ClientAddressOf } from "./clientAddress.ts";

export interface IdentityProxyOptions {
  identityUrl: string;
  signEnvelope: EnvelopeSigner;
  /** The client's address, as the gateway derives it (gateway/auth/clientAddress.ts); signed into the envelope. */
  clientAddressOf: ClientAddressOf;
  log: Logger;
  /** Counts a `/oauth/*` request from a client address: null to go on, else the refusal to answer with. */
  limit?: (clientAddress: string) => Promise<Refusal | null>;
  maxBodyBytes?: number;
  timeoutMs?: number;
}

const PASSED_BACK = ["content-type", "cache-control", "retry-after", "www-authenticate", "pragma"];
/** Where the identity service's OpenID Connect provider is mounted, here and there. */
const OIDC_MOUNT = "/oidc";
/** Request headers the provider needs: its session and interaction cookies, client authentication, content choice. */
const OIDC_FORWARDED = ["cookie", "authorization", "accept", "accept-language"] as const;
/** Response headers of the provider's redirects and pages (Set-Cookie separately: it may repeat). */
const OIDC_PASSED_BACK = ["location", "content-security-policy", "x-frame-options"];

/**
 * One forwarded request to a service behind the gateway (identity, the schema registry), bounded by `timeoutMs`,
 * redirects passed back rather than followed; with tracing on, the service's spans join this request's trace
 * (lib/telemetry/tracing.ts). Throws when the service does not answer in time.
 */
export function fetchUpstream(
  service: string,
  url: string,
  init: { method: string; headers: Record<string, string>; body?: Buffer; timeoutMs: number },
): Promise<Response> {
  const { method, headers, body, timeoutMs } = init;
  return inClientSpan(`${method} ${service}`, { "http.request.method": method }, headers, () =>
    fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : new Uint8Array(body),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: "manual",
    }),
  );
}

/**
 * The request's body, at most `maxBodyBytes`; over it, the answer `tooLarge(message)` with 413 is written in full
 * before the connection closes (the rest of the upload is read and discarded) and null is returned.
 */
export async function bodyWithin(
  req: IncomingMessage,
  res: ServerResponse,
  maxBodyBytes: number,
  tooLarge: (message: string) => string,
): Promise<Buffer | null> {
  try {
    return await readBody(req, maxBodyBytes);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    answerThenClose(req, res, 413, tooLarge(error.message));
    return null;
  }
}

export function identityProxyRoutes(options: IdentityProxyOptions): Record<string, Route> {
  const {
    identityUrl,
    signEnvelope,
    clientAddressOf,
    log,
    limit,
    maxBodyBytes = 16 * 1024,
    timeoutMs = 5000,
  } = options;
  const principal = systemPrincipal("gateway-auth-proxy", [SYSTEM_SCOPES.identityProxy]);

  /**
   * Forwards one request to `path` (null: the request's own path and query) with the given methods; the OpenID
   * Connect routes (`oidc`) also pass the browser's cookies, Authorization and Accept, and pass back redirects,
   * cookies and the pages' security policy.
   */
  const forward =
    (path: string | null, methods: readonly ("GET" | "POST")[], oidc = false): Route =>
    async (req: IncomingMessage, res: ServerResponse) => {
      const method = (req.method ?? "GET").toUpperCase() as "GET" | "POST";
      const target = path ?? req.url ?? "/";
      if (!methods.includes(method)) {
        req.resume();
        res.statusCode = 405;
        res.setHeader("allow", methods.join(", "));
        res.setHeader("content-type", "application/json");
        res.end(
          JSON.stringify({ error: "invalid_request", error_description: `Use ${methods.join(" or ")} for ${target}.` }),
        );
        return;
      }
      const clientAddress = clientAddressOf(req);
      const limited = target.startsWith("/oauth/") || (oidc && method === "POST");
      const refusal = limit && limited ? await limit(clientAddress) : null;
      if (refusal) {
        req.resume();
        res.statusCode = refusal.status;
        for (const [name, value] of Object.entries(refusal.headers)) res.setHeader(name, value);
        res.setHeader("content-type", "application/json");
        res.end(
          JSON.stringify({
            error: refusal.status === 429 ? "slow_down" : "temporarily_unavailable",
            error_description: refusal.message,
            code: refusal.code,
          }),
        );
        return;
      }
      let body: Buffer | undefined;
      if (method === "POST") {
        const read = await bodyWithin(req, res, maxBodyBytes, (message) =>
          JSON.stringify({ error: "invalid_request", error_description: message }),
        );
        if (!read) return;
        body = read;
      }
      const requestId = String(res.getHeader("x-request-id") ?? randomUUID());
      const url = `${identityUrl}${target}`;
      const headers: Record<string, string> = {
        "x-request-id": requestId,
        [ENVELOPE_HEADER]: signEnvelope(
          {
            aud: "identity",
            requestId,
            purpose: "authentication",
            principal,
            clientAddress,
          },
          { method, path: requestPath(url), body },
        ),
      };
      if (req.headers["content-type"]) headers["content-type"] = req.headers["content-type"];
      if (oidc) {
        for (const name of OIDC_FORWARDED) {
          const value = req.headers[name];
          if (typeof value === "string") headers[name] = value;
        }
      }
      let upstream: Response;
      try {
        upstream = await fetchUpstream("identity", url, { method, headers, body, timeoutMs });
      } catch (error) {
        log.warn({ err: error, path: path ?? OIDC_MOUNT, requestId }, "identity service unreachable");
        res.statusCode = 503;
        res.setHeader("content-type", "application/json");
        res.setHeader("retry-after", "5");
        res.end(
          JSON.stringify({
            error: "temporarily_unavailable",
            error_description: "The identity service is not answering; retry in a few seconds.",
          }),
        );
        return;
      }
      res.statusCode = upstream.status;
      for (const name of oidc ? [...PASSED_BACK, ...OIDC_PASSED_BACK] : PASSED_BACK) {
        const value = upstream.headers.get(name);
        if (value) res.setHeader(name, value);
      }
      // The provider's pages post their forms back here: with the API's `no-referrer` a browser would send
      // `Origin: null`, which the gateway refuses; `same-origin` sends this origin and still nothing to other sites.
      if (oidc) res.setHeader("referrer-policy", "same-origin");
      const cookies = oidc ? upstream.headers.getSetCookie() : [];
      if (cookies.length > 0) res.setHeader("set-cookie", cookies);
      res.end(Buffer.from(await upstream.arrayBuffer()));
    };

  return {
    "/oauth/token": forward("/oauth/token", ["POST"]),
    "/oauth/password": forward("/oauth/password", ["POST"]),
    "/oauth/revoke": forward("/oauth/revoke", ["POST"]),
    "/.well-known/jwks.json": forward("/.well-known/jwks.json", ["GET"]),
    // Single sign-on (subgraphs/identity/oidc): the provider, and its discovery document at the origin's root too.
    [`${OIDC_MOUNT}/*`]: forward(null, ["GET", "POST"], true),
    "/.well-known/openid-configuration": forward(`${OIDC_MOUNT}/.well-known/openid-configuration`, ["GET"], true),
  };
}
