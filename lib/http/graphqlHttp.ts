/**
 * The HTTP edge shared by the gateway and every subgraph: a `node:http` listener that turns requests into Apollo
 * Server's `executeHTTPGraphQLRequest` calls. It owns what must never become a 500 or a stack trace: body size,
 * content type, malformed JSON and unknown paths each end with a 4xx and a coded GraphQL error.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { type ApolloServer, type BaseContext, HeaderMap } from "@apollo/server";
import { type ErrorCode, errorBody, errorCodes } from "../errors.ts";
import type { Logger } from "../log.ts";
import { type CorsOptions, corsDecision } from "./cors.ts";

export type Route = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface GraphQLHttpOptions<TContext extends BaseContext> {
  server: ApolloServer<TContext>;
  /**
   * Builds the per-request context; a thrown GraphQLError with a registered code ends the request with it.
   * `receivedAt` is the epoch ms the request arrived (before its body was read), for deadlines.
   */
  context: (req: IncomingMessage, requestId: string, receivedAt: number) => Promise<TContext>;
  /** Request id for a request (accepted from a trusted header or freshly generated). */
  requestId: (req: IncomingMessage) => string;
  /** Extra routes by exact path (e.g. /healthz, /readyz, /metrics). */
  routes?: Record<string, Route>;
  /** Largest accepted request body in bytes. Default 1 MiB. */
  maxBodyBytes?: number;
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
  ) {
    super(message);
  }
}

export function createGraphQLListener<TContext extends BaseContext>(
  options: GraphQLHttpOptions<TContext>,
): RequestListener {
  const { server, log, routes = {}, maxBodyBytes = 1024 * 1024, path = "/graphql" } = options;
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
    const route = routes[url.pathname];
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
        send(res, status, errorBody(error.code, error.message));
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
      const contentType = (headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
      if (contentType !== "application/json" && contentType !== "application/graphql-response+json") {
        req.resume();
        throw new HttpProblem(
          "UNSUPPORTED_MEDIA_TYPE",
          `Content-Type "${contentType || "(none)"}" is not accepted; send the request as application/json.`,
        );
      }
      const raw = await readBody(req, maxBodyBytes);
      try {
        body = JSON.parse(raw);
      } catch {
        throw new HttpProblem("INVALID_JSON", 'The request body is not valid JSON; send {"query": "…"}.');
      }
      if (body === null || typeof body !== "object") {
        throw new HttpProblem("BAD_REQUEST", 'The request body must be a JSON object such as {"query": "…"}.');
      }
      if (Array.isArray(body)) {
        throw new HttpProblem("BAD_REQUEST", "Batched requests (a JSON array) are not accepted; send one operation.");
      }
    } else {
      req.resume();
    }

    let context: TContext;
    try {
      context = await options.context(req, requestId, receivedAt);
    } catch (error) {
      const code = (error as { extensions?: { code?: unknown } }).extensions?.code;
      if (typeof code === "string" && code in errorCodes) {
        throw new HttpProblem(code as ErrorCode, (error as Error).message);
      }
      throw error;
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
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }
}

function send(res: ServerResponse, status: number, body: string): void {
  res.statusCode = status;
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.end(body);
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw new HttpProblem("PAYLOAD_TOO_LARGE", `The body is ${declared} bytes; the limit is ${limit} bytes.`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      req.resume();
      throw new HttpProblem("PAYLOAD_TOO_LARGE", `The body is larger than the limit of ${limit} bytes.`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Writes a JSON response (health and readiness routes). */
export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON.stringify(value));
}
