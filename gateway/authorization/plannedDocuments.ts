/**
 * The planner's documents, remembered (issue 16, "less work per request"). An operation that reads classified data or
 * has denied fields is planned from a rewritten document (`plannedDocument` in authorizedExecution.ts: denied fields
 * removed, `og__subject` added) and a hash of its printed text (Apollo's plan-cache key). Both depend only on the API
 * schema, the client's document, which of its field nodes are denied and whether subjects are fetched — never on
 * values, variables or the principal beyond that decision — so they are computed once per such combination, not per
 * request: a visit with type information, a print and a SHA-256 less on every classified answer.
 *
 * Keys and bounds:
 * - per schema and per document **object**, in `WeakMap`s: Apollo Server hands the same parsed document to every
 *   request with the same text (its document store), and an entry goes when the document or schema is collected;
 * - within one document, by the decision's shape: the positions (`loc.start`) of the denied field nodes and the
 *   subjects flag. Two principals whose decisions deny different fields never share an entry; a document parsed
 *   without locations is not remembered;
 * - at most `MAX_VARIANTS` shapes per document, least recently used first out.
 */
import type { DocumentNode, FieldNode, GraphQLSchema } from "graphql";

export const MAX_VARIANTS = 16;

export interface PlannedDocument {
  document: DocumentNode;
  /** SHA-256 (hex) of the printed document: Apollo's plan-cache key for it. */
  queryHash: string;
}

export class PlannedDocuments {
  private readonly bySchema = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, PlannedDocument>>>();
  /** Computations (misses), for tests and metrics. */
  computed = 0;

  constructor(
    private readonly compute: (
      schema: GraphQLSchema,
      document: DocumentNode,
      denied: ReadonlyMap<FieldNode, unknown>,
      withSubjects: boolean,
    ) => PlannedDocument,
    private readonly maxVariants = MAX_VARIANTS,
  ) {}

  get(
    schema: GraphQLSchema,
    document: DocumentNode,
    denied: ReadonlyMap<FieldNode, unknown>,
    withSubjects: boolean,
  ): PlannedDocument {
    const key = shapeKey(denied, withSubjects);
    if (key === null) {
      this.computed += 1;
      return this.compute(schema, document, denied, withSubjects);
    }
    let documents = this.bySchema.get(schema);
    if (!documents) {
      documents = new WeakMap();
      this.bySchema.set(schema, documents);
    }
    let variants = documents.get(document);
    if (!variants) {
      variants = new Map();
      documents.set(document, variants);
    }
    const found = variants.get(key);
    if (found) {
      // Most recently used last.
      variants.delete(key);
      variants.set(key, found);
      return found;
    }
    this.computed += 1;
    const planned = this.compute(schema, document, denied, withSubjects);
    variants.set(key, planned);
    if (variants.size > this.maxVariants) variants.delete(variants.keys().next().value as string);
    return planned;
  }
}

/** The decision's shape within one document, or null when a denied node has no position (not remembered). */
function shapeKey(denied: ReadonlyMap<FieldNode, unknown>, withSubjects: boolean): string | null {
  const positions: number[] = [];
  for (const node of denied.keys()) {
    if (!node.loc) return null;
    positions.push(node.loc.start);
  }
  positions.sort((a, b) => a - b);
  return `${withSubjects ? "s" : "-"}|${positions.join(",")}`;
}
