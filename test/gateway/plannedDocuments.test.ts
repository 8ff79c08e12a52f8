/**
 * The planner's documents, remembered (gateway/authorization/plannedDocuments.ts, issue 16): computed once per schema,
 * document and decision shape; never shared between decisions that deny different fields or differ in fetching
 * subjects; bounded per document.
 */
import { createRequire } from "node:module";
import type { FieldNode } from "graphql";
import { describe, expect, it } from "vitest";
import { plannedDocument } from "../../gateway/authorization/authorizedExecution.ts";
import { PlannedDocuments } from "../../gateway/authorization/plannedDocuments.ts";

// The CommonJS graphql, as the gateway's executor uses it (one realm for schema and documents).
const { buildSchema, Kind, parse, print, visit } = createRequire(import.meta.url)(
  "graphql",
) as typeof import("graphql");

const schema = buildSchema(`
  type Resident { id: ID! name: String idNumber: String }
  type FollowUp { notes: String condition: String resident: Resident }
  type Query { followUps: [FollowUp!]! residents: [Resident!]! }
`);

function fieldsOf(document: ReturnType<typeof parse>): Map<string, FieldNode> {
  const fields = new Map<string, FieldNode>();
  visit(document, {
    enter(node) {
      if (node.kind === Kind.FIELD) fields.set(node.name.value, node);
    },
  });
  return fields;
}

function cache(maxVariants?: number) {
  return new PlannedDocuments((s, document, denied, withSubjects) => {
    const planned = plannedDocument(s, document, denied, withSubjects);
    return { document: planned, queryHash: print(planned) };
  }, maxVariants);
}

describe("the planner's documents, remembered", () => {
  it("computes a document's planned form once for the same decision", () => {
    const documents = cache();
    const document = parse("{ followUps { notes condition } }");
    const denied = new Map([[fieldsOf(document).get("notes")!, {}]]);
    const first = documents.get(schema, document, denied, true);
    // A new map with the same nodes: another request of the same principal shape.
    const second = documents.get(schema, document, new Map(denied), true);
    expect(second).toBe(first);
    expect(documents.computed).toBe(1);
    expect(print(first.document)).not.toContain("notes");
    expect(print(first.document)).toContain("og__subject: resident");
  });

  it("never shares between decisions that deny different fields, or between with and without subjects", () => {
    const documents = cache();
    const document = parse("{ followUps { notes condition } }");
    const { notes, condition } = Object.fromEntries(fieldsOf(document)) as Record<string, FieldNode>;
    const noneDenied = documents.get(schema, document, new Map(), true);
    const notesDenied = documents.get(schema, document, new Map([[notes!, {}]]), true);
    const conditionDenied = documents.get(schema, document, new Map([[condition!, {}]]), true);
    const withoutSubjects = documents.get(schema, document, new Map(), false);
    const texts = [noneDenied, notesDenied, conditionDenied, withoutSubjects].map((p) => print(p.document));
    expect(new Set(texts).size).toBe(4);
    expect(texts[0]).toContain("notes");
    expect(texts[1]).not.toContain("notes");
    expect(texts[2]).not.toContain("condition");
    expect(texts[3]).not.toContain("og__subject");
    expect(documents.computed).toBe(4);
  });

  it("keys by the document: the same text parsed twice, or another schema, is computed again", () => {
    const documents = cache();
    const text = "{ residents { name } }";
    documents.get(schema, parse(text), new Map(), true);
    documents.get(schema, parse(text), new Map(), true);
    const other = buildSchema("type Resident { id: ID! name: String } type Query { residents: [Resident!]! }");
    const document = parse(text);
    documents.get(schema, document, new Map(), true);
    documents.get(other, document, new Map(), true);
    expect(documents.computed).toBe(4);
  });

  it("keeps at most maxVariants shapes per document, the least recently used first out", () => {
    const documents = cache(2);
    const document = parse("{ followUps { notes condition } }");
    const { notes, condition } = Object.fromEntries(fieldsOf(document)) as Record<string, FieldNode>;
    const a = documents.get(schema, document, new Map(), true);
    documents.get(schema, document, new Map([[notes!, {}]]), true);
    expect(documents.get(schema, document, new Map(), true)).toBe(a); // a used again: notes is now the oldest
    documents.get(schema, document, new Map([[condition!, {}]]), true); // evicts notes
    expect(documents.computed).toBe(3);
    expect(documents.get(schema, document, new Map(), true)).toBe(a);
    documents.get(schema, document, new Map([[notes!, {}]]), true);
    expect(documents.computed).toBe(4);
  });

  it("does not remember a decision over nodes without a position", () => {
    const documents = cache();
    const document = parse("{ followUps { notes condition } }", { noLocation: true });
    const notes = fieldsOf(document).get("notes")!;
    expect(notes.kind).toBe(Kind.FIELD);
    documents.get(schema, document, new Map([[notes, {}]]), true);
    documents.get(schema, document, new Map([[notes, {}]]), true);
    expect(documents.computed).toBe(2);
  });
});
