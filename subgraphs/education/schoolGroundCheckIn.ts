/**
 * Checking in at a school sports ground opened to the public (学校体育场地开放, 二维码扫码登记入场).
 *
 * The resident's app scans the entrance code and sends its token (`qrToken.ts`), which proves the resident is at
 * that entrance today. The check-in then runs in one transaction: the ground's row is locked (`SELECT … FOR UPDATE`)
 * before today's check-ins are counted, so simultaneous check-ins at one ground queue and the quota is never
 * overshot; the unique index on (ground, resident, day) stops a resident's second, simultaneous check-in.
 * Token and opening hours are checked before the lock, so a wrong code never makes others wait.
 */
import { randomUUID } from "node:crypto";
import { isUniqueViolation } from "../../lib/db/errors.ts";
import { codedError } from "../../lib/errors.ts";
import { dateColumn, formatMinute, isoWeekday, localDate, localMinuteOfDay } from "../kit/localTime.ts";
import type { SchoolGroundCheckIn, SchoolGroundOpening } from "./generated/prisma/client.ts";
import type { EducationPrisma } from "./loaders.ts";
import { verifySchoolGroundQrToken } from "./qrToken.ts";

export interface CheckInToSchoolGroundInput {
  groundId: string;
  residentId: string;
  qrToken: string;
}

const MAX_TOKEN_LENGTH = 200;
/** Resident ids are issued by the identity subgraph as `resident-` and six digits, e.g. `resident-000042`. */
const RESIDENT_ID = /^resident-\d{6}$/;
/** On PGlite, concurrent transactions queue behind each other: a burst at the gate waits longer than 2 s. */
const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 10_000 } as const;
const WEEKDAY_NAMES = ["", "周一", "周二", "周三", "周四", "周五", "周六", "周日"] as const;

/** True when `minute` falls in one of the day's windows (opening inclusive, closing exclusive). */
export function isOpenAt(openings: readonly SchoolGroundOpening[], weekday: number, minute: number): boolean {
  return openings.some((o) => o.weekday === weekday && o.opensAtMinute <= minute && minute < o.closesAtMinute);
}

/** `周二 18:00–20:30；周六 08:00–11:00、14:00–17:00` for messages. */
export function describeOpenings(openings: readonly SchoolGroundOpening[]): string {
  const days = new Map<number, string[]>();
  for (const o of [...openings].sort((a, b) => a.weekday - b.weekday || a.opensAtMinute - b.opensAtMinute)) {
    const windows = days.get(o.weekday) ?? [];
    windows.push(`${formatMinute(o.opensAtMinute)}–${formatMinute(o.closesAtMinute)}`);
    days.set(o.weekday, windows);
  }
  return [...days].map(([weekday, windows]) => `${WEEKDAY_NAMES[weekday]} ${windows.join("、")}`).join("；");
}

export async function checkInToSchoolGround(
  prisma: EducationPrisma,
  input: CheckInToSchoolGroundInput,
  now: Date,
): Promise<SchoolGroundCheckIn> {
  const residentId = input.residentId.trim();
  if (!RESIDENT_ID.test(residentId)) {
    throw codedError(
      "BAD_USER_INPUT",
      `input.residentId is ${JSON.stringify(input.residentId.slice(0, 40))}; send a resident id such as "resident-000042".`,
      { argument: "input.residentId" },
    );
  }
  const token = input.qrToken.trim();
  if (token === "" || token.length > MAX_TOKEN_LENGTH) {
    throw codedError(
      "BAD_USER_INPUT",
      "qrToken must be the token scanned from the entrance code (1 to 200 characters).",
      {
        argument: "input.qrToken",
      },
    );
  }
  const today = localDate(now);
  const weekday = isoWeekday(today);

  const ground = await prisma.schoolSportsGround.findUnique({
    where: { id: input.groundId },
    include: { openings: true },
  });
  if (!ground) {
    throw codedError(
      "NOT_FOUND_ENTITY",
      `There is no school sports ground "${input.groundId}"; scan the code at the entrance again.`,
      { argument: "input.groundId" },
    );
  }
  if (!verifySchoolGroundQrToken(ground.qrSecret, ground.id, today, token)) {
    throw codedError(
      "BAD_USER_INPUT",
      `The scanned code is not today's entrance code of this ground (${today}); scan the code at its entrance (${ground.publicEntrance}) again.`,
      { argument: "input.qrToken", reason: "QR_TOKEN_INVALID" },
    );
  }
  if (!isOpenAt(ground.openings, weekday, localMinuteOfDay(now))) {
    throw codedError(
      "BAD_USER_INPUT",
      `${ground.name} is not open to the public now; its public hours are ${describeOpenings(ground.openings) || "none at present"}. Come back during them.`,
      { argument: "input.groundId", reason: "OUTSIDE_OPENING_HOURS" },
    );
  }

  return prisma.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT "id" FROM "SchoolSportsGround" WHERE "id" = ${ground.id} FOR UPDATE`;
    const visitDate = dateColumn(today);
    const earlier = await tx.schoolGroundCheckIn.findUnique({
      where: { groundId_residentId_visitDate: { groundId: ground.id, residentId, visitDate } },
    });
    if (earlier) throw alreadyCheckedIn(residentId, ground.name, earlier.id);
    const visits = await tx.schoolGroundCheckIn.count({ where: { groundId: ground.id, visitDate } });
    if (visits >= ground.dailyQuota) {
      throw codedError(
        "CAPACITY_REACHED",
        `${ground.name} has admitted its ${ground.dailyQuota} residents for today; try another ground nearby (schoolSportsGrounds lists remainingQuota) or come back tomorrow.`,
        { argument: "input.groundId", dailyQuota: ground.dailyQuota },
      );
    }
    try {
      return await tx.schoolGroundCheckIn.create({
        data: { id: `checkin-${randomUUID()}`, groundId: ground.id, residentId, visitDate, checkedInAt: now },
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      throw alreadyCheckedIn(residentId, ground.name);
    }
  }, TRANSACTION_OPTIONS);
}

function alreadyCheckedIn(residentId: string, groundName: string, checkInId?: string) {
  const earlier = checkInId ? ` (check-in "${checkInId}")` : "";
  return codedError(
    "INVALID_STATE_TRANSITION",
    `Resident "${residentId}" has already checked in at ${groundName} today${earlier}; the entrance code admits each resident once a day, so show that check-in at the gate.`,
    { argument: "input.residentId" },
  );
}
