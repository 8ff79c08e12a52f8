/**
 * The one reader of HTTP request bodies, for the GraphQL edge (./graphqlHttp.ts) and every plain route (identity's
 * token endpoints and register of residence, audit ingestion, the gateway's identity proxy). Each problem is a
 * `RequestBodyError` with a registered code (lib/errors.ts) and the HTTP status of that code, so no route answers a
 * hostile body with a 500 or a reset connection:
 *
 * - `readBody`: at most `limit` bytes, else `PAYLOAD_TOO_LARGE` (413) — refused on a declared Content-Length before
 *   anything is read. Answer it with `answerThenClose` (./graphqlHttp.ts) while the upload is still arriving.
 * - `requireContentType`: the media type must be one the route accepts, else `UNSUPPORTED_MEDIA_TYPE` (415).
 * - `parseJsonBody`: UTF-8, nesting within a depth, JSON, else `INVALID_JSON` / `BAD_REQUEST` (400); checked on the
 *   bytes before `JSON.parse` builds anything.
 */
import type { IncomingMessage } from "node:http";
import { type ErrorCode, errorCodes } from "../errors.ts";

/** Deepest nesting of JSON arrays and objects accepted in a request body. */
export const MAX_JSON_DEPTH = 64;

/** A request body refused: the registered code, its HTTP status, and a sentence saying what to send instead. */
export class RequestBodyError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.status = errorCodes[code].status;
  }
}

/** A request body over the limit; `declared` when its Content-Length said so before anything was read. */
export class BodyTooLargeError extends RequestBodyError {
  constructor(
    readonly limit: number,
    readonly declared: number | null,
  ) {
    super(
      "PAYLOAD_TOO_LARGE",
      declared === null
        ? `The body is larger than the limit of ${limit} bytes. Send less.`
        : `The body is ${declared} bytes; the limit is ${limit} bytes. Send less.`,
    );
  }
}

/**
 * Reads a request body, refusing more than `limit` bytes with `BodyTooLargeError`. Listens to the stream rather than
 * iterating it: leaving a `for await` early destroys the request — and with it the socket, before any answer could
 * be written.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new BodyTooLargeError(limit, declared));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        stop();
        reject(new BodyTooLargeError(limit, null));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}

/** The request's media type, lower case, without parameters; "" when there is none. */
export function contentTypeOf(req: IncomingMessage): string {
  return (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

/**
 * The request's media type when it is one of `accepted`; else `UNSUPPORTED_MEDIA_TYPE` (415) saying what to send
 * (`expected`, default the first accepted type). Checked before the body is read.
 */
export function requireContentType(req: IncomingMessage, accepted: readonly string[], expected?: string): string {
  const contentType = contentTypeOf(req);
  if (accepted.includes(contentType)) return contentType;
  throw new RequestBodyError(
    "UNSUPPORTED_MEDIA_TYPE",
    `Content-Type "${contentType.slice(0, 100) || "(none)"}" is not accepted; send the request as ${expected ?? accepted[0]}.`,
  );
}

export interface ParseJsonOptions {
  /** Deepest nesting of arrays and objects. Default MAX_JSON_DEPTH. */
  maxDepth?: number;
  /** What a valid body looks like, for the messages, e.g. `{"query": "…"}`. */
  example?: string;
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** Parses UTF-8 JSON no deeper than `maxDepth`; each problem a coded 400 (`INVALID_JSON`, `BAD_REQUEST` for depth). */
export function parseJsonBody(raw: Uint8Array, options: ParseJsonOptions = {}): unknown {
  const { maxDepth = MAX_JSON_DEPTH, example } = options;
  const send = example ? `send ${example}` : "send JSON";
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw new RequestBodyError("INVALID_JSON", "The request body is not valid UTF-8; send JSON encoded as UTF-8.");
  }
  if (jsonDepth(raw, maxDepth) > maxDepth) {
    throw new RequestBodyError(
      "BAD_REQUEST",
      `The request body nests JSON arrays and objects more than ${maxDepth} levels deep; send a flatter body.`,
    );
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new RequestBodyError("INVALID_JSON", `The request body is not valid JSON; ${send}.`);
  }
}

/**
 * The deepest nesting of `[` and `{` outside strings, counted on the bytes (UTF-8 continuation bytes never equal
 * these ASCII codes); stops counting once past `stopAbove`.
 */
export function jsonDepth(raw: Uint8Array, stopAbove: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i += 1) {
    const byte = raw[i];
    if (inString) {
      if (byte === 0x5c)
        i += 1; // backslash: skip the escaped character
      else if (byte === 0x22) inString = false;
      continue;
    }
    if (byte === 0x22) inString = true;
    else if (byte === 0x7b || byte === 0x5b) {
      depth += 1;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > stopAbove) return deepest;
      }
    } else if (byte === 0x7d || byte === 0x5d) depth -= 1;
  }
  return deepest;
}
