/**
 * Principals for row-rule tests: officers carry a jurisdiction (streets), and an empty one sees no records, so
 * tests that act as a department's front desk name the streets it covers.
 */
import type { Principal } from "../../lib/principal.ts";
import { STREET_IDS } from "../../subgraphs/identity/roles.ts";
import { officerOf, residentPrincipal } from "../support/envelope.ts";

/** Every street of the district, as the seeded department-wide officers (officer.health, officer.education) hold. */
export const ALL_STREETS: string[] = [...STREET_IDS];

/** An officer of the department whose jurisdiction is the given streets (default: the whole district). */
export function officerIn(departmentId: string, streetIds: string[] = ALL_STREETS): Principal {
  return { ...officerOf(departmentId), streetIds: [...streetIds] };
}

export { residentPrincipal };
