/**
 * Purposes as data (处理目的, PIPL art. 6, 17, 28): which purposes a request may declare (x-og-purpose), who may declare
 * each, and whether it needs a case reference (x-og-case). Security admins edit the registry in the identity service;
 * the gateway polls it and checks every declaration before anything else reads the purpose (gateway/authorization/
 * purposes.ts); the access simulation judges with the same function.
 *
 * A purpose allows a principal when its kind is listed, and — where the purpose lists them — one of its roles and its
 * department are too. An unknown purpose, a disabled one and a malformed header allow nobody. Denials never say which
 * purpose would have been allowed: the registry is not something to probe.
 */
import { z } from "zod";
import { GRANTABLE_KINDS, isGrantableKind } from "../contracts/principal.ts";
import type { Principal } from "../principal.ts";

/** A purpose name: lower-case words joined by dashes, e.g. `medical-treatment`. */
export const PURPOSE_NAME = /^[a-z][a-z0-9-]{1,63}$/;

/**
 * A case reference (案件/办件编号): an issuing code of 2–10 capital letters, then 1–5 dash-separated parts of capitals
 * and digits, at most 64 characters, e.g. `WJW-2026-000123` (a 区卫健委 treatment case) or `ZWFW-20261201-0042` (a
 * 行政服务中心 application). Strict on purpose: it is recorded in the audit and quoted in investigations.
 */
export const CASE_REFERENCE = /^(?=.{4,64}$)[A-Z]{2,10}(-[A-Z0-9]{1,20}){1,5}$/;

const token = z.string().trim().min(1).max(80);

/** What a security admin writes for one version of a purpose (validated before it is stored). */
export const purposeDefinitionSchema = z
  .object({
    /** The law that allows the processing, e.g. `PIPL art. 13(1)(3); 居民身份证法 art. 14`. */
    legalBasis: z.string().trim().min(3).max(300),
    description: z.string().trim().min(3).max(500),
    /** Principal kinds that may declare it; the system and anonymous callers never declare one. */
    kinds: z.array(z.enum(GRANTABLE_KINDS)).min(1).max(GRANTABLE_KINDS.length),
    /** Any of; empty: any role of those kinds. */
    roles: z.array(token).max(20).default([]),
    /** Any of; empty: any department. */
    departments: z.array(token).max(50).default([]),
    requiresCase: z.boolean(),
    retentionDays: z.number().int().min(1).max(36_500),
  })
  .strict();

export type PurposeDefinition = z.infer<typeof purposeDefinitionSchema>;

/** One active purpose as the gateway holds it. */
export interface ActivePurpose extends PurposeDefinition {
  name: string;
  version: number;
}

/**
 * The registry's active purposes and the revision they were read at, as the gateway holds it (read from the
 * GET /access/purposes payload, lib/contracts/purposeRegistry.ts).
 */
export interface PurposeRegistry {
  revision: number;
  purposes: Map<string, ActivePurpose>;
}

export const EMPTY_PURPOSE_REGISTRY: PurposeRegistry = Object.freeze({
  revision: 0,
  purposes: new Map(),
}) as PurposeRegistry;

/** Whether the principal may declare this purpose. */
export function purposeAllows(purpose: PurposeDefinition, principal: Principal): boolean {
  if (!(isGrantableKind(principal.kind) && purpose.kinds.includes(principal.kind))) return false;
  if (purpose.roles.length > 0 && !purpose.roles.some((role) => principal.roles.includes(role))) return false;
  if (
    purpose.departments.length > 0 &&
    !(principal.departmentId && purpose.departments.includes(principal.departmentId))
  )
    return false;
  return true;
}

export type PurposeDeclaration =
  | { ok: true; purpose: string | null; caseReference: string | null }
  | { ok: false; problem: "purpose-not-allowed" | "case-required" | "case-invalid" | "case-without-purpose" };

const single = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? (value.length === 1 ? value[0] : value.join(",")) : value;

/**
 * Judges a request's declaration: the purpose header and the case header as received (an array when repeated).
 * No purpose and no case: nothing is declared, which is allowed (policies that need a purpose then deny their fields).
 */
export function judgeDeclaration(
  registry: PurposeRegistry,
  principal: Principal,
  purposeHeader: string | string[] | undefined,
  caseHeader: string | string[] | undefined,
): PurposeDeclaration {
  const declared = single(purposeHeader);
  const caseReference = single(caseHeader);
  if (declared === undefined || declared === "") {
    if (caseReference !== undefined && caseReference !== "") return { ok: false, problem: "case-without-purpose" };
    return { ok: true, purpose: null, caseReference: null };
  }
  const purpose = PURPOSE_NAME.test(declared) ? registry.purposes.get(declared) : undefined;
  if (!purpose || !purposeAllows(purpose, principal)) return { ok: false, problem: "purpose-not-allowed" };
  if (caseReference === undefined || caseReference === "") {
    return purpose.requiresCase
      ? { ok: false, problem: "case-required" }
      : { ok: true, purpose: declared, caseReference: null };
  }
  if (!CASE_REFERENCE.test(caseReference)) return { ok: false, problem: "case-invalid" };
  return { ok: true, purpose: declared, caseReference };
}
