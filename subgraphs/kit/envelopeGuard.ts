/**
 * The receiving end of the envelope (lib/wire.ts), one for every route of a subgraph that answers the gateway: the
 * kit's /graphql and the plain HTTP routes of identity and audit.
 *
 * In order, before the request's body is parsed or anything executes:
 * 1. the signature, audience and lifetime (`401 ENVELOPE_INVALID`);
 * 2. the binding: the method, path with query string and SHA-256 of the raw body bytes received must be the ones
 *    signed (`401 ENVELOPE_NOT_BOUND`) — a body changed under a valid envelope, or an envelope moved to another
 *    route or method, is refused;
 * 3. the nonce, claimed in the nonce store until exp + skew (`401 ENVELOPE_REPLAYED`; a store that cannot answer
 *    refuses with `503 ENVELOPE_STORE_UNAVAILABLE`);
 * 4. the route's scope, when it serves system callers only (`403 ENVELOPE_SCOPE_MISSING`): e.g. the audit ingest
 *    route requires `audit:write`, which only the audit writer's envelope carries.
 * Reasons go to the log; callers get the code and a sentence, never a 500.
 */
import type { IncomingMessage } from "node:http";
import type { ErrorCode } from "../../lib/errors.ts";
import type { Logger } from "../../lib/log.ts";
import {
  ENVELOPE_HEADER,
  type Envelope,
  type EnvelopeVerifier,
  nonceExpiresAt,
  type SystemScope,
} from "../../lib/wire.ts";
import type { NonceStore } from "./nonceStore.ts";

export type EnvelopeDecision =
  | { ok: true; envelope: Envelope }
  | { ok: false; status: 401 | 403 | 503; code: ErrorCode; message: string };

export interface EnvelopeCheckOptions {
  /** The system scope the route requires; absent: any verified principal (GraphQL, where row rules decide). */
  scope?: SystemScope;
  /** What the route serves, for the refusal's message and the log, e.g. "audit records". */
  what?: string;
}

export interface EnvelopeGuard {
  /** Whether the request carries an envelope at all (routes that also serve direct callers branch on it). */
  present(req: IncomingMessage): boolean;
  /**
   * Checks the request's envelope against its method, path and the exact body bytes received (`null` or empty for
   * none), then claims its nonce and checks the scope.
   */
  check(req: IncomingMessage, body: Uint8Array | null, options?: EnvelopeCheckOptions): Promise<EnvelopeDecision>;
}

export function createEnvelopeGuard(options: {
  verify: EnvelopeVerifier;
  nonces: NonceStore;
  log: Logger;
}): EnvelopeGuard {
  const { verify, nonces, log } = options;
  return {
    present: (req) => Boolean(req.headers[ENVELOPE_HEADER]),
    async check(req, body, { scope, what = "this service" } = {}) {
      const method = (req.method ?? "GET").toUpperCase();
      const path = req.url ?? "/";
      const verified = verify(req.headers[ENVELOPE_HEADER], { method, path, body });
      if (!verified.ok) {
        log.warn({ reason: verified.reason, method, path: path.slice(0, 200) }, "request envelope refused");
        if (verified.reason === "not-bound") {
          return {
            ok: false,
            status: 401,
            code: "ENVELOPE_NOT_BOUND",
            message: `The envelope was signed for another request (method, path or body); ${what} answers only the request the gateway signed.`,
          };
        }
        return {
          ok: false,
          status: 401,
          code: "ENVELOPE_INVALID",
          message: `${capitalise(what)} answers only requests signed by the gateway; send the request to the gateway.`,
        };
      }
      const { envelope } = verified;
      const claim = await nonces
        .claim(`${envelope.aud}:${envelope.nonce}`, nonceExpiresAt(envelope))
        .catch((error: unknown) => {
          log.error({ err: error }, "nonce store failed");
          return "unavailable" as const;
        });
      if (claim === "unavailable") {
        log.error({ requestId: envelope.requestId }, "nonce store unavailable: request refused");
        return {
          ok: false,
          status: 503,
          code: "ENVELOPE_STORE_UNAVAILABLE",
          message: "The service cannot check envelopes for reuse right now; retry shortly.",
        };
      }
      if (claim === "seen") {
        log.warn(
          { requestId: envelope.requestId, principal: envelope.principal.id, method, path: path.slice(0, 200) },
          "replayed envelope refused",
        );
        return {
          ok: false,
          status: 401,
          code: "ENVELOPE_REPLAYED",
          message: "This envelope was already used; the gateway signs a new one for every request.",
        };
      }
      if (scope && !(envelope.principal.kind === "system" && envelope.principal.scopes.includes(scope))) {
        log.warn(
          { requestId: envelope.requestId, principal: envelope.principal.id, scope },
          "envelope without the route's scope refused",
        );
        return {
          ok: false,
          status: 403,
          code: "ENVELOPE_SCOPE_MISSING",
          message: `Only the gateway's system principal with scope ${scope} may use ${what}.`,
        };
      }
      return { ok: true, envelope };
    },
  };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
