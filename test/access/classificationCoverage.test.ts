/**
 * Classification coverage (分类分级, 安全防护): a field that carries personal data without `@classified` is neither
 * masked nor audited, so it is a hole — `IdentityPerson.displayName` once showed an auditor, who may not read
 * `Resident.name`, every resident's full name. The rule checked here, over every subgraph's Prisma schema and GraphQL
 * schema and the composed supergraph:
 *
 * **Personal data reaches the graph only through classified fields.** Personal data is
 * 1. every column of a *personal record*: a model with a `residentId` or `personId` column (a row about one person:
 *    appointments, bookings, login attempts …), or a model listed in PERSONAL_RECORDS;
 * 2. every column listed in PERSONAL_COLUMNS (personal data held on other models: a resident's name, an account's
 *    display name …).
 *
 * A GraphQL type serves a model when its name is the model's or ends with it (`IdentityPerson` serves `Person`,
 * `CourseEnrolment` serves `Enrolment`); a field is resolved from a column when it has the column's name, or the
 * name plus `Masked`. Such a field must be classified, except a personal record's `id`. So that the lists cannot
 * go stale, every column and every field whose name says it could be personal (name, phone, address, id number,
 * plate, IP …) must be accounted for: personal (then classified), or listed as not personal with the reason — and a
 * field that copies personal data onto a type without a model (`Me.displayName`) must be classified or exempted
 * with the reason. Every personal record must be served by a type, or listed as not served with the reason.
 */
import { readFileSync } from "node:fs";
import {
  type DocumentNode,
  type FieldDefinitionNode,
  Kind,
  type ObjectTypeDefinitionNode,
  type ObjectTypeExtensionNode,
} from "graphql";
import { describe, expect, it } from "vitest";
import { classificationOf } from "../../lib/access/classification.ts";
import { subgraphModules } from "../../subgraphs/registry.ts";

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");
const classified = classificationOf(read("schema/supergraph.graphql"));

/** Names that could be personal data: checked on every column and every field. */
const PERSONAL_VOCABULARY =
  /(name|phone|mobile|idnumber|idcard|email|address|birth|plate|clientip|username|pseudonym)$/i;

/** Records about one person that have no `residentId`/`personId` column. */
const PERSONAL_RECORDS: Record<string, string[]> = {
  education: ["StudentPortrait"], // a pupil, pseudonymous: minors' data
};

/** Personal data on models that are not personal records. */
const PERSONAL_COLUMNS: Record<string, Record<string, string[]>> = {
  identity: {
    Resident: ["name", "idNumber", "phone"],
    Person: ["displayName", "username"], // a resident's account carries the resident's name; usernames are pinyin names
  },
};

/** Models that describe institutions, places, services, rules or the platform itself: their names are not personal. */
const NOT_PERSONAL_MODELS: Record<string, string> = {
  Department: "a government department",
  Street: "a street or town and its office",
  DataResource: "a catalogued data set",
  CultureVenue: "a public venue",
  ReadableBuilding: "a listed building",
  TourismRoute: "a tourism route",
  School: "a school",
  LearningCentre: "a learning centre",
  Enterprise: "an enterprise: a legal person, not personal information (PIPL art. 4)",
  BundledService: "a government service",
  ServiceItem: "a step of a government service",
  BenefitPolicy: "a published policy",
  ServiceWindow: "a service window",
  Hospital: "a hospital",
  Clinic: "a clinic",
  NursingHome: "a nursing home",
  ParkingFacility: "a garage or street parking",
  ChargingStation: "a charging station",
  FitnessPoint: "a fitness point",
  SchoolSportsGround: "a school sports ground",
  SportsVenue: "a venue",
  SportsCourt: "a court",
  SportsEvent: "a public event",
  SportsEventCategory: "an event category",
  IntegratorApp: "an integrator application",
  Role: "a role",
  AccessPolicy: "an access policy",
  AccessPolicyVersion: "an access policy version",
  AccessPolicyChange: "a change of an access policy (its author is an administrator acting in office)",
  Purpose: "a processing purpose (处理目的) the district declares: its name is a purpose, e.g. medical-treatment",
  PurposeVersion: "a version of a processing purpose: legal basis, roles and departments allowed",
  PurposeChange: "a change of a processing purpose (its author is an administrator acting in office)",
  DataAccessRecord:
    "the audit trail itself: pseudonymous ids and operation names, for auditors; auditing reads of it would recurse",
};

/** Columns with personal-sounding names that are published as part of a public service. */
const NOT_PERSONAL_COLUMNS: Record<string, string> = {
  "health.Doctor.name": "published consultation information (出诊信息): a doctor's name in office",
  "education.Course.teacherName": "published course information: a teacher's name in office",
  "identity.TrustedDocument.operationName": "the name of a registered GraphQL operation, e.g. `Me`",
};

/** Personal records that no GraphQL type serves. */
const NOT_SERVED: Record<string, string> = {
  "identity.OfficerMembership": "served only as IdentityPerson.department / jurisdiction (an officer's post)",
  "identity.PersonRole": "served only as IdentityPerson.roles",
  "identity.KnownLoginAddress":
    "never served: addresses a person has signed in from, kept only so a login flood from elsewhere cannot lock them out",
  "identity.RefreshToken": "never served: token hashes for the identity service only",
};

/** Fields with personal-sounding names on types that serve no model, and why they need no classification. */
const EXEMPT_FIELDS: Record<string, string> = {
  "EnterprisePark.name": "an industrial park's name",
  "TrustedDocument.operationName": "the name of a registered GraphQL operation, e.g. `Me`",
  "Me.displayName":
    "Me describes only the authenticated caller to the caller: a person's own name shown to themself is not access to another's data",
};

interface Model {
  name: string;
  columns: string[];
}

/** Models and their scalar columns (relations left out) from a Prisma schema. */
function modelsOf(prisma: string): Model[] {
  const blocks = [...prisma.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)];
  const names = new Set(blocks.map((b) => b[1] as string));
  return blocks.map(([, name, body]) => ({
    name: name as string,
    columns: (body as string)
      .split("\n")
      .map((line) => /^ {2}(\w+)\s+(\w+)/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null && !names.has(m[2] as string))
      .map((m) => m[1] as string),
  }));
}

type ObjectNode = ObjectTypeDefinitionNode | ObjectTypeExtensionNode;

/** Object types a subgraph defines (extensions of other departments' entities included) with their fields. */
function typesOf(document: DocumentNode): Map<string, readonly FieldDefinitionNode[]> {
  const types = new Map<string, readonly FieldDefinitionNode[]>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const node = definition as ObjectNode;
    types.set(node.name.value, [...(types.get(node.name.value) ?? []), ...(node.fields ?? [])]);
  }
  return types;
}

/** The model a type serves: its own name, or the longest model name it ends with. */
function modelServed(type: string, models: Model[]): Model | undefined {
  return models
    .filter((m) => type === m.name || type.endsWith(m.name))
    .sort((a, b) => b.name.length - a.name.length)[0];
}

const subgraphs = subgraphModules.map((module) => ({
  name: module.name,
  models: modelsOf(read(`prisma/${module.name}/schema.prisma`)),
  types: typesOf(module.typeDefs),
}));

function isPersonalRecord(subgraph: string, model: Model): boolean {
  return (
    model.columns.includes("residentId") ||
    model.columns.includes("personId") ||
    (PERSONAL_RECORDS[subgraph] ?? []).includes(model.name)
  );
}

function isPersonalColumn(subgraph: string, model: Model, column: string): boolean {
  return isPersonalRecord(subgraph, model) || (PERSONAL_COLUMNS[subgraph]?.[model.name] ?? []).includes(column);
}

describe("classification coverage: personal data reaches the graph only through classified fields", () => {
  it("classifies every field resolved from personal data", () => {
    const unclassified: string[] = [];
    let checked = 0;
    for (const { name: subgraph, models, types } of subgraphs) {
      for (const [type, fields] of types) {
        const model = modelServed(type, models);
        if (!model) continue;
        for (const field of fields) {
          const name = field.name.value;
          const column = model.columns.find((c) => c === name || `${c}Masked` === name);
          const personal = isPersonalRecord(subgraph, model)
            ? name !== "id"
            : column !== undefined && isPersonalColumn(subgraph, model, column);
          if (!personal) continue;
          checked += 1;
          if (!classified.has(`${type}.${name}`)) unclassified.push(`${subgraph}: ${type}.${name} (${model.name})`);
        }
      }
    }
    expect(checked).toBeGreaterThan(60);
    expect(unclassified).toEqual([]);
  });

  it("accounts for every column whose name could be personal data", () => {
    const unaccounted: string[] = [];
    for (const { name: subgraph, models } of subgraphs) {
      for (const model of models) {
        if (isPersonalRecord(subgraph, model) || NOT_PERSONAL_MODELS[model.name]) continue;
        for (const column of model.columns) {
          if (!PERSONAL_VOCABULARY.test(column)) continue;
          if (isPersonalColumn(subgraph, model, column)) continue;
          if (NOT_PERSONAL_COLUMNS[`${subgraph}.${model.name}.${column}`]) continue;
          unaccounted.push(`${subgraph}.${model.name}.${column}`);
        }
      }
    }
    expect(unaccounted).toEqual([]);
  });

  it("classifies, or exempts with a reason, every field whose name could be personal data", () => {
    const unaccounted: string[] = [];
    for (const { name: subgraph, models, types } of subgraphs) {
      for (const [type, fields] of types) {
        const model = modelServed(type, models);
        for (const field of fields) {
          const name = field.name.value;
          const coordinate = `${type}.${name}`;
          if (!PERSONAL_VOCABULARY.test(name) || classified.has(coordinate) || EXEMPT_FIELDS[coordinate]) continue;
          const column = model?.columns.find((c) => c === name || `${c}Masked` === name);
          const publishedColumn = model && NOT_PERSONAL_COLUMNS[`${subgraph}.${model.name}.${column}`];
          if (model && (NOT_PERSONAL_MODELS[model.name] || publishedColumn)) continue;
          unaccounted.push(`${subgraph}: ${coordinate}`);
        }
      }
    }
    expect(unaccounted).toEqual([]);
  });

  it("serves every personal record through a type, or says why not", () => {
    const unserved: string[] = [];
    for (const { name: subgraph, models, types } of subgraphs) {
      for (const model of models) {
        if (!isPersonalRecord(subgraph, model) || NOT_SERVED[`${subgraph}.${model.name}`]) continue;
        if (![...types.keys()].some((type) => modelServed(type, models) === model)) {
          unserved.push(`${subgraph}.${model.name}`);
        }
      }
    }
    expect(unserved).toEqual([]);
  });

  it("can fail: an unclassified copy of a resident's name is found", () => {
    const models = modelsOf("model Person {\n  id String @id\n  displayName String\n}\n");
    const model = modelServed("IdentityPerson", models);
    expect(model?.name).toBe("Person");
    expect(isPersonalColumn("identity", model as Model, "displayName")).toBe(true);
    expect(PERSONAL_VOCABULARY.test("contactPhone")).toBe(true);
    expect(PERSONAL_VOCABULARY.test("status")).toBe(false);
  });
});
