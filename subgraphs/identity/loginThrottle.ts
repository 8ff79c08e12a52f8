/**
 * Throttling and lockout of password checks, decided from the LoginAttempt audit itself: the state lives in the
 * database, so every replica sees the same counts, and nothing else has to be kept or expired. Designed so that a
 * lockout cannot be turned into a weapon: nobody can lock the owner out by failing logins in their name.
 *
 * - **Known addresses keep the owner in.** An address the person logged in from successfully within the last 90 days
 *   (KnownLoginAddress) is judged on its own failures for that account only: from the 5th failure within 15 minutes
 *   the next attempt waits 2^(failures − 5) seconds (1, 2, 4 … capped at 300). It is never locked, and failures from
 *   elsewhere (the account's or the address's) do not count against it. An attacker who fails 1,000 times from their
 *   own address locks only unknown addresses out; the owner logs in from the office as usual.
 * - **Unknown addresses** are judged on the account's failures and the address's failures (any account): the same
 *   backoff from the 5th failure of either, and 10 failures of the account within 15 minutes lock the account for 30
 *   minutes from the 10th for every unknown address — answered 423, the password not even checked.
 * - **Unlock**: a security admin's unlock (an UNLOCKED row) ends the lock at once; failures before it no longer count
 *   against the account (an address's own failures still do).
 *
 * A failure is a wrong password, an unknown username or a disabled account, alike, so that the answers never tell
 * which usernames exist. Attempts refused by the throttle or the lock are recorded but do not count. Two guesses sent
 * at the same instant are both checked (the count is read before either is written): the limits can be overshot by
 * the number of simultaneous requests, never by more. The CPU these checks cost is bounded separately, per client
 * address, by the hashing budget (hashingBudget.ts).
 */
import { randomBytes } from "node:crypto";
import { type LoginOutcome, Prisma } from "./generated/prisma/client.ts";
import type { IdentityDb } from "./sessions.ts";

export const LOGIN_LIMITS = {
  windowMs: 15 * 60 * 1000,
  throttleAfterFailures: 5,
  lockAfterFailures: 10,
  lockMs: 30 * 60 * 1000,
  maxDelaySeconds: 300,
  /** An address stays known for this long after the last successful login from it. */
  knownAddressMs: 90 * 24 * 60 * 60 * 1000,
} as const;

export const FAILED_OUTCOMES: LoginOutcome[] = ["BAD_PASSWORD", "UNKNOWN_USER", "DISABLED"];

export type LoginGate =
  | { state: "open" }
  | { state: "throttled"; retryAfterSeconds: number }
  | { state: "locked"; retryAfterSeconds: number };

/** What one attempt is judged on. Account and pair failures are those after the latest unlock. */
export interface LoginHistory {
  /** Failures of the account (any address). */
  accountFailures: Date[];
  /** Failures from the address (any account). */
  addressFailures: Date[];
  /** Failures of the account from this address. */
  pairFailures: Date[];
  /** The address logged in to this account successfully within `knownAddressMs`. */
  knownAddress: boolean;
}

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

/** Decides whether an attempt may check a password. For unknown addresses the lock outranks the throttle. */
export function assessLogin(history: LoginHistory, now: Date): LoginGate {
  if (history.knownAddress) {
    const until = throttledUntil(history.pairFailures, now);
    return until && until > now
      ? { state: "throttled", retryAfterSeconds: secondsUntil(until, now) }
      : { state: "open" };
  }
  const locked = lockedUntil(history.accountFailures);
  if (locked && locked > now) return { state: "locked", retryAfterSeconds: secondsUntil(locked, now) };
  const waits = [throttledUntil(history.accountFailures, now), throttledUntil(history.addressFailures, now)].filter(
    (until): until is Date => until !== null && until > now,
  );
  if (waits.length === 0) return { state: "open" };
  const latest = new Date(Math.max(...waits.map((d) => d.getTime())));
  return { state: "throttled", retryAfterSeconds: secondsUntil(latest, now) };
}

/** Enough history for any decision: a lock needs 10 failures, the throttle's delay stops growing at 2^8 s. */
const HISTORY_ROWS = 40;

/** Failures newest first, cut at the latest unlock (rows are failures and unlocks, newest first). */
function sinceUnlock(rows: Array<{ at: Date; outcome: LoginOutcome }>): Date[] {
  const failures: Date[] = [];
  for (const row of rows) {
    if (row.outcome === "UNLOCKED") break;
    failures.push(row.at);
  }
  return failures;
}

export interface LoginSubject {
  /** Lower-cased, trimmed username (also for unknown usernames). */
  usernameKey: string;
  /** The account, when the username has one. */
  personId: string | null;
  /**
   * The client address as the identity service trusts it, or for checks inside GraphQL the caller's session
   * (`session:<sid>`): a session was obtained with the right password, so it counts as a known address.
   */
  clientIp: string;
  /** Treat the address as known without looking it up (a session's own password checks). */
  knownAddress?: boolean;
}

/** One row of the gate's statement: a failure (or unlock) of one of the three series, or the known address. */
interface GateRow {
  series: "account" | "address" | "pair" | "known";
  at: Date;
  outcome: LoginOutcome | null;
}

/**
 * Reads the failures that matter for one attempt and decides. One statement of four indexed parts — the account's,
 * the address's and the pair's latest failures (and unlocks), and whether the address is known to the person — so a
 * refused attempt of a flood costs the database three statements in all (the account, this, the attempt's row)
 * instead of six.
 */
export async function loginGate(db: IdentityDb, subject: LoginSubject, now: Date): Promise<LoginGate> {
  const { usernameKey, personId, clientIp } = subject;
  const lockHorizon = new Date(now.getTime() - LOGIN_LIMITS.windowMs - LOGIN_LIMITS.lockMs);
  const windowStart = new Date(now.getTime() - LOGIN_LIMITS.windowMs);
  const failed = Prisma.join(FAILED_OUTCOMES);
  const failedOrUnlock = Prisma.join([...FAILED_OUTCOMES, "UNLOCKED"]);
  const lookUpKnown = subject.knownAddress === undefined && personId !== null;
  const rows = await db.$queryRaw<GateRow[]>`
    (SELECT 'account' AS "series", "at", "outcome"::text AS "outcome" FROM "LoginAttempt"
      WHERE "usernameKey" = ${usernameKey} AND "outcome"::text IN (${failedOrUnlock})
        AND "at" > ${lockHorizon} AND "at" <= ${now}
      ORDER BY "at" DESC LIMIT ${HISTORY_ROWS})
    UNION ALL
    (SELECT 'address', "at", "outcome"::text FROM "LoginAttempt"
      WHERE "clientIp" = ${clientIp} AND "outcome"::text IN (${failed}) AND "at" > ${windowStart} AND "at" <= ${now}
      ORDER BY "at" DESC LIMIT ${HISTORY_ROWS})
    UNION ALL
    (SELECT 'pair', "at", "outcome"::text FROM "LoginAttempt"
      WHERE "usernameKey" = ${usernameKey} AND "clientIp" = ${clientIp} AND "outcome"::text IN (${failedOrUnlock})
        AND "at" > ${windowStart} AND "at" <= ${now}
      ORDER BY "at" DESC LIMIT ${HISTORY_ROWS})
    UNION ALL
    (SELECT 'known', "lastSuccessAt", NULL FROM "KnownLoginAddress"
      WHERE ${lookUpKnown} AND "personId" = ${personId ?? ""} AND "clientIp" = ${clientIp})`;
  const series = (name: GateRow["series"]) =>
    rows
      .filter((row) => row.series === name)
      .map((row) => ({ at: new Date(row.at), outcome: row.outcome as LoginOutcome }))
      .sort((a, b) => b.at.getTime() - a.at.getTime());
  const known = rows.find((row) => row.series === "known");
  const knownAddress =
    subject.knownAddress ??
    (known !== undefined && new Date(known.at).getTime() > now.getTime() - LOGIN_LIMITS.knownAddressMs);
  return assessLogin(
    {
      accountFailures: sinceUnlock(series("account")),
      addressFailures: series("address").map((row) => row.at),
      pairFailures: sinceUnlock(series("pair")),
      knownAddress,
    },
    now,
  );
}

/** Remembers a successful login's address for the person (in the transaction that records the success). */
export async function rememberAddress(db: IdentityDb, personId: string, clientIp: string, now: Date): Promise<void> {
  await db.knownLoginAddress.upsert({
    where: { personId_clientIp: { personId, clientIp } },
    create: { personId, clientIp, firstSuccessAt: now, lastSuccessAt: now },
    update: { lastSuccessAt: now },
  });
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
