/**
 * The one guard that can reject an operation before planning (ARCHITECTURE.md §4, step 2–3). Its checks run in
 * sequence inside one hook — Apollo Server runs hooks of different plugins concurrently, so separate guard plugins
 * would race. Order: operation resolution → anonymous access to public fields only → introspection in production
 * mode → authorization (schema
 * requirements and access policies: the decision goes on the context, and execution removes denied fields —
 * gateway/authorization/authorizedExecution.ts) → operation limits (depth, root fields, aliases, directives, page
 * size, estimated cost). (Rate limits join here.)
 */
import type { ApolloServerPlugin } from "@apollo/server";
import { authorizeOperation } from "../lib/access/authorize.ts";
import type { Classification } from "../lib/access/classification.ts";
import type { PolicySet } from "../lib/access/policyRules.ts";
import type { SupergraphRequirements } from "../lib/access/requirements.ts";
import { codedError } from "../lib/errors.ts";
import type { Principal } from "../lib/principal.ts";
import { nonPublicFields } from "./auth/publicFields.ts";
import type { GatewayContext } from "./context.ts";
import { checkLimits, measureOperation, type OperationLimits } from "./limits/operationLimits.ts";
import { type SchemaExposureOptions, schemaExposureError } from "./schemaExposure.ts";

export interface OperationGuardOptions {
  /** `Type.field` coordinates anonymous callers may select (from the current supergraph). */
  publicFields: () => Set<string>;
  /** The limits that apply to a principal (per role or application). */
  limitsFor: (principal: Principal) => OperationLimits;
  /** Field requirements of the current supergraph (`@authenticated`, `@requiresScopes`, `@policy`). */
  requirements: () => SupergraphRequirements;
  /** Classified fields of the current supergraph (what is masked and audited). */
  classification: () => Map<string, Classification>;
  /** The active access policies. */
  policies: () => PolicySet;
  /** `filter` removes denied fields (null + FIELD_NOT_AUTHORIZED); `reject` refuses the whole operation. */
  authorizationMode: "filter" | "reject";
  /** Who may introspect in production mode (gateway/schemaExposure.ts). */
  schemaExposure: SchemaExposureOptions;
  now?: () => Date;
}

const LISTED = 5;
const nowDate = () => new Date();

export function useOperationGuard(options: OperationGuardOptions): ApolloServerPlugin<GatewayContext> {
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
          if (contextValue.principal.kind === "anonymous") {
            const denied = nonPublicFields(schema, document, operationName, options.publicFields());
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
          // Introspection in production mode only for the roles that need it (403 before any depth or cost error).
          const exposure = schemaExposureError(contextValue.principal, document, options.schemaExposure);
          if (exposure) throw exposure;
          const authorization = authorizeOperation({
            schema,
            document,
            operationName,
            variables: request.variables,
            requirements: options.requirements(),
            classification: options.classification(),
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
          contextValue.authorization = authorization;
          const measured = measureOperation(schema, document, operationName, { variables: request.variables ?? {} });
          const violation = checkLimits(measured, options.limitsFor(contextValue.principal));
          if (violation) {
            throw codedError("OPERATION_LIMIT_EXCEEDED", violation.message, {
              limit: violation.limit,
              max: violation.max,
              measured: violation.measured,
              http: { status: 400 },
            });
          }
        },
      };
    },
  };
}
