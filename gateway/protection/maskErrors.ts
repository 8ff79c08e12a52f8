/**
 * The one error-normalisation path of the gateway. Clients see only errors with a registered code and a message
 * written for them; everything else (an unexpected gateway failure, a foreign subgraph's internal message) is
 * replaced by a generic message with the request id, and its detail goes to the log. No stack traces, internal
 * URLs or hosts leave the gateway.
 */
import type { GraphQLFormattedError } from "graphql";
import { isErrorCode } from "../../lib/errors.ts";
import type { Logger } from "../../lib/log.ts";

/** Codes whose messages may carry caller-supplied or internal text from foreign subgraphs, and are rewritten. */
const ALWAYS_MASKED = new Set(["INTERNAL_SERVER_ERROR"]);

export function maskError(formatted: GraphQLFormattedError, error: unknown, log: Logger): GraphQLFormattedError {
  const extensions = formatted.extensions ?? {};
  const code = extensions.code;
  const base: GraphQLFormattedError = {
    message: formatted.message,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
  };
  if (isErrorCode(code) && !ALWAYS_MASKED.has(code)) {
    const safe: Record<string, unknown> = { code };
    for (const key of [
      "subgraph",
      "serviceName",
      "argument",
      "max",
      "limit",
      "measured",
      "rule",
      "coordinate",
      "retryAfterSeconds",
      // TRUSTED_DOCUMENT_INVALID: each problem of the caller's own documents (index, hash, message).
      "problems",
    ]) {
      if (extensions[key] !== undefined) safe[key] = extensions[key];
    }
    return { ...base, extensions: safe };
  }
  log.error({ err: error, code, message: formatted.message, path: formatted.path }, "masked error");
  const subgraph = typeof extensions.serviceName === "string" ? extensions.serviceName : undefined;
  return {
    ...base,
    message: subgraph
      ? `The ${subgraph} service failed to resolve this field; the details are in the server log.`
      : "An internal error occurred; the details are in the server log.",
    extensions: { code: "INTERNAL_SERVER_ERROR", ...(subgraph ? { subgraph } : {}) },
  };
}
