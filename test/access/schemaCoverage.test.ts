/**
 * Deny by default in the schema itself (issue #5 item 1): every field of the committed supergraph is either marked
 * `@public` or carries a requirement (`@authenticated`, `@requiresScopes`, `@policy`) — on the field, on the type it
 * returns, or on its own type. A new field without either fails here, naming it.
 */
import { readFileSync } from "node:fs";
import { Kind, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { classificationOf } from "../../lib/access/classification.ts";
import { requirementsOf } from "../../lib/access/requirements.ts";
import { SEEDED_POLICIES } from "../../subgraphs/identity/access/seedPolicies.ts";

const sdl = readFileSync(new URL("../../schema/supergraph.graphql", import.meta.url), "utf8");
const INTERNAL = /^(join__|link__)/;

describe("requirements in the district supergraph", () => {
  const { fields, guardedTypes, policyNames } = requirementsOf(sdl);

  it("marks every field public or guarded", () => {
    const unguarded: string[] = [];
    let checked = 0;
    for (const definition of parse(sdl).definitions) {
      if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION || INTERNAL.test(definition.name.value)) continue;
      for (const field of definition.fields ?? []) {
        checked += 1;
        const coordinate = `${definition.name.value}.${field.name.value}`;
        const isPublic = field.directives?.some((d) => d.name.value === "public");
        if (!isPublic && !fields.has(coordinate) && !guardedTypes.has(definition.name.value))
          unguarded.push(coordinate);
      }
    }
    expect(checked).toBeGreaterThan(500);
    expect(unguarded).toEqual([]);
  });

  it("names only policies the seed defines (a typo in a schema would deny everyone)", () => {
    const seeded = new Set(SEEDED_POLICIES.map((p) => p.name));
    expect([...policyNames].filter((name) => !seeded.has(name))).toEqual([]);
  });

  it("classifies sensitive data and gives every masked category a clear-view policy", () => {
    const classification = classificationOf(sdl);
    expect(classification.get("Resident.idNumber")).toEqual({
      level: "sensitive",
      category: "identity",
      mask: "id-card",
    });
    expect(classification.get("Appointment.status")).toMatchObject({ level: "sensitive", category: "health" });
    expect(classification.get("StudentPortrait.strengths")).toMatchObject({ level: "sensitive", category: "minors" });
    const seeded = new Set(SEEDED_POLICIES.map((p) => p.name));
    const masked = new Set([...classification.values()].filter((c) => c.mask).map((c) => `clear-${c.category}`));
    expect([...masked].filter((name) => !seeded.has(name))).toEqual([]);
  });
});
