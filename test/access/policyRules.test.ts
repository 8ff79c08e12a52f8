/** The policy language (lib/access/policyRules.ts) and reading requirements from a supergraph. */

import { gql } from "graphql-tag";
import { describe, expect, it } from "vitest";
import { grantMatches, policyAllows, policyRuleSchema, withinWindow } from "../../lib/access/policyRules.ts";
import { requirementsOf, supergraphForPlanner } from "../../lib/access/requirements.ts";
import { ANONYMOUS, type Principal } from "../../lib/principal.ts";
import { composeSupergraph } from "../../scripts/composeSupergraph.ts";

const officer: Principal = {
  ...ANONYMOUS,
  kind: "officer",
  id: "person-1",
  roles: ["officer"],
  scopes: ["health:read", "clearance:personal"],
  departmentId: "dept-health",
  streetIds: ["street-linfenlu"],
};
// 2026-12-01 is a Tuesday; 02:30 UTC is 10:30 in Shanghai.
const tuesdayMorning = new Date("2026-12-01T02:30:00Z");
const facts = (overrides: Partial<{ principal: Principal; purpose: string | null; now: Date }> = {}) => ({
  principal: officer,
  purpose: null,
  now: tuesdayMorning,
  ...overrides,
});

describe("the policy language", () => {
  it("matches a grant only when every condition holds", () => {
    const grant = { kinds: ["officer" as const], departments: ["dept-health"], purposes: ["medical-treatment"] };
    expect(grantMatches(grant, facts({ purpose: "medical-treatment" }))).toBe(true);
    expect(grantMatches(grant, facts())).toBe(false);
    expect(grantMatches(grant, facts({ purpose: "research" }))).toBe(false);
    expect(
      grantMatches(
        grant,
        facts({ principal: { ...officer, departmentId: "dept-sports" }, purpose: "medical-treatment" }),
      ),
    ).toBe(false);
    expect(grantMatches({ scopes: ["health:read", "parking:read"] }, facts())).toBe(false);
    expect(grantMatches({ roles: ["auditor", "officer"] }, facts())).toBe(true);
  });

  it("checks the jurisdiction: listed streets, or any street with *", () => {
    expect(grantMatches({ streets: ["street-linfenlu"] }, facts())).toBe(true);
    expect(grantMatches({ streets: ["street-jingansi"] }, facts())).toBe(false);
    expect(grantMatches({ streets: ["*"] }, facts())).toBe(true);
    expect(grantMatches({ streets: ["*"] }, facts({ principal: { ...officer, streetIds: [] } }))).toBe(false);
  });

  it("orders clearance levels: a higher clearance covers the lower ones", () => {
    expect(grantMatches({ clearance: "internal" }, facts())).toBe(true);
    expect(grantMatches({ clearance: "personal" }, facts())).toBe(true);
    expect(grantMatches({ clearance: "sensitive" }, facts())).toBe(false);
  });

  it("reads time windows in Shanghai time, with overnight windows and weekdays", () => {
    expect(withinWindow({ from: "08:00", to: "18:00" }, tuesdayMorning)).toBe(true);
    expect(withinWindow({ from: "11:00", to: "18:00" }, tuesdayMorning)).toBe(false);
    expect(withinWindow({ days: [1, 3], from: "08:00", to: "18:00" }, tuesdayMorning)).toBe(false);
    expect(withinWindow({ days: [2], from: "08:00", to: "18:00" }, tuesdayMorning)).toBe(true);
    expect(withinWindow({ from: "22:00", to: "06:00" }, new Date("2026-12-01T15:00:00Z"))).toBe(true); // 23:00
    expect(withinWindow({ from: "22:00", to: "06:00" }, tuesdayMorning)).toBe(false);
  });

  it("allows nobody with no grants, and refuses malformed rules with the place of the problem", () => {
    expect(policyAllows({ anyOf: [] }, facts())).toBe(false);
    const bad = policyRuleSchema.safeParse({ anyOf: [{ kinds: ["wizard"] }] });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(["anyOf", 0, "kinds", 0]);
    expect(policyRuleSchema.safeParse({ anyOf: [{ timeWindow: { from: "8:00", to: "18:00" } }] }).success).toBe(false);
    expect(policyRuleSchema.safeParse({ anyOf: [{ unknownCondition: true }] }).success).toBe(false);
  });
});

describe("requirements from a supergraph", () => {
  const composed = composeSupergraph([
    {
      name: "a",
      url: "http://a.invalid",
      typeDefs: gql`
        extend schema
          @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@authenticated", "@requiresScopes", "@policy"])
        type Query {
          record(id: ID!): Record @authenticated
          open: String
        }
        type Record @key(fields: "id") @policy(policies: [["records"]]) {
          id: ID!
          secret: String @requiresScopes(scopes: [["s1", "s2"], ["s3"]]) @policy(policies: [["p1"], ["p2", "p3"]])
        }
      `,
    },
  ]);
  if (!composed.ok) throw new Error(composed.errors.join("\n"));

  it("combines a field's own requirements with its return type's", () => {
    const { fields, policyNames } = requirementsOf(composed.supergraphSdl);
    expect(fields.get("Query.record")).toEqual({ authenticated: true, scopes: [], policies: [[["records"]]] });
    expect(fields.get("Record.secret")).toEqual({
      authenticated: false,
      scopes: [[["s1", "s2"], ["s3"]]],
      policies: [[["p1"], ["p2", "p3"]]],
    });
    expect(fields.has("Query.open")).toBe(false);
    expect([...policyNames].sort()).toEqual(["p1", "p2", "p3", "records"]);
  });

  it("gives the planner a copy without the SECURITY purpose, and only that change", () => {
    const planner = supergraphForPlanner(composed.supergraphSdl);
    expect(composed.supergraphSdl).toContain("for: SECURITY");
    expect(planner).not.toContain("for: SECURITY");
    expect(planner.replaceAll(/, for: SECURITY/g, "")).toBe(composed.supergraphSdl.replaceAll(/, for: SECURITY/g, ""));
  });
});
