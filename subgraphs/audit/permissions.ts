/**
 * Who may read the audit trail: auditors (审计员) and security administrators read every record and verify the
 * chain; a resident reads who accessed their own data (`Resident.dataAccesses`), nobody else's. Officers,
 * applications, the gateway's system principal and anonymous callers read nothing here.
 *
 * The resolvers apply the same row rules (`mayReadAuditTrail`, `mayReadAccessesOf`) on every route, so the answer does
 * not depend on these rules being installed; the rule tree is the kit's second line (subgraphs/kit/shield.ts).
 */
import { createRequire } from "node:module";
import { isPersonKind } from "../../lib/contracts/principal.ts";
import { codedError } from "../../lib/errors.ts";
import type { Principal } from "../../lib/principal.ts";
import { isAuditor, isSecurityAdmin, or, type SubgraphPermissions } from "../kit/shield.ts";

// Same CommonJS build as the kit's rules (see subgraphs/kit/shield.ts for why).
const require = createRequire(import.meta.url);
const { rule } = require("graphql-shield") as typeof import("graphql-shield");

/** Auditors and security administrators, by kind or by a person's role (an application cannot claim a role). */
export function mayReadAuditTrail(principal: Principal): boolean {
  if (principal.kind === "auditor" || principal.kind === "security_admin") return true;
  return (
    isPersonKind(principal.kind) && principal.roles.some((role) => role === "auditor" || role === "security_admin")
  );
}

/** The resident themself, or an audit reader. */
export function mayReadAccessesOf(principal: Principal, residentId: string): boolean {
  if (principal.kind === "resident") return principal.residentId !== null && principal.residentId === residentId;
  return mayReadAuditTrail(principal);
}

export function requireAuditReader(principal: Principal, action: string): void {
  if (principal.kind === "anonymous") {
    throw codedError("AUTHENTICATION_REQUIRED", `${action} needs a logged-in auditor; send a bearer token.`);
  }
  if (!mayReadAuditTrail(principal)) {
    throw codedError(
      "FORBIDDEN",
      `${action} needs the role auditor or security_admin; the caller is ${principal.kind}.`,
      {
        requiredRoles: ["auditor", "security_admin"],
      },
    );
  }
}

export function requireAccessesReader(principal: Principal, residentId: string): void {
  if (!mayReadAccessesOf(principal, residentId)) {
    throw codedError(
      "FORBIDDEN",
      "Only the resident themself, an auditor or a security administrator may read who accessed a resident's data.",
    );
  }
}

const auditReader = or(isAuditor, isSecurityAdmin);

/** Resident.dataAccesses: the parent resident must be the caller, or the caller an audit reader. */
const isSubjectOrAuditReader = rule("isSubjectOrAuditReader", { cache: "no_cache" })(
  (parent: { id: string }, _args: unknown, context: { principal: Principal }) =>
    mayReadAccessesOf(context.principal, parent.id)
      ? true
      : codedError(
          "FORBIDDEN",
          "Only the resident themself, an auditor or a security administrator may read who accessed a resident's data (rule isSubjectOrAuditReader).",
          { rule: "isSubjectOrAuditReader" },
        ),
);

export const permissions: SubgraphPermissions = {
  Query: {
    dataAccessRecords: auditReader,
    auditChainVerification: auditReader,
  },
  Resident: {
    dataAccesses: isSubjectOrAuditReader,
  },
};
