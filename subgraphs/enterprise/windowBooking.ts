/**
 * Window appointments of the administrative service centre (综合窗口预约, seed §14): an enterprise or a resident books
 * a 30-minute slot at a window, chosen directly or found from the bundled service they come for.
 *
 * Each booking runs in one interactive transaction; races are settled by the database:
 * - a place is taken by a conditional update (`bookedCount < capacity`), which PostgreSQL re-checks after waiting
 *   for a concurrent writer's row lock, so a slot never ends up over capacity; when the service names several
 *   windows, the next candidate is tried;
 * - partial unique indexes allow an applicant one live appointment per start time (across windows), so two
 *   simultaneous bookings by the same applicant cannot both succeed (the loser's increment rolls back with it);
 * - cancelling flips status only where it is still BOOKED, so a double cancel frees one place, not two.
 */
import { randomUUID } from "node:crypto";
import { isUniqueViolation } from "../../lib/db/errors.ts";
import { codedError } from "../../lib/errors.ts";
import type { ServiceWindow, WindowAppointment, WindowSlot } from "./generated/prisma/client.ts";
import type { EnterprisePrisma } from "./loaders.ts";

export interface BookWindowAppointmentInput {
  enterpriseId?: string | null;
  residentId?: string | null;
  windowId?: string | null;
  serviceId?: string | null;
  startsAt: Date;
}

export interface CancelWindowAppointmentInput {
  appointmentId: string;
  reason?: string | null;
}

export interface WindowBookingOutcome {
  appointment: WindowAppointment;
  /** The slot as the transaction left it, so the answer shows the new bookedCount without another query. */
  slot: WindowSlot;
}

export const MAX_CANCEL_REASON_LENGTH = 200;
const RESIDENT_ID = /^resident-\d{6}$/;
const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 10_000 } as const;
const SLOT_HINT = "slots start every 30 minutes, 09:00–11:00 and 13:30–16:00 on working days";

/** Windows that take a service, specialised (分领域) windows first; 帮办 windows only when asked for by id. */
function windowsFor(windows: ServiceWindow[], serviceId: string, forResident: boolean): ServiceWindow[] {
  const order = { DOMAIN: 0, GENERAL: 1, ASSISTANCE: 2 } as const;
  return windows
    .filter((window) => window.kind !== "ASSISTANCE")
    .filter((window) => window.serviceIds.length === 0 || window.serviceIds.includes(serviceId))
    .filter((window) => !forResident || window.servesResidents)
    .sort((a, b) => order[a.kind] - order[b.kind] || a.id.localeCompare(b.id));
}

export async function bookWindowAppointment(
  prisma: EnterprisePrisma,
  input: BookWindowAppointmentInput,
  now: Date,
): Promise<WindowBookingOutcome> {
  const enterpriseId = input.enterpriseId?.trim() || null;
  const residentId = input.residentId?.trim() || null;
  const windowId = input.windowId?.trim() || null;
  const serviceId = input.serviceId?.trim() || null;
  if ((enterpriseId === null) === (residentId === null)) {
    throw codedError(
      "BAD_USER_INPUT",
      "Book for exactly one applicant: give input.enterpriseId for an enterprise or input.residentId for a resident.",
      { argument: "input.enterpriseId" },
    );
  }
  if (residentId !== null && !RESIDENT_ID.test(residentId)) {
    throw codedError("BAD_USER_INPUT", `"${residentId}" is not a resident id; write it as resident-000123.`, {
      argument: "input.residentId",
    });
  }
  if (windowId === null && serviceId === null) {
    throw codedError(
      "BAD_USER_INPUT",
      "Say where to go: give input.windowId (a window from serviceWindows) or input.serviceId (a bundled service; a window that handles it is chosen).",
      { argument: "input.windowId" },
    );
  }
  if (input.startsAt.getTime() <= now.getTime()) {
    throw codedError(
      "DATE_IN_PAST",
      `${input.startsAt.toISOString()} has already passed; choose a later slot from windowSlots(filter: { availableOnly: true }).`,
      { argument: "input.startsAt" },
    );
  }
  const applicant = enterpriseId ? `Enterprise "${enterpriseId}"` : `Resident "${residentId}"`;

  return prisma.$transaction(async (tx) => {
    const [enterprise, service, windows] = await Promise.all([
      enterpriseId ? tx.enterprise.findUnique({ where: { id: enterpriseId }, select: { id: true } }) : null,
      serviceId ? tx.bundledService.findUnique({ where: { id: serviceId }, select: { id: true, name: true } }) : null,
      tx.serviceWindow.findMany({ orderBy: { id: "asc" } }),
    ]);
    if (enterpriseId && !enterprise) {
      throw codedError("NOT_FOUND_ENTITY", `There is no enterprise "${enterpriseId}"; check the id.`, {
        argument: "input.enterpriseId",
      });
    }
    if (serviceId && !service) {
      throw codedError(
        "NOT_FOUND_ENTITY",
        `There is no bundled service "${serviceId}"; choose one from bundledServices.`,
        { argument: "input.serviceId" },
      );
    }
    let candidates: ServiceWindow[];
    if (windowId) {
      const window = windows.find((w) => w.id === windowId);
      if (!window) {
        throw codedError("NOT_FOUND_ENTITY", `There is no window "${windowId}"; choose one from serviceWindows.`, {
          argument: "input.windowId",
        });
      }
      if (service && window.serviceIds.length > 0 && !window.serviceIds.includes(service.id)) {
        throw codedError(
          "BAD_USER_INPUT",
          `${window.name} does not handle ${service.name}; leave out input.windowId to let the centre choose a window that does.`,
          { argument: "input.windowId" },
        );
      }
      if (residentId && !window.servesResidents) {
        throw codedError(
          "BAD_USER_INPUT",
          `${window.name} serves enterprises only; residents book a 无差别综合受理窗口 or the 帮办服务专区.`,
          { argument: "input.windowId" },
        );
      }
      candidates = [window];
    } else {
      candidates = windowsFor(windows, serviceId!, residentId !== null);
    }

    const slots = await tx.windowSlot.findMany({
      where: { windowId: { in: candidates.map((w) => w.id) }, startsAt: input.startsAt },
    });
    if (slots.length === 0) {
      throw codedError(
        "NOT_FOUND_ENTITY",
        `No window slot ${windowId ? `of ${windowId} ` : ""}starts at ${input.startsAt.toISOString()}; ${SLOT_HINT} (windowSlots lists them).`,
        { argument: "input.startsAt" },
      );
    }
    const rank = new Map(candidates.map((window, i) => [window.id, i]));
    slots.sort((a, b) => rank.get(a.windowId)! - rank.get(b.windowId)!);

    const held = await tx.windowAppointment.findFirst({
      where: { startsAt: input.startsAt, status: "BOOKED", ...(enterpriseId ? { enterpriseId } : { residentId }) },
      select: { id: true },
    });
    if (held) throw alreadyBooked(applicant, input.startsAt, held.id);

    let slot: WindowSlot | undefined;
    for (const candidate of slots) {
      try {
        slot = await tx.windowSlot.update({
          where: { id: candidate.id, bookedCount: { lt: tx.windowSlot.fields.capacity } },
          data: { bookedCount: { increment: 1 } },
        });
        break;
      } catch (error) {
        if (!isRecordNotFound(error)) throw error;
      }
    }
    if (!slot) {
      const places = slots.reduce((sum, slot) => sum + slot.capacity, 0);
      throw codedError(
        "CAPACITY_REACHED",
        `All ${places} place${places === 1 ? "" : "s"} at ${input.startsAt.toISOString()} ${slots.length === 1 ? "at this window" : `at the ${slots.length} windows for this service`} are booked; choose another time from windowSlots(filter: { availableOnly: true }).`,
        { argument: "input.startsAt" },
      );
    }
    try {
      const appointment = await tx.windowAppointment.create({
        data: {
          id: `wappt-${randomUUID()}`,
          slotId: slot.id,
          windowId: slot.windowId,
          startsAt: slot.startsAt,
          enterpriseId,
          residentId,
          bundledServiceId: service?.id ?? null,
          status: "BOOKED",
          bookedAt: now,
        },
      });
      return { appointment, slot };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      throw alreadyBooked(applicant, input.startsAt);
    }
  }, TRANSACTION_OPTIONS);
}

export async function cancelWindowAppointment(
  prisma: EnterprisePrisma,
  input: CancelWindowAppointmentInput,
  now: Date,
): Promise<WindowBookingOutcome> {
  const reason = input.reason?.trim() || null;
  if (reason && reason.length > MAX_CANCEL_REASON_LENGTH) {
    throw codedError(
      "BAD_USER_INPUT",
      `The reason has ${reason.length} characters; shorten it to at most ${MAX_CANCEL_REASON_LENGTH}.`,
      { argument: "input.reason" },
    );
  }
  return prisma.$transaction(async (tx) => {
    const appointment = await tx.windowAppointment.findUnique({ where: { id: input.appointmentId } });
    if (!appointment) {
      throw codedError("NOT_FOUND_ENTITY", `There is no window appointment "${input.appointmentId}"; check the id.`, {
        argument: "input.appointmentId",
      });
    }
    if (appointment.status === "CANCELLED") throw alreadyCancelled(appointment.id);
    if (appointment.startsAt.getTime() <= now.getTime()) {
      throw codedError(
        "APPOINTMENT_NOT_CANCELLABLE",
        `Window appointment "${appointment.id}" started at ${appointment.startsAt.toISOString()} and can no longer be cancelled.`,
        { argument: "input.appointmentId" },
      );
    }
    const cancelled = await tx.windowAppointment.updateMany({
      where: { id: appointment.id, status: "BOOKED" },
      data: { status: "CANCELLED", cancelledAt: now, cancelReason: reason },
    });
    // Another request cancelled it between our read and this write.
    if (cancelled.count === 0) throw alreadyCancelled(appointment.id);
    const slot = await tx.windowSlot.update({
      where: { id: appointment.slotId },
      data: { bookedCount: { decrement: 1 } },
    });
    return {
      appointment: { ...appointment, status: "CANCELLED", cancelledAt: now, cancelReason: reason },
      slot,
    };
  }, TRANSACTION_OPTIONS);
}

function alreadyBooked(applicant: string, startsAt: Date, appointmentId?: string) {
  const held = appointmentId ? ` (appointment "${appointmentId}")` : "";
  return codedError(
    "ALREADY_BOOKED",
    `${applicant} already holds a window appointment at ${startsAt.toISOString()}${held}; keep it or cancel it before booking another at the same time.`,
    { argument: "input.startsAt" },
  );
}

function alreadyCancelled(appointmentId: string) {
  return codedError(
    "APPOINTMENT_NOT_CANCELLABLE",
    `Window appointment "${appointmentId}" is already cancelled; there is nothing to cancel. Book a new slot if needed.`,
    { argument: "input.appointmentId" },
  );
}

/** Prisma's "no row matched" (P2025): here, the conditional update found no free place in the slot. */
function isRecordNotFound(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "P2025";
}
