/**
 * The token endpoints of the district identity service, served through the gateway so front ends need one origin:
 * `POST /oauth/token`, `POST /oauth/password`, `POST /oauth/revoke`, `GET /.well-known/jwks.json`. The gateway
 * forwards the client's address (for login throttling) inside a request it signs, so the identity service can trust
 * that address.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Route } from "../../lib/http/graphqlHttp.ts";
import type { Logger } from "../../lib/log.ts";
import { systemPrincipal } from "../../lib/principal.ts";
import { ENVELOPE_HEADER, type EnvelopeSigner } from "../../lib/wire.ts";

export interface IdentityProxyOptions {
  identityUrl: string;
  signEnvelope: EnvelopeSigner;
  log: Logger;
  maxBodyBytes?: number;
  timeoutMs?: number;
}

const PASSED_BACK = ["content-type", "cache-control", "retry-after", "www-authenticate", "pragma"];

export function identityProxyRoutes(options: IdentityProxyOptions): Record<string, Route> {
  const { identityUrl, signEnvelope, log, maxBodyBytes = 16 * 1024, timeoutMs = 5000 } = options;

  const forward =
    (path: string, method: "GET" | "POST"): Route =>
    async (req: IncomingMessage, res: ServerResponse) => {
      if ((req.method ?? "GET").toUpperCase() !== method) {
        req.resume();
        res.statusCode = 405;
        res.setHeader("allow", method);
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ error: "invalid_request", error_description: `Use ${method} for ${path}.` }));
        return;
      }
      let body: Buffer | undefined;
      if (method === "POST") {
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of req) {
          size += (chunk as Buffer).length;
          if (size > maxBodyBytes) {
            res.statusCode = 413;
            res.setHeader("content-type", "application/json");
            res.end(JSON.stringify({ error: "invalid_request", error_description: "The request body is too large." }));
            return;
          }
          chunks.push(chunk as Buffer);
        }
        body = Buffer.concat(chunks);
      }
      const requestId = String(res.getHeader("x-request-id") ?? randomUUID());
      const headers: Record<string, string> = {
        "x-forwarded-for": req.socket.remoteAddress ?? "",
        "x-request-id": requestId,
        [ENVELOPE_HEADER]: signEnvelope({
          aud: "identity",
          requestId,
          purpose: "authentication",
          principal: systemPrincipal("gateway-auth-proxy"),
        }),
      };
      if (req.headers["content-type"]) headers["content-type"] = req.headers["content-type"];
      let upstream: Response;
      try {
        upstream = await fetch(`${identityUrl}${path}`, {
          method,
          headers,
          body: body === undefined ? undefined : new Uint8Array(body),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        log.warn({ err: error, path, requestId }, "identity service unreachable");
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
      for (const name of PASSED_BACK) {
        const value = upstream.headers.get(name);
        if (value) res.setHeader(name, value);
      }
      res.end(Buffer.from(await upstream.arrayBuffer()));
    };

  return {
    "/oauth/token": forward("/oauth/token", "POST"),
    "/oauth/password": forward("/oauth/password", "POST"),
    "/oauth/revoke": forward("/oauth/revoke", "POST"),
    "/.well-known/jwks.json": forward("/.well-known/jwks.json", "GET"),
  };
}
