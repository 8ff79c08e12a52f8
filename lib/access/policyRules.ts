/**
 * What a policy means (授权管理, step 3): data that security admins write, validated here, evaluated identically by
 * the gateway (enforcement) and the identity service (simulation).
 *
 * A policy is a list of grants; it allows a principal when **any** grant matches, and a grant matches when **all**
 * of its conditions hold. A policy with no grants allows nobody; a missing policy allows nobody (deny by default).
 *
 * ```json
 * { "anyOf": [
 *     { "kinds": ["resident"] },
 *     { "kinds": ["officer"], "departments": ["dept-health"], "purposes": ["medical-treatment"],
 *       "clearance": "sensitive", "timeWindow": { "days": [1, 2, 3, 4, 5], "from": "08:00", "to": "18:00" } }
 * ] }
 * ```
 */
import { z } from "zod";
import { GRANTABLE_KINDS, isGrantableKind } from "../contracts/principal.ts";
import type { Principal } from "../principal.ts";

/** Classification clearance, lowest first. A principal holds `clearance:<level>` scopes; a higher level covers lower ones. */
export const CLEARANCE_LEVELS = ["internal", "personal", "sensitive"] as const;
export type ClearanceLevel = (typeof CLEARANCE_LEVELS)[number];

const token = z.string().min(1).max(80);
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "use HH:MM, 24-hour Shanghai time");

export const grantSchema = z
  .object({
    /** Principal kinds, any of (the verified callers: lib/contracts/principal.ts). */
    kinds: z.array(z.enum(GRANTABLE_KINDS)).min(1).optional(),
    /** Roles, any of. */
    roles: z.array(token).min(1).optional(),
    /** Scopes, all of. */
    scopes: z.array(token).min(1).optional(),
    /** The officer's department, any of. */
    departments: z.array(token).min(1).optional(),
    /** The officer's jurisdiction must include one of these streets; `["*"]` means any street at all. */
    streets: z.array(token).min(1).optional(),
    /** The purpose declared with the request (x-og-purpose), any of (PIPL art. 6 and 28). */
    purposes: z.array(token).min(1).optional(),
    /** The principal's classification clearance must reach this level. */
    clearance: z.enum(CLEARANCE_LEVELS).optional(),
    /** Only on these weekdays (1 = Monday … 7 = Sunday) and between these times, Asia/Shanghai; `to` is exclusive. */
    timeWindow: z
      .object({ days: z.array(z.number().int().min(1).max(7)).min(1).optional(), from: clock, to: clock })
      .strict()
      .optional(),
  })
  .strict();

export const policyRuleSchema = z.object({ anyOf: z.array(grantSchema).max(50) }).strict();

export type Grant = z.infer<typeof grantSchema>;
export type PolicyRule = z.infer<typeof policyRuleSchema>;

/** A policy as the gateway holds it: the active version of each name. */
export interface ActivePolicy {
  name: string;
  version: number;
  description: string;
  rule: PolicyRule;
}

/** The set of active policies with the revision it was read at (every enable/disable bumps the revision). */
export interface PolicySet {
  revision: number;
  policies: Map<string, ActivePolicy>;
}

export const EMPTY_POLICY_SET: PolicySet = Object.freeze({ revision: 0, policies: new Map() }) as PolicySet;

/** What a request is judged on. */
export interface AccessFacts {
  principal: Principal;
  purpose: string | null;
  now: Date;
}

/** Whether any grant of the policy matches. */
export function policyAllows(rule: PolicyRule, facts: AccessFacts): boolean {
  return rule.anyOf.some((grant) => grantMatches(grant, facts));
}

export function grantMatches(grant: Grant, { principal, purpose, now }: AccessFacts): boolean {
  if (grant.kinds && !(isGrantableKind(principal.kind) && grant.kinds.includes(principal.kind))) return false;
  if (grant.roles && !grant.roles.some((role) => principal.roles.includes(role))) return false;
  if (grant.scopes && !grant.scopes.every((scope) => principal.scopes.includes(scope))) return false;
  if (grant.departments && !(principal.departmentId && grant.departments.includes(principal.departmentId)))
    return false;
  if (grant.streets) {
    const any = grant.streets.includes("*");
    if (!principal.streetIds.some((street) => any || grant.streets?.includes(street))) return false;
  }
  if (grant.purposes && !(purpose && grant.purposes.includes(purpose))) return false;
  if (grant.clearance && !hasClearance(principal, grant.clearance)) return false;
  if (grant.timeWindow && !withinWindow(grant.timeWindow, now)) return false;
  return true;
}

export function hasClearance(principal: Principal, level: ClearanceLevel): boolean {
  const needed = CLEARANCE_LEVELS.indexOf(level);
  return CLEARANCE_LEVELS.some((held, index) => index >= needed && principal.scopes.includes(`clearance:${held}`));
}

const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

/** Shanghai has no daylight saving time: local time is UTC+8 all year. */
export function withinWindow(window: NonNullable<Grant["timeWindow"]>, now: Date): boolean {
  const local = new Date(now.getTime() + SHANGHAI_OFFSET_MS);
  const weekday = local.getUTCDay() === 0 ? 7 : local.getUTCDay();
  if (window.days && !window.days.includes(weekday)) return false;
  const minutes = local.getUTCHours() * 60 + local.getUTCMinutes();
  const [fromH, fromM] = window.from.split(":").map(Number) as [number, number];
  const [toH, toM] = window.to.split(":").map(Number) as [number, number];
  const from = fromH * 60 + fromM;
  const to = toH * 60 + toM;
  return from <= to ? minutes >= from && minutes < to : minutes >= from || minutes < to;
}

/**
 * A one-line account of what a policy asks for, for denial messages ("what would allow this"). It says that a grant
 * needs a declared purpose but never which: naming the purpose that would open a field would invite callers to
 * declare it (PIPL art. 6), so purposes are the one condition left unnamed.
 */
export function describeRule(rule: PolicyRule): string {
  if (rule.anyOf.length === 0) return "nobody";
  return rule.anyOf.map(describeGrant).join("; or ");
}

function describeGrant(grant: Grant): string {
  const parts: string[] = [grant.kinds ? grant.kinds.join(" or ") : "anyone logged in"];
  if (grant.departments) parts.push(`of ${grant.departments.join(" or ")}`);
  if (grant.roles) parts.push(`with role ${grant.roles.join(" or ")}`);
  if (grant.scopes) parts.push(`with scopes ${grant.scopes.join(" and ")}`);
  if (grant.streets) {
    parts.push(grant.streets.includes("*") ? "with a jurisdiction" : `covering ${grant.streets.join(" or ")}`);
  }
  if (grant.purposes) parts.push("declaring a purpose registered for it (x-og-purpose)");
  if (grant.clearance) parts.push(`with ${grant.clearance} clearance`);
  if (grant.timeWindow) {
    const days = grant.timeWindow.days ? ` on weekdays ${grant.timeWindow.days.join(",")}` : "";
    parts.push(`between ${grant.timeWindow.from} and ${grant.timeWindow.to}${days} (Shanghai time)`);
  }
  return parts.join(" ");
}
