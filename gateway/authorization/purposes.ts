/**
 * Purposes as data at the gateway (处理目的, PIPL art. 6 and 28): the purpose registry polled from the identity service,
 * where security admins edit it, and the check of every request's declaration when its context is built — before any
 * plugin, policy or subgraph sees the purpose.
 *
 * - No purpose declared: nothing to check (policies that need a purpose deny their fields).
 * - A purpose the caller may not declare (unknown, disabled, malformed, or not registered for the caller's kind, role
 *   or department): 403 PURPOSE_NOT_ALLOWED, always with the same message, which never hints at a purpose that would
 *   have been allowed.
 * - A purpose that requires a case without a case reference (x-og-case): 400 CASE_REFERENCE_REQUIRED; a malformed
 *   reference, or one without a purpose: 400 CASE_REFERENCE_INVALID.
 *
 * The registry is polled like the access policies (a signed request with the revision held; 304 when unchanged).
 * Until the first successful poll it is empty, so every declared purpose is refused (deny by default); a failed poll,
 * or a payload that does not match its contract (lib/contracts/purposeRegistry.ts; `PayloadRefused` to `onError`),
 * keeps the last known registry. A purpose this gateway cannot read is left out: nobody may declare it.
 */
import type { IncomingMessage } from "node:http";
import {
  type ActivePurpose,
  EMPTY_PURPOSE_REGISTRY,
  judgeDeclaration,
  type PurposeRegistry,
} from "../../lib/access/purposes.ts";
import { readPayload } from "../../lib/contracts/payload.ts";
import { type ParsedPurposeRegistry, purposeRegistrySchema } from "../../lib/contracts/purposeRegistry.ts";
import { codedError } from "../../lib/errors.ts";
import { revisionPoller } from "../../lib/http/revisionPoller.ts";
import type { Principal } from "../../lib/principal.ts";
import { CASE_HEADER, PURPOSE_HEADER } from "../../lib/wire.ts";

export interface PurposeSourceOptions {
  /** The identity service's `/access/purposes` endpoint. */
  url: string;
  /** Signed gateway headers for one poll of this exact URL (a GET; the envelope is bound to it). */
  headers: (url: string) => Record<string, string>;
  intervalMs?: number;
  timeoutMs?: number;
  onError?: (error: unknown) => void;
  /** A new registry is in force; `unreadable` purposes were left out (nobody may declare them). */
  onChange?: (registry: PurposeRegistry, unreadable: number) => void;
}

export interface PurposeSource {
  current(): PurposeRegistry;
  /** Polls now (start-up, tests). */
  refresh(): Promise<void>;
  stop(): void;
}

export function createPurposeSource(options: PurposeSourceOptions): PurposeSource {
  let registry: PurposeRegistry = EMPTY_PURPOSE_REGISTRY;
  const poller = revisionPoller({
    ...options,
    what: "purpose registry",
    revision: () => registry.revision,
    apply: async (response) => {
      const { registry: next, unreadable } = registryFrom(
        await readPayload("purpose registry", purposeRegistrySchema, response),
      );
      registry = next;
      options.onChange?.(registry, unreadable);
    },
  });
  return { current: () => registry, refresh: poller.refresh, stop: poller.stop };
}

/** The registry a GET /access/purposes payload holds, and how many purposes could not be read (left out). */
export function registryFrom(payload: ParsedPurposeRegistry): { registry: PurposeRegistry; unreadable: number } {
  const purposes = new Map<string, ActivePurpose>();
  let unreadable = 0;
  for (const purpose of payload.purposes) {
    if (purpose) purposes.set(purpose.name, purpose);
    else unreadable += 1;
  }
  return { registry: { revision: payload.revision, purposes }, unreadable };
}

/** What a request declared, once checked: carried in the context, the envelope and the audit record. */
export interface DeclaredPurpose {
  purpose: string | null;
  caseReference: string | null;
}

/** One message for every refused purpose, whatever the reason: the registry is not something to probe. */
export const PURPOSE_NOT_ALLOWED_MESSAGE =
  "The purpose declared in x-og-purpose may not be declared by this caller. Send the request without it, or ask a " +
  "security administrator which purposes are registered for your role and department.";

/**
 * Checks the request's x-og-purpose and x-og-case for this principal against the registry; throws the coded error
 * that ends the request otherwise.
 */
export function declaredPurpose(
  registry: PurposeRegistry,
  principal: Principal,
  req: IncomingMessage,
): DeclaredPurpose {
  const judged = judgeDeclaration(registry, principal, req.headers[PURPOSE_HEADER], req.headers[CASE_HEADER]);
  if (judged.ok) return { purpose: judged.purpose, caseReference: judged.caseReference };
  switch (judged.problem) {
    case "purpose-not-allowed":
      throw codedError("PURPOSE_NOT_ALLOWED", PURPOSE_NOT_ALLOWED_MESSAGE);
    case "case-required":
      throw codedError(
        "CASE_REFERENCE_REQUIRED",
        "This purpose is declared for one case: send its reference in x-og-case, e.g. x-og-case: WJW-2026-000123.",
      );
    case "case-invalid":
      throw codedError(
        "CASE_REFERENCE_INVALID",
        "x-og-case must be a case reference of capitals, digits and dashes, e.g. WJW-2026-000123 (at most 64 characters).",
      );
    case "case-without-purpose":
      throw codedError(
        "CASE_REFERENCE_INVALID",
        "x-og-case names the case a declared purpose serves: send x-og-purpose with it, or leave both out.",
      );
  }
}
