-- Parking subgraph, first schema. Written by
--   prisma migrate diff --from-empty --to-schema-datamodel=prisma/parking/schema.prisma --script
-- then edited by hand as noted at the end of the file.

-- CreateEnum
CREATE TYPE "ParkingFacilityKind" AS ENUM ('GARAGE', 'ON_STREET');

-- CreateEnum
CREATE TYPE "ParkingSessionStatus" AS ENUM ('ACTIVE', 'COMPLETED');

-- CreateTable
CREATE TABLE "ParkingFacility" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "ParkingFacilityKind" NOT NULL,
    "address" TEXT NOT NULL,
    "streetId" TEXT NOT NULL,
    "departmentId" TEXT NOT NULL,
    "operator" TEXT NOT NULL,
    "totalSpaces" INTEGER NOT NULL,
    "hourlyPriceFen" INTEGER NOT NULL,
    "openingHours" TEXT NOT NULL,
    "platformCode" TEXT,

    CONSTRAINT "ParkingFacility_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChargingStation" (
    "id" TEXT NOT NULL,
    "facilityId" TEXT NOT NULL,
    "streetId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "operator" TEXT NOT NULL,
    "fastChargers" INTEGER NOT NULL,
    "slowChargers" INTEGER NOT NULL,
    "platformCode" TEXT,

    CONSTRAINT "ChargingStation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ParkingSession" (
    "id" TEXT NOT NULL,
    "facilityId" TEXT NOT NULL,
    "residentId" TEXT NOT NULL,
    "plate" TEXT NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL,
    "endedAt" TIMESTAMPTZ(3),
    "feeFen" INTEGER,
    "status" "ParkingSessionStatus" NOT NULL,

    CONSTRAINT "ParkingSession_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ParkingFacility_platformCode_key" ON "ParkingFacility"("platformCode");

-- CreateIndex
CREATE INDEX "ParkingFacility_streetId_idx" ON "ParkingFacility"("streetId");

-- CreateIndex
CREATE INDEX "ParkingFacility_departmentId_idx" ON "ParkingFacility"("departmentId");

-- CreateIndex
CREATE UNIQUE INDEX "ChargingStation_facilityId_key" ON "ChargingStation"("facilityId");

-- CreateIndex
CREATE UNIQUE INDEX "ChargingStation_platformCode_key" ON "ChargingStation"("platformCode");

-- CreateIndex
CREATE INDEX "ChargingStation_streetId_idx" ON "ChargingStation"("streetId");

-- CreateIndex
CREATE INDEX "ParkingSession_residentId_startedAt_idx" ON "ParkingSession"("residentId", "startedAt");

-- CreateIndex
CREATE INDEX "ParkingSession_facilityId_startedAt_idx" ON "ParkingSession"("facilityId", "startedAt");

-- CreateIndex
CREATE INDEX "ParkingSession_plate_idx" ON "ParkingSession"("plate");

-- AddForeignKey
ALTER TABLE "ChargingStation" ADD CONSTRAINT "ChargingStation_facilityId_fkey" FOREIGN KEY ("facilityId") REFERENCES "ParkingFacility"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ParkingSession" ADD CONSTRAINT "ParkingSession_facilityId_fkey" FOREIGN KEY ("facilityId") REFERENCES "ParkingFacility"("id") ON DELETE RESTRICT ON UPDATE CASCADE;



-- Hand-written below this line (Prisma's schema language cannot express them); keep them when regenerating.
-- The `CREATE SCHEMA "public"` that `migrate diff` emits first was removed too: the kit sets the search path to
-- the subgraph's own schema, and its role may not create schemas.

-- A vehicle is in at most one place at a time: one ACTIVE session per plate. Partial, so a plate keeps any number
-- of completed sessions. This is what makes two simultaneous starts for the same car safe.
CREATE UNIQUE INDEX "ParkingSession_plate_active_key" ON "ParkingSession"("plate") WHERE "status" = 'ACTIVE';

-- A session is either running (no end, no fee) or completed (end not before start, a fee of zero or more).
ALTER TABLE "ParkingSession" ADD CONSTRAINT "ParkingSession_state_check" CHECK (
  ("status" = 'ACTIVE' AND "endedAt" IS NULL AND "feeFen" IS NULL)
  OR ("status" = 'COMPLETED' AND "endedAt" IS NOT NULL AND "endedAt" >= "startedAt" AND "feeFen" >= 0)
);

-- Fees are charged per started half hour, so the hourly price must split into two whole fen.
ALTER TABLE "ParkingFacility" ADD CONSTRAINT "ParkingFacility_price_check" CHECK ("hourlyPriceFen" >= 0 AND "hourlyPriceFen" % 2 = 0);
ALTER TABLE "ParkingFacility" ADD CONSTRAINT "ParkingFacility_spaces_check" CHECK ("totalSpaces" > 0);
ALTER TABLE "ChargingStation" ADD CONSTRAINT "ChargingStation_chargers_check" CHECK ("fastChargers" >= 0 AND "slowChargers" >= 0 AND "fastChargers" + "slowChargers" > 0);
