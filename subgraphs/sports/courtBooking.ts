/**
 * Booking and cancelling courts (错峰订场).
 *
 * Each runs in one interactive transaction, so a failure leaves nothing half-written. Races are settled by the
 * database, not by the checks that come first (those give the caller a precise message):
 * - booking locks the court's row (`SELECT … FOR UPDATE`) before it reads the court's live bookings, so two bookings
 *   of one court run one after the other, and the second sees the first (under READ COMMITTED each statement reads
 *   what was committed before it started, and the lock is only granted after the first transaction commits);
 * - the `CourtBooking_guard` trigger (migration 0001) repeats the overlap and capacity check inside the database for
 *   every write, whoever makes it, and takes the same lock;
 * - cancelling flips the status only where it is still BOOKED, so two simultaneous cancels succeed once.
 * On PGlite transactions run one at a time, which is trivially safe; the same code is correct on PostgreSQL.
 */
import { randomUUID } from "node:crypto";
import { codedError } from "../../lib/errors.ts";
import { formatLocal, formatMinute } from "../kit/localTime.ts";
import { BOOKING_STEP_MINUTES, busiestOverlap, isOnStep, priceBooking, withinOpeningHours } from "./courtSchedule.ts";
import type { CourtBooking } from "./generated/prisma/client.ts";
import { isBookingGuardViolation, parseReason, parseResidentId, TRANSACTION_OPTIONS } from "./inputs.ts";
import type { SportsPrisma } from "./loaders.ts";

export interface BookCourtInput {
  courtId: string;
  residentId: string;
  startsAt: Date;
  endsAt: Date;
}

export interface CancelCourtBookingInput {
  bookingId: string;
  reason?: string | null;
}

export async function bookCourt(prisma: SportsPrisma, input: BookCourtInput, now: Date): Promise<CourtBooking> {
  const residentId = parseResidentId(input.residentId);
  const { startsAt, endsAt } = input;
  if (endsAt.getTime() <= startsAt.getTime()) {
    throw codedError(
      "BAD_USER_INPUT",
      `endsAt (${endsAt.toISOString()}) must be after startsAt (${startsAt.toISOString()}); swap them or book a longer time.`,
      { argument: "input.endsAt" },
    );
  }
  if (!isOnStep(startsAt) || !isOnStep(endsAt)) {
    throw codedError(
      "BAD_USER_INPUT",
      `Courts are booked in steps of ${BOOKING_STEP_MINUTES} minutes; start and end on the hour or half hour, e.g. 18:00–19:30.`,
      { argument: isOnStep(startsAt) ? "input.endsAt" : "input.startsAt" },
    );
  }
  if (startsAt.getTime() <= now.getTime()) {
    throw codedError(
      "DATE_IN_PAST",
      `The booking would start at ${formatLocal(startsAt)} (Shanghai), which has passed; choose a later time (courtAvailability lists free ones).`,
      { argument: "input.startsAt" },
    );
  }

  return prisma.$transaction(async (tx) => {
    // The lock that serialises bookings of this court (see the module comment).
    const locked = await tx.$queryRaw<Array<{ id: string }>>`
      SELECT "id" FROM "SportsCourt" WHERE "id" = ${input.courtId} FOR UPDATE`;
    if (locked.length === 0) {
      throw codedError(
        "NOT_FOUND_ENTITY",
        `There is no court "${input.courtId}"; choose one from sportsVenues { courts { id } }.`,
        { argument: "input.courtId" },
      );
    }
    const court = await tx.sportsCourt.findUniqueOrThrow({ where: { id: input.courtId }, include: { venue: true } });
    const { venue } = court;
    if (!withinOpeningHours(venue, startsAt, endsAt)) {
      throw codedError(
        "BAD_USER_INPUT",
        `${venue.name} is open ${formatMinute(venue.opensAtMinute)}–${formatMinute(venue.closesAtMinute)} (Shanghai time) every day and ${formatLocal(startsAt)}–${formatLocal(endsAt)} is not inside that on one day; choose a time within the opening hours.`,
        { argument: "input.startsAt", reason: "OUTSIDE_OPENING_HOURS" },
      );
    }
    const minutes = (endsAt.getTime() - startsAt.getTime()) / 60_000;
    if (minutes > venue.maxBookingMinutes) {
      throw codedError(
        "BAD_USER_INPUT",
        `${venue.name} accepts bookings of at most ${venue.maxBookingMinutes} minutes and this one is ${minutes}; book a shorter time or two separate ones.`,
        { argument: "input.endsAt", reason: "BOOKING_TOO_LONG", maxBookingMinutes: venue.maxBookingMinutes },
      );
    }
    const overlapping = await tx.courtBooking.findMany({
      where: { courtId: court.id, status: "BOOKED", startsAt: { lt: endsAt }, endsAt: { gt: startsAt } },
      orderBy: { startsAt: "asc" },
    });
    const own = overlapping.find((booking) => booking.residentId === residentId);
    if (own) {
      throw codedError(
        "BOOKING_OVERLAP",
        `Resident "${residentId}" already holds ${court.name} from ${formatLocal(own.startsAt)} to ${formatLocal(own.endsAt)} (booking "${own.id}"); keep it or cancel it before booking an overlapping time.`,
        { argument: "input.startsAt", bookingId: own.id },
      );
    }
    if (court.capacity === 1 && overlapping.length > 0) {
      const taken = overlapping[0]!;
      throw codedError(
        "BOOKING_OVERLAP",
        `${venue.name} ${court.name} is booked from ${formatLocal(taken.startsAt)} to ${formatLocal(taken.endsAt)}; choose a time from courtAvailability or another court.`,
        { argument: "input.startsAt" },
      );
    }
    if (busiestOverlap(overlapping, startsAt, endsAt) >= court.capacity) {
      throw capacityReached(venue.name, court.name, court.capacity);
    }
    try {
      return await tx.courtBooking.create({
        data: {
          id: `courtbooking-${randomUUID()}`,
          courtId: court.id,
          residentId,
          startsAt,
          endsAt,
          status: "BOOKED",
          ...priceBooking(venue, court, startsAt, endsAt),
          bookedAt: now,
        },
      });
    } catch (error) {
      // Unreachable while the lock above is held, kept so a refusal by the guard never surfaces as an internal error.
      if (!isBookingGuardViolation(error)) throw error;
      throw court.capacity === 1
        ? codedError(
            "BOOKING_OVERLAP",
            `${venue.name} ${court.name} was just booked for an overlapping time; choose a time from courtAvailability.`,
            { argument: "input.startsAt" },
          )
        : capacityReached(venue.name, court.name, court.capacity);
    }
  }, TRANSACTION_OPTIONS);
}

/** A missing booking, and one the caller may not see: the same answer, so a refusal reveals nothing. */
export function noSuchCourtBooking(bookingId: string) {
  return codedError("NOT_FOUND_ENTITY", `There is no court booking "${bookingId}"; check the id.`, {
    argument: "input.bookingId",
  });
}

export async function cancelCourtBooking(
  prisma: SportsPrisma,
  input: CancelCourtBookingInput,
  now: Date,
): Promise<CourtBooking> {
  const reason = parseReason(input.reason);
  return prisma.$transaction(async (tx) => {
    const booking = await tx.courtBooking.findUnique({ where: { id: input.bookingId } });
    if (!booking) {
      throw noSuchCourtBooking(input.bookingId);
    }
    if (booking.status === "CANCELLED") throw alreadyCancelled(booking);
    if (booking.startsAt.getTime() <= now.getTime()) {
      throw codedError(
        "DATE_IN_PAST",
        `Booking "${booking.id}" started at ${formatLocal(booking.startsAt)} (Shanghai) and can no longer be cancelled; contact the venue instead.`,
        { argument: "input.bookingId" },
      );
    }
    const cancelled = await tx.courtBooking.updateMany({
      where: { id: booking.id, status: "BOOKED" },
      data: { status: "CANCELLED", cancelledAt: now, cancelReason: reason },
    });
    // Another request cancelled it between our read and this write.
    if (cancelled.count === 0) throw alreadyCancelled(booking);
    return { ...booking, status: "CANCELLED" as const, cancelledAt: now, cancelReason: reason };
  }, TRANSACTION_OPTIONS);
}

function capacityReached(venueName: string, courtName: string, capacity: number) {
  return codedError(
    "CAPACITY_REACHED",
    `${venueName} ${courtName} has all ${capacity} places taken at some moment of that time; choose a time from courtAvailability (remainingPlaces shows what is left).`,
    { argument: "input.startsAt", capacity },
  );
}

function alreadyCancelled(booking: CourtBooking) {
  return codedError(
    "INVALID_STATE_TRANSITION",
    `Booking "${booking.id}" is already CANCELLED; only a BOOKED booking can be cancelled. Book again if needed.`,
    { argument: "input.bookingId", status: booking.status },
  );
}
