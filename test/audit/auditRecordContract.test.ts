/**
 * The audit record contract's cheap check (lib/contracts/auditRecord.ts, `isPlainlyValidAuditRecord`, issue 16): the
 * gateway checks every record it builds with it and sends only what it cannot vouch for through the schema. It must
 * never accept what the schema refuses, must vouch for the records the gateway really builds (or it saves nothing),
 * and `toWire` must refuse exactly as before, with the schema's message.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type AuditEntry, hashOperation, toWire } from "../../gateway/audit/auditEntry.ts";
import {
  type AuditRecordInput,
  auditRecordSchema,
  isPlainlyValidAuditRecord,
  MAX_FIELDS_PER_RECORD,
  MAX_SUBJECTS_PER_RECORD,
} from "../../lib/contracts/auditRecord.ts";

const entry: AuditEntry = {
  occurredAt: new Date("2026-12-07T03:33:09.123Z"),
  requestId: randomUUID(),
  principal: { id: "person-000003", kind: "officer", departmentId: "dept-health" },
  applicationId: null,
  purpose: "public-health",
  caseReference: "WJW-2026-000123",
  operationName: "FollowUps",
  operationHash: hashOperation("query FollowUps { x }"),
  fields: [
    { coordinate: "FollowUp.notes", level: "sensitive", category: "health", decision: "masked" },
    { coordinate: "Resident.idNumber", level: "sensitive", category: "identity", decision: "denied" },
  ],
  subjectResidentIds: Array.from({ length: 120 }, (_, i) => `resident-${String(i).padStart(6, "0")}`),
  policyVersion: "42",
};
const built = toWire(entry, randomUUID());

type Variant = [string, (record: AuditRecordInput) => unknown];
const set =
  <K extends keyof AuditRecordInput>(key: K, value: unknown) =>
  (record: AuditRecordInput) => ({ ...record, [key]: value });
const principal = (value: Record<string, unknown>) => (record: AuditRecordInput) => ({
  ...record,
  principal: { ...record.principal, ...value },
});
const field = (value: Record<string, unknown>) => (record: AuditRecordInput) => ({
  ...record,
  fields: [{ ...record.fields[0], ...value }],
});
const subjects = (value: unknown[]) => set("subjectResidentIds", value);

/** Records the schema accepts and refuses, near each bound of the contract. */
const VARIANTS: Variant[] = [
  ["as built", (r) => r],
  ["upper-case uuid", set("recordId", built.recordId.toUpperCase())],
  ["a v7 uuid", set("recordId", "01890a5d-ac96-774b-bcce-b302099a8057")],
  ["not a uuid", set("recordId", "not-a-uuid")],
  ["an instant with an offset", set("occurredAt", "2026-12-07T11:33:09.123+08:00")],
  ["an instant without milliseconds", set("occurredAt", "2026-12-07T03:33:09Z")],
  ["the 13th month", set("occurredAt", "2026-13-07T03:33:09.123Z")],
  ["February 30th", set("occurredAt", "2026-02-30T03:33:09.123Z")],
  ["no instant", set("occurredAt", "yesterday")],
  ["an empty request id", set("requestId", "")],
  ["a request id of 200", set("requestId", "r".repeat(200))],
  ["a request id of 201", set("requestId", "r".repeat(201))],
  ["a NUL in the request id", set("requestId", "req\u0000")],
  ["a lone surrogate in the purpose", set("purpose", "care\uD800")],
  ["a paired surrogate in the purpose", set("purpose", "care😀")],
  ["no purpose", set("purpose", null)],
  ["an operation name of 201", set("operationName", "Q".repeat(201))],
  ["an empty operation name", set("operationName", "")],
  ["an application", set("applicationId", "app-portal")],
  ["an unknown principal kind", principal({ kind: "robot" })],
  ["no principal id", principal({ id: null })],
  ["a department id of 201", principal({ departmentId: "d".repeat(201) })],
  ["no case", set("caseReference", undefined)],
  ["a case of 64", set("caseReference", "C".repeat(64))],
  ["a case of 65", set("caseReference", "C".repeat(65))],
  ["an upper-case hash", set("operationHash", built.operationHash.toUpperCase())],
  ["a short hash", set("operationHash", "abc")],
  ["a coordinate of 2", field({ coordinate: "A." })],
  ["a coordinate of 301", field({ coordinate: `A.${"b".repeat(299)}` })],
  ["an empty level", field({ level: "" })],
  ["a category of 129", field({ category: "c".repeat(129) })],
  ["an unknown decision", field({ decision: "peeked" })],
  ["no fields", set("fields", [])],
  [
    "too many fields",
    set(
      "fields",
      Array.from({ length: MAX_FIELDS_PER_RECORD + 1 }, () => built.fields[0]),
    ),
  ],
  ["no subjects", subjects([])],
  ["an empty subject", subjects(["resident-1", ""])],
  ["a subject of 201", subjects(["r".repeat(201)])],
  ["a number as subject", subjects([7])],
  ["too many subjects", subjects(Array.from({ length: MAX_SUBJECTS_PER_RECORD + 1 }, (_, i) => `r-${i}`))],
  ["an empty policy version", set("policyVersion", "")],
  ["a policy version as a number", set("policyVersion", 42)],
  ["an unknown key", set("extra" as keyof AuditRecordInput, "stripped")],
];

describe("the audit record contract's cheap check", () => {
  it("never vouches for a record the schema refuses", () => {
    let refusedBySchema = 0;
    for (const [name, change] of VARIANTS) {
      const record = change(built) as AuditRecordInput;
      const schemaAccepts = auditRecordSchema.safeParse(record).success;
      if (!schemaAccepts) refusedBySchema += 1;
      if (isPlainlyValidAuditRecord(record)) expect(schemaAccepts, name).toBe(true);
    }
    expect(refusedBySchema).toBeGreaterThan(20);
  });

  it("vouches for the records the gateway builds, with or without case, purpose, application and subjects", () => {
    expect(isPlainlyValidAuditRecord(built)).toBe(true);
    const variants = [
      { caseReference: null },
      { purpose: null, applicationId: "app-portal" },
      { subjectResidentIds: [] },
      { operationName: null, principal: { id: null, kind: "anonymous" as const, departmentId: null } },
    ];
    for (const overrides of variants) {
      expect(
        isPlainlyValidAuditRecord(toWire({ ...entry, ...overrides }, randomUUID())),
        JSON.stringify(overrides),
      ).toBe(true);
    }
  });

  it("leaves text it cannot vouch for to the schema, which toWire still applies with its message", () => {
    const emoji = toWire({ ...entry, purpose: "care😀" }, randomUUID());
    expect(isPlainlyValidAuditRecord(emoji)).toBe(false);
    expect(emoji.purpose).toBe("care😀");
    expect(() => toWire({ ...entry, purpose: "care\uD800" }, randomUUID())).toThrow(
      "Audit entry not recorded: purpose is not valid (must not contain NUL or lone surrogates).",
    );
    expect(() => toWire({ ...entry, operationName: "Q".repeat(201) }, randomUUID())).toThrow(
      /^Audit entry not recorded: operationName is not valid/,
    );
    expect(() => toWire({ ...entry, subjectResidentIds: ["resident-1", ""] }, randomUUID())).toThrow(
      /^Audit entry not recorded: subjectResidentIds\.1 is not valid/,
    );
  });
});
