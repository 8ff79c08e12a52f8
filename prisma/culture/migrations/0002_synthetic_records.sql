-- Marks the records the demo seed makes up (docs/data.md: which data is real, which generated). Rows written
-- before this migration, and every row the service writes itself, are false.

-- AlterTable
ALTER TABLE "CultureVenue" ADD COLUMN     "synthetic" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "ReadableBuilding" ADD COLUMN     "synthetic" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "CultureProgramme" ADD COLUMN     "synthetic" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "CultureRegistration" ADD COLUMN     "synthetic" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "TourismRoute" ADD COLUMN     "synthetic" BOOLEAN NOT NULL DEFAULT false;

