/**
 * The gateway's reserved namespace (安全防护). Execution adds selections of its own to the operation it plans
 * (gateway/authorization/authorizedExecution.ts): the data subject under the alias `og__subject` for the audit, and
 * `__typename` where shaping needs a record's type. A client document that answers under those names could take
 * their place — e.g. `og__subject: __typename` would make the audit record "Resident" instead of the resident whose
 * data was read, and `og__subject: idNumber` would write a clear identity number into the audit.
 *
 * So a response key (alias, or a field name without alias) that starts with `og__` (any letter case), and an alias
 * that starts with `__` (the introspection namespace, which the spec reserves), are refused at validation with a 400
 * GRAPHQL_VALIDATION_FAILED that names the alias. Only the gateway's own selections ever answer under them.
 */
import { createRequire } from "node:module";
import type { ASTVisitor, ValidationContext } from "graphql";

const graphqlCjs = createRequire(import.meta.url)("graphql") as typeof import("graphql");
const { GraphQLError } = graphqlCjs;

/** Prefix of every name the gateway adds to an operation. */
export const RESERVED_PREFIX = "og__";

/** Whether a response key belongs to the gateway. */
export function isReservedResponseKey(key: string, aliased: boolean): boolean {
  return key.toLowerCase().startsWith(RESERVED_PREFIX) || (aliased && key.startsWith("__"));
}

/** graphql-js validation rule: refuses response keys in the gateway's namespace. */
export function ReservedNamesRule(context: ValidationContext): ASTVisitor {
  return {
    Field(node) {
      const key = node.alias?.value ?? node.name.value;
      if (!isReservedResponseKey(key, node.alias !== undefined)) return;
      const namespace = key.startsWith("__") ? "__ (introspection)" : RESERVED_PREFIX;
      context.reportError(
        new GraphQLError(
          `The response name "${key}" is reserved: names starting with ${namespace} belong to the gateway. Choose another alias.`,
          { nodes: node.alias ?? node.name },
        ),
      );
    },
  };
}
