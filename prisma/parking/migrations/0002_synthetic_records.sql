-- Marks the records the demo seed makes up (docs/data.md: which data is real, which generated). Rows written
-- before this migration, and every row the service writes itself, are false.

-- AlterTable
ALTER TABLE "ParkingFacility" ADD COLUMN     "synthetic" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "ChargingStation" ADD COLUMN     "synthetic" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "ParkingSession" ADD COLUMN     "synthetic" BOOLEAN NOT NULL DEFAULT false;

