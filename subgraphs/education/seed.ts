/**
 * Writes the education seed (`seedData.ts`) for a seed date. Idempotent: rows are inserted in batches with `skipDuplicates`, so a
 * second run adds nothing and never overwrites what residents did since (enrolments, withdrawals, school-ground
 * check-ins) nor a ground's QR secret. On the days a later seed date adds, residents may already have checked in at a
 * ground (the service ran on without a restart): seeded check-ins of a ground on a day that has check-ins are left out.
 * Parents go before children for the foreign keys; the counts come back from the database, not from the input.
 */
import type { SubgraphDatabase } from "../../lib/db/database.ts";
import type { SeedSummary } from "../kit/module.ts";
import type { SeedOptions } from "../kit/seedCalendar.ts";
import type { SchoolGroundCheckIn } from "./generated/prisma/client.ts";
import type { EducationPrisma } from "./loaders.ts";
import { newQrSecret } from "./qrToken.ts";
import { buildSeedData } from "./seedData.ts";

/** Rows per INSERT: well under PostgreSQL's 65 535 bind parameters for the widest table. */
const BATCH_SIZE = 1_000;

async function inBatches<T>(rows: T[], insert: (batch: T[]) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < rows.length; start += BATCH_SIZE) {
    await insert(rows.slice(start, start + BATCH_SIZE));
  }
}

export async function seed(prisma: EducationPrisma, _db: SubgraphDatabase, options: SeedOptions): Promise<SeedSummary> {
  const data = buildSeedData(options);
  const skipDuplicates = true;
  await inBatches(data.schools, (batch) => prisma.school.createMany({ data: batch, skipDuplicates }));
  await inBatches(data.learningCentres, (batch) => prisma.learningCentre.createMany({ data: batch, skipDuplicates }));
  await inBatches(data.courses, (batch) => prisma.course.createMany({ data: batch, skipDuplicates }));
  await inBatches(data.enrolments, (batch) => prisma.enrolment.createMany({ data: batch, skipDuplicates }));
  await inBatches(data.resources, (batch) => prisma.learningResource.createMany({ data: batch, skipDuplicates }));
  await inBatches(data.portraits, (batch) => prisma.studentPortrait.createMany({ data: batch, skipDuplicates }));
  // A fresh secret per ground; on a second run the existing ground (and its secret) is kept.
  const grounds = data.schoolGrounds.grounds.map((ground) => ({ ...ground, qrSecret: newQrSecret() }));
  await inBatches(grounds, (batch) => prisma.schoolSportsGround.createMany({ data: batch, skipDuplicates }));
  const { openings } = data.schoolGrounds;
  await inBatches(openings, (batch) => prisma.schoolGroundOpening.createMany({ data: batch, skipDuplicates }));
  const checkIns =
    options.previousDates.length > 0
      ? await withoutVisitedDays(prisma, data.schoolGrounds.checkIns)
      : data.schoolGrounds.checkIns;
  await inBatches(checkIns, (batch) => prisma.schoolGroundCheckIn.createMany({ data: batch, skipDuplicates }));
  return countRows(prisma);
}

/** Seeded check-ins of grounds on days without check-ins yet, so a day's quota is never exceeded. */
async function withoutVisitedDays(
  prisma: EducationPrisma,
  checkIns: SchoolGroundCheckIn[],
): Promise<SchoolGroundCheckIn[]> {
  if (checkIns.length === 0) return checkIns;
  const days = [...new Set(checkIns.map((c) => c.visitDate.getTime()))].map((time) => new Date(time));
  const visited = await prisma.schoolGroundCheckIn.groupBy({
    by: ["groundId", "visitDate"],
    where: { visitDate: { in: days } },
  });
  const taken = new Set(visited.map((v) => `${v.groundId}|${v.visitDate.getTime()}`));
  return checkIns.filter((c) => !taken.has(`${c.groundId}|${c.visitDate.getTime()}`));
}

export async function countRows(prisma: EducationPrisma): Promise<SeedSummary> {
  const [
    schools,
    learningCentres,
    courses,
    enrolments,
    learningResources,
    studentPortraits,
    schoolSportsGrounds,
    schoolGroundOpenings,
    schoolGroundCheckIns,
  ] = await Promise.all([
    prisma.school.count(),
    prisma.learningCentre.count(),
    prisma.course.count(),
    prisma.enrolment.count(),
    prisma.learningResource.count(),
    prisma.studentPortrait.count(),
    prisma.schoolSportsGround.count(),
    prisma.schoolGroundOpening.count(),
    prisma.schoolGroundCheckIn.count(),
  ]);
  return {
    schools,
    learningCentres,
    courses,
    enrolments,
    learningResources,
    studentPortraits,
    schoolSportsGrounds,
    schoolGroundOpenings,
    schoolGroundCheckIns,
  };
}
