/**
 * Writes the education seed (`seedData.ts`) for a seed date. Idempotent: rows are inserted in batches with `skipDuplicates`, so a
 * second run adds nothing and never overwrites what residents did since (enrolments, withdrawals).
 * Parents go before children for the foreign keys; the counts come back from the database, not from the input.
 */
import type { SubgraphDatabase } from "../../lib/db/database.ts";
import type { SeedSummary } from "../kit/module.ts";
import type { SeedOptions } from "../kit/seedCalendar.ts";
import type { EducationPrisma } from "./loaders.ts";
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
  return countRows(prisma);
}

export async function countRows(prisma: EducationPrisma): Promise<SeedSummary> {
  const [schools, learningCentres, courses, enrolments, learningResources, studentPortraits] = await Promise.all([
    prisma.school.count(),
    prisma.learningCentre.count(),
    prisma.course.count(),
    prisma.enrolment.count(),
    prisma.learningResource.count(),
    prisma.studentPortrait.count(),
  ]);
  return { schools, learningCentres, courses, enrolments, learningResources, studentPortraits };
}
