/**
 * Whose registration a mutation touches: residents register and cancel for themselves (the resident id comes from
 * the verified identity, never from the request), and officers of 区文化旅游局 do it for a named resident at a
 * venue's front desk (older residents often register in person). Everyone else is refused. Who may *read* which
 * registration is the authorization layer's row rules.
 */
import { codedError } from "../../lib/errors.ts";
import type { Principal } from "../../lib/principal.ts";
import { CULTURE_DEPARTMENT_ID } from "./jinganStreets.ts";

export function actingResident(principal: Principal, requested: string | null | undefined): string {
  requireActor(principal);
  if (principal.kind === "resident" && principal.residentId) {
    if (requested && requested !== principal.residentId) {
      throw codedError(
        "FORBIDDEN",
        "Residents register and cancel only for themselves; omit residentId (it comes from your login).",
        { argument: "input.residentId" },
      );
    }
    return principal.residentId;
  }
  if (!requested) {
    throw codedError("BAD_USER_INPUT", "Name the resident the registration is for in input.residentId.", {
      argument: "input.residentId",
    });
  }
  return requested;
}

/** Refuses callers who may not register anyone, before anything is looked up (so refusals reveal nothing). */
export function requireActor(principal: Principal): void {
  if (principal.kind === "resident" && principal.residentId) return;
  if (isCultureOfficer(principal)) return;
  throw codedError(
    "FORBIDDEN",
    "Only a logged-in resident (for themselves) or an officer of 区文化旅游局 (role officer, department dept-culture) may register for or cancel culture programmes.",
  );
}

export function isCultureOfficer(principal: Principal): boolean {
  return principal.kind === "officer" && principal.departmentId === CULTURE_DEPARTMENT_ID;
}
