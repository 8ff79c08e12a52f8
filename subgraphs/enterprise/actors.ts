/**
 * Who may write what in the enterprise subgraph. Reads are open to any verified caller (anonymous callers reach only
 * the fields marked @public); writes need the right actor:
 *
 * - a resident books and cancels window appointments for themselves; officers of 区行政服务中心 do it for a named
 *   resident at the front desk (the kit's acting-resident rule);
 * - enterprises act through the centre: its officers submit applications and book windows for them; an enterprise
 *   user (法人, principal kind `enterprise`) reads its own enterprise's applications and grants (permissions.ts) but
 *   does not write yet;
 * - an application's next step is taken by an officer of the department that holds it (`holderOf`): the window
 *   at intake and completion, the reviewing department during review;
 * - a benefit policy is written by officers of its issuing department, and matched by them or by the centre, which
 *   runs 免申即享 for the district.
 */
import { codedError } from "../../lib/errors.ts";
import type { Principal } from "../../lib/principal.ts";
import type { DepartmentDesk } from "../kit/actingResident.ts";
import { ADMIN_SERVICE_DEPARTMENT_ID } from "./jinganEnterprises.ts";

export const ADMIN_SERVICE_DESK: DepartmentDesk = { departmentId: ADMIN_SERVICE_DEPARTMENT_ID, name: "区行政服务中心" };

export function isOfficerOf(principal: Principal, departmentId: string): boolean {
  return principal.kind === "officer" && principal.departmentId === departmentId;
}

/** Refuses unless the caller is an officer of one of the departments; `what` completes "may …". */
export function requireOfficerOf(principal: Principal, departmentIds: readonly string[], what: string): void {
  if (departmentIds.some((departmentId) => isOfficerOf(principal, departmentId))) return;
  const who =
    principal.kind === "officer" ? `an officer of ${principal.departmentId ?? "no department"}` : `a ${principal.kind}`;
  throw codedError(
    "FORBIDDEN",
    `Only an officer (role officer) of ${departmentIds.join(" or ")} may ${what}; the caller is ${who}.`,
  );
}
