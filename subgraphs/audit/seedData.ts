/**
 * Historical data-access records for a fresh start, so `me { resident { dataAccesses } }` shows something: officers
 * of 区卫健委 and 区教育局 and the district portal reading seeded residents' data (zhang.wei is `resident-000001`,
 * li.na `resident-000002`; subgraphs/identity/seedData.ts). Deterministic for a seed date: the accesses span the
 * eight weeks that start two months before it (`SeedCalendar`), ids and choices come from a PRNG seeded by each
 * record's number. Written once, into an empty chain.
 */
import { createHash } from "node:crypto";
import type { AuditRecordInput, FieldAccess } from "../../lib/contracts/auditRecord.ts";
import { type LocalDate, shanghaiInstant } from "../kit/seedCalendar.ts";
import { randomFor } from "../kit/seedRandom.ts";

export const SEED_RECORD_COUNT = 48;
/** Days before the seed date of the first seeded access (09:00); the rest follow over about eight weeks. */
const FIRST_ACCESS_DAYS = 61;
const POLICY_VERSION = "access-policy-2026.10";

interface Scenario {
  principal: AuditRecordInput["principal"];
  applicationId: string | null;
  purpose: string | null;
  operationName: string;
  document: string;
  fields: FieldAccess[];
}

const RESIDENT_NAME: FieldAccess = {
  coordinate: "Resident.name",
  level: "SENSITIVE",
  category: "personal.identity",
  decision: "allowed",
};
const RESIDENT_PHONE: FieldAccess = {
  coordinate: "Resident.phoneMasked",
  level: "SENSITIVE",
  category: "personal.contact",
  decision: "masked",
};
const RESIDENT_ID_NUMBER: FieldAccess = {
  coordinate: "Resident.idNumberMasked",
  level: "CORE",
  category: "personal.identity",
  decision: "masked",
};

const SCENARIOS: Scenario[] = [
  {
    principal: { id: "person-000003", kind: "officer", departmentId: "dept-health" },
    applicationId: null,
    purpose: "medical-treatment",
    operationName: "ResidentAppointments",
    document:
      "query ResidentAppointments($id: ID!) { resident(id: $id) { name phoneMasked appointments { id status } } }",
    fields: [
      RESIDENT_NAME,
      RESIDENT_PHONE,
      { coordinate: "Resident.appointments", level: "SENSITIVE", category: "health.appointment", decision: "allowed" },
      { coordinate: "Appointment.status", level: "INTERNAL", category: "health.appointment", decision: "allowed" },
    ],
  },
  {
    principal: { id: "person-000004", kind: "officer", departmentId: "dept-health" },
    applicationId: null,
    purpose: "elderly-care",
    operationName: "NursingFollowUps",
    document: "query NursingFollowUps($id: ID!) { resident(id: $id) { name idNumberMasked chronicFollowUps { id } } }",
    fields: [
      RESIDENT_NAME,
      RESIDENT_ID_NUMBER,
      { coordinate: "Resident.chronicFollowUps", level: "SENSITIVE", category: "health.record", decision: "allowed" },
    ],
  },
  {
    principal: { id: "person-000005", kind: "officer", departmentId: "dept-education" },
    applicationId: null,
    purpose: "school-enrolment",
    operationName: "EnrolmentCheck",
    document: "query EnrolmentCheck($id: ID!) { resident(id: $id) { name idNumberMasked enrolments { id } } }",
    fields: [
      RESIDENT_NAME,
      { ...RESIDENT_ID_NUMBER, decision: "denied" },
      { coordinate: "Resident.enrolments", level: "INTERNAL", category: "education.enrolment", decision: "allowed" },
    ],
  },
  {
    principal: { id: "person-000001", kind: "resident", departmentId: null },
    applicationId: "app-portal",
    purpose: "self-service",
    operationName: "MyProfile",
    document: "query MyProfile { me { resident { name phoneMasked idNumberMasked } } }",
    fields: [RESIDENT_NAME, RESIDENT_PHONE, RESIDENT_ID_NUMBER],
  },
];

/** Residents whose data the seeded operations returned; zhang.wei and li.na most often. */
const SUBJECTS = [
  "resident-000001",
  "resident-000002",
  "resident-000001",
  "resident-000003",
  "resident-000002",
  "resident-000004",
  "resident-000001",
  "resident-000005",
];

/** A uuid (version 4 layout) derived from a name, so the seed's record ids never change. */
export function seedRecordId(name: string): string {
  const bytes = createHash("sha256").update(`og-audit-seed:${name}`).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function buildSeedRecords(date: LocalDate): AuditRecordInput[] {
  const firstAccess = shanghaiInstant(date, "09:00", -FIRST_ACCESS_DAYS).getTime();
  return Array.from({ length: SEED_RECORD_COUNT }, (_, index) => {
    const name = `record-${String(index + 1).padStart(3, "0")}`;
    const random = randomFor(name);
    const scenario = SCENARIOS[Math.floor(random() * SCENARIOS.length)] as Scenario;
    const occurredAt = new Date(firstAccess + index * 28 * 3_600_000 + Math.floor(random() * 8 * 3_600_000));
    // A resident's own accesses concern only themself; an officer's list may return two residents.
    const first =
      scenario.principal.kind === "resident" ? "resident-000001" : (SUBJECTS[index % SUBJECTS.length] as string);
    const second = `resident-${String(10 + Math.floor(random() * 90)).padStart(6, "0")}`;
    const subjects = scenario.principal.kind !== "resident" && random() < 0.3 ? [first, second] : [first];
    return {
      recordId: seedRecordId(name),
      occurredAt: occurredAt.toISOString(),
      requestId: `seed-${name}`,
      principal: scenario.principal,
      applicationId: scenario.applicationId,
      purpose: scenario.purpose,
      operationName: scenario.operationName,
      operationHash: createHash("sha256").update(scenario.document).digest("hex"),
      fields: scenario.fields,
      subjectResidentIds: subjects,
      policyVersion: POLICY_VERSION,
    };
  });
}
