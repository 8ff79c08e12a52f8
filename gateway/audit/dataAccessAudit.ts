/**
 * What the gateway records about one operation that read classified data (安全防护, item 5): who (principal,
 * application, department), the declared purpose and case, the operation's name and hash, each classified field coordinate
 * with its class and decision (allowed, masked, denied), whose data it was (resident ids), and the policy revision
 * that decided. Values are never recorded.
 */
import type { DataAccess } from "../authorization/authorizedExecution.ts";
import { type AuditEntry, hashOperation } from "./auditEntry.ts";

export function auditEntryOf({ context, requestContext, authorization, subjectResidentIds }: DataAccess): AuditEntry {
  const { principal } = context;
  return {
    occurredAt: new Date(),
    requestId: context.requestId,
    principal: { id: principal.id, kind: principal.kind, departmentId: principal.departmentId },
    applicationId: principal.kind === "app" ? principal.id : null,
    purpose: context.purpose,
    caseReference: context.caseReference,
    operationName: requestContext.operationName ?? null,
    operationHash: hashOperation(requestContext.source),
    fields: authorization.classified.map(({ coordinate, level, category, decision }) => ({
      coordinate,
      level,
      category,
      decision,
    })),
    subjectResidentIds: [...new Set(subjectResidentIds)].sort(),
    policyVersion: String(authorization.policyRevision),
  };
}
