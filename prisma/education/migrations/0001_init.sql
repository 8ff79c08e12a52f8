-- Education subgraph, first schema. Written by
--   prisma migrate diff --from-empty --to-schema-datamodel=prisma/education/schema.prisma --script
-- then edited by hand as noted at the end of the file.
-- CreateEnum
CREATE TYPE "SchoolStage" AS ENUM ('KINDERGARTEN', 'PRIMARY', 'JUNIOR_SECONDARY', 'SENIOR_SECONDARY', 'COMPLETE_SECONDARY', 'NINE_YEAR', 'VOCATIONAL', 'SPECIAL_EDUCATION');

-- CreateEnum
CREATE TYPE "SchoolOwnership" AS ENUM ('PUBLIC', 'PRIVATE');

-- CreateEnum
CREATE TYPE "SmartSchoolPilot" AS ENUM ('DIGITAL_EMPOWERMENT_DEMO', 'IT_APPLICATION_BENCHMARK');

-- CreateEnum
CREATE TYPE "LearningCentreKind" AS ENUM ('COMMUNITY_SCHOOL', 'SENIOR_UNIVERSITY', 'COMMUNITY_COLLEGE', 'SPARE_TIME_UNIVERSITY');

-- CreateEnum
CREATE TYPE "CourseCategory" AS ENUM ('CALLIGRAPHY_PAINTING', 'DIGITAL_SKILLS', 'HEALTH_FITNESS', 'LANGUAGES', 'MUSIC_DANCE', 'HUMANITIES', 'LIFE_SKILLS', 'PARENTING');

-- CreateEnum
CREATE TYPE "Weekday" AS ENUM ('MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY');

-- CreateEnum
CREATE TYPE "EnrolmentStatus" AS ENUM ('ENROLLED', 'WITHDRAWN');

-- CreateEnum
CREATE TYPE "GradeBand" AS ENUM ('PRESCHOOL', 'PRIMARY', 'JUNIOR_SECONDARY', 'SENIOR_SECONDARY', 'VOCATIONAL', 'ADULT');

-- CreateEnum
CREATE TYPE "ResourceFormat" AS ENUM ('VIDEO', 'MICRO_LECTURE', 'COURSEWARE', 'OPEN_CLASS', 'EXERCISE_SET');

-- CreateTable
CREATE TABLE "School" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "stage" "SchoolStage" NOT NULL,
    "ownership" "SchoolOwnership" NOT NULL,
    "address" TEXT NOT NULL,
    "streetId" TEXT NOT NULL,
    "departmentId" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "foundedYear" INTEGER NOT NULL,
    "studentCount" INTEGER NOT NULL,
    "teacherCount" INTEGER NOT NULL,
    "smartPilot" "SmartSchoolPilot",
    "portraitPilot" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "School_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LearningCentre" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "LearningCentreKind" NOT NULL,
    "address" TEXT NOT NULL,
    "streetId" TEXT NOT NULL,
    "phone" TEXT NOT NULL,

    CONSTRAINT "LearningCentre_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Course" (
    "id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "category" "CourseCategory" NOT NULL,
    "description" TEXT NOT NULL,
    "schoolId" TEXT,
    "learningCentreId" TEXT,
    "streetId" TEXT NOT NULL,
    "venue" TEXT NOT NULL,
    "teacherName" TEXT NOT NULL,
    "startsAt" TIMESTAMPTZ(3) NOT NULL,
    "endsAt" TIMESTAMPTZ(3) NOT NULL,
    "weekday" "Weekday" NOT NULL,
    "startTime" TEXT NOT NULL,
    "endTime" TEXT NOT NULL,
    "sessionCount" INTEGER NOT NULL,
    "feeYuan" INTEGER NOT NULL DEFAULT 0,
    "capacity" INTEGER NOT NULL,
    "enrolledCount" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "Course_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Enrolment" (
    "id" TEXT NOT NULL,
    "courseId" TEXT NOT NULL,
    "residentId" TEXT NOT NULL,
    "status" "EnrolmentStatus" NOT NULL,
    "enrolledAt" TIMESTAMPTZ(3) NOT NULL,
    "withdrawnAt" TIMESTAMPTZ(3),

    CONSTRAINT "Enrolment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LearningResource" (
    "id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "gradeBand" "GradeBand" NOT NULL,
    "format" "ResourceFormat" NOT NULL,
    "urlPath" TEXT NOT NULL,
    "durationMinutes" INTEGER,
    "schoolId" TEXT,
    "learningCentreId" TEXT,
    "publishedAt" TIMESTAMPTZ(3) NOT NULL,
    "viewCount" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "LearningResource_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StudentPortrait" (
    "id" TEXT NOT NULL,
    "pseudonym" TEXT NOT NULL,
    "schoolId" TEXT NOT NULL,
    "gradeLevel" INTEGER NOT NULL,
    "learningStyleTags" TEXT[],
    "strengths" TEXT[],
    "attendanceRate" DOUBLE PRECISION NOT NULL,
    "readingHoursPerWeek" DOUBLE PRECISION NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "StudentPortrait_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "School_streetId_idx" ON "School"("streetId");

-- CreateIndex
CREATE INDEX "School_departmentId_idx" ON "School"("departmentId");

-- CreateIndex
CREATE INDEX "LearningCentre_streetId_idx" ON "LearningCentre"("streetId");

-- CreateIndex
CREATE INDEX "Course_streetId_idx" ON "Course"("streetId");

-- CreateIndex
CREATE INDEX "Course_schoolId_idx" ON "Course"("schoolId");

-- CreateIndex
CREATE INDEX "Course_learningCentreId_idx" ON "Course"("learningCentreId");

-- CreateIndex
CREATE INDEX "Course_startsAt_idx" ON "Course"("startsAt");

-- CreateIndex
CREATE INDEX "Enrolment_courseId_idx" ON "Enrolment"("courseId");

-- CreateIndex
CREATE INDEX "Enrolment_residentId_idx" ON "Enrolment"("residentId");

-- CreateIndex
CREATE INDEX "LearningResource_schoolId_idx" ON "LearningResource"("schoolId");

-- CreateIndex
CREATE INDEX "LearningResource_learningCentreId_idx" ON "LearningResource"("learningCentreId");

-- CreateIndex
CREATE INDEX "LearningResource_subject_idx" ON "LearningResource"("subject");

-- CreateIndex
CREATE UNIQUE INDEX "StudentPortrait_pseudonym_key" ON "StudentPortrait"("pseudonym");

-- CreateIndex
CREATE INDEX "StudentPortrait_schoolId_id_idx" ON "StudentPortrait"("schoolId", "id");

-- AddForeignKey
ALTER TABLE "Course" ADD CONSTRAINT "Course_schoolId_fkey" FOREIGN KEY ("schoolId") REFERENCES "School"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Course" ADD CONSTRAINT "Course_learningCentreId_fkey" FOREIGN KEY ("learningCentreId") REFERENCES "LearningCentre"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Enrolment" ADD CONSTRAINT "Enrolment_courseId_fkey" FOREIGN KEY ("courseId") REFERENCES "Course"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LearningResource" ADD CONSTRAINT "LearningResource_schoolId_fkey" FOREIGN KEY ("schoolId") REFERENCES "School"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LearningResource" ADD CONSTRAINT "LearningResource_learningCentreId_fkey" FOREIGN KEY ("learningCentreId") REFERENCES "LearningCentre"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StudentPortrait" ADD CONSTRAINT "StudentPortrait_schoolId_fkey" FOREIGN KEY ("schoolId") REFERENCES "School"("id") ON DELETE RESTRICT ON UPDATE CASCADE;



-- Hand-written below this line (Prisma's schema language cannot express them); keep them when regenerating.
-- The `CREATE SCHEMA "public"` that `migrate diff` emits first was removed too: the kit sets the search path to
-- the subgraph's own schema, and its role may not create schemas.

-- A resident holds at most one active enrolment per course. Partial, so a withdrawal does not stop the resident
-- from enrolling in the same course again. This is what makes two simultaneous identical enrolments safe.
CREATE UNIQUE INDEX "Enrolment_courseId_residentId_enrolled_key" ON "Enrolment"("courseId", "residentId") WHERE "status" = 'ENROLLED';

-- The enrolment mutation keeps enrolledCount in step with capacity through a conditional update; the database
-- refuses any write that would break the invariant anyway.
ALTER TABLE "Course" ADD CONSTRAINT "Course_enrolledCount_check" CHECK ("enrolledCount" >= 0 AND "enrolledCount" <= "capacity");
ALTER TABLE "Course" ADD CONSTRAINT "Course_time_check" CHECK ("endsAt" > "startsAt" AND "sessionCount" > 0);
ALTER TABLE "Enrolment" ADD CONSTRAINT "Enrolment_withdrawn_check" CHECK (("status" = 'WITHDRAWN') = ("withdrawnAt" IS NOT NULL));

-- A course or a resource has exactly one provider: a school or a lifelong-learning centre.
ALTER TABLE "Course" ADD CONSTRAINT "Course_provider_check" CHECK (("schoolId" IS NULL) <> ("learningCentreId" IS NULL));
ALTER TABLE "LearningResource" ADD CONSTRAINT "LearningResource_provider_check" CHECK (("schoolId" IS NULL) <> ("learningCentreId" IS NULL));

-- Portraits are percentages and hours; a bad import must not slip in (minors' data is corrected at the source).
ALTER TABLE "StudentPortrait" ADD CONSTRAINT "StudentPortrait_values_check" CHECK ("attendanceRate" BETWEEN 0 AND 1 AND "readingHoursPerWeek" >= 0 AND "gradeLevel" BETWEEN 1 AND 12);
