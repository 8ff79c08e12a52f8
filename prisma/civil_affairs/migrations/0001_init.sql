-- CreateEnum
CREATE TYPE "ElderlyCareSubsidyKind" AS ENUM ('HOME_CARE', 'INSTITUTIONAL_CARE', 'MEAL');

-- CreateEnum
CREATE TYPE "HouseholdMeansStatus" AS ENUM ('MINIMUM_LIVING', 'LOW_INCOME', 'OTHER');

-- CreateTable
CREATE TABLE "ElderlyCareSubsidy" (
    "id" TEXT NOT NULL,
    "residentId" TEXT NOT NULL,
    "streetId" TEXT NOT NULL,
    "kind" "ElderlyCareSubsidyKind" NOT NULL,
    "careLevel" INTEGER NOT NULL,
    "householdStatus" "HouseholdMeansStatus" NOT NULL,
    "monthlyAmountYuan" INTEGER NOT NULL,
    "validFrom" TIMESTAMPTZ(3) NOT NULL,
    "validUntil" TIMESTAMPTZ(3),
    "synthetic" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "ElderlyCareSubsidy_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "ElderlyCareSubsidy_careLevel_check" CHECK ("careLevel" BETWEEN 1 AND 6),
    CONSTRAINT "ElderlyCareSubsidy_amount_check" CHECK ("monthlyAmountYuan" > 0)
);

-- CreateIndex
CREATE INDEX "ElderlyCareSubsidy_residentId_id_idx" ON "ElderlyCareSubsidy"("residentId", "id");

-- CreateIndex
CREATE INDEX "ElderlyCareSubsidy_streetId_id_idx" ON "ElderlyCareSubsidy"("streetId", "id");
