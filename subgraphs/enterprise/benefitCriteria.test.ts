import { describe, expect, it } from "vitest";
import {
  type Criterion,
  describeClause,
  type EnterpriseFacts,
  evaluateCriteria,
  MAX_DEPTH,
  validateCriteria,
} from "./benefitCriteria.ts";
import { policySeeds } from "./seedData.ts";

const DATA_FIRM: EnterpriseFacts = {
  industryCode: "I65",
  industrySection: "I",
  employeeCount: 120,
  registeredCapitalWan: 2_000,
  annualRevenueWan: 6_500,
  sizeClass: "MEDIUM",
  isHighTech: true,
  isSpecialized: false,
  streetId: "street-pengpu",
  parkId: "park-shibei",
  foundedOn: "2019-06-18",
};

const SHOP: EnterpriseFacts = {
  ...DATA_FIRM,
  industryCode: "F52",
  industrySection: "F",
  employeeCount: 4,
  sizeClass: "MICRO",
  isHighTech: false,
  streetId: "street-linfenlu",
  parkId: null,
  foundedOn: "2026-03-01",
};

function holds(criteria: Criterion, facts: EnterpriseFacts = DATA_FIRM): boolean {
  const validation = validateCriteria(criteria);
  expect(validation).toMatchObject({ ok: true });
  return evaluateCriteria(criteria, facts).eligible;
}

function problems(criteria: unknown): string[] {
  const validation = validateCriteria(criteria);
  if (validation.ok) throw new Error("expected the criteria to be refused");
  return validation.problems;
}

describe("criteria evaluation, one operator at a time", () => {
  it("eq and ne compare strings, numbers, booleans and null", () => {
    expect(holds({ field: "industryCode", eq: "I65" })).toBe(true);
    expect(holds({ field: "industryCode", ne: "I65" })).toBe(false);
    expect(holds({ field: "employeeCount", eq: 120 })).toBe(true);
    expect(holds({ field: "isHighTech", eq: false })).toBe(false);
    expect(holds({ field: "parkId", eq: null }, SHOP)).toBe(true);
    expect(holds({ field: "parkId", ne: null })).toBe(true);
  });

  it("in and notIn test membership", () => {
    expect(holds({ field: "industryCode", in: ["I64", "I65"] })).toBe(true);
    expect(holds({ field: "industryCode", in: ["I64", "I65"] }, SHOP)).toBe(false);
    expect(holds({ field: "streetId", notIn: ["street-daninglu"] })).toBe(true);
    expect(holds({ field: "sizeClass", notIn: ["MEDIUM", "LARGE"] })).toBe(false);
    // A firm outside every park is not in any list of parks, and is "not in" all of them.
    expect(holds({ field: "parkId", in: ["park-shibei"] }, SHOP)).toBe(false);
    expect(holds({ field: "parkId", notIn: ["park-shibei"] }, SHOP)).toBe(true);
  });

  it("lt, lte, gt and gte order numbers by value and dates by calendar", () => {
    expect(holds({ field: "employeeCount", lt: 120 })).toBe(false);
    expect(holds({ field: "employeeCount", lte: 120 })).toBe(true);
    expect(holds({ field: "registeredCapitalWan", gt: 1_999 })).toBe(true);
    expect(holds({ field: "annualRevenueWan", gte: 6_501 })).toBe(false);
    expect(holds({ field: "foundedOn", gte: "2019-06-18" })).toBe(true);
    expect(holds({ field: "foundedOn", gt: "2019-06-18" })).toBe(false);
    expect(holds({ field: "foundedOn", lt: "2020-01-01" })).toBe(true);
  });

  it("between includes both ends", () => {
    expect(holds({ field: "employeeCount", between: [120, 300] })).toBe(true);
    expect(holds({ field: "employeeCount", between: [10, 119] })).toBe(false);
    expect(holds({ field: "foundedOn", between: ["2026-01-01", "2026-12-31"] }, SHOP)).toBe(true);
  });
});

describe("combinators", () => {
  const criteria: Criterion = {
    all: [
      { field: "industrySection", in: ["I", "M"] },
      {
        any: [
          { field: "parkId", in: ["park-shibei", "park-shibei-blockchain"] },
          {
            all: [
              { field: "streetId", eq: "street-daninglu" },
              { field: "employeeCount", gte: 5 },
            ],
          },
        ],
      },
      { not: { field: "sizeClass", eq: "LARGE" } },
    ],
  };

  it("evaluates nested all, any and not", () => {
    expect(holds(criteria)).toBe(true);
    expect(holds(criteria, { ...DATA_FIRM, parkId: null, streetId: "street-daninglu" })).toBe(true);
    expect(holds(criteria, { ...DATA_FIRM, parkId: null, streetId: "street-jingansi" })).toBe(false);
    expect(holds(criteria, { ...DATA_FIRM, sizeClass: "LARGE" })).toBe(false);
    expect(holds({ not: { not: { field: "isHighTech", eq: true } } })).toBe(true);
  });

  it("gives as reasons every clause the outcome rests on, with the enterprise's values", () => {
    const result = evaluateCriteria(criteria, DATA_FIRM);
    expect(result.reasons.map(describeClause)).toEqual([
      "industrySection I in [I, M]",
      "parkId park-shibei in [park-shibei, park-shibei-blockchain]",
      "not (sizeClass MEDIUM = LARGE)",
    ]);
    expect(result.reasons.map((reason) => reason.path)).toEqual([
      "criteria.all[0]",
      "criteria.all[1].any[0]",
      "criteria.all[2].not",
    ]);
    expect(result.reasons[2]).toEqual({
      path: "criteria.all[2].not",
      field: "sizeClass",
      operator: "eq",
      expected: "LARGE",
      actual: "MEDIUM",
      negated: true,
    });
    expect(result.failures).toEqual([]);
  });

  it("names the failing clauses when an enterprise is not eligible", () => {
    const result = evaluateCriteria(criteria, SHOP);
    expect(result.eligible).toBe(false);
    expect(result.reasons).toEqual([]);
    expect(result.failures.map(describeClause)).toEqual([
      "industrySection F in [I, M]",
      "parkId null in [park-shibei, park-shibei-blockchain]",
      "streetId street-linfenlu = street-daninglu",
      "employeeCount 4 ≥ 5",
    ]);
  });

  it("accepts every seeded policy, in any year's edition", () => {
    for (const year of [2026, 2027, 2031]) {
      for (const policy of policySeeds(year)) expect(validateCriteria(policy.criteria)).toMatchObject({ ok: true });
    }
  });
});

describe("invalid criteria are refused with the path of each problem", () => {
  it("names an unknown field and lists the known ones", () => {
    expect(problems({ all: [{ field: "industry", eq: "I65" }] })).toEqual([
      'criteria.all[0].field "industry" is not a criteria field; use one of industryCode, industrySection, employeeCount, registeredCapitalWan, annualRevenueWan, sizeClass, isHighTech, isSpecialized, streetId, parkId, foundedOn',
    ]);
  });

  it("names a value of the wrong type and what the field expects", () => {
    expect(
      problems({
        all: [
          { field: "industryCode", in: ["I64"] },
          { field: "employeeCount", lte: "300" },
        ],
      }),
    ).toEqual(["criteria.all[1].lte must be a number (employeeCount is a number)"]);
    expect(problems({ any: [{ field: "foundedOn", gte: "2025/01/01" }] })[0]).toMatch(
      /^criteria\.any\[0\]\.gte must be a date written YYYY-MM-DD/,
    );
  });

  it("names an unknown street, park, industry or size class inside a list", () => {
    expect(problems({ field: "streetId", in: ["street-daninglu", "street-daning"] })[0]).toMatch(
      /^criteria\.in\[1\] "street-daning" is not a street id; use one of street-jiangninglu, street-shimenerlu, /,
    );
    expect(problems({ field: "industryCode", eq: "I99" })[0]).toMatch(
      /^criteria\.eq "I99" is not an industry division code/,
    );
    expect(problems({ field: "sizeClass", eq: "TINY" })[0]).toMatch(/^criteria\.eq "TINY" is not a size class/);
  });

  it("refuses an operator the field does not support, a missing operator and two operators", () => {
    expect(problems({ field: "isHighTech", gte: true })).toEqual([
      "criteria.gte does not apply to isHighTech (a boolean); use one of eq, ne",
    ]);
    expect(problems({ not: { field: "employeeCount" } })).toEqual([
      "criteria.not compares employeeCount without an operator; add exactly one of eq, ne, in, notIn, lt, lte, gt, gte, between",
    ]);
    expect(problems({ field: "employeeCount", gte: 1, lte: 9 })).toEqual([
      'criteria has 2 operators (gte, lte); write one comparison per operator inside "all"',
    ]);
    expect(problems({ field: "employeeCount", atLeast: 1 })).toEqual([
      "criteria.atLeast is not an operator; use one of eq, ne, in, notIn, lt, lte, gt, gte, between for employeeCount",
    ]);
  });

  it("refuses empty combinators, mixed shapes, bad between ranges and non-objects", () => {
    expect(problems({ all: [] })).toEqual(["criteria.all must be a list of 1 to 20 criteria"]);
    expect(problems({ all: [{ field: "isHighTech", eq: true }], any: [] })[0]).toBe(
      'criteria mixes "all" and "any"; write one criterion per object',
    );
    expect(problems({ field: "employeeCount", between: [300, 10] })).toEqual([
      "criteria.between starts above where it ends; write [low, high]",
    ]);
    expect(problems({ field: "employeeCount", in: [] })).toEqual(["criteria.in must be a list of 1 to 200 values"]);
    expect(problems({ all: [42] })[0]).toMatch(/^criteria\.all\[0\] must be an object/);
    expect(problems("employeeCount < 300")[0]).toMatch(/^criteria must be an object/);
    expect(problems({ not: { field: "isHighTech", eq: true }, note: "x" })).toEqual([
      'criteria.note is not allowed next to "not"',
    ]);
  });

  it("reports every problem at once, and refuses nesting deeper than the limit", () => {
    expect(
      problems({ all: [{ field: "employeeCount", lte: "a" }, { field: "nope", eq: 1 }, { any: [] }] }),
    ).toHaveLength(3);
    let deep: unknown = { field: "isHighTech", eq: true };
    for (let i = 0; i < MAX_DEPTH; i++) deep = { not: deep };
    expect(problems(deep)).toEqual([
      "criteria.not.not.not.not.not.not nests deeper than 6 levels; flatten the criteria",
    ]);
  });
});
