-- Marks the records the demo seed makes up (docs/data.md: which data is real, which generated). Rows written
-- before this migration, and every row the service writes itself, are false.

-- AlterTable
ALTER TABLE "School" ADD COLUMN     "synthetic" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "LearningCentre" ADD COLUMN     "synthetic" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Course" ADD COLUMN     "synthetic" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Enrolment" ADD COLUMN     "synthetic" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "StudentPortrait" ADD COLUMN     "synthetic" BOOLEAN NOT NULL DEFAULT false;

