-- The register of elderly-care institutions (养老服务机构名录, catalogue res-0063) moves here from health: 区民政局 owns
-- it (one data, one source). Health keeps only its medical partnerships with the homes (health migration 0003).

-- CreateEnum
CREATE TYPE "NursingHomeKind" AS ENUM ('WELFARE_INSTITUTE', 'NURSING_HOME', 'COMMUNITY_CARE_HOME');

-- CreateTable
CREATE TABLE "NursingHome" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "NursingHomeKind" NOT NULL,
    "streetId" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "beds" INTEGER NOT NULL,
    "occupiedBeds" INTEGER NOT NULL,
    "bedsReportedAt" TIMESTAMPTZ(3) NOT NULL,
    "synthetic" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "NursingHome_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "NursingHome_beds_check" CHECK ("beds" > 0 AND "occupiedBeds" BETWEEN 0 AND "beds")
);

-- CreateIndex
CREATE INDEX "NursingHome_streetId_id_idx" ON "NursingHome"("streetId", "id");
