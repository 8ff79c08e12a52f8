/**
 * Booking and cancelling appointments (便捷就医: 预约与取消).
 *
 * Each runs in one interactive transaction, so a failure leaves nothing half-written. Races are settled by the
 * database, not by the checks that come first (those only give the caller a precise message):
 * - the place is taken by a conditional update (`bookedCount < capacity`), which PostgreSQL re-checks after waiting
 *   for a concurrent writer's row lock, so a slot never ends up over capacity;
 * - the partial unique index on (slotId, residentId) among BOOKED appointments stops a resident's second,
 *   simultaneous booking of the same slot (its increment rolls back with it);
 * - cancelling flips status only where it is still BOOKED, so two simultaneous cancels free one place, not two.
 * On PGlite transactions run one at a time, which is trivially safe; the same code is correct on PostgreSQL.
 */

import { randomUUID } from "node:crypto";
import { isUniqueViolation } from "../../lib/db/errors.ts";
import { codedError } from "../../lib/errors.ts";
import type { Appointment, AppointmentSlot } from "./generated/prisma/client.ts";
import type { HealthPrisma } from "./loaders.ts";

export interface BookAppointmentInput {
  slotId: string;
  residentId: string;
}

export interface CancelAppointmentInput {
  appointmentId: string;
  reason?: string | null;
}

export interface BookingOutcome {
  appointment: Appointment;
  /** The slot as the transaction left it, so the answer shows the new bookedCount without another query. */
  slot: AppointmentSlot;
}

export const MAX_CANCEL_REASON_LENGTH = 200;

/**
 * How long a booking may wait to start and to finish. On PGlite, concurrent transactions queue behind each other,
 * so a burst of bookings waits longer than Prisma's 2 s default before its turn.
 */
const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 10_000 } as const;

export async function bookAppointment(
  prisma: HealthPrisma,
  input: BookAppointmentInput,
  now: Date,
): Promise<BookingOutcome> {
  const residentId = input.residentId.trim();
  if (residentId === "" || residentId.length > 64) {
    throw codedError("BAD_USER_INPUT", "residentId must be a resident id of 1 to 64 characters.", {
      argument: "input.residentId",
    });
  }
  return prisma.$transaction(async (tx) => {
    const slot = await tx.appointmentSlot.findUnique({ where: { id: input.slotId } });
    if (!slot) {
      throw codedError(
        "NOT_FOUND_ENTITY",
        `There is no appointment slot "${input.slotId}"; choose one from appointmentSlots(filter: { availableOnly: true }).`,
        { argument: "input.slotId" },
      );
    }
    if (slot.startsAt.getTime() <= now.getTime()) {
      throw codedError(
        "SLOT_IN_PAST",
        `Slot "${slot.id}" started at ${slot.startsAt.toISOString()}; choose a slot that starts later (availableOnly: true lists them).`,
        { argument: "input.slotId" },
      );
    }
    const held = await tx.appointment.findFirst({
      where: { slotId: slot.id, residentId, status: "BOOKED" },
      select: { id: true },
    });
    if (held) throw alreadyBooked(slot.id, residentId, held.id);

    let taken: AppointmentSlot;
    try {
      taken = await tx.appointmentSlot.update({
        where: { id: slot.id, bookedCount: { lt: tx.appointmentSlot.fields.capacity } },
        data: { bookedCount: { increment: 1 } },
      });
    } catch (error) {
      if (!isRecordNotFound(error)) throw error;
      throw codedError(
        "SLOT_FULL",
        `Slot "${slot.id}" has no places left (all ${slot.capacity} are booked); choose another slot of this doctor or clinic.`,
        { argument: "input.slotId", capacity: slot.capacity },
      );
    }
    try {
      const appointment = await tx.appointment.create({
        data: { id: `appt-${randomUUID()}`, slotId: slot.id, residentId, status: "BOOKED", bookedAt: now },
      });
      return { appointment, slot: taken };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      throw alreadyBooked(slot.id, residentId);
    }
  }, TRANSACTION_OPTIONS);
}

export async function cancelAppointment(
  prisma: HealthPrisma,
  input: CancelAppointmentInput,
  now: Date,
): Promise<BookingOutcome> {
  const reason = input.reason?.trim() || null;
  if (reason && reason.length > MAX_CANCEL_REASON_LENGTH) {
    throw codedError(
      "BAD_USER_INPUT",
      `The reason has ${reason.length} characters; shorten it to at most ${MAX_CANCEL_REASON_LENGTH}.`,
      { argument: "input.reason" },
    );
  }
  return prisma.$transaction(async (tx) => {
    const appointment = await tx.appointment.findUnique({ where: { id: input.appointmentId } });
    if (!appointment) {
      throw noSuchAppointment(input.appointmentId);
    }
    if (appointment.status === "CANCELLED") throw alreadyCancelled(appointment);
    const slot = await tx.appointmentSlot.findUniqueOrThrow({ where: { id: appointment.slotId } });
    if (slot.startsAt.getTime() <= now.getTime()) {
      throw codedError(
        "APPOINTMENT_NOT_CANCELLABLE",
        `Appointment "${appointment.id}" can no longer be cancelled: its slot started at ${slot.startsAt.toISOString()}. Contact the clinic instead.`,
        { argument: "input.appointmentId" },
      );
    }
    const cancelled = await tx.appointment.updateMany({
      where: { id: appointment.id, status: "BOOKED" },
      data: { status: "CANCELLED", cancelledAt: now, cancelReason: reason },
    });
    // Another request cancelled it between our read and this write.
    if (cancelled.count === 0) throw alreadyCancelled(appointment);
    // Only the request that flipped the status gets here, so the place is freed once. (Appointment row, then slot:
    // a booking that could wait on this appointment's row would be the same resident's, and that one stops at its
    // ALREADY_BOOKED check before it locks the slot, so the two cannot deadlock.)
    const freed = await tx.appointmentSlot.update({
      where: { id: slot.id },
      data: { bookedCount: { decrement: 1 } },
    });
    return {
      appointment: { ...appointment, status: "CANCELLED", cancelledAt: now, cancelReason: reason },
      slot: freed,
    };
  }, TRANSACTION_OPTIONS);
}

/** A missing appointment, and one the caller may not see: the same answer, so a refusal reveals nothing. */
export function noSuchAppointment(appointmentId: string) {
  return codedError("NOT_FOUND_ENTITY", `There is no appointment "${appointmentId}"; check the id.`, {
    argument: "input.appointmentId",
  });
}

function alreadyBooked(slotId: string, residentId: string, appointmentId?: string) {
  const held = appointmentId ? ` (appointment "${appointmentId}")` : "";
  return codedError(
    "ALREADY_BOOKED",
    `Resident "${residentId}" already holds slot "${slotId}"${held}; keep that appointment or cancel it before booking again.`,
    { argument: "input.slotId" },
  );
}

function alreadyCancelled(appointment: Appointment) {
  return codedError(
    "APPOINTMENT_NOT_CANCELLABLE",
    `Appointment "${appointment.id}" is already cancelled; there is nothing to cancel. Book a new slot if needed.`,
    { argument: "input.appointmentId" },
  );
}

/** Prisma's "no row matched" (P2025): here, the conditional update found no free place. */
function isRecordNotFound(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "P2025";
}

/**
 * A unique-constraint violation. `@prisma/adapter-pg` reports it as P2002; the PGlite adapter passes PostgreSQL's
 * own SQLSTATE 23505 through as the error's cause.
 */
