/**
 * Whose record a resident-facing mutation writes (an appointment, an enrolment, a booking …): residents act for
 * themselves — the resident id comes from the verified identity, never from the request — and officers of the
 * owning department act for a named resident at a front desk. Everyone else is refused.
 * (Who may *see* which records is the authorization work's row rules.)
 */
import { codedError } from "../../lib/errors.ts";
import type { Principal } from "../../lib/principal.ts";
import type { ResidentStreets } from "./residentDirectory.ts";

export interface DepartmentDesk {
  /** The department whose officers may act for residents, e.g. `dept-health`. */
  departmentId: string;
  /** Its name for messages, e.g. `区卫健委`. */
  name: string;
}

/** The shape of a resident id (`resident-000123`): anything else is bad input, before any lookup. */
export const RESIDENT_ID = /^resident-\d{6}$/;

/** What the row rules need from a request's context: who asks, and where residents live (one batched lookup). */
export interface ReachContext {
  principal: Principal;
  /** The request's view of the residence register (`subgraphs/kit/residentDirectory.ts`). */
  residentStreets: ResidentStreets;
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

/**
 * Whether an officer reaches this resident: the resident's registered street is in the officer's jurisdiction
 * (属地管理). An unknown resident is in nobody's reach, so "outside your streets" and "no such resident" answer alike.
 * The street comes from the request's batched lookup; residents and every other kind reach nobody here.
 */
export async function residentInReach(context: ReachContext, residentId: string): Promise<boolean> {
  const { principal } = context;
  if (principal.kind !== "officer" || principal.streetIds.length === 0) return false;
  return inJurisdiction(principal, await context.residentStreets.load(residentId));
}

/**
 * The row rule of `Resident` (属地管理), one for every subgraph that serves the type: the resident themself; an officer
 * whose jurisdiction holds the resident's registered street; a security administrator (who links accounts to
 * residents) and an auditor (who answers "who accessed my data", Resident.dataAccesses) — these two see that the
 * resident exists, not who they are: the identity fields stay behind their own checks. Nobody else — applications,
 * the gateway, anonymous callers — and an unknown resident is reached by no one. `street` is passed by the owner of
 * the register (identity); everyone else looks it up (batched).
 */
export async function mayReachResident(
  context: ReachContext,
  residentId: string,
  street?: string | null,
): Promise<boolean> {
  const { principal } = context;
  if (principal.kind === "resident") return principal.residentId === residentId;
  if (principal.kind === "officer") {
    if (street !== undefined) return inJurisdiction(principal, street);
    return residentInReach(context, residentId);
  }
  if (principal.kind === "security_admin" || principal.kind === "auditor") return true;
  return (
    principal.kind !== "app" &&
    principal.kind !== "system" &&
    principal.kind !== "anonymous" &&
    (principal.roles.includes("security_admin") || principal.roles.includes("auditor"))
  );
}

/**
 * `__resolveReference` of the `Resident` a department extends (its appointments, bookings …): the reference, or null
 * when the Resident row rule hides the resident from the caller — so `_entities` answers every subgraph alike.
 */
export async function residentReference<C extends ReachContext>(
  ref: { id: string },
  context: C,
): Promise<{ id: string } | null> {
  return (await mayReachResident(context, ref.id)) ? { id: ref.id } : null;
}

/**
 * The resident a resident-facing mutation writes for: the caller themself (residents), or the named resident when the
 * caller is an officer of the desk and the resident lives in their jurisdiction. A resident outside it is refused
 * exactly like one who does not exist, before anything is written or read back.
 */
export async function actingResident(
  context: ReachContext,
  requested: string | null | undefined,
  desk: DepartmentDesk,
): Promise<string> {
  const { principal } = context;
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
    if (!RESIDENT_ID.test(requested)) {
      throw codedError("BAD_USER_INPUT", "residentId must be a resident id such as resident-000123.", {
        argument: "residentId",
      });
    }
    if (!(await residentInReach(context, requested))) throw outOfReach(requested, principal);
    return requested;
  }
  throw refusal(desk);
}

/**
 * Whether the principal may change a record of this resident. Residents: only their own; officers of the department:
 * residents of their jurisdiction (callers answer others' records exactly like missing ones). Anyone else is refused
 * outright.
 */
export async function canActFor(context: ReachContext, residentId: string, desk: DepartmentDesk): Promise<boolean> {
  const { principal } = context;
  if (principal.kind === "resident") return principal.residentId === residentId;
  if (principal.kind === "officer" && principal.departmentId === desk.departmentId) {
    return residentInReach(context, residentId);
  }
  throw refusal(desk);
}

function refusal(desk: DepartmentDesk) {
  return codedError(
    "FORBIDDEN",
    `Only a resident (for themselves) or an officer of ${desk.name} (role officer, department ${desk.departmentId}) may do this.`,
  );
}

function outOfReach(residentId: string, principal: Principal) {
  return codedError(
    "FORBIDDEN",
    `There is no resident "${residentId.slice(0, 40)}" registered in your jurisdiction (${principal.streetIds.join(", ") || "none"}); an officer of the resident's street must do this.`,
    { argument: "residentId" },
  );
}

/**
 * Whether the principal may read a resident's records in this department: the resident themself, or an officer of
 * the department whose jurisdiction holds the resident's street. Each record then meets its own row rule too.
 */
export async function mayReadRecordsOf(
  context: ReachContext,
  residentId: string,
  desk: DepartmentDesk,
): Promise<boolean> {
  const { principal } = context;
  if (principal.kind === "resident") return principal.residentId === residentId;
  if (principal.kind !== "officer" || principal.departmentId !== desk.departmentId) return false;
  return residentInReach(context, residentId);
}

type ResidentFieldResolver<C> = (resident: { id: string }, args: any, context: C, info: any) => unknown;

/**
 * Wraps the fields a department adds to `Resident` (their appointments, enrolments, bookings …) so that only the
 * resident, or the department's officers whose jurisdiction holds the resident, read them; anyone else gets FORBIDDEN
 * for the field and null — the same for a resident outside the officer's streets as for one who does not exist.
 */
export function guardResidentRecords<C extends ReachContext>(
  desk: DepartmentDesk,
  fields: Record<string, ResidentFieldResolver<C>>,
): Record<string, ResidentFieldResolver<C>> {
  return Object.fromEntries(
    Object.entries(fields).map(([name, resolve]) => [
      name,
      async (resident, args, context, info) => {
        if (!(await mayReadRecordsOf(context, resident.id, desk))) {
          throw codedError(
            "FORBIDDEN",
            `Only the resident, or an officer of ${desk.name} whose jurisdiction holds the resident's street, may read Resident.${name}.`,
          );
        }
        return resolve(resident, args, context, info);
      },
    ]),
  );
}

/**
 * Row rules (行级权限): which of a department's records about residents a caller may *see*. Every route to such a
 * record — root by-id field, root list, `__resolveReference` (what `_entities` calls), nested list — answers through
 * `readableRecord()` / `readableRecords()` with the record type's `ResidentRecordRule`, so the routes cannot drift:
 *
 * - a resident sees only their own records;
 * - an officer sees the records of their department (`desk`) that happen in a street of their jurisdiction
 *   (`principal.streetIds`; empty means none) **and** belong to a resident registered in one of those streets
 *   (`residentInReach`: department AND jurisdiction, over the place and over the person). A record's street is the
 *   street of the facility where it happens (the hospital of an appointment's slot, the venue of a court, the
 *   course's street, the parking facility …); a resident's street is the identity service's register of residence;
 * - everyone else (auditors, security administrators, apps, the gateway's system principal, anonymous) sees none.
 *
 * A record the caller may not see answers exactly like a missing one — null by id, absent from lists — so a denial
 * reveals neither the data nor whether the record exists.
 */
export interface ResidentRecordRule<R, C> {
  /** The department that owns the records; its officers may read them within their jurisdiction. */
  desk: DepartmentDesk;
  /** Other departments whose officers may read them too (e.g. the reviewing departments of an application). */
  alsoOfficersOf?: readonly string[];
  /**
   * The records happen at a district-wide facility with no street (the 行政服务中心 hall): the facility's street does
   * not narrow the departments' officers (a resident's record still needs the resident in their jurisdiction).
   * Otherwise a record without a street is read by no officer.
   */
  districtWide?: boolean;
  /** The resident the record belongs to; null for records that belong to no resident (officers only). */
  residentOf(record: R): string | null;
  /**
   * The enterprise the record belongs to, for records of enterprises (an application, a window appointment booked for
   * one): an enterprise user (法人, kind `enterprise`) acting for that enterprise reads it. Absent: no enterprise user
   * reads records of this type.
   */
  enterpriseOf?(record: R): string | null;
  /**
   * The street of the facility where the record happens. Resolve it through the request's loaders, so the records of
   * one list cost one batched lookup per hop, not one query each.
   */
  streetOf(record: R, context: C): Promise<string | null | undefined> | string | null | undefined;
}

/** Whether the principal is an enterprise user (法人) acting for that enterprise. Never true for a missing one. */
export function actsFor(principal: Principal, enterpriseId: string | null | undefined): boolean {
  return (
    principal.kind === "enterprise" &&
    typeof principal.enterpriseId === "string" &&
    principal.enterpriseId.length > 0 &&
    principal.enterpriseId === enterpriseId
  );
}

/** Whether a street is in the officer's jurisdiction. Empty jurisdiction means none, never "all". */
export function inJurisdiction(principal: Principal, streetId: string | null | undefined): boolean {
  return typeof streetId === "string" && principal.streetIds.includes(streetId);
}

/**
 * Whether the caller may see this record (see `ResidentRecordRule`). Residents are answered without a lookup; an
 * officer's answer needs the record's street and its resident's.
 */
export async function mayReadRecord<R, C extends ReachContext>(
  rule: ResidentRecordRule<R, C>,
  record: R,
  context: C,
): Promise<boolean> {
  const { principal } = context;
  if (principal.kind === "resident") {
    return principal.residentId !== null && rule.residentOf(record) === principal.residentId;
  }
  if (principal.kind === "enterprise") return actsFor(principal, rule.enterpriseOf?.(record));
  if (principal.kind !== "officer" || principal.departmentId === null) return false;
  const { departmentId } = principal;
  if (departmentId !== rule.desk.departmentId && !rule.alsoOfficersOf?.includes(departmentId)) return false;
  const owner = rule.residentOf(record);
  if (rule.districtWide && owner === null) return true;
  if (principal.streetIds.length === 0) return false;
  // Both lookups start in this tick, so the records of one list batch into one query per hop and one register lookup.
  const [ownerInReach, street] = await Promise.all([
    owner === null ? true : residentInReach(context, owner),
    rule.districtWide ? null : rule.streetOf(record, context),
  ]);
  return ownerInReach && (rule.districtWide === true || inJurisdiction(principal, street));
}

/** The record, or null when there is none or the caller may not see it: both answer the same. */
export async function readableRecord<R, C extends ReachContext>(
  rule: ResidentRecordRule<R, C>,
  record: R | null | undefined,
  context: C,
): Promise<R | null> {
  if (record === null || record === undefined) return null;
  return (await mayReadRecord(rule, record, context)) ? record : null;
}

/**
 * The records the caller may see, in their order. All records are checked in one tick, so loader lookups of their
 * streets batch into one query per hop.
 */
export async function readableRecords<R, C extends ReachContext>(
  rule: ResidentRecordRule<R, C>,
  records: readonly R[],
  context: C,
): Promise<R[]> {
  const verdicts = await Promise.all(records.map((record) => mayReadRecord(rule, record, context)));
  return records.filter((_, index) => verdicts[index]);
}

/**
 * Refuses an officer who would create a record at a facility outside their jurisdiction (they could not even read it
 * back). Residents act wherever they like; `where` names the facility for the message.
 */
export function requireJurisdiction(principal: Principal, streetId: string | null | undefined, where: string): void {
  if (principal.kind !== "officer" || inJurisdiction(principal, streetId)) return;
  throw codedError(
    "FORBIDDEN",
    `${where} is in ${streetId ?? "no street"}, outside your jurisdiction (${principal.streetIds.join(", ") || "none"}); an officer of that street must do this.`,
  );
}
