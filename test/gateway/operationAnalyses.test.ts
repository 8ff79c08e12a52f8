/**
 * The guard's analysis remembered (gateway/protection/operationAnalyses.ts, issue 16): one view and measurement per
 * schema, document, operation name and variables; other variables (another page size) never get another's answer;
 * bounded per document; failures and long variables not remembered.
 */
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { OperationAnalyses } from "../../gateway/protection/operationAnalyses.ts";

const { buildSchema, parse } = createRequire(import.meta.url)("graphql") as typeof import("graphql");

const schema = buildSchema(`
  type Item { id: ID! name: String }
  type Query { items(first: Int): [Item!]! item(id: ID!): Item }
`);
const text = "query Items($n: Int, $skipName: Boolean = false) { items(first: $n) { id name @skip(if: $skipName) } }";

describe("the guard's analysis, remembered", () => {
  it("gives the same view and measurement for the same document, operation and variables", () => {
    const analyses = new OperationAnalyses();
    const document = parse(text);
    const first = analyses.get({ schema, document, operationName: "Items", variables: { n: 20 } });
    const second = analyses.get({ schema, document, operationName: "Items", variables: { n: 20 } });
    expect(second).toBe(first);
    expect(analyses.computed).toBe(1);
    expect(first.measurement.largestPage?.size).toBe(20);
  });

  it("never answers other variables with another's analysis", () => {
    const analyses = new OperationAnalyses();
    const document = parse(text);
    const small = analyses.get({ schema, document, operationName: "Items", variables: { n: 20 } });
    const large = analyses.get({ schema, document, operationName: "Items", variables: { n: 5000 } });
    const skipped = analyses.get({ schema, document, operationName: "Items", variables: { n: 20, skipName: true } });
    expect(large.measurement.largestPage?.size).toBe(5000);
    expect(small.measurement.largestPage?.size).toBe(20);
    expect(skipped.view.fields.map((f) => f.name)).toEqual(["items", "id"]);
    expect(small.view.fields.map((f) => f.name)).toEqual(["items", "id", "name"]);
    expect(analyses.computed).toBe(3);
  });

  it("keys by the document object and the schema", () => {
    const analyses = new OperationAnalyses();
    analyses.get({ schema, document: parse(text), variables: { n: 1 } });
    analyses.get({ schema, document: parse(text), variables: { n: 1 } });
    const document = parse(text);
    const other = buildSchema("type Item { id: ID! name: String } type Query { items(first: Int): [Item!]! }");
    analyses.get({ schema, document, variables: { n: 1 } });
    analyses.get({ schema: other, document, variables: { n: 1 } });
    expect(analyses.computed).toBe(4);
  });

  it("keeps at most maxVariants per document, the least recently used first out", () => {
    const analyses = new OperationAnalyses(2);
    const document = parse(text);
    const one = analyses.get({ schema, document, variables: { n: 1 } });
    analyses.get({ schema, document, variables: { n: 2 } });
    expect(analyses.get({ schema, document, variables: { n: 1 } })).toBe(one); // n: 2 is now the oldest
    analyses.get({ schema, document, variables: { n: 3 } }); // evicts n: 2
    expect(analyses.computed).toBe(3);
    expect(analyses.get({ schema, document, variables: { n: 1 } })).toBe(one);
    analyses.get({ schema, document, variables: { n: 2 } });
    expect(analyses.computed).toBe(4);
  });

  it("does not remember a failure or long variables", () => {
    const analyses = new OperationAnalyses();
    const document = parse(text);
    expect(() => analyses.get({ schema, document, variables: { n: "many" } })).toThrow(/Int/);
    expect(() => analyses.get({ schema, document, variables: { n: "many" } })).toThrow(/Int/);
    const long = { n: 1, padding: "x".repeat(4000) };
    analyses.get({ schema, document, variables: long });
    analyses.get({ schema, document, variables: long });
    expect(analyses.computed).toBe(4);
  });
});
