import { createRequire } from "node:module";
import type { GraphQLObjectType, GraphQLResolveInfo } from "graphql";
import { describe, expect, it } from "vitest";
import { ANONYMOUS, type Principal, systemPrincipal } from "../../lib/principal.ts";
import type { SubgraphModule } from "../../subgraphs/kit/module.ts";
import { buildModuleSchema } from "../../subgraphs/kit/service.ts";
import { publicField, type ShieldRule } from "../../subgraphs/kit/shield.ts";
import { subgraphModules } from "../../subgraphs/registry.ts";
import { officerIn, residentPrincipal } from "../rows/principals.ts";

const FEDERATION_FIELDS = new Set(["_service", "_entities"]);

/** Every root field of the module's built schema, as `Query.name`. */
function rootFields(module: SubgraphModule<any, any>): Array<[type: "Query" | "Mutation", field: string]> {
  const schema = buildModuleSchema(module);
  return (["Query", "Mutation"] as const).flatMap((type) => {
    const root = schema.getType(type) as GraphQLObjectType | undefined;
    if (!root) return [];
    return Object.keys(root.getFields())
      .filter((field) => !FEDERATION_FIELDS.has(field))
      .map((field): ["Query" | "Mutation", string] => [type, field]);
  });
}

function ruleOf(module: SubgraphModule<any, any>, type: "Query" | "Mutation", field: string): ShieldRule | undefined {
  const rules = module.permissions[type];
  return rules && Object.hasOwn(rules, field) ? rules[field] : undefined;
}

/** Evaluates a root rule as shield would for the principal; true means allowed. */
async function allows(rule: ShieldRule, principal: Principal): Promise<boolean> {
  const context = { principal, _shield: { cache: {} } };
  const info = { fieldName: "probe", parentType: { name: "Query" } } as unknown as GraphQLResolveInfo;
  const options = { debug: false, allowExternalErrors: true, fallbackRule: publicField, hashFunction: () => "" };
  const result = await (rule as any).resolve({}, {}, context, info, options);
  return result === true;
}

describe("subgraph permissions (graphql-shield)", () => {
  it("covers the eight district subgraphs", () => {
    const names = subgraphModules.map((module) => module.name);
    for (const name of ["catalog", "health", "education", "sports", "culture", "parking", "enterprise", "identity"]) {
      expect(names).toContain(name);
    }
  });

  for (const module of subgraphModules) {
    it(`${module.name}: every Query and Mutation field has an explicit rule`, () => {
      const fields = rootFields(module);
      expect(fields.length).toBeGreaterThan(0);
      const missing = fields.filter(([type, field]) => !ruleOf(module, type, field)).map((f) => f.join("."));
      expect(missing, `root fields of ${module.name} without a rule in permissions.ts`).toEqual([]);
    });

    it(`${module.name}: denies every non-public root field to unknown kinds, the gateway itself and anonymous callers`, async () => {
      const strangers: Principal[] = [
        { ...residentPrincipal("resident-000001"), kind: "robot" as Principal["kind"] },
        { ...officerIn("dept-health"), kind: "superuser" as Principal["kind"], roles: ["security_admin", "auditor"] },
        systemPrincipal("gateway"),
        ANONYMOUS,
      ];
      for (const [type, field] of rootFields(module)) {
        const rule = ruleOf(module, type, field)!;
        if (rule === publicField) continue;
        for (const principal of strangers) {
          expect(await allows(rule, principal), `${module.name} ${type}.${field} for ${principal.kind}`).toBe(false);
        }
      }
    });
  }

  it("refuses a root field without a rule at run time, with FORBIDDEN naming the field", async () => {
    // The schema is built by the subgraph libraries, which load graphql's CommonJS build: execute with that one.
    const { graphql } = createRequire(import.meta.url)("graphql") as typeof import("graphql");
    const health = subgraphModules.find((module) => module.name === "health")!;
    const { appointment: _omitted, ...rest } = health.permissions.Query;
    const schema = buildModuleSchema({ ...health, permissions: { ...health.permissions, Query: rest } });
    const result = await graphql({
      schema,
      source: `{ appointment(id: "appt-1") { id } }`,
      contextValue: { principal: residentPrincipal("resident-000001") },
    });
    expect(result.data).toEqual({ appointment: null });
    expect(result.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(result.errors?.[0]?.message).toContain("Query.appointment has no permission rule");
  });
});
