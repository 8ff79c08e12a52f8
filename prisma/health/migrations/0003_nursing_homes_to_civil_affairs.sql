-- One data, one source: the register of nursing homes (养老服务机构名录, res-0063) is 区民政局's and moves to civil affairs
-- (civil_affairs migration 0002). Health keeps what is its own: each home's medical partners (医养结合, the
-- 养老院+互联网医院 pilot, res-0017), copied from the old table before it is dropped, and the follow-ups and renewals,
-- whose nursingHomeId now names the home in civil affairs (no foreign key across departments).

-- CreateTable
CREATE TABLE "NursingHomeCarePartner" (
    "nursingHomeId" TEXT NOT NULL,
    "internetHospitalId" TEXT,
    "communityHealthCentreId" TEXT,
    "synthetic" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "NursingHomeCarePartner_pkey" PRIMARY KEY ("nursingHomeId")
);

-- CreateIndex
CREATE INDEX "NursingHomeCarePartner_internetHospitalId_idx" ON "NursingHomeCarePartner"("internetHospitalId");

-- AddForeignKey
ALTER TABLE "NursingHomeCarePartner" ADD CONSTRAINT "NursingHomeCarePartner_internetHospitalId_fkey" FOREIGN KEY ("internetHospitalId") REFERENCES "Hospital"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "NursingHomeCarePartner" ADD CONSTRAINT "NursingHomeCarePartner_communityHealthCentreId_fkey" FOREIGN KEY ("communityHealthCentreId") REFERENCES "Hospital"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- The partnerships the old table held.
INSERT INTO "NursingHomeCarePartner" ("nursingHomeId", "internetHospitalId", "communityHealthCentreId", "synthetic")
SELECT "id", "internetHospitalId", "communityHealthCentreId", "synthetic" FROM "NursingHome";

-- DropForeignKey
ALTER TABLE "NursingHome" DROP CONSTRAINT "NursingHome_internetHospitalId_fkey";

-- DropForeignKey
ALTER TABLE "NursingHome" DROP CONSTRAINT "NursingHome_communityHealthCentreId_fkey";

-- DropForeignKey
ALTER TABLE "ChronicFollowUp" DROP CONSTRAINT "ChronicFollowUp_nursingHomeId_fkey";

-- DropForeignKey
ALTER TABLE "PrescriptionRenewal" DROP CONSTRAINT "PrescriptionRenewal_nursingHomeId_fkey";

-- DropTable
DROP TABLE "NursingHome";
