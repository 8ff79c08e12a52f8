/**
 * Starting and ending parking sessions (停车记录: 入场与出场计费).
 *
 * Each runs in one interactive transaction, so a failure leaves nothing half-written. Races are settled by the
 * database, not by the checks that come first (those only give the caller a precise message):
 * - the partial unique index on `plate` among ACTIVE sessions stops a second, simultaneous start for the same car;
 * - ending flips status only where it is still ACTIVE, so two simultaneous ends charge the fee once.
 * On PGlite transactions run one at a time, which is trivially safe; the same code is correct on PostgreSQL.
 */
import { randomUUID } from "node:crypto";
import { isUniqueViolation } from "../../lib/db/errors.ts";
import { codedError } from "../../lib/errors.ts";
import { parkingFeeFen } from "./fee.ts";
import type { ParkingSession } from "./generated/prisma/client.ts";
import type { ParkingPrisma } from "./loaders.ts";
import { isValidPlate, normalisePlate } from "./plate.ts";

export interface StartParkingSessionInput {
  facilityId: string;
  residentId: string;
  plate: string;
}

export interface EndParkingSessionInput {
  sessionId: string;
}

const RESIDENT_ID = /^resident-\d{6}$/;

/**
 * How long a session change may wait to start and to finish. On PGlite, concurrent transactions queue behind each
 * other, so a burst waits longer than Prisma's 2 s default before its turn.
 */
const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 10_000 } as const;

export async function startParkingSession(
  prisma: ParkingPrisma,
  input: StartParkingSessionInput,
  now: Date,
): Promise<ParkingSession> {
  const residentId = input.residentId.trim();
  if (!RESIDENT_ID.test(residentId)) {
    throw codedError(
      "BAD_USER_INPUT",
      `residentId must look like "resident-000123" (six digits); got ${JSON.stringify(input.residentId.slice(0, 40))}.`,
      { argument: "input.residentId" },
    );
  }
  const plate = normalisePlate(input.plate);
  if (!isValidPlate(plate)) {
    // The input is not echoed: it may well be a real plate with a typo, and plates are personal data.
    throw codedError(
      "BAD_USER_INPUT",
      "plate is not a Chinese licence plate; write the province, the city letter and five characters (沪A12345), or six for a new-energy vehicle (沪AD12345).",
      { argument: "input.plate" },
    );
  }
  return prisma.$transaction(async (tx) => {
    const facility = await tx.parkingFacility.findUnique({ where: { id: input.facilityId }, select: { id: true } });
    if (!facility) {
      throw codedError(
        "NOT_FOUND_ENTITY",
        `There is no parking facility "${input.facilityId}"; choose one from parkingFacilities.`,
        { argument: "input.facilityId" },
      );
    }
    const active = await tx.parkingSession.findFirst({ where: { plate, status: "ACTIVE" }, select: { id: true } });
    if (active) throw alreadyParked(active.id);
    try {
      return await tx.parkingSession.create({
        data: {
          id: `ps-${randomUUID()}`,
          facilityId: facility.id,
          residentId,
          plate,
          startedAt: now,
          status: "ACTIVE",
        },
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      throw alreadyParked();
    }
  }, TRANSACTION_OPTIONS);
}

/** A missing session, and one the caller may not see: the same answer, so a refusal reveals nothing. */
export function noSuchParkingSession(sessionId: string) {
  return codedError("NOT_FOUND_ENTITY", `There is no parking session "${sessionId}"; check the id.`, {
    argument: "input.sessionId",
  });
}

export async function endParkingSession(
  prisma: ParkingPrisma,
  input: EndParkingSessionInput,
  now: Date,
): Promise<ParkingSession> {
  return prisma.$transaction(async (tx) => {
    const session = await tx.parkingSession.findUnique({
      where: { id: input.sessionId },
      include: { facility: { select: { hourlyPriceFen: true } } },
    });
    if (!session) {
      throw noSuchParkingSession(input.sessionId);
    }
    if (session.status !== "ACTIVE") throw alreadyEnded(session.id, session.endedAt);
    // A clock that went backwards must not make a negative stay: the session then ends when it started.
    const endedAt = now.getTime() < session.startedAt.getTime() ? session.startedAt : now;
    const feeFen = parkingFeeFen(session.facility.hourlyPriceFen, session.startedAt, endedAt);
    const ended = await tx.parkingSession.updateMany({
      where: { id: session.id, status: "ACTIVE" },
      data: { status: "COMPLETED", endedAt, feeFen },
    });
    // Another request ended it between our read and this write.
    if (ended.count === 0) throw alreadyEnded(session.id, null);
    const { facility: _facility, ...row } = session;
    return { ...row, status: "COMPLETED", endedAt, feeFen };
  }, TRANSACTION_OPTIONS);
}

function alreadyParked(sessionId?: string) {
  const which = sessionId ? ` ("${sessionId}")` : "";
  return codedError(
    "INVALID_STATE_TRANSITION",
    `This plate already has an ACTIVE parking session${which}; a car parks in one place at a time. End that session with endParkingSession before starting another.`,
    { argument: "input.plate", status: "ACTIVE" },
  );
}

function alreadyEnded(sessionId: string, endedAt: Date | null) {
  const when = endedAt ? ` at ${endedAt.toISOString()}` : " just now";
  return codedError(
    "INVALID_STATE_TRANSITION",
    `Parking session "${sessionId}" is COMPLETED (it ended${when}); only an ACTIVE session can be ended. Start a new session for a new stay.`,
    { argument: "input.sessionId", status: "COMPLETED" },
  );
}
