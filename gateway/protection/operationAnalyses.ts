/**
 * The guard's analysis of an operation, remembered (issue 16, "less work per request"): the operation view
 * (lib/access/operationView.ts: variables coerced, `@skip`/`@include` applied, fields and fragments walked) and its
 * measurement for the operation limits (gateway/limits/operationLimits.ts). Both are functions of the schema, the
 * document, the operation name and the variables only — not of the principal, its purpose, the policies or the clock
 * — so a client repeating an operation gets them from here. What does depend on the caller is never remembered here:
 * which limits apply, the authorization decision (policies may read the time and the purpose) and the cost charged.
 *
 * Keys and bounds:
 * - per schema and per document **object**, in `WeakMap`s (Apollo Server hands the same parsed document to every
 *   request with the same text; an entry goes when its document or schema is collected);
 * - within one document, by operation name and the variables as sent (JSON); variables longer than
 *   `MAX_VARIABLES_KEY` characters are not remembered (a key must stay cheap);
 * - at most `MAX_VARIANTS` per document, least recently used first out.
 * A view that fails (variables that do not fit, 400) throws and is not remembered.
 */
import type { DocumentNode, GraphQLSchema } from "graphql";
import { buildOperationView, type OperationView } from "../../lib/access/operationView.ts";
import { type Measurement, measureView } from "../limits/operationLimits.ts";

export const MAX_VARIANTS = 32;
export const MAX_VARIABLES_KEY = 2_048;

export interface OperationAnalysis {
  view: OperationView;
  measurement: Measurement;
}

export interface AnalysisInput {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null | undefined;
  variables?: Record<string, unknown> | null | undefined;
}

export class OperationAnalyses {
  private readonly bySchema = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, OperationAnalysis>>>();
  /** Analyses computed (misses), for tests. */
  computed = 0;

  constructor(private readonly maxVariants = MAX_VARIANTS) {}

  get(input: AnalysisInput): OperationAnalysis {
    const variablesKey = JSON.stringify(input.variables ?? {});
    if (variablesKey.length > MAX_VARIABLES_KEY) return this.compute(input);
    const key = `${input.operationName ?? ""}\u0000${variablesKey}`;
    let documents = this.bySchema.get(input.schema);
    if (!documents) {
      documents = new WeakMap();
      this.bySchema.set(input.schema, documents);
    }
    let variants = documents.get(input.document);
    if (!variants) {
      variants = new Map();
      documents.set(input.document, variants);
    }
    const found = variants.get(key);
    if (found) {
      variants.delete(key);
      variants.set(key, found);
      return found;
    }
    const analysis = this.compute(input);
    variants.set(key, analysis);
    if (variants.size > this.maxVariants) variants.delete(variants.keys().next().value as string);
    return analysis;
  }

  private compute(input: AnalysisInput): OperationAnalysis {
    this.computed += 1;
    const view = buildOperationView(input);
    return { view, measurement: measureView(view) };
  }
}
