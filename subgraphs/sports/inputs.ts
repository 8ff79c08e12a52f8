/**
 * Checks shared by the sports mutations, and the database error shapes they translate. Each check names the argument
 * and says what to send instead.
 */
import { codedError } from "../../lib/errors.ts";

/** Resident ids are issued by the identity subgraph as `resident-` and six digits, e.g. `resident-000042`. */
const RESIDENT_ID = /^resident-\d{6}$/;

export const MAX_REASON_LENGTH = 200;

/**
 * How long a mutation may wait to start and to finish. On PGlite, concurrent transactions queue behind each other,
 * so a burst of bookings waits longer than Prisma's 2 s default before its turn.
 */
export const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 10_000 } as const;

export function parseResidentId(value: string, argument = "input.residentId"): string {
  const id = value.trim();
  if (!RESIDENT_ID.test(id)) {
    throw codedError(
      "BAD_USER_INPUT",
      `${argument} is ${JSON.stringify(value.slice(0, 40))}; send a resident id such as "resident-000042".`,
      { argument },
    );
  }
  return id;
}

export function parseReason(value: string | null | undefined, argument = "input.reason"): string | null {
  const reason = value?.trim() || null;
  if (reason && reason.length > MAX_REASON_LENGTH) {
    throw codedError(
      "BAD_USER_INPUT",
      `The reason has ${reason.length} characters; shorten it to at most ${MAX_REASON_LENGTH}.`,
      { argument },
    );
  }
  return reason;
}

/** Prisma's "no row matched" (P2025): a conditional update found its condition false. */
export function isRecordNotFound(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "P2025";
}

/**
 * The court-booking guard trigger's refusal (SQLSTATE 23P01, exclusion_violation). Adapters report it in different
 * places: `@prisma/adapter-pg` keeps the driver error as the cause, the PGlite adapter passes the code through.
 */
export function isBookingGuardViolation(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === "object" && !seen.has(current)) {
    seen.add(current);
    const e = current as { code?: unknown; originalCode?: unknown; meta?: { code?: unknown }; cause?: unknown };
    if (e.code === "23P01" || e.originalCode === "23P01" || e.meta?.code === "23P01") return true;
    if (/\b23P01\b/.test(String((current as { message?: unknown }).message ?? ""))) return true;
    current = e.cause;
  }
  return false;
}
