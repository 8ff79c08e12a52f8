/**
 * The schema registry's app-operations route on the gateway's origin, so the portal and every front-end team use one
 * address (docs/gateway.md, docs/registry.md): `POST /registry/apps/<appId>/operations` `{documents}` is forwarded to
 * `POST <REGISTRY_URL>/apps/<appId>/operations` with the caller's own `Authorization` (the registry verifies the person's
 * token and decides; the gateway adds no authority of its own, signs nothing and forwards no cookie).
 *
 * Only that path is passed on: anything else under `/registry/` is 404 here and never reaches the registry. The body
 * must be `application/json` (415 otherwise) and at most `maxBodyBytes` (413); the registry's answer (status, JSON body,
 * coded problems such as TRUSTED_DOCUMENT_INVALID) comes back as it is. A registry that does not answer within
 * `timeoutMs` is 502 REGISTRY_UNAVAILABLE; without REGISTRY_URL the route is 503 REGISTRY_NOT_CONFIGURED. Neither names
 * the registry's address.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { type ErrorCode, errorBody, errorCodes } from "../lib/errors.ts";
import type { Route } from "../lib/http/graphqlHttp.ts";
import type { Logger } from "../lib/log.ts";
import { bodyWithin, fetchUpstream } from "./auth/identityProxy.ts";

export interface RegistryProxyOptions {
  /** The schema registry (REGISTRY_URL); undefined: every route answers 503 REGISTRY_NOT_CONFIGURED. */
  registryUrl: string | undefined;
  log: Logger;
  maxBodyBytes?: number;
  timeoutMs?: number;
}

/** Where the registry's routes are mounted on the gateway. */
export const REGISTRY_MOUNT = "/registry";
/** The app ids the registry accepts (registry/registryService.ts); anything else is not forwarded. */
const OPERATIONS_PATH = /^\/registry\/apps\/([a-z][a-z0-9-]{1,60})\/operations$/;
const PASSED_BACK = ["content-type", "retry-after", "www-authenticate"];

function refuse(req: IncomingMessage, res: ServerResponse, code: ErrorCode, message: string) {
  req.resume();
  res.statusCode = errorCodes[code].status;
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.end(errorBody(code, message));
}

export function registryProxyRoutes(options: RegistryProxyOptions): Record<string, Route> {
  const { registryUrl, log, maxBodyBytes = 256 * 1024, timeoutMs = 15_000 } = options;

  const route: Route = async (req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const match = OPERATIONS_PATH.exec(path);
    if (!match) {
      refuse(
        req,
        res,
        "NOT_FOUND",
        `Nothing is served at ${path.slice(0, 200)}; the registry's route here is POST /registry/apps/<appId>/operations.`,
      );
      return;
    }
    const method = (req.method ?? "GET").toUpperCase();
    if (method !== "POST") {
      res.setHeader("allow", "POST");
      refuse(req, res, "METHOD_NOT_ALLOWED", `Use POST for ${path}.`);
      return;
    }
    if (!registryUrl) {
      refuse(
        req,
        res,
        "REGISTRY_NOT_CONFIGURED",
        "This gateway has no schema registry configured (REGISTRY_URL); trusted operations cannot be registered here.",
      );
      return;
    }
    const contentType = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
    if (contentType !== "application/json") {
      refuse(req, res, "UNSUPPORTED_MEDIA_TYPE", `Send ${path} a JSON body with Content-Type: application/json.`);
      return;
    }
    const body = await bodyWithin(req, res, maxBodyBytes, (message) => errorBody("PAYLOAD_TOO_LARGE", message));
    if (!body) return;
    const requestId = String(res.getHeader("x-request-id") ?? randomUUID());
    const headers: Record<string, string> = { "content-type": "application/json", "x-request-id": requestId };
    if (typeof req.headers.authorization === "string") headers.authorization = req.headers.authorization;
    let upstream: Response;
    let answer: Buffer;
    try {
      upstream = await fetchUpstream("registry", `${registryUrl}/apps/${match[1]}/operations`, {
        method: "POST",
        headers,
        body,
        timeoutMs,
      });
      answer = Buffer.from(await upstream.arrayBuffer());
    } catch (error) {
      log.warn({ err: error, path, requestId }, "schema registry unreachable");
      res.setHeader("retry-after", "5");
      refuse(
        req,
        res,
        "REGISTRY_UNAVAILABLE",
        `The schema registry did not answer; nothing was registered. Retry in a few seconds (request id ${requestId}).`,
      );
      return;
    }
    res.statusCode = upstream.status;
    for (const name of PASSED_BACK) {
      const value = upstream.headers.get(name);
      if (value) res.setHeader(name, value);
    }
    res.end(answer);
  };

  return { [REGISTRY_MOUNT]: route, [`${REGISTRY_MOUNT}/*`]: route };
}
