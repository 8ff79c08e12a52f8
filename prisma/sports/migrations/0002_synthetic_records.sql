-- Marks the records the demo seed makes up (docs/data.md: which data is real, which generated). Rows written
-- before this migration, and every row the service writes itself, are false.

-- AlterTable
ALTER TABLE "FitnessPoint" ADD COLUMN     "synthetic" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "SchoolGroundCheckIn" ADD COLUMN     "synthetic" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "SportsVenue" ADD COLUMN     "synthetic" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "CourtBooking" ADD COLUMN     "synthetic" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "SportsEvent" ADD COLUMN     "synthetic" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "SportsEventRegistration" ADD COLUMN     "synthetic" BOOLEAN NOT NULL DEFAULT false;

