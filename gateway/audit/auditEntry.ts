/**
 * One data-access audit entry as the gateway describes it (数据访问审计记录): who, why, what, whose, and what the policy
 * decided. The gateway decides which operations and fields to record; the writer (auditWriter.ts) delivers the entries
 * to the audit service, whose edge (subgraphs/audit/auditRecord.ts) validates the same shape —
 * test/audit/auditWriter.test.ts keeps both ends in agreement.
 */
import { createHash } from "node:crypto";
import type { Principal, PrincipalKind } from "../../lib/principal.ts";

export type AccessDecision = "allowed" | "masked" | "denied";

/** One field coordinate the operation touched. */
export interface FieldAccess {
  /** Schema coordinate, e.g. `Resident.phoneMasked`. */
  coordinate: string;
  /** Classification level (数据分级), e.g. `SENSITIVE`. */
  level: string;
  /** Data category (数据分类), e.g. `personal.contact`. */
  category: string;
  decision: AccessDecision;
}

/** What the gateway passes to `AuditWriter.record()`. */
export interface AuditEntry {
  /** When the operation executed. */
  occurredAt: Date;
  requestId: string;
  /** The caller; only id, kind and department are recorded (never tokens, sessions or scopes). */
  principal: Pick<Principal, "id" | "kind" | "departmentId">;
  /** The integrator application (OAuth client id) the request came through, if any. */
  applicationId: string | null;
  /** Declared purpose of processing (x-og-purpose), if any. */
  purpose: string | null;
  /** The case the purpose served (x-og-case), if declared. */
  caseReference?: string | null;
  operationName: string | null;
  /** sha256 (hex) of the operation document: `hashOperation(source)`. */
  operationHash: string;
  /** The field coordinates returned, by classification, with the decisions. */
  fields: FieldAccess[];
  /** Residents whose data the operation returned (`resident-000001`); each id once. */
  subjectResidentIds: string[];
  /** Version of the access policy that decided. */
  policyVersion: string;
  /**
   * Record id (uuid). Default: a fresh one at `record()`. It travels with every retry, so a batch re-sent after a lost
   * answer is recognised and never appended twice.
   */
  recordId?: string;
}

/** The entry as sent over the wire to POST /audit/records. */
export interface AuditRecordWire {
  recordId: string;
  occurredAt: string;
  requestId: string;
  principal: { id: string | null; kind: PrincipalKind; departmentId: string | null };
  applicationId: string | null;
  purpose: string | null;
  /** Sent only when a case was declared, so records without one keep the shape (and chain hash) they always had. */
  caseReference?: string;
  operationName: string | null;
  operationHash: string;
  fields: FieldAccess[];
  subjectResidentIds: string[];
  policyVersion: string;
}

/** sha256 (hex) of an operation document, as recorded in `operationHash`. */
export function hashOperation(source: string): string {
  return createHash("sha256").update(source, "utf8").digest("hex");
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SHA256 = /^[0-9a-f]{64}$/i;
const DECISIONS = new Set<string>(["allowed", "masked", "denied"]);
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what PostgreSQL text refuses.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Turns an entry into its wire form, or throws a TypeError naming what is wrong. Checked when the entry is recorded,
 * so a malformed entry fails its caller at once instead of blocking the buffer behind a batch the service refuses.
 * Limits match the audit service's (subgraphs/audit/auditRecord.ts).
 */
export function toWire(entry: AuditEntry, recordId: string): AuditRecordWire {
  const problem = (what: string): never => {
    throw new TypeError(`Audit entry not recorded: ${what}.`);
  };
  const text = (value: unknown, name: string, max: number, nullable: boolean) => {
    if (value === null && nullable) return;
    if (typeof value !== "string" || value.length === 0 || value.length > max || UNSTORABLE.test(value)) {
      problem(`${name} must be a string of 1 to ${max} characters without NUL${nullable ? ", or null" : ""}`);
    }
  };
  if (!UUID.test(recordId)) problem("recordId must be a uuid");
  if (!(entry.occurredAt instanceof Date) || Number.isNaN(entry.occurredAt.getTime())) {
    problem("occurredAt must be a valid Date");
  }
  text(entry.requestId, "requestId", 200, false);
  text(entry.principal.id, "principal.id", 200, true);
  text(entry.principal.departmentId, "principal.departmentId", 200, true);
  text(entry.applicationId, "applicationId", 200, true);
  text(entry.purpose, "purpose", 200, true);
  text(entry.caseReference ?? null, "caseReference", 64, true);
  text(entry.operationName, "operationName", 200, true);
  text(entry.policyVersion, "policyVersion", 200, false);
  if (!SHA256.test(entry.operationHash)) problem("operationHash must be a sha256 in hex (hashOperation)");
  if (entry.fields.length > 2000) problem("fields holds more than 2000 coordinates");
  for (const field of entry.fields) {
    text(field.coordinate, "fields[].coordinate", 300, false);
    text(field.level, "fields[].level", 64, false);
    text(field.category, "fields[].category", 128, false);
    if (!DECISIONS.has(field.decision)) problem("fields[].decision must be allowed, masked or denied");
  }
  if (entry.subjectResidentIds.length > 10_000) problem("subjectResidentIds holds more than 10000 residents");
  for (const id of entry.subjectResidentIds) text(id, "subjectResidentIds[]", 200, false);
  return {
    recordId,
    occurredAt: entry.occurredAt.toISOString(),
    requestId: entry.requestId,
    principal: { id: entry.principal.id, kind: entry.principal.kind, departmentId: entry.principal.departmentId },
    applicationId: entry.applicationId,
    purpose: entry.purpose,
    ...(entry.caseReference ? { caseReference: entry.caseReference } : {}),
    operationName: entry.operationName,
    operationHash: entry.operationHash.toLowerCase(),
    fields: entry.fields.map(({ coordinate, level, category, decision }) => ({
      coordinate,
      level,
      category,
      decision,
    })),
    subjectResidentIds: [...entry.subjectResidentIds],
    policyVersion: entry.policyVersion,
  };
}
