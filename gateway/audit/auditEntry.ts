/**
 * One data-access audit entry as the gateway describes it (数据访问审计记录): who, why, what, whose, and what the policy
 * decided. The gateway decides which operations and fields to record; the writer (auditWriter.ts) delivers the entries
 * to the audit service. Both ends check the record against one schema, lib/contracts/auditRecord.ts.
 */
import { createHash } from "node:crypto";
import {
  type AuditRecordInput,
  auditRecordSchema,
  type FieldAccess,
  isPlainlyValidAuditRecord,
} from "../../lib/contracts/auditRecord.ts";
import { firstIssue } from "../../lib/contracts/payload.ts";
import type { Principal } from "../../lib/principal.ts";

export type { AccessDecision, FieldAccess } from "../../lib/contracts/auditRecord.ts";

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

/** The entry as sent over the wire to POST /audit/records (lib/contracts/auditRecord.ts). */
export type AuditRecordWire = AuditRecordInput;

/** sha256 (hex) of an operation document, as recorded in `operationHash`. */
export function hashOperation(source: string): string {
  return createHash("sha256").update(source, "utf8").digest("hex");
}

/**
 * Turns an entry into its wire form, or throws a TypeError naming what is wrong. Checked against the audit record
 * contract when the entry is recorded, so a malformed entry fails its caller at once instead of blocking the buffer
 * behind a batch the service refuses. The plain case is vouched for by the contract's cheap check; only what it cannot
 * vouch for goes through the schema (the same acceptance and the same message for what is refused).
 */
export function toWire(entry: AuditEntry, recordId: string): AuditRecordWire {
  if (!(entry.occurredAt instanceof Date) || Number.isNaN(entry.occurredAt.getTime())) {
    throw new TypeError("Audit entry not recorded: occurredAt must be a valid Date.");
  }
  const wire: AuditRecordWire = {
    recordId,
    occurredAt: entry.occurredAt.toISOString(),
    requestId: entry.requestId,
    principal: { id: entry.principal.id, kind: entry.principal.kind, departmentId: entry.principal.departmentId },
    applicationId: entry.applicationId,
    purpose: entry.purpose,
    // Sent only when a case was declared, so records without one keep the shape (and chain hash) they always had.
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
  if (isPlainlyValidAuditRecord(wire)) return wire;
  const checked = auditRecordSchema.safeParse(wire);
  if (!checked.success) {
    const { where, problem } = firstIssue(checked.error);
    throw new TypeError(`Audit entry not recorded: ${where} is not valid (${problem}).`);
  }
  return wire;
}
