/**
 * Identify (request flow step 1): the `Authorization` header → one typed principal. No header means the anonymous
 * principal; a header that does not carry a valid bearer token ends the request with 401 INVALID_TOKEN — the
 * caller learns only that the token was refused, the log learns why.
 */
import type { IncomingMessage } from "node:http";
import { codedError } from "../../lib/errors.ts";
import type { Logger } from "../../lib/log.ts";
import { ANONYMOUS, type Principal } from "../../lib/principal.ts";
import { TokenRejected, type TokenVerifier } from "./tokenVerifier.ts";

/** Longer headers are refused before any parsing: no real token is this long. */
const MAX_AUTHORIZATION_LENGTH = 8192;

export function createAuthenticator(verifyToken: TokenVerifier, log: Logger) {
  return async function authenticate(req: IncomingMessage, requestId: string): Promise<Principal> {
    const header = req.headers.authorization;
    if (header === undefined || header === "") return ANONYMOUS;
    const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/.exec(header.trim());
    if (header.length > MAX_AUTHORIZATION_LENGTH || !match) {
      log.info({ requestId, reason: "malformed-header" }, "token refused");
      throw invalidToken();
    }
    try {
      return await verifyToken(match[1] as string);
    } catch (error) {
      const reason = error instanceof TokenRejected ? error.reason : "verifier-error";
      if (!(error instanceof TokenRejected)) log.error({ err: error, requestId }, "token verification failed");
      log.info({ requestId, reason }, "token refused");
      throw invalidToken();
    }
  };
}

function invalidToken() {
  return codedError(
    "INVALID_TOKEN",
    "The bearer token was refused; log in again (POST /oauth/token) and send Authorization: Bearer <access_token>.",
  );
}
