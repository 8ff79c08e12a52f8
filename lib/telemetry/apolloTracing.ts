/**
 * Spans for Apollo Server's phases, shared by the gateway and every subgraph: `graphql.parse` and `graphql.validate`
 * under the request's server span, the operation's name and type on that span, and (in subgraphs) one span per
 * root-field resolver — `_entities` included, which is where a subgraph answers the gateway's entity fetches.
 *
 * With tracing off the plugin returns nothing from `requestDidStart`, so Apollo calls no hook of it per phase.
 */
import type { ApolloServerPlugin, BaseContext, GraphQLRequestListener } from "@apollo/server";
import { annotateActiveSpan, inSpan, startSpan, tracingEnabled } from "./tracing.ts";

export interface ApolloTracingOptions {
  /** One span per root-field resolver (`resolve Query._entities`). Subgraphs: yes; the gateway has Apollo's own. */
  rootFieldSpans?: boolean;
}

export function useTracing<TContext extends BaseContext>(
  options: ApolloTracingOptions = {},
): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      if (!tracingEnabled()) return;
      const listener: GraphQLRequestListener<TContext> = {
        async parsingDidStart() {
          const end = startSpan("graphql.parse");
          return async (error) => end?.(error);
        },
        async validationDidStart() {
          const end = startSpan("graphql.validate");
          return async (errors) => end?.(errors?.[0]);
        },
        async didResolveOperation({ operation, operationName }) {
          annotateActiveSpan({
            "graphql.operation.type": operation?.operation ?? "unknown",
            // A client's own name for its operation, never its document or variables (they may carry personal data).
            "graphql.operation.name": operationName ?? "",
          });
        },
      };
      if (options.rootFieldSpans) {
        listener.executionDidStart = async () => ({
          willResolveField({ info }) {
            if (info.path.prev !== undefined) return;
            return startSpan(`resolve ${info.parentType.name}.${info.fieldName}`, {
              "graphql.field.path": String(info.path.key),
            });
          },
        });
      }
      return listener;
    },
  };
}

/**
 * Wraps a plugin's `didResolveOperation` in a span named `name` — the gateway's guard (limits, authorization, budget)
 * is one hook, so its span shows how long the checks took and which refusal ended a request.
 */
export function withOperationSpan<TContext extends BaseContext>(
  name: string,
  plugin: ApolloServerPlugin<TContext>,
): ApolloServerPlugin<TContext> {
  const requestDidStart = plugin.requestDidStart?.bind(plugin);
  if (!requestDidStart) return plugin;
  return {
    ...plugin,
    async requestDidStart(requestContext) {
      const listener = await requestDidStart(requestContext);
      const hook = listener?.didResolveOperation?.bind(listener);
      if (!listener || !hook) return listener;
      return { ...listener, didResolveOperation: (context) => inSpan(name, {}, () => hook(context)) };
    },
  };
}
