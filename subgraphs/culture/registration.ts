/**
 * Registering for free cultural deliveries and withdrawing (静安文化公益配送: 报名、候补与取消).
 *
 * Each mutation runs in one interactive transaction that first takes the programme row's lock (SELECT … FOR
 * UPDATE), so every change to one programme's places and waiting list happens one at a time, in the order the locks
 * were granted. Under that lock the counters are read fresh and written back together with the registrations:
 * - N simultaneous registrations for k free places give exactly k REGISTERED and waiting-list positions k+1 … N
 *   with no gap or repeat (each transaction sees the previous one's committed counters);
 * - a withdrawn place goes to the head of the waiting list in the same transaction, and the positions behind it
 *   close up in one UPDATE, so positions are always 1 … waitlistedCount;
 * - the resident's second registration for the same programme sees the first one (committed before its lock was
 *   granted); the partial unique index on live registrations backs this up.
 * Every transaction locks the programme before it writes anything, so two of them cannot deadlock. The CHECK
 * constraints of the migration refuse any write that would break the counters anyway. On PGlite transactions run
 * one at a time, which is trivially safe; the same code is correct on PostgreSQL.
 */

import { randomUUID } from "node:crypto";
import { isUniqueViolation } from "../../lib/db/errors.ts";
import { codedError } from "../../lib/errors.ts";
import type { CultureProgramme, CultureRegistration, Prisma } from "./generated/prisma/client.ts";
import type { CulturePrisma } from "./loaders.ts";

export interface RegisterInput {
  programmeId: string;
  residentId: string;
}

export interface CancelInput {
  registrationId: string;
}

export interface RegistrationOutcome {
  registration: CultureRegistration;
  /** The programme as the transaction left it, so the answer shows the new counters without another query. */
  programme: CultureProgramme;
}

export interface CancellationOutcome extends RegistrationOutcome {
  promoted: CultureRegistration | null;
}

/** Resident ids of the identity register: `resident-` and six digits. */
const RESIDENT_ID = /^resident-\d{6}$/;

/**
 * How long a mutation may wait to start and to finish. Registrations for one programme queue behind its row lock
 * (and on PGlite all transactions queue), so a burst of registrations waits longer than Prisma's 2 s default.
 */
const TRANSACTION_OPTIONS = { maxWait: 15_000, timeout: 15_000 } as const;

type Tx = Prisma.TransactionClient;

export async function registerForProgramme(
  prisma: CulturePrisma,
  input: RegisterInput,
  now: Date,
): Promise<RegistrationOutcome> {
  const residentId = input.residentId.trim();
  if (!RESIDENT_ID.test(residentId)) {
    throw codedError(
      "BAD_USER_INPUT",
      `"${residentId.slice(0, 40)}" is not a resident id; pass one like "resident-000123" (resident- and six digits).`,
      { argument: "input.residentId" },
    );
  }
  return prisma.$transaction(async (tx) => {
    const programme = await lockProgramme(tx, input.programmeId);
    if (!programme) {
      throw codedError(
        "NOT_FOUND_ENTITY",
        `There is no culture programme "${input.programmeId}"; choose one from cultureProgrammes(filter: { availableOnly: true }).`,
        { argument: "input.programmeId" },
      );
    }
    if (programme.startsAt.getTime() <= now.getTime()) {
      throw codedError(
        "DATE_IN_PAST",
        `Programme "${programme.id}" started at ${programme.startsAt.toISOString()}; registrations are closed. Choose one that starts later (cultureProgrammes(filter: { availableOnly: true }) lists them).`,
        { argument: "input.programmeId" },
      );
    }
    const held = await tx.cultureRegistration.findFirst({
      where: { programmeId: programme.id, residentId, status: { not: "CANCELLED" } },
    });
    if (held) throw alreadyRegistered(programme.id, residentId, held);

    let status: "REGISTERED" | "WAITLISTED";
    let updated: CultureProgramme;
    if (programme.registeredCount < programme.capacity) {
      status = "REGISTERED";
      updated = await tx.cultureProgramme.update({
        where: { id: programme.id },
        data: { registeredCount: { increment: 1 } },
      });
    } else if (programme.waitlistedCount < programme.waitlistCapacity) {
      status = "WAITLISTED";
      updated = await tx.cultureProgramme.update({
        where: { id: programme.id },
        data: { waitlistedCount: { increment: 1 } },
      });
    } else {
      throw codedError(
        "CAPACITY_REACHED",
        `Programme "${programme.id}" is full: all ${programme.capacity} places and all ${programme.waitlistCapacity} waiting-list places are taken. Choose another programme or date.`,
        { argument: "input.programmeId", capacity: programme.capacity, waitlistCapacity: programme.waitlistCapacity },
      );
    }
    try {
      const registration = await tx.cultureRegistration.create({
        data: {
          id: `creg-${randomUUID()}`,
          programmeId: programme.id,
          residentId,
          status,
          waitlistPosition: status === "WAITLISTED" ? updated.waitlistedCount : null,
          registeredAt: now,
        },
      });
      return { registration, programme: updated };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      throw alreadyRegistered(programme.id, residentId);
    }
  }, TRANSACTION_OPTIONS);
}

/** A missing registration, and one the caller may not see: the same answer, so a refusal reveals nothing. */
export function noSuchCultureRegistration(registrationId: string) {
  return codedError(
    "NOT_FOUND_ENTITY",
    `There is no culture registration "${registrationId}"; check the id (Resident.cultureRegistrations lists a resident's).`,
    { argument: "input.registrationId" },
  );
}

export async function cancelRegistration(
  prisma: CulturePrisma,
  input: CancelInput,
  now: Date,
): Promise<CancellationOutcome> {
  return prisma.$transaction(async (tx) => {
    const found = await tx.cultureRegistration.findUnique({
      where: { id: input.registrationId },
      select: { programmeId: true },
    });
    if (!found) {
      throw noSuchCultureRegistration(input.registrationId);
    }
    const programme = await lockProgramme(tx, found.programmeId);
    if (!programme) throw new Error(`Registration ${input.registrationId} names a missing programme.`);
    // Read again under the lock: a concurrent cancellation or promotion may have changed it since.
    const registration = await tx.cultureRegistration.findUniqueOrThrow({ where: { id: input.registrationId } });
    if (registration.status === "CANCELLED" || registration.status === "ATTENDED") {
      const what = registration.status === "CANCELLED" ? "already cancelled" : "attended (checked in at the door)";
      throw codedError(
        "INVALID_STATE_TRANSITION",
        `Registration "${registration.id}" is ${what}; only REGISTERED or WAITLISTED registrations can be cancelled. Register again if needed.`,
        { argument: "input.registrationId", status: registration.status },
      );
    }
    if (programme.startsAt.getTime() <= now.getTime()) {
      throw codedError(
        "DATE_IN_PAST",
        `Programme "${programme.id}" started at ${programme.startsAt.toISOString()}; registrations can no longer be cancelled. Contact the venue instead.`,
        { argument: "input.registrationId" },
      );
    }

    const cancelled = await tx.cultureRegistration.update({
      where: { id: registration.id },
      data: { status: "CANCELLED", cancelledAt: now, waitlistPosition: null },
    });
    let promoted: CultureRegistration | null = null;
    let updated: CultureProgramme;
    if (registration.status === "REGISTERED") {
      const head = await tx.cultureRegistration.findFirst({
        where: { programmeId: programme.id, status: "WAITLISTED" },
        orderBy: { waitlistPosition: "asc" },
      });
      if (head) {
        promoted = await tx.cultureRegistration.update({
          where: { id: head.id },
          data: { status: "REGISTERED", waitlistPosition: null, promotedAt: now },
        });
        await closeGap(tx, programme.id, head.waitlistPosition ?? 1);
        updated = await tx.cultureProgramme.update({
          where: { id: programme.id },
          data: { waitlistedCount: { decrement: 1 } },
        });
      } else {
        updated = await tx.cultureProgramme.update({
          where: { id: programme.id },
          data: { registeredCount: { decrement: 1 } },
        });
      }
    } else {
      await closeGap(tx, programme.id, registration.waitlistPosition ?? 1);
      updated = await tx.cultureProgramme.update({
        where: { id: programme.id },
        data: { waitlistedCount: { decrement: 1 } },
      });
    }
    return { registration: cancelled, promoted, programme: updated };
  }, TRANSACTION_OPTIONS);
}

/**
 * Takes the programme's row lock for the rest of the transaction and reads it. Reads after the lock see every
 * change committed by the transactions that held it before.
 */
async function lockProgramme(tx: Tx, programmeId: string): Promise<CultureProgramme | null> {
  const locked = await tx.$queryRaw<Array<{ id: string }>>`
    SELECT "id" FROM "CultureProgramme" WHERE "id" = ${programmeId} FOR UPDATE`;
  if (locked.length === 0) return null;
  return tx.cultureProgramme.findUnique({ where: { id: programmeId } });
}

/** Everyone behind a position that was vacated moves up one place. */
async function closeGap(tx: Tx, programmeId: string, vacated: number): Promise<void> {
  await tx.cultureRegistration.updateMany({
    where: { programmeId, status: "WAITLISTED", waitlistPosition: { gt: vacated } },
    data: { waitlistPosition: { decrement: 1 } },
  });
}

function alreadyRegistered(programmeId: string, residentId: string, held?: CultureRegistration) {
  const detail = held
    ? held.status === "WAITLISTED"
      ? ` (registration "${held.id}", waiting-list position ${held.waitlistPosition})`
      : ` (registration "${held.id}", ${held.status})`
    : "";
  return codedError(
    "BOOKING_OVERLAP",
    `Resident "${residentId}" already holds a registration for programme "${programmeId}"${detail}; keep it, or cancel it before registering again.`,
    { argument: "input.programmeId" },
  );
}
