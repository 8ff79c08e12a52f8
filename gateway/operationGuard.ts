/**
 * The one guard that can reject an operation before planning (ARCHITECTURE.md §4, step 2–3). Its checks run in
 * sequence inside one hook — Apollo Server runs hooks of different plugins concurrently, so separate guard plugins
 * would race. Order: operation resolution → anonymous access to public fields only → operation limits (depth, root
 * fields, aliases, directives, page size, estimated cost). (Authorization policies and rate limits join here.)
 */
import type { ApolloServerPlugin } from "@apollo/server";
import { codedError } from "../lib/errors.ts";
import type { Principal } from "../lib/principal.ts";
import { nonPublicFields } from "./auth/publicFields.ts";
import type { GatewayContext } from "./context.ts";
import { checkLimits, measureOperation, type OperationLimits } from "./limits/operationLimits.ts";

export interface OperationGuardOptions {
  /** `Type.field` coordinates anonymous callers may select (from the current supergraph). */
  publicFields: () => Set<string>;
  /** The limits that apply to a principal (per role or application). */
  limitsFor: (principal: Principal) => OperationLimits;
}

const LISTED = 5;

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
