/**
 * Whose appointment a booking is: residents book for themselves (the resident id comes from the verified identity,
 * never from the request), and officers of the health commission book for a named resident at the front desk.
 * Everyone else is refused. (Who may *see* which appointment is the authorization work's row rules.)
 */
import { codedError } from "../../lib/errors.ts";
import type { Principal } from "../../lib/principal.ts";

export const HEALTH_DEPARTMENT = "dept-health";

export function actingResident(principal: Principal, requested: string | null | undefined): string {
  if (principal.kind === "resident" && principal.residentId) {
    if (requested && requested !== principal.residentId) {
      throw codedError("FORBIDDEN", "Residents book and cancel only their own appointments; omit residentId.");
    }
    return principal.residentId;
  }
  if (principal.kind === "officer" && principal.departmentId === HEALTH_DEPARTMENT) {
    if (!requested) {
      throw codedError("BAD_USER_INPUT", "Name the resident the appointment is for in residentId.", {
        argument: "residentId",
      });
    }
    return requested;
  }
  throw codedError(
    "FORBIDDEN",
    "Only a resident (for themselves) or an officer of 区卫健委 (role officer, department dept-health) may do this.",
  );
}

/**
 * Whether the principal may cancel an appointment of this resident. Residents: only their own (others' answer as
 * not found, by the caller). Officers of 区卫健委: any. Anyone else is refused outright.
 */
export function canManageAppointmentOf(principal: Principal, residentId: string): boolean {
  if (principal.kind === "resident") return principal.residentId === residentId;
  if (principal.kind === "officer" && principal.departmentId === HEALTH_DEPARTMENT) return true;
  throw codedError(
    "FORBIDDEN",
    "Only a resident (for themselves) or an officer of 区卫健委 (role officer, department dept-health) may do this.",
  );
}
