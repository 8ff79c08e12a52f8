/**
 * Every gateway plugin, in one ordered list. Apollo Server runs hooks of different plugins concurrently, so checks
 * that can reject an operation (authorization → cost → rate limit, in later work) must live inside one guard
 * plugin that runs them in sequence — never as separate plugins racing each other.
 */
import type { ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { codedError } from "../lib/errors.ts";
import type { Logger } from "../lib/log.ts";
import type { GatewayContext } from "./context.ts";

export interface GatewayPluginOptions {
  log: Logger;
}

export function gatewayPlugins({ log }: GatewayPluginOptions): ApolloServerPlugin<GatewayContext>[] {
  return [
    // Phase: portal. The hosted Apollo landing page loads from a CDN the district network cannot reach.
    ApolloServerPluginLandingPageDisabled(),
    // Phase: protect. Apollo's gateway executor throws a plain error (HTTP 500) for an operation name the document
    // lacks; answer the caller's mistake as the 400 it is.
    useOperationResolution(),
    // Phase: respond. One structured log line per operation, without variables (they may hold personal data).
    useRequestLog(log),
  ];
}

function useRequestLog(log: Logger): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      const started = performance.now();
      return {
        async willSendResponse({ operationName, errors, response }) {
          const status = response.http.status ?? 200;
          log.info(
            {
              requestId: contextValue.requestId,
              operationName: operationName ?? null,
              status,
              errors: errors?.length ?? 0,
              errorCodes: errors?.map((e) => e.extensions.code).filter(Boolean),
              ms: Math.round((performance.now() - started) * 10) / 10,
            },
            "operation",
          );
        },
      };
    },
  };
}

function useOperationResolution(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, operationName }) {
          if (operation) return;
          throw codedError(
            "OPERATION_RESOLUTION_FAILURE",
            operationName
              ? `The document has no operation named "${operationName}"; send one of its operation names.`
              : "The document has several operations; send operationName to choose one.",
            { http: { status: 400 } },
          );
        },
      };
    },
  };
}
