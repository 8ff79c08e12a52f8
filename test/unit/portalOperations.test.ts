/**
 * The portal's GraphQL operations (portal/operations/*.graphql, docs/portal.md) are real operations of the graph:
 * each file holds one operation named like the file, valid against the supergraph's API schema — so they can be
 * registered as the portal's trusted documents by the registry, and a schema change that breaks a page fails here first.
 */
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { apiSchemaOf } from "../../registry/checks.ts";
import { operationProblems } from "../../registry/operations.ts";

// The API schema is built by Apollo's CommonJS packages: parse with that same (CommonJS) copy of graphql-js.
const { Kind, parse } = createRequire(import.meta.url)("graphql") as typeof import("graphql");
const root = fileURLToPath(new URL("../..", import.meta.url));
const folder = join(root, "portal/operations");
const files = readdirSync(folder).filter((file) => file.endsWith(".graphql"));
const apiSchema = apiSchemaOf(readFileSync(join(root, "schema/supergraph.graphql"), "utf8"));

describe("the portal's operations", () => {
  it("exist", () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it.each(files)("%s is one operation named like its file and valid against the graph", (file) => {
    const document = parse(readFileSync(join(folder, file), "utf8"));
    const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
    expect(operations).toHaveLength(1);
    expect(operations[0]?.kind === Kind.OPERATION_DEFINITION && operations[0].name?.value).toBe(
      file.replace(/\.graphql$/, ""),
    );
    // What the registry checks before it registers a trusted operation (registry/operations.ts).
    expect(operationProblems(apiSchema, readFileSync(join(folder, file), "utf8"))).toEqual([]);
  });
});
