/**
 * One record per HTTP request, filled as the request goes (the context adds who asks, the plugin what operation ran
 * and how it ended) and written when the response is finished: **one log line per request** and the operation
 * histogram (./metrics.ts). Written at the HTTP layer, so requests refused before Apollo runs — a bad body, a bad
 * token, a rate limit — get their line too.
 *
 * The line names the principal by kind and opaque id (`person-…`, `app-…`) and never carries what could identify a
 * person otherwise: no names, phone or identity-card numbers, no variables, no document, no token, no address.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApolloServerPlugin } from "@apollo/server";
import type { Logger } from "../../lib/log.ts";
import { activeTraceId } from "../../lib/telemetry/tracing.ts";
import { REQUEST_ID_HEADER } from "../../lib/wire.ts";
import type { GatewayContext } from "../context.ts";
import type { GatewayMetrics, OperationOutcome } from "./metrics.ts";
import type { RequestRecord } from "./requestRecord.ts";

export type { RequestRecord };

export interface RequestTelemetryOptions {
  log: Logger;
  metrics: Pick<GatewayMetrics, "observeOperation">;
  /** Paths answered for machines (probes, scrapes): their lines are logged at debug, not info. */
  quietRoutes?: readonly string[];
  /** The GraphQL route: only its requests are operations. */
  graphqlRoute?: string;
}

export interface RequestTelemetry {
  /** Call first for every request (inside its server span, so the line carries the trace id). */
  begin(req: IncomingMessage, res: ServerResponse): void;
  /** The record of a request, for the context to fill in (undefined for one not begun). */
  recordOf(req: IncomingMessage): RequestRecord | undefined;
  /** Fills the record from Apollo's view of the operation. */
  plugin(): ApolloServerPlugin<GatewayContext>;
}

export function createRequestTelemetry(options: RequestTelemetryOptions): RequestTelemetry {
  const records = new WeakMap<IncomingMessage, RequestRecord>();
  const quiet = new Set(options.quietRoutes ?? ["/healthz", "/readyz", "/metrics"]);
  const graphqlRoute = options.graphqlRoute ?? "/graphql";
  const { log } = options;

  return {
    begin(req, res) {
      const started = performance.now();
      const record: RequestRecord = {};
      records.set(req, record);
      const traceId = activeTraceId();
      const path = (req.url ?? "/").split("?")[0] ?? "/";
      res.once("close", () => {
        const seconds = (performance.now() - started) / 1000;
        const status = res.statusCode;
        const requestId = res.getHeader(REQUEST_ID_HEADER);
        const isOperation = path === graphqlRoute;
        const outcome = outcomeOf(status, record.errorCodes?.length ?? 0);
        if (isOperation) {
          options.metrics.observeOperation({
            operationName: record.operationName,
            operationType: record.operationType,
            outcome,
            seconds,
          });
        }
        const principal = record.principal;
        const app = principal?.kind === "app" ? principal.id : null;
        (quiet.has(path) ? log.debug : log.info).call(
          log,
          {
            requestId: typeof requestId === "string" ? requestId : null,
            traceId: traceId ?? null,
            method: req.method,
            // Only paths the gateway serves are named; anything else is whatever a scanner tried.
            route: isOperation || quiet.has(path) || path.startsWith("/oauth/") ? path : "other",
            principalKind: principal?.kind ?? null,
            principalId: principal?.id ?? null,
            app,
            ...(isOperation
              ? {
                  operationName: record.operationName ?? null,
                  operationType: record.operationType ?? null,
                  errorCodes: record.errorCodes ?? [],
                }
              : {}),
            status,
            outcome,
            // Closed before the answer was complete: the client went away.
            ...(res.writableFinished ? {} : { aborted: true }),
            ms: Math.round(seconds * 10_000) / 10,
          },
          "request",
        );
      });
    },

    recordOf: (req) => records.get(req),

    plugin() {
      return {
        async requestDidStart({ contextValue }) {
          const record = contextValue.telemetry;
          if (!record) return;
          return {
            async didResolveOperation({ operation }) {
              // The document's own name for the operation that runs, not what the request claimed.
              if (!operation) return;
              record.operationName = operation.name?.value ?? null;
              record.operationType = operation.operation;
            },
            async willSendResponse({ errors }) {
              record.errorCodes = (errors ?? []).map((e) => String(e.extensions.code ?? "INTERNAL_SERVER_ERROR"));
            },
          };
        },
      };
    },
  };
}

export function outcomeOf(status: number, errors: number): OperationOutcome {
  if (status >= 500) return "failed";
  if (status >= 400) return "refused";
  return errors > 0 ? "partial" : "success";
}
