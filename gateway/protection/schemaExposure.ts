/**
 * How much of the schema the gateway shows (issue #6 item 3). In production mode, introspection (`__schema`,
 * `__type`) and the "Did you mean …?" hints in validation messages are for the roles that need them
 * (`INTROSPECTION_ROLES`, default `security_admin`); everyone else gets `403 FORBIDDEN` for introspection and
 * plain messages without hints. Outside production mode both are open, for developers and tests.
 *
 * Apollo Server's own `introspection` switch is all or nothing, so the gateway turns it on and decides here, per
 * principal. `__typename` is not introspection and is always allowed.
 */
import type { ApolloServerPlugin } from "@apollo/server";
import { type DocumentNode, type GraphQLError, Kind, visit } from "graphql";
import { codedError } from "../../lib/errors.ts";
import type { Principal } from "../../lib/principal.ts";
import type { GatewayContext } from "../context.ts";

export interface SchemaExposureOptions {
  /** Production mode: introspection and suggestions only for `roles`. Otherwise both are open to everyone. */
  production: boolean;
  /** Roles (or principal kinds) that may introspect and see suggestions in production mode. */
  roles: readonly string[];
}

/** Whether this principal may see schema details (introspection, suggestions). */
export function mayExploreSchema(principal: Principal, options: SchemaExposureOptions): boolean {
  if (!options.production) return true;
  return options.roles.includes(principal.kind) || principal.roles.some((role) => options.roles.includes(role));
}

/**
 * Whether the document selects `__schema` or `__type` anywhere (any operation or fragment). Remembered per document:
 * Apollo Server parses a query text once and hands every later request the same document (issue 16: the walk was a
 * twentieth of a one-fetch request's allocation).
 */
export function selectsIntrospection(document: DocumentNode): boolean {
  let found = introspecting.get(document);
  if (found === undefined) {
    found = walkForIntrospection(document);
    introspecting.set(document, found);
  }
  return found;
}

const introspecting = new WeakMap<DocumentNode, boolean>();

function walkForIntrospection(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    [Kind.FIELD]: (node) => {
      if (node.name.value === "__schema" || node.name.value === "__type") {
        found = true;
        return false;
      }
      return undefined;
    },
  });
  return found;
}

/**
 * The error for an introspection the principal may not run, or null when the document may run. For the operation
 * guard: call it after operation resolution and throw what it returns.
 */
export function schemaExposureError(
  principal: Principal,
  document: DocumentNode,
  options: SchemaExposureOptions,
): GraphQLError | null {
  if (mayExploreSchema(principal, options) || !selectsIntrospection(document)) return null;
  return codedError(
    "FORBIDDEN",
    `Introspection (__schema, __type) is open only to the role${options.roles.length === 1 ? "" : "s"} ${options.roles.join(", ") || "(none configured)"} on this server; use the published schema documentation instead.`,
    { http: { status: 403 } },
  );
}

const SUGGESTION = / ?Did you mean (.+?)\?$/;

/** Removes the "Did you mean …?" hint graphql-js appends to validation and input-coercion messages. */
export function withoutSuggestion(message: string): string {
  return message.replace(SUGGESTION, "");
}

/**
 * The plugin side: strips suggestions from every error for principals who may not see schema details. (The operation
 * guard refuses their introspection with `schemaExposureError`.)
 */
export function useSchemaExposure(options: SchemaExposureOptions): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      if (mayExploreSchema(contextValue.principal, options)) return;
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== "single") return;
          const errors = response.body.singleResult.errors;
          if (!errors?.some((e) => SUGGESTION.test(e.message))) return;
          response.body.singleResult.errors = errors.map((e) => ({ ...e, message: withoutSuggestion(e.message) }));
        },
      };
    },
  };
}
