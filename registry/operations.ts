/**
 * Trusted operations (可信操作) as the registry judges them: a document offered for an app is registered only when it
 * parses, names every operation it holds (no anonymous operation, no name twice), serves no subscription, and
 * validates against the graph's API schema — the current supergraph at registration, the candidate supergraph at a
 * publish check (a registered operation that would stop validating counts as an operation in use, naming its app).
 * Each document is identified by the SHA-256 (hex) of its exact text, the hash the gateway matches.
 */
import { createRequire } from "node:module";
import type { DocumentNode, GraphQLSchema } from "graphql";
import { documentHash } from "../lib/contracts/trustedDocuments.ts";

// The API schema is built with graphql's CommonJS build (./checks.ts apiSchemaOf); parse and validate with the same.
const graphqlCjs = createRequire(import.meta.url)("graphql") as typeof import("graphql");

/** Most documents registered in one call, and the longest document (the gateway's MAX_TOKENS bounds it anyway). */
export const MAX_OPERATION_DOCUMENTS = 100;
export const MAX_OPERATION_LENGTH = 64 * 1024;

/** A document that passed `operationProblems`: its hash and the name of its (first) operation. */
export interface CheckedOperation {
  hash: string;
  operationName: string;
  document: string;
}

function parsed(document: string): DocumentNode | string {
  if (document.length > MAX_OPERATION_LENGTH) return `The document is longer than ${MAX_OPERATION_LENGTH} characters.`;
  try {
    return graphqlCjs.parse(document, { maxTokens: 3000 });
  } catch (error) {
    return `Syntax: ${(error as Error).message}`;
  }
}

function operationsOf(document: DocumentNode) {
  return document.definitions.filter((d) => d.kind === graphqlCjs.Kind.OPERATION_DEFINITION);
}

/** Every problem of one document against `schema`, as sentences; empty when it may be registered. */
export function operationProblems(schema: GraphQLSchema, document: string): string[] {
  const tree = parsed(document);
  if (typeof tree === "string") return [tree];
  const problems: string[] = [];
  const operations = operationsOf(tree);
  if (operations.length === 0) problems.push("The document holds no operation (only fragments).");
  const names = operations.map((operation) => operation.name?.value ?? null);
  if (names.includes(null)) {
    problems.push("Every operation needs a name (query Name { … }): an anonymous operation cannot be told apart.");
  }
  // A name used twice in one document is graphql's UniqueOperationNames rule, reported by validate below.
  if (operations.some((operation) => operation.operation === "subscription")) {
    problems.push("Subscriptions are not served by the gateway.");
  }
  problems.push(...graphqlCjs.validate(schema, tree).map((error) => error.message));
  return problems;
}

/**
 * Checks a batch offered for one app: every document's problems (index, hash, message), and an operation name used
 * by two documents of the batch. All or none: the batch is registered only when `problems` is empty.
 */
export function checkOperations(
  schema: GraphQLSchema,
  documents: string[],
): { operations: CheckedOperation[]; problems: Array<{ index: number; hash: string; message: string }> } {
  const problems: Array<{ index: number; hash: string; message: string }> = [];
  const operations: CheckedOperation[] = [];
  const seen = new Map<string, number>();
  documents.forEach((document, index) => {
    const hash = documentHash(document);
    const found = operationProblems(schema, document);
    for (const message of found) problems.push({ index, hash, message });
    if (found.length > 0) return;
    const names = operationsOf(graphqlCjs.parse(document)).map((operation) => operation.name?.value as string);
    for (const name of names) {
      const earlier = seen.get(name);
      if (earlier !== undefined && earlier !== index) {
        problems.push({ index, hash, message: `Operation name ${name} is also used by document ${earlier}.` });
      }
      seen.set(name, index);
    }
    operations.push({ hash, operationName: names[0] as string, document });
  });
  return { operations, problems };
}
