/**
 * Enrolling in and withdrawing from lifelong-learning courses (市民终身教育: 报名与退课).
 *
 * Each runs in one interactive transaction, so a failure leaves nothing half-written. Races are settled by the
 * database, not by the checks that come first (those only give the caller a precise message):
 * - the place is taken by a conditional update (`enrolledCount < capacity`), which PostgreSQL re-checks after waiting
 *   for a concurrent writer's row lock, so a course never ends up over capacity (a CHECK refuses it anyway);
 * - the partial unique index on (courseId, residentId) among ENROLLED rows stops a resident's second, simultaneous
 *   enrolment in the same course (its increment rolls back with it);
 * - withdrawing flips status only where it is still ENROLLED, so two simultaneous withdrawals free one place, not two.
 * On PGlite transactions run one at a time, which is trivially safe; the same code is correct on PostgreSQL.
 */
import { randomUUID } from "node:crypto";
import { isUniqueViolation } from "../../lib/db/errors.ts";
import { codedError } from "../../lib/errors.ts";
import type { Course, Enrolment } from "./generated/prisma/client.ts";
import type { EducationPrisma } from "./loaders.ts";

export interface EnrolInCourseInput {
  courseId: string;
  residentId: string;
}

export interface WithdrawFromCourseInput {
  enrolmentId: string;
}

export interface EnrolmentOutcome {
  enrolment: Enrolment;
  /** The course as the transaction left it, so the answer shows the new enrolledCount without another query. */
  course: Course;
}

/** Resident ids are issued by the identity service as `resident-` and six digits. */
const RESIDENT_ID = /^resident-\d{6}$/;

/**
 * How long a transaction may wait to start and to finish. On PGlite, concurrent transactions queue behind each other,
 * so a burst of enrolments for a popular course waits longer than Prisma's 2 s default before its turn.
 */
const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 10_000 } as const;

export async function enrolInCourse(
  prisma: EducationPrisma,
  input: EnrolInCourseInput,
  now: Date,
): Promise<EnrolmentOutcome> {
  const residentId = input.residentId.trim();
  if (!RESIDENT_ID.test(residentId)) {
    throw codedError(
      "BAD_USER_INPUT",
      `"${residentId.slice(0, 40)}" is not a resident id; pass the resident's id as issued, e.g. "resident-000123".`,
      { argument: "input.residentId" },
    );
  }
  return prisma.$transaction(async (tx) => {
    const course = await tx.course.findUnique({ where: { id: input.courseId } });
    if (!course) {
      throw codedError(
        "NOT_FOUND_ENTITY",
        `There is no course "${input.courseId}"; choose one from courses(filter: { availableOnly: true }).`,
        { argument: "input.courseId" },
      );
    }
    if (course.startsAt.getTime() <= now.getTime()) {
      throw codedError(
        "DATE_IN_PAST",
        `Course "${course.id}" started on ${course.startsAt.toISOString()} and no longer takes enrolments; choose a course that starts later (availableOnly: true lists them).`,
        { argument: "input.courseId" },
      );
    }
    const held = await tx.enrolment.findFirst({
      where: { courseId: course.id, residentId, status: "ENROLLED" },
      select: { id: true },
    });
    if (held) throw alreadyEnrolled(course.id, residentId, held.id);

    let taken: Course;
    try {
      taken = await tx.course.update({
        where: { id: course.id, enrolledCount: { lt: tx.course.fields.capacity } },
        data: { enrolledCount: { increment: 1 } },
      });
    } catch (error) {
      if (!isRecordNotFound(error)) throw error;
      throw codedError(
        "CAPACITY_REACHED",
        `Course "${course.id}" (${course.title}) is full: all ${course.capacity} places are taken; choose another course or another session of it.`,
        { argument: "input.courseId", capacity: course.capacity },
      );
    }
    try {
      const enrolment = await tx.enrolment.create({
        data: { id: `enrolment-${randomUUID()}`, courseId: course.id, residentId, status: "ENROLLED", enrolledAt: now },
      });
      return { enrolment, course: taken };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      throw alreadyEnrolled(course.id, residentId);
    }
  }, TRANSACTION_OPTIONS);
}

/** A missing enrolment, and one the caller may not see: the same answer, so a refusal reveals nothing. */
export function noSuchEnrolment(enrolmentId: string) {
  return codedError("NOT_FOUND_ENTITY", `There is no enrolment "${enrolmentId}"; check the id.`, {
    argument: "input.enrolmentId",
  });
}

export async function withdrawFromCourse(
  prisma: EducationPrisma,
  input: WithdrawFromCourseInput,
  now: Date,
): Promise<EnrolmentOutcome> {
  return prisma.$transaction(async (tx) => {
    const enrolment = await tx.enrolment.findUnique({ where: { id: input.enrolmentId } });
    if (!enrolment) {
      throw noSuchEnrolment(input.enrolmentId);
    }
    if (enrolment.status === "WITHDRAWN") throw alreadyWithdrawn(enrolment);
    const course = await tx.course.findUniqueOrThrow({ where: { id: enrolment.courseId } });
    if (course.endsAt.getTime() <= now.getTime()) {
      throw codedError(
        "INVALID_STATE_TRANSITION",
        `Enrolment "${enrolment.id}" is ENROLLED in a course that ended on ${course.endsAt.toISOString()}; a finished course keeps its record and cannot be withdrawn from.`,
        { argument: "input.enrolmentId", status: enrolment.status },
      );
    }
    const withdrawn = await tx.enrolment.updateMany({
      where: { id: enrolment.id, status: "ENROLLED" },
      data: { status: "WITHDRAWN", withdrawnAt: now },
    });
    // Another request withdrew it between our read and this write.
    if (withdrawn.count === 0) throw alreadyWithdrawn(enrolment);
    // Only the request that flipped the status gets here, so the place is freed once. (Enrolment row, then course:
    // an enrolment that could wait on this row would be the same resident's, and that one stops at its "already
    // enrolled" check before it locks the course, so the two cannot deadlock.)
    const freed = await tx.course.update({ where: { id: course.id }, data: { enrolledCount: { decrement: 1 } } });
    return { enrolment: { ...enrolment, status: "WITHDRAWN", withdrawnAt: now }, course: freed };
  }, TRANSACTION_OPTIONS);
}

function alreadyEnrolled(courseId: string, residentId: string, enrolmentId?: string) {
  const held = enrolmentId ? ` (enrolment "${enrolmentId}")` : "";
  return codedError(
    "INVALID_STATE_TRANSITION",
    `Resident "${residentId}" is already ENROLLED in course "${courseId}"${held}; keep that enrolment or withdraw from it before enrolling again.`,
    { argument: "input.courseId", status: "ENROLLED" },
  );
}

function alreadyWithdrawn(enrolment: Enrolment) {
  return codedError(
    "INVALID_STATE_TRANSITION",
    `Enrolment "${enrolment.id}" is already WITHDRAWN; only an ENROLLED enrolment can be withdrawn. Enrol again if the course still has places.`,
    { argument: "input.enrolmentId", status: "WITHDRAWN" },
  );
}

/** Prisma's "no row matched" (P2025): here, the conditional update found no free place. */
function isRecordNotFound(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "P2025";
}
