/**
 * Every gateway plugin, in one ordered list. Apollo Server runs hooks of different plugins concurrently, so checks
 * that can reject an operation (operation limits → authorization → daily cost budget) live inside one guard plugin
 * that runs them in sequence — never as separate plugins racing each other. The request rate is counted before any
 * plugin runs, as the context is built (gateway/server.ts).
 */
import type { ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import type { GraphQLSchema } from "graphql";
import type { PolicySet } from "../lib/access/policyRules.ts";
import { useErrorCap } from "../lib/http/errorCap.ts";
import type { Logger } from "../lib/log.ts";
import type { Principal } from "../lib/principal.ts";
import type { GatewayContext } from "./context.ts";
import type { OperationLimits } from "./limits/operationLimits.ts";
import { rateLimitHeaders } from "./limits/rateLimiter.ts";
import { type FieldUsageRecorder, useFieldUsage } from "./observability/fieldUsage.ts";
import { useOperationGuard } from "./protection/operationGuard.ts";
import { type SchemaExposureOptions, useSchemaExposure } from "./protection/schemaExposure.ts";
import type { SupergraphSnapshot } from "./supergraph/supergraphSnapshot.ts";

export interface GatewayPluginOptions {
  log: Logger;
  /** The facts of the supergraph behind an API schema (gateway/supergraph/supergraphSnapshot.ts). */
  supergraph: (schema: GraphQLSchema) => SupergraphSnapshot | null;
  limitsFor: (principal: Principal) => OperationLimits;
  /** Charges an operation's estimated cost to the caller's daily budget (gateway/limits/rateLimiter.ts). */
  chargeCost?: (context: GatewayContext, cost: number) => Promise<void>;
  policies: () => PolicySet;
  authorizationMode: "filter" | "reject";
  /** Who may introspect and see "Did you mean …?" hints (production mode: only the listed roles). */
  schemaExposure: SchemaExposureOptions;
  /** Field coordinates per client and hour, for the schema registry's usage check (docs/registry.md). */
  fieldUsage?: FieldUsageRecorder;
}

export function gatewayPlugins({
  log,
  supergraph,
  limitsFor,
  chargeCost,
  policies,
  authorizationMode,
  schemaExposure,
  fieldUsage,
}: GatewayPluginOptions): ApolloServerPlugin<GatewayContext>[] {
  return [
    // Phase: portal. The hosted Apollo landing page loads from a CDN the district network cannot reach.
    ApolloServerPluginLandingPageDisabled(),
    // Phase: protect and authorize — one guard, checks in a fixed order.
    useOperationGuard({
      supergraph,
      limitsFor,
      chargeCost,
      policies,
      authorizationMode,
      schemaExposure,
    }),
    // Phase: respond — where the caller stands against its request rate (RateLimit-* headers) on every answer.
    useRateLimitHeaders(),
    // Phase: respond — "Did you mean …?" hints stripped for principals who may not explore the schema in production
    // mode (introspection itself is refused by the guard).
    useSchemaExposure(schemaExposure),
    // Phase: respond — identical errors reported once, at most MAX_ERRORS per answer (lib/http/errorCap.ts), so an
    // answer never grows with the number of mistakes a hostile document repeats.
    useErrorCap(),
    // Phase: respond. One structured log line per operation, without variables (they may hold personal data).
    useRequestLog(log),
    // Phase: observe — the fields each client selects, counted per hour for the schema registry (never rejects).
    ...(fieldUsage ? [useFieldUsage(fieldUsage)] : []),
  ];
}

function useRateLimitHeaders(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      const state = contextValue.rateLimit;
      if (!state) return;
      return {
        async willSendResponse({ response }) {
          // A refusal (429, 503) already carries the headers of the limit that refused it.
          if (response.http.headers.has("ratelimit-limit")) return;
          for (const [name, value] of Object.entries(rateLimitHeaders(state))) response.http.headers.set(name, value);
        },
      };
    },
  };
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
