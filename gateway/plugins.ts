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
import type { Principal } from "../lib/principal.ts";
import { useTracing, withOperationSpan } from "../lib/telemetry/apolloTracing.ts";
import type { GatewayContext } from "./context.ts";
import type { OperationLimits } from "./limits/operationLimits.ts";
import { rateLimitHeaders } from "./limits/rateLimiter.ts";
import { type FieldUsageRecorder, useFieldUsage } from "./observability/fieldUsage.ts";
import { useOperationGuard } from "./protection/operationGuard.ts";
import { type SchemaExposureOptions, useSchemaExposure } from "./protection/schemaExposure.ts";
import { useTrustedDocuments } from "./protection/trustedDocuments.ts";
import type { SupergraphSnapshot } from "./supergraph/supergraphSnapshot.ts";

export interface GatewayPluginOptions {
  /** Fills each request's record for its log line and operation metrics (gateway/observability/requestTelemetry.ts). */
  requestTelemetry: ApolloServerPlugin<GatewayContext>;
  /** The facts of the supergraph behind an API schema (gateway/supergraph/supergraphSnapshot.ts). */
  supergraph: (schema: GraphQLSchema) => SupergraphSnapshot | null;
  limitsFor: (principal: Principal) => OperationLimits;
  /** Charges an operation's estimated cost to the caller's daily budget (gateway/limits/rateLimiter.ts). */
  chargeCost?: (context: GatewayContext, cost: number) => Promise<void>;
  policies: () => PolicySet;
  authorizationMode: "filter" | "reject";
  /** Who may introspect and see "Did you mean …?" hints (production mode: only the listed roles). */
  schemaExposure: SchemaExposureOptions;
  /** Counts what each answered request used, per app and department (gateway/observability/metering.ts). */
  meter?: (context: GatewayContext, failed: boolean) => void;
  /** Field coordinates per client and hour, for the schema registry's usage check (docs/registry.md). */
  fieldUsage?: FieldUsageRecorder;
}

export function gatewayPlugins({
  requestTelemetry,
  supergraph,
  limitsFor,
  chargeCost,
  policies,
  authorizationMode,
  schemaExposure,
  meter,
  fieldUsage,
}: GatewayPluginOptions): ApolloServerPlugin<GatewayContext>[] {
  return [
    // Phase: portal. The hosted Apollo landing page loads from a CDN the district network cannot reach.
    ApolloServerPluginLandingPageDisabled(),
    // Phase: observe — spans for parse and validation, the operation's name and type on the request's span (only
    // when tracing is on, lib/telemetry/tracing.ts).
    useTracing(),
    // Phase: identify — an app in trusted-documents mode executes the registered text of the operation it named (the
    // context already refused anything else); it only rewrites the request, so it cannot race the guard.
    useTrustedDocuments(),
    // Phase: protect and authorize — one guard, checks in a fixed order; one span (og.guard) when tracing.
    withOperationSpan(
      "og.guard",
      useOperationGuard({
        supergraph,
        limitsFor,
        chargeCost,
        policies,
        authorizationMode,
        schemaExposure,
      }),
    ),
    // Phase: respond — where the caller stands against its request rate (RateLimit-* headers) on every answer.
    useRateLimitHeaders(),
    // Phase: respond — "Did you mean …?" hints stripped for principals who may not explore the schema in production
    // mode (introspection itself is refused by the guard).
    useSchemaExposure(schemaExposure),
    // Phase: respond — identical errors reported once, at most MAX_ERRORS per answer (lib/http/errorCap.ts), so an
    // answer never grows with the number of mistakes a hostile document repeats.
    useErrorCap(),
    // Phase: respond. The operation's name, type and error codes for the request's one log line and its metrics,
    // written when the response is finished — without variables (they may hold personal data).
    requestTelemetry,
    // Phase: meter — what the answer used, per app and department (requests refused before any plugin are counted
    // where they are refused, gateway/server.ts).
    ...(meter ? [useMetering(meter)] : []),
    // Phase: observe — the fields each client selects, counted per hour for the schema registry (never rejects).
    ...(fieldUsage ? [useFieldUsage(fieldUsage)] : []),
  ];
}

function useMetering(meter: (context: GatewayContext, failed: boolean) => void): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      return {
        async willSendResponse({ errors, response }) {
          const status = response.http.status ?? 200;
          const failed =
            (errors?.length ?? 0) > 0 ||
            status >= 400 ||
            (response.body.kind === "single" && (response.body.singleResult.errors?.length ?? 0) > 0);
          meter(contextValue, failed);
        },
      };
    },
  };
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
