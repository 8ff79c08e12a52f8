/**
 * A plain HTTP route that answers only the gateway: each route states its method, the system scope it requires and,
 * for a POST, its body limit; the handler receives the verified envelope and principal (and the parsed JSON body) and
 * writes its answer. Everything before the handler happens here, in this order:
 *
 * 1. the method (`405 METHOD_NOT_ALLOWED`, with Allow);
 * 2. an envelope at all (`401 ENVELOPE_INVALID`): an unsigned caller is refused before its body is read;
 * 3. for a POST, the content type (`415`) and the body, bounded (`413`, answered before the connection closes);
 * 4. the envelope against the method, path and exact body bytes, its nonce and the route's scope (./envelopeGuard.ts);
 * 5. only then the body is parsed (`400 INVALID_JSON` / `BAD_REQUEST`).
 *
 * A handler refuses with `throw new RouteRefusal(code, message)`; every refusal is a coded error body (lib/errors.ts).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { type ErrorCode, errorBody, errorCodes } from "../../lib/errors.ts";
import { answerThenClose, bodyStillArriving, type Route } from "../../lib/http/graphqlHttp.ts";
import { parseJsonBody, RequestBodyError, readBody, requireContentType } from "../../lib/http/requestBody.ts";
import type { Principal } from "../../lib/principal.ts";
import type { Envelope, SystemScope } from "../../lib/wire.ts";
import type { EnvelopeGuard } from "./envelopeGuard.ts";

export interface SignedRouteOptions {
  /** The one method the route answers. */
  method: "GET" | "POST";
  /** The system scope the envelope's principal must hold, e.g. `SYSTEM_SCOPES.auditWrite`. */
  scope: SystemScope;
  /** What the route serves, for refusals and the log: "audit ingest", "the revoked-sessions list". */
  what: string;
  /** POST only: the largest body accepted, in bytes. Default 1 MiB. */
  maxBodyBytes?: number;
}

export interface SignedRequest {
  req: IncomingMessage;
  res: ServerResponse;
  /** The verified envelope (request id, purpose, client address). */
  envelope: Envelope;
  /** The gateway's system principal that signed it (`kind: "system"`), holding the route's scope. */
  principal: Principal;
  /** POST: the parsed JSON body (checked against the envelope before it was parsed); GET: undefined. */
  body: unknown;
}

/** A refusal from a signed route's handler: answered with its registered code and that code's status. */
export class RouteRefusal extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly status: number = errorCodes[code].status,
  ) {
    super(message);
  }
}

export function signedRoute(
  envelopes: EnvelopeGuard,
  options: SignedRouteOptions,
  handler: (request: SignedRequest) => Promise<void>,
): Route {
  const { method, scope, what, maxBodyBytes = 1024 * 1024 } = options;
  return async (req, res) => {
    try {
      if ((req.method ?? "GET").toUpperCase() !== method) {
        res.setHeader("allow", method);
        throw new RouteRefusal("METHOD_NOT_ALLOWED", `Use ${method} for ${what}.`, 405);
      }
      if (!envelopes.present(req)) {
        throw new RouteRefusal(
          "ENVELOPE_INVALID",
          `Only the gateway may use ${what}; send the request to the gateway.`,
        );
      }
      let raw: Buffer | null = null;
      if (method === "POST") {
        requireContentType(req, ["application/json"]);
        raw = await readBody(req, maxBodyBytes);
      } else {
        req.resume();
      }
      const decision = await envelopes.check(req, raw, { scope, what });
      if (!decision.ok) throw new RouteRefusal(decision.code, decision.message, decision.status);
      const body = raw === null ? undefined : parseJsonBody(raw);
      await handler({ req, res, envelope: decision.envelope, principal: decision.envelope.principal, body });
    } catch (error) {
      if (!(error instanceof RouteRefusal || error instanceof RequestBodyError)) throw error;
      refuse(req, res, error.status, errorBody(error.code, error.message));
    }
  };
}

/** A refused upload still gets its answer before the connection closes (lib/http/graphqlHttp.ts). */
function refuse(req: IncomingMessage, res: ServerResponse, status: number, body: string): void {
  if (bodyStillArriving(req)) {
    answerThenClose(req, res, status, body);
    return;
  }
  req.resume();
  res.statusCode = status;
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.end(body);
}
