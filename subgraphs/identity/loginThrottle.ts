/**
 * Throttling and lockout of password logins, decided from the LoginAttempt audit itself: the state lives in the
 * database, so every replica sees the same counts, and nothing else has to be kept or expired.
 *
 * - Per username and per client address: from the 5th failure within 15 minutes, the next attempt must wait
 *   2^(failures − 5) seconds after the last failure (1, 2, 4 … capped at 300) — answered 429 with Retry-After.
 * - Per username: 10 failures within 15 minutes lock the account for 30 minutes from the 10th — answered 423, even
 *   for the right password, which is not even checked then.
 *
 * A failure is a wrong password, an unknown username or a disabled account, alike, so that the answers never tell
 * which usernames exist. Attempts refused by the throttle or the lock are recorded but do not count. Two guesses
 * sent at the same instant are both checked (the count is read before either is written): the limits can be
 * overshot by the number of simultaneous requests, never by more.
 */
import { randomBytes } from "node:crypto";
import type { LoginOutcome } from "./generated/prisma/client.ts";
import type { IdentityPrisma } from "./loaders.ts";

export const LOGIN_LIMITS = {
  windowMs: 15 * 60 * 1000,
  throttleAfterFailures: 5,
  lockAfterFailures: 10,
  lockMs: 30 * 60 * 1000,
  maxDelaySeconds: 300,
} as const;

export const FAILED_OUTCOMES: LoginOutcome[] = ["BAD_PASSWORD", "UNKNOWN_USER", "DISABLED"];

export type LoginGate =
  | { state: "open" }
  | { state: "throttled"; retryAfterSeconds: number }
  | { state: "locked"; retryAfterSeconds: number };

/** When a series of failures (any order) locks the account, the end of the latest lock; null when never. */
export function lockedUntil(failures: Date[]): Date | null {
  const times = failures.map((d) => d.getTime()).sort((a, b) => a - b);
  let until: number | null = null;
  const n = LOGIN_LIMITS.lockAfterFailures;
  for (let i = n - 1; i < times.length; i++) {
    if ((times[i] as number) - (times[i - n + 1] as number) <= LOGIN_LIMITS.windowMs) {
      until = Math.max(until ?? 0, (times[i] as number) + LOGIN_LIMITS.lockMs);
    }
  }
  return until === null ? null : new Date(until);
}

/** The earliest time the next attempt is allowed after these failures; null when it is allowed at once. */
export function throttledUntil(failures: Date[], now: Date): Date | null {
  const recent = failures.map((d) => d.getTime()).filter((t) => t > now.getTime() - LOGIN_LIMITS.windowMs);
  if (recent.length < LOGIN_LIMITS.throttleAfterFailures) return null;
  const delaySeconds = Math.min(
    LOGIN_LIMITS.maxDelaySeconds,
    2 ** (recent.length - LOGIN_LIMITS.throttleAfterFailures),
  );
  return new Date(Math.max(...recent) + delaySeconds * 1000);
}

const secondsUntil = (then: Date, now: Date) => Math.max(1, Math.ceil((then.getTime() - now.getTime()) / 1000));

/** Decides whether an attempt may check a password. The lock outranks the throttle. */
export function assessLogin(usernameFailures: Date[], addressFailures: Date[], now: Date): LoginGate {
  const locked = lockedUntil(usernameFailures);
  if (locked && locked > now) return { state: "locked", retryAfterSeconds: secondsUntil(locked, now) };
  const waits = [throttledUntil(usernameFailures, now), throttledUntil(addressFailures, now)].filter(
    (until): until is Date => until !== null && until > now,
  );
  if (waits.length === 0) return { state: "open" };
  const latest = new Date(Math.max(...waits.map((d) => d.getTime())));
  return { state: "throttled", retryAfterSeconds: secondsUntil(latest, now) };
}

/** Enough history for any decision: a lock needs 10 failures, the throttle's delay stops growing at 2^8 s. */
const HISTORY_ROWS = 40;

/**
 * Reads the failures that matter for one attempt (two indexed queries) and decides. Without a client address (a
 * password check inside GraphQL, behind the gateway) only the username's count applies.
 */
export async function loginGate(
  prisma: IdentityPrisma,
  usernameKey: string,
  clientIp: string | null,
  now: Date,
): Promise<LoginGate> {
  const lockHorizon = new Date(now.getTime() - LOGIN_LIMITS.windowMs - LOGIN_LIMITS.lockMs);
  const windowStart = new Date(now.getTime() - LOGIN_LIMITS.windowMs);
  const [byUsername, byAddress] = await Promise.all([
    prisma.loginAttempt.findMany({
      where: { usernameKey, outcome: { in: FAILED_OUTCOMES }, at: { gt: lockHorizon, lte: now } },
      select: { at: true },
      orderBy: { at: "desc" },
      take: HISTORY_ROWS,
    }),
    clientIp === null
      ? []
      : prisma.loginAttempt.findMany({
          where: { clientIp, outcome: { in: FAILED_OUTCOMES }, at: { gt: windowStart, lte: now } },
          select: { at: true },
          orderBy: { at: "desc" },
          take: HISTORY_ROWS,
        }),
  ]);
  return assessLogin(
    byUsername.map((row) => row.at),
    byAddress.map((row) => row.at),
    now,
  );
}

let attemptCounter = 0;

/**
 * Attempt ids sort by time, so the audit pages chronologically by id: the instant leads, then this process's counter
 * (attempts within one millisecond keep their order), then random bytes (replicas never collide).
 */
export function loginAttemptId(at: Date): string {
  attemptCounter = (attemptCounter + 1) % 1_000_000;
  const counter = attemptCounter.toString().padStart(6, "0");
  return `login-${at.getTime().toString().padStart(13, "0")}-${counter}-${randomBytes(4).toString("hex")}`;
}
