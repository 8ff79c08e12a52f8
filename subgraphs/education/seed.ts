/**
 * Writes the education seed (`seedData.ts`) for a seed date. Idempotent: rows are written with `insertRows` (existing
 * keys skipped), so a second run adds nothing and never overwrites what residents did since (enrolments, withdrawals,
 * school-ground check-ins) nor a ground's QR secret. On the days a later seed date adds, residents may already have
 * checked in at a ground (the service ran on without a restart): seeded check-ins of a ground on a day that has
 * check-ins are left out. Parents go before children for the foreign keys; the counts come back from the database, not
 * from the input.
 */
import type { SubgraphDatabase } from "../../lib/db/database.ts";
import { insertRows } from "../kit/insertRows.ts";
import type { SeedSummary } from "../kit/module.ts";
import { readPrismaModels } from "../kit/prismaModels.ts";
import type { SeedOptions } from "../kit/seedCalendar.ts";
import type { SchoolGroundCheckIn } from "./generated/prisma/client.ts";
import type { EducationPrisma } from "./loaders.ts";
import { newQrSecret } from "./qrToken.ts";
import { buildSeedData } from "./seedData.ts";

const models = readPrismaModels(new URL("../../prisma/education/schema.prisma", import.meta.url));

export async function seed(prisma: EducationPrisma, db: SubgraphDatabase, options: SeedOptions): Promise<SeedSummary> {
  const data = buildSeedData(options);
  await insertRows(db, models.get("School"), data.schools);
  await insertRows(db, models.get("LearningCentre"), data.learningCentres);
  await insertRows(db, models.get("Course"), data.courses);
  await insertRows(db, models.get("Enrolment"), data.enrolments);
  await insertRows(db, models.get("LearningResource"), data.resources);
  await insertRows(db, models.get("StudentPortrait"), data.portraits);
  // A fresh secret per ground; on a second run the existing ground (and its secret) is kept.
  const grounds = data.schoolGrounds.grounds.map((ground) => ({ ...ground, qrSecret: newQrSecret() }));
  await insertRows(db, models.get("SchoolSportsGround"), grounds);
  const { openings } = data.schoolGrounds;
  await insertRows(db, models.get("SchoolGroundOpening"), openings);
  const checkIns =
    options.previousDates.length > 0
      ? await withoutVisitedDays(prisma, data.schoolGrounds.checkIns)
      : data.schoolGrounds.checkIns;
  await insertRows(db, models.get("SchoolGroundCheckIn"), checkIns);
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
