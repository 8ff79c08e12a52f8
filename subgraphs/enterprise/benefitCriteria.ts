/**
 * The eligibility language of benefit policies granted without application (免申即享). Security of the result
 * matters more than expressiveness: a policy officer writes criteria as JSON, the subgraph refuses anything it
 * cannot evaluate exactly, and every grant records which clauses held with the enterprise's values.
 *
 * A criterion is one of
 *
 *   { "all": [criterion, …] }            every one holds (1–20 entries)
 *   { "any": [criterion, …] }            at least one holds (1–20 entries)
 *   { "not": criterion }                 the criterion does not hold
 *   { "field": name, "<operator>": v }   a comparison of one enterprise field, with exactly one operator
 *
 * Fields and the operators each accepts:
 *
 *   field                 type                                      operators
 *   industryCode          GB/T 4754-2017 division, e.g. "I65"       eq ne in notIn
 *   industrySection       GB/T 4754-2017 section letter, e.g. "I"   eq ne in notIn
 *   employeeCount         number                                    eq ne in notIn lt lte gt gte between
 *   registeredCapitalWan  number (注册资本, 万元)                     eq ne in notIn lt lte gt gte between
 *   annualRevenueWan      number (营业收入, 万元)                     eq ne in notIn lt lte gt gte between
 *   sizeClass             MICRO | SMALL | MEDIUM | LARGE            eq ne in notIn
 *   isHighTech            boolean (高新技术企业)                     eq ne
 *   isSpecialized         boolean (专精特新)                         eq ne
 *   streetId              a street id, e.g. "street-daninglu"      eq ne in notIn
 *   parkId                a park id or null, e.g. "park-shibei"    eq ne in notIn
 *   foundedOn             date "YYYY-MM-DD"                         eq ne lt lte gt gte between
 *
 * `in`/`notIn` take a list of 1–200 values; `between` takes [low, high], both included. Nesting is at most
 * 6 levels deep. Example: `{ "all": [ { "field": "industryCode", "in": ["I64","I65"] },
 * { "field": "employeeCount", "lte": 300 }, { "field": "isHighTech", "eq": true } ] }`.
 *
 * `criteriaSchema` (zod) validates at write time and names the path of every problem; `evaluateCriteria` is pure.
 */
import { z } from "zod";
import { INDUSTRIES, INDUSTRY_SECTIONS, PARK_IDS, STREET_IDS } from "./jinganEnterprises.ts";

export type Criterion = AllCriterion | AnyCriterion | NotCriterion | Comparison;
export interface AllCriterion {
  all: Criterion[];
}
export interface AnyCriterion {
  any: Criterion[];
}
export interface NotCriterion {
  not: Criterion;
}
export type Comparison = { field: CriteriaField } & Partial<Record<Operator, unknown>>;

/** The enterprise facts a criterion can test: one value per field. */
export interface EnterpriseFacts {
  industryCode: string;
  industrySection: string;
  employeeCount: number;
  registeredCapitalWan: number;
  annualRevenueWan: number;
  sizeClass: string;
  isHighTech: boolean;
  isSpecialized: boolean;
  streetId: string;
  parkId: string | null;
  /** YYYY-MM-DD */
  foundedOn: string;
}

export type CriteriaField = keyof EnterpriseFacts;

export const OPERATORS = ["eq", "ne", "in", "notIn", "lt", "lte", "gt", "gte", "between"] as const;
export type Operator = (typeof OPERATORS)[number];

const EQUALITY: readonly Operator[] = ["eq", "ne", "in", "notIn"];
const ORDERED: readonly Operator[] = ["lt", "lte", "gt", "gte", "between"];

interface FieldSpec {
  /** How the field is described in messages. */
  kind: string;
  operators: readonly Operator[];
  /** One value of the field. */
  value: z.ZodType<string | number | boolean>;
  /** The field may be null (eq/ne accept null). */
  nullable?: boolean;
}

const number = z.number({ error: "must be a number" }).finite("must be a finite number");
const date = z.iso.date("must be a date written YYYY-MM-DD, e.g. 2025-01-01");
const oneOf = (values: readonly string[], what: string) =>
  z.string({ error: `must be ${what}` }).refine((value) => values.includes(value), {
    error: (issue) =>
      `${JSON.stringify(issue.input)} is not ${what}; use one of ${values.slice(0, 30).join(", ")}${values.length > 30 ? " …" : ""}`,
  });

export const CRITERIA_FIELDS: Readonly<Record<CriteriaField, FieldSpec>> = {
  industryCode: {
    kind: "a GB/T 4754-2017 division",
    operators: EQUALITY,
    value: oneOf(Object.keys(INDUSTRIES), "an industry division code"),
  },
  industrySection: {
    kind: "a GB/T 4754-2017 section letter",
    operators: EQUALITY,
    value: oneOf(Object.keys(INDUSTRY_SECTIONS), "an industry section letter"),
  },
  employeeCount: { kind: "a number", operators: [...EQUALITY, ...ORDERED], value: number },
  registeredCapitalWan: { kind: "a number (万元)", operators: [...EQUALITY, ...ORDERED], value: number },
  annualRevenueWan: { kind: "a number (万元)", operators: [...EQUALITY, ...ORDERED], value: number },
  sizeClass: {
    kind: "a size class",
    operators: EQUALITY,
    value: oneOf(["MICRO", "SMALL", "MEDIUM", "LARGE"], "a size class"),
  },
  isHighTech: { kind: "a boolean", operators: ["eq", "ne"], value: z.boolean({ error: "must be true or false" }) },
  isSpecialized: { kind: "a boolean", operators: ["eq", "ne"], value: z.boolean({ error: "must be true or false" }) },
  streetId: { kind: "a street id", operators: EQUALITY, value: oneOf(STREET_IDS, "a street id") },
  parkId: { kind: "a park id", operators: EQUALITY, value: oneOf(PARK_IDS, "a park id"), nullable: true },
  foundedOn: { kind: "a date", operators: ["eq", "ne", ...ORDERED], value: date },
};

const FIELD_NAMES = Object.keys(CRITERIA_FIELDS) as CriteriaField[];
export const MAX_DEPTH = 6;
export const MAX_CHILDREN = 20;
export const MAX_LIST = 200;

type Path = Array<string | number>;
interface Problem {
  path: Path;
  message: string;
}

const SHAPES = 'a criterion is {"all": [...]}, {"any": [...]}, {"not": {...}} or {"field": ..., "<operator>": value}';

function checkNode(value: unknown, path: Path, depth: number, problems: Problem[]): void {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    problems.push({ path, message: `must be an object: ${SHAPES}` });
    return;
  }
  if (depth > MAX_DEPTH) {
    problems.push({ path, message: `nests deeper than ${MAX_DEPTH} levels; flatten the criteria` });
    return;
  }
  const record = value as Record<string, unknown>;
  const kinds = ["all", "any", "not", "field"].filter((key) => key in record);
  if (kinds.length !== 1) {
    problems.push({
      path,
      message:
        kinds.length === 0
          ? `has none of "all", "any", "not" or "field"; ${SHAPES}`
          : `mixes ${kinds.map((k) => `"${k}"`).join(" and ")}; write one criterion per object`,
    });
    return;
  }
  const kind = kinds[0]!;
  if (kind === "all" || kind === "any") {
    for (const key of Object.keys(record)) {
      if (key !== kind) problems.push({ path: [...path, key], message: `is not allowed next to "${kind}"` });
    }
    const children = record[kind];
    if (!Array.isArray(children) || children.length === 0 || children.length > MAX_CHILDREN) {
      problems.push({ path: [...path, kind], message: `must be a list of 1 to ${MAX_CHILDREN} criteria` });
      return;
    }
    children.forEach((child, i) => {
      checkNode(child, [...path, kind, i], depth + 1, problems);
    });
    return;
  }
  if (kind === "not") {
    for (const key of Object.keys(record)) {
      if (key !== "not") problems.push({ path: [...path, key], message: `is not allowed next to "not"` });
    }
    checkNode(record.not, [...path, "not"], depth + 1, problems);
    return;
  }
  checkComparison(record, path, problems);
}

function checkComparison(record: Record<string, unknown>, path: Path, problems: Problem[]): void {
  const field = record.field;
  if (typeof field !== "string" || !Object.hasOwn(CRITERIA_FIELDS, field)) {
    problems.push({
      path: [...path, "field"],
      message: `${JSON.stringify(field)} is not a criteria field; use one of ${FIELD_NAMES.join(", ")}`,
    });
    return;
  }
  const spec = CRITERIA_FIELDS[field as CriteriaField];
  const keys = Object.keys(record).filter((key) => key !== "field");
  const unknown = keys.filter((key) => !(OPERATORS as readonly string[]).includes(key));
  for (const key of unknown) {
    problems.push({
      path: [...path, key],
      message: `is not an operator; use one of ${spec.operators.join(", ")} for ${field}`,
    });
  }
  const operators = keys.filter((key): key is Operator => (OPERATORS as readonly string[]).includes(key));
  if (unknown.length > 0) return;
  if (operators.length !== 1) {
    problems.push({
      path,
      message:
        operators.length === 0
          ? `compares ${field} without an operator; add exactly one of ${spec.operators.join(", ")}`
          : `has ${operators.length} operators (${operators.join(", ")}); write one comparison per operator inside "all"`,
    });
    return;
  }
  const operator = operators[0]!;
  if (!spec.operators.includes(operator)) {
    problems.push({
      path: [...path, operator],
      message: `does not apply to ${field} (${spec.kind}); use one of ${spec.operators.join(", ")}`,
    });
    return;
  }
  const operand = record[operator];
  const operandPath = [...path, operator];
  const checkValue = (value: unknown, at: Path, allowNull: boolean) => {
    if (value === null && allowNull) return;
    const result = spec.value.safeParse(value);
    if (!result.success) {
      problems.push({ path: at, message: `${result.error.issues[0]?.message} (${field} is ${spec.kind})` });
    }
  };
  if (operator === "in" || operator === "notIn") {
    if (!Array.isArray(operand) || operand.length === 0 || operand.length > MAX_LIST) {
      problems.push({ path: operandPath, message: `must be a list of 1 to ${MAX_LIST} values` });
      return;
    }
    operand.forEach((value, i) => {
      checkValue(value, [...operandPath, i], spec.nullable === true);
    });
    return;
  }
  if (operator === "between") {
    if (!Array.isArray(operand) || operand.length !== 2) {
      problems.push({ path: operandPath, message: "must be a list [low, high] of two values, both included" });
      return;
    }
    const before = problems.length;
    checkValue(operand[0], [...operandPath, 0], false);
    checkValue(operand[1], [...operandPath, 1], false);
    if (problems.length === before && compare(operand[0], operand[1]) > 0) {
      problems.push({ path: operandPath, message: "starts above where it ends; write [low, high]" });
    }
    return;
  }
  checkValue(operand, operandPath, spec.nullable === true && (operator === "eq" || operator === "ne"));
}

/** `criteria.all[1].lte` */
export function formatPath(path: Path): string {
  return path.reduce<string>(
    (text, part) => (typeof part === "number" ? `${text}[${part}]` : `${text}.${part}`),
    "criteria",
  );
}

/** The zod schema of criteria: validates the whole tree and reports every problem with its path. */
export const criteriaSchema = z.unknown().transform((value, ctx): Criterion => {
  const problems: Problem[] = [];
  checkNode(value, [], 1, problems);
  for (const problem of problems) ctx.addIssue({ code: "custom", path: problem.path, message: problem.message });
  return value as Criterion;
});

export type CriteriaValidation = { ok: true; criteria: Criterion } | { ok: false; problems: string[] };

/** Validates criteria; problems read `criteria.all[1].lte must be a number (employeeCount is a number)`. */
export function validateCriteria(value: unknown): CriteriaValidation {
  const result = criteriaSchema.safeParse(value);
  if (result.success) return { ok: true, criteria: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => `${formatPath(issue.path as Path)} ${issue.message}`),
  };
}

// ─── evaluation ─────────────────────────────────────────────────────────────────────────────────────────────────

/** One comparison and how it came out for an enterprise: the "why" of a grant. */
export interface MatchedClause {
  /** Where the comparison sits, e.g. `criteria.all[1]`. */
  path: string;
  field: CriteriaField;
  operator: Operator;
  expected: unknown;
  /** The enterprise's value of the field. */
  actual: unknown;
  /** True when the comparison counts because it did NOT hold (it sits under an odd number of `not`). */
  negated: boolean;
}

export interface Evaluation {
  eligible: boolean;
  /** Clauses that make the criteria hold (empty when not eligible). */
  reasons: MatchedClause[];
  /** Clauses that stop the criteria from holding (empty when eligible). */
  failures: MatchedClause[];
}

interface NodeResult {
  holds: boolean;
  /** Why the node holds: the clauses that support it. */
  support: MatchedClause[];
  /** Why the node does not hold: the clauses against it. */
  against: MatchedClause[];
}

/**
 * Evaluates validated criteria for one enterprise. Reasons name every clause the outcome rests on: all children of
 * a holding `all`, the holding children of an `any`, and, under `not`, the clauses that failed inside it.
 */
export function evaluateCriteria(criteria: Criterion, facts: EnterpriseFacts): Evaluation {
  const result = evaluateNode(criteria, facts, "criteria");
  return result.holds
    ? { eligible: true, reasons: result.support, failures: [] }
    : { eligible: false, reasons: [], failures: result.against };
}

function evaluateNode(node: Criterion, facts: EnterpriseFacts, path: string): NodeResult {
  if ("all" in node) {
    const children = node.all.map((child, i) => evaluateNode(child, facts, `${path}.all[${i}]`));
    const holds = children.every((child) => child.holds);
    return {
      holds,
      support: holds ? children.flatMap((child) => child.support) : [],
      against: children.flatMap((child) => (child.holds ? [] : child.against)),
    };
  }
  if ("any" in node) {
    const children = node.any.map((child, i) => evaluateNode(child, facts, `${path}.any[${i}]`));
    const holds = children.some((child) => child.holds);
    return {
      holds,
      support: children.flatMap((child) => (child.holds ? child.support : [])),
      against: holds ? [] : children.flatMap((child) => child.against),
    };
  }
  if ("not" in node) {
    const inner = evaluateNode(node.not, facts, `${path}.not`);
    const flip = (clauses: MatchedClause[]) => clauses.map((clause) => ({ ...clause, negated: !clause.negated }));
    return { holds: !inner.holds, support: flip(inner.against), against: flip(inner.support) };
  }
  const operator = OPERATORS.find((op) => op in node)!;
  const expected = node[operator];
  const actual = facts[node.field];
  const clause: MatchedClause = { path, field: node.field, operator, expected, actual, negated: false };
  const holds = compareWith(operator, actual, expected);
  return holds ? { holds, support: [clause], against: [] } : { holds, support: [], against: [clause] };
}

function compareWith(operator: Operator, actual: unknown, expected: unknown): boolean {
  switch (operator) {
    case "eq":
      return actual === expected;
    case "ne":
      return actual !== expected;
    case "in":
      return (expected as unknown[]).includes(actual);
    case "notIn":
      return !(expected as unknown[]).includes(actual);
    case "between": {
      const [low, high] = expected as [unknown, unknown];
      return actual !== null && compare(actual, low) >= 0 && compare(actual, high) <= 0;
    }
    default: {
      if (actual === null) return false;
      const order = compare(actual, expected);
      return operator === "lt"
        ? order < 0
        : operator === "lte"
          ? order <= 0
          : operator === "gt"
            ? order > 0
            : order >= 0;
    }
  }
}

/** Numbers by value, ISO dates as text (YYYY-MM-DD sorts chronologically). */
function compare(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  const left = String(a);
  const right = String(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

const SYMBOLS: Record<Operator, string> = {
  eq: "=",
  ne: "≠",
  in: "in",
  notIn: "not in",
  lt: "<",
  lte: "≤",
  gt: ">",
  gte: "≥",
  between: "between",
};

/** A clause as a sentence fragment, e.g. `employeeCount 120 ≤ 300` or `not (streetId street-x in [street-y])`. */
export function describeClause(clause: MatchedClause): string {
  const expected = Array.isArray(clause.expected)
    ? clause.operator === "between"
      ? `${String(clause.expected[0])} and ${String(clause.expected[1])}`
      : `[${clause.expected.map(String).join(", ")}]`
    : String(clause.expected);
  const text = `${clause.field} ${String(clause.actual)} ${SYMBOLS[clause.operator]} ${expected}`;
  return clause.negated ? `not (${text})` : text;
}
