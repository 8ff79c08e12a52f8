/**
 * The HTTP edge shared by the gateway and every subgraph: a `node:http` listener that turns requests into Apollo
 * Server's `executeHTTPGraphQLRequest` calls. It owns what must never become a 500, a stack trace or a reset
 * connection: body size, content type, encoding, malformed or too deeply nested JSON, an oversized operation name and
 * unknown paths each end with a 4xx and a coded GraphQL error.
 *
 * - A body over the limit gets its 413 *answer* before the connection closes: the answer is written in full
 *   (`connection: close`), then what the client is still sending is read and discarded (up to `LINGER_BYTES` or
 *   `LINGER_MS`) before the socket ends, so closing never resets the connection under an unread upload — a reset
 *   would make the client lose the answer.
 * - The body is read, and its content type, size, encoding and nesting checked, by the one body reader
 *   (./requestBody.ts): UTF-8 (RFC 8259), at most `MAX_JSON_DEPTH` levels, checked on the bytes before `JSON.parse`.
 * - Request errors (answers without `data`) carry at most ten distinct errors (lib/http/errorCap.ts).
 */
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { type ApolloServer, type BaseContext, HeaderMap } from "@apollo/server";
import { type ErrorCode, errorBody, errorCodes } from "../errors.ts";
import type { Logger } from "../log.ts";
import { directApolloHashes } from "./apolloHashes.ts";
import { type CorsOptions, corsDecision } from "./cors.ts";
import { capErrorsInBody } from "./errorCap.ts";
import { MAX_JSON_DEPTH, parseJsonBody, RequestBodyError, readBody, requireContentType } from "./requestBody.ts";

/** Longest operationName accepted (a GraphQL name; longer ones only serve to make logs and errors grow). */
export const MAX_OPERATION_NAME = 200;
/** After answering a refused upload, how much more of it is read and discarded before the connection closes. */
const LINGER_BYTES = 64 * 1024 * 1024;
const LINGER_MS = 5_000;
const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;
const JSON_TYPES = ["application/json", "application/graphql-response+json"];

export type Route = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface GraphQLHttpOptions<TContext extends BaseContext> {
  server: ApolloServer<TContext>;
  /**
   * Builds the per-request context; a thrown GraphQLError with a registered code ends the request with it.
   * `receivedAt` is the epoch ms the request arrived (before its body was read), for deadlines.
   */
  context: (
    req: IncomingMessage,
    requestId: string,
    receivedAt: number,
    /** The parsed GraphQL request: the JSON body of a POST (null for a GET) and the URL's query string. */
    request: { body: unknown; search: string },
  ) => Promise<TContext>;
  /**
   * Runs on the raw request before its body is parsed (subgraphs: the envelope's binding to method, path and body
   * bytes); `body` is null for a GET. A thrown GraphQLError with a registered code ends the request with it.
   */
  verifyRequest?: (req: IncomingMessage, body: Buffer | null) => Promise<void>;
  /** Request id for a request (accepted from a trusted header or freshly generated). */
  requestId: (req: IncomingMessage) => string;
  /**
   * Extra routes by exact path (e.g. /healthz, /readyz, /metrics), or by prefix with a key ending in `/*` (`/oidc/*`
   * serves `/oidc/` and everything below it).
   */
  routes?: Record<string, Route>;
  /** Largest accepted request body in bytes. Default 1 MiB. */
  maxBodyBytes?: number;
  /**
   * Largest batched request (a JSON array of operations, Apollo Server's HTTP batching; the server must allow them).
   * Default 0: a batch is refused with a coded 400. Subgraphs accept batches from the gateway only (the envelope is
   * verified over the whole array's bytes before anything is parsed); the gateway accepts none from clients.
   */
  maxBatch?: number;
  /** GraphQL path. Default /graphql. */
  path?: string;
  log: Logger;
  /** Headers added to every response (e.g. `securityHeaders()` from ./cors.ts). */
  responseHeaders?: Record<string, string>;
  /** Browser origins allowed to call (CORS, see ./cors.ts). Absent: no CORS handling, OPTIONS is a 405. */
  cors?: CorsOptions;
}

class HttpProblem extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Response headers the error asked for (`extensions.http.headers`, e.g. Retry-After). */
    readonly headers: ReadonlyMap<string, string> = new Map(),
    /** The error's other extensions, for the body. */
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function createGraphQLListener<TContext extends BaseContext>(
  options: GraphQLHttpOptions<TContext>,
): RequestListener {
  const { server, log, routes = {}, maxBodyBytes = 1024 * 1024, path = "/graphql", maxBatch = 0 } = options;
  // Every operation's text is hashed by Apollo; without a module lookup per hash (./apolloHashes.ts).
  directApolloHashes();
  const prefixes = Object.keys(routes)
    .filter((key) => key.endsWith("/*"))
    .map((key) => ({ prefix: key.slice(0, -1), route: routes[key] as Route }));
  const prefixRoute = (pathname: string): Route | undefined =>
    prefixes.find(({ prefix }) => pathname.startsWith(prefix))?.route;
  const baseHeaders: Record<string, string> = { "x-content-type-options": "nosniff", ...options.responseHeaders };

  return (req, res) => {
    const receivedAt = Date.now();
    for (const [name, value] of Object.entries(baseHeaders)) res.setHeader(name, value);
    const requestId = options.requestId(req);
    res.setHeader("x-request-id", requestId);
    const url = new URL(req.url ?? "/", "http://localhost");
    if (options.cors) {
      res.setHeader("vary", "Origin");
      const cors = corsDecision(options.cors, {
        method: (req.method ?? "GET").toUpperCase(),
        origin: req.headers.origin,
        requestMethod: req.headers["access-control-request-method"],
      });
      if (cors.kind === "refused") {
        req.resume();
        log.info({ requestId, origin: cors.origin.slice(0, 200) }, "browser request from an origin not allowed");
        send(
          res,
          403,
          errorBody(
            "ORIGIN_NOT_ALLOWED",
            "Requests from this browser origin are not accepted; ask for it to be allowed.",
          ),
        );
        return;
      }
      if (cors.kind !== "none") for (const [name, value] of Object.entries(cors.headers)) res.setHeader(name, value);
      if (cors.kind === "preflight") {
        req.resume();
        res.statusCode = 204;
        res.end();
        return;
      }
    }
    const route = routes[url.pathname] ?? prefixRoute(url.pathname);
    if (route) {
      Promise.resolve(route(req, res)).catch((error: unknown) => {
        log.error({ err: error, requestId, path: url.pathname }, "route failed");
        if (!res.headersSent)
          send(res, 500, errorBody("INTERNAL_SERVER_ERROR", "The route failed; see the server log."));
      });
      return;
    }
    if (url.pathname !== path) {
      req.resume();
      send(res, 404, errorBody("NOT_FOUND", `Nothing is served at ${url.pathname}; GraphQL is served at ${path}.`));
      return;
    }
    handleGraphQL(req, res, url, requestId, receivedAt).catch((error: unknown) => {
      if (error instanceof HttpProblem) {
        const status = errorCodes[error.code].status;
        if (status === 401) res.setHeader("www-authenticate", 'Bearer realm="jingan-one-graph"');
        for (const [name, value] of error.headers) res.setHeader(name, value);
        const body = errorBody(error.code, error.message, error.extensions);
        if (bodyStillArriving(req)) answerThenClose(req, res, status, body);
        else send(res, status, body);
        return;
      }
      log.error({ err: error, requestId }, "GraphQL request failed outside execution");
      if (!res.headersSent) {
        send(res, 500, errorBody("INTERNAL_SERVER_ERROR", `Unexpected failure; quote request id ${requestId}.`));
      } else {
        res.destroy();
      }
    });
  };

  async function verified(req: IncomingMessage, raw: Buffer | null): Promise<void> {
    try {
      await options.verifyRequest?.(req, raw);
    } catch (error) {
      throw asHttpProblem(error);
    }
  }

  async function handleGraphQL(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    requestId: string,
    receivedAt: number,
  ) {
    const method = (req.method ?? "GET").toUpperCase();
    if (method !== "GET" && method !== "POST") {
      req.resume();
      res.setHeader("allow", "GET, POST");
      throw new HttpProblem("METHOD_NOT_ALLOWED", `Method ${method} is not accepted; use GET for queries or POST.`);
    }
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
    let body: unknown;
    if (method === "POST") {
      let raw: Buffer;
      try {
        requireContentType(req, JSON_TYPES);
        raw = await readBody(req, maxBodyBytes);
      } catch (error) {
        if (!(error instanceof RequestBodyError)) throw error;
        if (error.code === "UNSUPPORTED_MEDIA_TYPE") req.resume();
        throw new HttpProblem(error.code, error.message);
      }
      await verified(req, raw);
      try {
        body = parseBody(raw, maxBatch);
      } catch (error) {
        throw error instanceof RequestBodyError ? new HttpProblem(error.code, error.message) : error;
      }
      for (const operation of Array.isArray(body) ? body : [body]) {
        const operationName = (operation as { operationName?: unknown }).operationName;
        if (operationName !== undefined && operationName !== null) checkOperationName(operationName);
      }
    } else {
      req.resume();
      await verified(req, null);
      const operationName = url.searchParams.get("operationName");
      if (operationName) checkOperationName(operationName);
    }

    let context: TContext;
    try {
      context = await options.context(req, requestId, receivedAt, { body: body ?? null, search: url.search });
    } catch (error) {
      throw asHttpProblem(error);
    }
    const response = await server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method, headers, search: url.search, body },
      context: async () => context,
    });
    for (const [name, value] of response.headers) {
      // A fixed Cache-Control (no-store: answers depend on the caller's token) wins over Apollo's cache hints.
      if (name === "cache-control" && baseHeaders["cache-control"]) continue;
      res.setHeader(name, value);
    }
    res.statusCode = response.status ?? 200;
    if (response.body.kind === "complete") {
      // Request errors (no data) come back capped: identical ones once, at most ten.
      const capped = res.statusCode >= 400 ? capErrorsInBody(response.body.string) : null;
      // Encoded once, its length read off the bytes: `end(string)` measures the string for Content-Length and then
      // encodes it again, flattening Apollo's `JSON.stringify(…) + "\n"` on the way (issue 16: a large answer's text
      // was allocated twice more than needed).
      const bytes = Buffer.from(capped ?? response.body.string, "utf8");
      res.setHeader("content-length", bytes.length);
      res.end(bytes);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }
}

/**
 * A thrown GraphQLError with a registered code becomes the HTTP answer with that code, the headers it asks for
 * (`extensions.http.headers`, as Apollo Server reads them) and its other extensions; anything else stays a failure.
 */
function asHttpProblem(error: unknown): unknown {
  const extensions = (error as { extensions?: Record<string, unknown> }).extensions;
  const code = extensions?.code;
  if (typeof code !== "string" || !(code in errorCodes)) return error;
  const { code: _code, http, ...rest } = extensions as { code: string; http?: { headers?: unknown } };
  const headers = http?.headers instanceof Map ? (http.headers as Map<string, string>) : new Map<string, string>();
  return new HttpProblem(code as ErrorCode, (error as Error).message, headers, rest);
}

function send(res: ServerResponse, status: number, body: string): void {
  res.statusCode = status;
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.end(body);
}

/**
 * One JSON object, or (with `maxBatch` > 0) an array of 1 to `maxBatch` of them: the reader's problems
 * (lib/http/requestBody.ts) and these each a coded 400.
 */
function parseBody(raw: Buffer, maxBatch: number): object {
  const body = parseJsonBody(raw, { maxDepth: MAX_JSON_DEPTH, example: '{"query": "…"}' });
  if (body === null || typeof body !== "object") {
    throw new HttpProblem("BAD_REQUEST", 'The request body must be a JSON object such as {"query": "…"}.');
  }
  if (Array.isArray(body)) {
    if (maxBatch <= 0) {
      throw new HttpProblem("BAD_REQUEST", "Batched requests (a JSON array) are not accepted; send one operation.");
    }
    if (body.length === 0 || body.length > maxBatch) {
      throw new HttpProblem("BAD_REQUEST", `A batched request carries 1 to ${maxBatch} operations.`);
    }
    if (!body.every((item) => item !== null && typeof item === "object" && !Array.isArray(item))) {
      throw new HttpProblem("BAD_REQUEST", 'Each operation of a batch must be a JSON object such as {"query": "…"}.');
    }
  }
  return body;
}

function checkOperationName(operationName: unknown): void {
  if (typeof operationName !== "string") {
    throw new HttpProblem("BAD_REQUEST", "operationName must be a string naming an operation of the document.");
  }
  if (operationName.length > MAX_OPERATION_NAME || !NAME.test(operationName)) {
    throw new HttpProblem(
      "BAD_REQUEST",
      `operationName must be a GraphQL name of at most ${MAX_OPERATION_NAME} characters (letters, digits, _), naming an operation of the document.`,
    );
  }
}

/** Whether the client may still be sending a body we have not read. */
export function bodyStillArriving(req: IncomingMessage): boolean {
  const hasBody = Number(req.headers["content-length"] ?? 0) > 0 || req.headers["transfer-encoding"] !== undefined;
  return hasBody && !req.readableEnded;
}

/**
 * Writes the whole answer now (with its length, and `connection: close`), then reads and discards what the client
 * is still sending before ending the connection: closing a socket with unread data resets it, and a reset can
 * destroy the answer before the client read it. Bounded by LINGER_BYTES and LINGER_MS. When the upload has already
 * arrived in full (a body reader stopped at its last chunk), there is nothing left to wait for and the answer ends at
 * once: its `end` event has been emitted already and will not come again.
 */
export function answerThenClose(req: IncomingMessage, res: ServerResponse, status: number, body: string): void {
  res.statusCode = status;
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.setHeader("content-length", Buffer.byteLength(body));
  res.setHeader("connection", "close");
  if (req.readableEnded || req.destroyed) {
    res.end(body);
    return;
  }
  res.write(body);
  let discarded = 0;
  const finish = () => {
    clearTimeout(timer);
    req.off("data", onData);
    req.off("end", finish);
    req.off("error", finish);
    if (!res.writableEnded) res.end();
  };
  const onData = (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > LINGER_BYTES) finish();
  };
  const timer = setTimeout(finish, LINGER_MS);
  timer.unref();
  req.on("data", onData);
  req.on("end", finish);
  req.on("error", finish);
  req.resume();
}

/** Writes a JSON response (health and readiness routes). */
export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON.stringify(value));
}
