-- Marks the records the demo seed makes up (docs/data.md: which data is real, which generated). Rows written
-- before this migration, and every row the service writes itself, are false.

-- AlterTable
ALTER TABLE "Hospital" ADD COLUMN     "synthetic" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Doctor" ADD COLUMN     "synthetic" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Appointment" ADD COLUMN     "synthetic" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "NursingHome" ADD COLUMN     "synthetic" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "ChronicFollowUp" ADD COLUMN     "synthetic" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "PrescriptionRenewal" ADD COLUMN     "synthetic" BOOLEAN NOT NULL DEFAULT false;

