/**
 * Registering for events (赛事报名) and cancelling.
 *
 * Each runs in one interactive transaction, so a failure leaves nothing half-written. Races are settled by the
 * database, not by the checks that come first (those give the caller a precise message):
 * - the place is taken by a conditional update (`registeredCount < capacity`), which PostgreSQL re-checks after
 *   waiting for a concurrent writer's row lock, so a category never ends up over capacity;
 * - the partial unique index on (event, resident) among live registrations stops a resident's second, simultaneous
 *   registration (its increment rolls back with it);
 * - cancelling flips the status only where it is still REGISTERED, so two simultaneous cancels free one place.
 */
import { randomUUID } from "node:crypto";
import { isUniqueViolation } from "../../lib/db/errors.ts";
import { codedError } from "../../lib/errors.ts";
import { formatLocal } from "../kit/localTime.ts";
import type { SportsEvent, SportsEventRegistration } from "./generated/prisma/client.ts";
import { isRecordNotFound, parseResidentId, TRANSACTION_OPTIONS } from "./inputs.ts";
import type { SportsPrisma } from "./loaders.ts";

export interface RegisterForEventInput {
  eventId: string;
  residentId: string;
  category: string;
}

export interface CancelSportsEventRegistrationInput {
  registrationId: string;
}

export async function registerForEvent(
  prisma: SportsPrisma,
  input: RegisterForEventInput,
  now: Date,
): Promise<SportsEventRegistration> {
  const residentId = parseResidentId(input.residentId);
  const code = input.category.trim().toUpperCase();
  return prisma.$transaction(async (tx) => {
    const event = await tx.sportsEvent.findUnique({
      where: { id: input.eventId },
      include: { categories: { orderBy: { id: "asc" } } },
    });
    if (!event) {
      throw codedError(
        "NOT_FOUND_ENTITY",
        `There is no sports event "${input.eventId}"; choose one from sportsEvents(filter: { phase: REGISTRATION_OPEN }).`,
        { argument: "input.eventId" },
      );
    }
    const category = event.categories.find((c) => c.code === code);
    if (!category) {
      throw codedError(
        "BAD_USER_INPUT",
        `${event.name} has no category "${input.category.slice(0, 40)}"; choose one of ${event.categories.map((c) => `${c.code} (${c.name})`).join(", ")}.`,
        { argument: "input.category" },
      );
    }
    if (now.getTime() < event.registrationOpensAt.getTime()) {
      throw codedError(
        "INVALID_STATE_TRANSITION",
        `Registration for ${event.name} is not open yet (ANNOUNCED); it opens at ${formatLocal(event.registrationOpensAt)} (Shanghai). Register then.`,
        { argument: "input.eventId", phase: "ANNOUNCED" },
      );
    }
    if (now.getTime() >= event.registrationClosesAt.getTime()) throw registrationClosed(event);
    const held = await tx.sportsEventRegistration.findFirst({
      where: { eventId: event.id, residentId, status: "REGISTERED" },
      select: { id: true },
    });
    if (held) throw alreadyRegistered(event, residentId, held.id);

    try {
      await tx.sportsEventCategory.update({
        where: { id: category.id, registeredCount: { lt: tx.sportsEventCategory.fields.capacity } },
        data: { registeredCount: { increment: 1 } },
      });
    } catch (error) {
      if (!isRecordNotFound(error)) throw error;
      const open = event.categories.filter((c) => c.id !== category.id && c.registeredCount < c.capacity);
      const others = open.length > 0 ? ` Places may be left in ${open.map((c) => c.code).join(", ")}.` : "";
      throw codedError(
        "CAPACITY_REACHED",
        `${event.name} — ${category.name} is full (all ${category.capacity} places are taken); choose another category or event.${others}`,
        { argument: "input.category", capacity: category.capacity },
      );
    }
    try {
      return await tx.sportsEventRegistration.create({
        data: {
          id: `eventreg-${randomUUID()}`,
          eventId: event.id,
          categoryId: category.id,
          residentId,
          status: "REGISTERED",
          registeredAt: now,
        },
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      throw alreadyRegistered(event, residentId);
    }
  }, TRANSACTION_OPTIONS);
}

/** A missing registration, and one the caller may not see: the same answer, so a refusal reveals nothing. */
export function noSuchEventRegistration(registrationId: string) {
  return codedError("NOT_FOUND_ENTITY", `There is no event registration "${registrationId}"; check the id.`, {
    argument: "input.registrationId",
  });
}

export async function cancelSportsEventRegistration(
  prisma: SportsPrisma,
  input: CancelSportsEventRegistrationInput,
  now: Date,
): Promise<SportsEventRegistration> {
  return prisma.$transaction(async (tx) => {
    const registration = await tx.sportsEventRegistration.findUnique({
      where: { id: input.registrationId },
      include: { event: true },
    });
    if (!registration) {
      throw noSuchEventRegistration(input.registrationId);
    }
    const { event, ...row } = registration;
    if (row.status === "CANCELLED") throw alreadyCancelled(row);
    if (now.getTime() >= event.registrationClosesAt.getTime()) {
      throw codedError(
        "DATE_IN_PAST",
        `Registration for ${event.name} closed at ${formatLocal(event.registrationClosesAt)} (Shanghai), so it can no longer be cancelled here; contact the organiser.`,
        { argument: "input.registrationId" },
      );
    }
    const cancelled = await tx.sportsEventRegistration.updateMany({
      where: { id: row.id, status: "REGISTERED" },
      data: { status: "CANCELLED", cancelledAt: now },
    });
    // Another request cancelled it between our read and this write.
    if (cancelled.count === 0) throw alreadyCancelled(row);
    // Only the request that flipped the status gets here, so the place is given back once.
    await tx.sportsEventCategory.update({
      where: { id: row.categoryId },
      data: { registeredCount: { decrement: 1 } },
    });
    return { ...row, status: "CANCELLED" as const, cancelledAt: now };
  }, TRANSACTION_OPTIONS);
}

function registrationClosed(event: SportsEvent) {
  return codedError(
    "DATE_IN_PAST",
    `Registration for ${event.name} closed at ${formatLocal(event.registrationClosesAt)} (Shanghai); choose an event whose registration is open (sportsEvents(filter: { phase: REGISTRATION_OPEN })).`,
    { argument: "input.eventId" },
  );
}

function alreadyRegistered(event: SportsEvent, residentId: string, registrationId?: string) {
  const held = registrationId ? ` (registration "${registrationId}")` : "";
  return codedError(
    "INVALID_STATE_TRANSITION",
    `Resident "${residentId}" is already REGISTERED for ${event.name}${held}; one registration per resident and event. Cancel it first to change category.`,
    { argument: "input.residentId" },
  );
}

function alreadyCancelled(registration: SportsEventRegistration) {
  return codedError(
    "INVALID_STATE_TRANSITION",
    `Registration "${registration.id}" is already CANCELLED; only a REGISTERED registration can be cancelled.`,
    { argument: "input.registrationId", status: registration.status },
  );
}
