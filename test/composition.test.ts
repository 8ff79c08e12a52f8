import { readFile } from "node:fs/promises";
import { gql } from "graphql-tag";
import { describe, expect, it } from "vitest";
import { subgraphsOf } from "../gateway/supergraph/supergraphFile.ts";
import { composeDistrictSupergraph, SUPERGRAPH_PATH } from "../scripts/compose.ts";
import { composeSupergraph } from "../scripts/composeSupergraph.ts";
import { subgraphModules } from "../subgraphs/registry.ts";

describe("composition", () => {
  const outcome = composeDistrictSupergraph();

  it("composes every district subgraph without errors", () => {
    expect(outcome.ok ? [] : outcome.errors).toEqual([]);
  });

  it("matches the committed schema/supergraph.graphql (run npm run compose when this fails)", async () => {
    expect(outcome.ok).toBe(true);
    if (outcome.ok) expect(await readFile(SUPERGRAPH_PATH, "utf8")).toBe(outcome.supergraphSdl);
  });

  it("names every subgraph with its default URL in the supergraph", () => {
    if (!outcome.ok) throw new Error("composition failed");
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    expect(subgraphsOf(outcome.supergraphSdl).sort(byName)).toEqual(
      subgraphModules.map((m) => ({ name: m.name, url: `http://127.0.0.1:${m.defaultPort}/graphql` })).sort(byName),
    );
  });

  it("explains a conflict between departments in plain words, naming both subgraphs", () => {
    const failed = composeSupergraph([
      {
        name: "a",
        url: "http://a/graphql",
        typeDefs: gql`
          extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])
          type Street @key(fields: "id") { id: ID! population: Int @shareable }
          type Query { a: Street }
        `,
      },
      {
        name: "b",
        url: "http://b/graphql",
        typeDefs: gql`
          extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])
          type Street @key(fields: "id") { id: ID! population: String @shareable }
          type Query { b: Street }
        `,
      },
    ]);
    expect(failed.ok).toBe(false);
    if (!failed.ok) {
      expect(failed.errors.join("\n")).toMatch(/FIELD_TYPE_MISMATCH: .*Street\.population.*"a".*"b"/s);
    }
  });
});
