/**
 * Whose record a resident-facing mutation writes (an appointment, an enrolment, a booking …): residents act for
 * themselves — the resident id comes from the verified identity, never from the request — and officers of the
 * owning department act for a named resident at a front desk. Everyone else is refused.
 * (Who may *see* which records is the authorization work's row rules.)
 */
import { codedError } from "../../lib/errors.ts";
import type { Principal } from "../../lib/principal.ts";

export interface DepartmentDesk {
  /** The department whose officers may act for residents, e.g. `dept-health`. */
  departmentId: string;
  /** Its name for messages, e.g. `区卫健委`. */
  name: string;
}

/**
 * Refuses callers who may not act for any resident at this desk, before anything is looked up, so a refusal
 * reveals nothing about the records.
 */
export function requireActor(principal: Principal, desk: DepartmentDesk): void {
  if (principal.kind === "resident" && principal.residentId) return;
  if (principal.kind === "officer" && principal.departmentId === desk.departmentId) return;
  throw refusal(desk);
}

export function actingResident(
  principal: Principal,
  requested: string | null | undefined,
  desk: DepartmentDesk,
): string {
  if (principal.kind === "resident" && principal.residentId) {
    if (requested && requested !== principal.residentId) {
      throw codedError("FORBIDDEN", "Residents act only for themselves; omit residentId.");
    }
    return principal.residentId;
  }
  if (principal.kind === "officer" && principal.departmentId === desk.departmentId) {
    if (!requested) {
      throw codedError("BAD_USER_INPUT", "Name the resident this is for in residentId.", { argument: "residentId" });
    }
    return requested;
  }
  throw refusal(desk);
}

/**
 * Whether the principal may change a record of this resident. Residents: only their own (callers answer others'
 * records exactly like missing ones). Officers of the department: any. Anyone else is refused outright.
 */
export function canActFor(principal: Principal, residentId: string, desk: DepartmentDesk): boolean {
  if (principal.kind === "resident") return principal.residentId === residentId;
  if (principal.kind === "officer" && principal.departmentId === desk.departmentId) return true;
  throw refusal(desk);
}

function refusal(desk: DepartmentDesk) {
  return codedError(
    "FORBIDDEN",
    `Only a resident (for themselves) or an officer of ${desk.name} (role officer, department ${desk.departmentId}) may do this.`,
  );
}

/**
 * Whether the principal may read a resident's records in this department: the resident themself, or an officer of
 * the department. (The authorization work refines this with jurisdiction and purpose.)
 */
export function mayReadRecordsOf(principal: Principal, residentId: string, desk: DepartmentDesk): boolean {
  if (principal.kind === "resident") return principal.residentId === residentId;
  return principal.kind === "officer" && principal.departmentId === desk.departmentId;
}

type ResidentFieldResolver<C> = (resident: { id: string }, args: any, context: C, info: any) => unknown;

/**
 * Wraps the fields a department adds to `Resident` (their appointments, enrolments, bookings …) so that only the
 * resident or the department's officers read them; anyone else gets FORBIDDEN for the field and null.
 */
export function guardResidentRecords<C extends { principal: Principal }>(
  desk: DepartmentDesk,
  fields: Record<string, ResidentFieldResolver<C>>,
): Record<string, ResidentFieldResolver<C>> {
  return Object.fromEntries(
    Object.entries(fields).map(([name, resolve]) => [
      name,
      (resident, args, context, info) => {
        if (!mayReadRecordsOf(context.principal, resident.id, desk)) {
          throw codedError("FORBIDDEN", `Only the resident or an officer of ${desk.name} may read Resident.${name}.`);
        }
        return resolve(resident, args, context, info);
      },
    ]),
  );
}
