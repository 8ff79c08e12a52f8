/**
 * The one guard that can reject an operation before planning (ARCHITECTURE.md §4, step 2–3). Its checks run in
 * sequence inside one hook — Apollo Server runs hooks of different plugins concurrently, so separate guard plugins
 * would race. Every check reads the same operation view (lib/access/operationView.ts), built once here, and the
 * facts of the supergraph the request executes against (one snapshot, gateway/supergraph/supergraphSnapshot.ts).
 *
 * Order: operation resolution → the view (variables coerced with their defaults; 400 BAD_USER_INPUT) → operation
 * limits, measured first (depth, expanded selections, root fields, aliases, directives, page size, estimated cost)
 * → anonymous access to public fields only → introspection in production mode → authorization (schema requirements
 * and access policies: the decision goes on the context, and execution removes denied fields —
 * gateway/authorization/authorizedExecution.ts) → the caller's daily cost budget, charged with the operation's
 * estimated cost (429 QUOTA_EXCEEDED; gateway/limits/rateLimiter.ts). The request rate was counted before this, as
 * the context was built, so that documents which never parse are limited too.
 */
import type { ApolloServerPlugin } from "@apollo/server";
import { authorizeOperation } from "../../lib/access/authorize.ts";
import type { PolicySet } from "../../lib/access/policyRules.ts";
import { codedError } from "../../lib/errors.ts";
import type { Principal } from "../../lib/principal.ts";
import { nonPublicFields } from "../auth/publicFields.ts";
import type { GatewayContext } from "../context.ts";
import { checkLimits, type OperationLimits } from "../limits/operationLimits.ts";
import type { SupergraphSnapshot } from "../supergraph/supergraphSnapshot.ts";
import { OperationAnalyses } from "./operationAnalyses.ts";
import { type SchemaExposureOptions, schemaExposureError } from "./schemaExposure.ts";

export interface OperationGuardOptions {
  /** The facts of the supergraph behind an API schema (null: not one this gateway prepared — fail closed). */
  supergraph: (schema: import("graphql").GraphQLSchema) => SupergraphSnapshot | null;
  /** The limits that apply to a principal (per role or application). */
  limitsFor: (principal: Principal) => OperationLimits;
  /** The active access policies. */
  policies: () => PolicySet;
  /** `filter` removes denied fields (null + FIELD_NOT_AUTHORIZED); `reject` refuses the whole operation. */
  authorizationMode: "filter" | "reject";
  /** Who may introspect in production mode (gateway/protection/schemaExposure.ts). */
  schemaExposure: SchemaExposureOptions;
  /**
   * Charges an operation's estimated cost to the caller's daily budget, last, once the operation is known to run;
   * throws the coded refusal (QUOTA_EXCEEDED) when the budget is spent.
   */
  chargeCost?: (context: GatewayContext, cost: number) => Promise<void>;
  now?: () => Date;
}

const LISTED = 5;
const nowDate = () => new Date();

export function useOperationGuard(options: OperationGuardOptions): ApolloServerPlugin<GatewayContext> {
  const analyses = new OperationAnalyses();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, operationName, document, schema, contextValue, request }) {
          // Apollo's gateway executor throws a plain error (HTTP 500) for an operation name the document lacks.
          if (!operation) {
            throw codedError(
              "OPERATION_RESOLUTION_FAILURE",
              operationName
                ? `The document has no operation named "${operationName}"; send one of its operation names.`
                : "The document has several operations; send operationName to choose one.",
              { http: { status: 400 } },
            );
          }
          if (operation.operation === "subscription") {
            throw codedError(
              "OPERATION_NOT_SUPPORTED",
              "Subscriptions are not served by this gateway; send a query or a mutation.",
              { http: { status: 400 } },
            );
          }
          const supergraph = options.supergraph(schema);
          if (!supergraph) {
            throw codedError("SUPERGRAPH_NOT_LOADED", "The gateway is switching supergraphs; retry shortly.", {
              http: { status: 503 },
            });
          }
          contextValue.supergraph = supergraph;
          // The view and its measurement depend on the document and variables only: remembered (operationAnalyses.ts).
          const { view, measurement } = analyses.get({ schema, document, operationName, variables: request.variables });
          contextValue.view = view;

          // Limits first: everything after this point is bounded by them.
          const violation = checkLimits(measurement, options.limitsFor(contextValue.principal));
          if (violation) {
            throw codedError("OPERATION_LIMIT_EXCEEDED", violation.message, {
              limit: violation.limit,
              max: violation.max,
              measured: violation.measured,
              http: { status: 400 },
            });
          }
          if (contextValue.principal.kind === "anonymous") {
            const denied = nonPublicFields(view, supergraph.publicFields);
            if (denied.length > 0) {
              const listed = denied.slice(0, LISTED).join(", ");
              const more = denied.length > LISTED ? ` and ${denied.length - LISTED} more` : "";
              throw codedError(
                "AUTHENTICATION_REQUIRED",
                `Log in to read ${listed}${more}: without a token only public fields can be read.`,
                { http: { status: 401, headers: new Map([["www-authenticate", 'Bearer realm="jingan-one-graph"']]) } },
              );
            }
          }
          // Introspection in production mode only for the roles that need it.
          const exposure = schemaExposureError(contextValue.principal, document, options.schemaExposure);
          if (exposure) throw exposure;
          const authorization = authorizeOperation({
            schema,
            document,
            view,
            requirements: supergraph.requirements,
            classification: supergraph.classification,
            policies: options.policies(),
            facts: {
              principal: contextValue.principal,
              purpose: contextValue.purpose,
              now: (options.now ?? nowDate)(),
            },
          });
          if (authorization.denied.length > 0 && options.authorizationMode === "reject") {
            const listed = authorization.denied
              .slice(0, LISTED)
              .map((d) => `${d.path.join(".")} (${d.coordinate}: ${d.rule} — ${d.reason})`)
              .join("; ");
            const more =
              authorization.denied.length > LISTED ? `; and ${authorization.denied.length - LISTED} more` : "";
            throw codedError("OPERATION_NOT_AUTHORIZED", `Not authorized to read ${listed}${more}.`, {
              http: { status: 403 },
            });
          }
          await options.chargeCost?.(contextValue, measurement.cost);
          contextValue.authorization = authorization;
        },
      };
    },
  };
}
