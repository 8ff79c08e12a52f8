-- School sports grounds opened to the public (学校体育场地开放) with their opening hours and QR check-ins, moved
-- here from the sports subgraph: the data catalogue names 区教育局 as their owner (one data, one source, issue 14).
-- The CHECK constraints are the ones sports had.

-- CreateEnum
CREATE TYPE "SchoolGroundKind" AS ENUM ('TRACK_AND_FIELD', 'BASKETBALL', 'FOOTBALL');

-- CreateTable
CREATE TABLE "SchoolSportsGround" (
    "id" TEXT NOT NULL,
    "schoolId" TEXT NOT NULL,
    "streetId" TEXT NOT NULL,
    "kind" "SchoolGroundKind" NOT NULL,
    "name" TEXT NOT NULL,
    "publicEntrance" TEXT NOT NULL,
    "dailyQuota" INTEGER NOT NULL,
    "qrSecret" TEXT NOT NULL,

    CONSTRAINT "SchoolSportsGround_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SchoolGroundOpening" (
    "id" TEXT NOT NULL,
    "groundId" TEXT NOT NULL,
    "weekday" INTEGER NOT NULL,
    "opensAtMinute" INTEGER NOT NULL,
    "closesAtMinute" INTEGER NOT NULL,

    CONSTRAINT "SchoolGroundOpening_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SchoolGroundCheckIn" (
    "id" TEXT NOT NULL,
    "groundId" TEXT NOT NULL,
    "residentId" TEXT NOT NULL,
    "visitDate" DATE NOT NULL,
    "checkedInAt" TIMESTAMPTZ(3) NOT NULL,
    "synthetic" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "SchoolGroundCheckIn_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SchoolSportsGround_streetId_idx" ON "SchoolSportsGround"("streetId");

-- CreateIndex
CREATE INDEX "SchoolSportsGround_schoolId_idx" ON "SchoolSportsGround"("schoolId");

-- CreateIndex
CREATE INDEX "SchoolGroundOpening_groundId_idx" ON "SchoolGroundOpening"("groundId");

-- CreateIndex
CREATE INDEX "SchoolGroundCheckIn_groundId_visitDate_idx" ON "SchoolGroundCheckIn"("groundId", "visitDate");

-- CreateIndex
CREATE UNIQUE INDEX "SchoolGroundCheckIn_groundId_residentId_visitDate_key" ON "SchoolGroundCheckIn"("groundId", "residentId", "visitDate");

-- AddForeignKey
ALTER TABLE "SchoolSportsGround" ADD CONSTRAINT "SchoolSportsGround_schoolId_fkey" FOREIGN KEY ("schoolId") REFERENCES "School"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SchoolGroundOpening" ADD CONSTRAINT "SchoolGroundOpening_groundId_fkey" FOREIGN KEY ("groundId") REFERENCES "SchoolSportsGround"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SchoolGroundCheckIn" ADD CONSTRAINT "SchoolGroundCheckIn_groundId_fkey" FOREIGN KEY ("groundId") REFERENCES "SchoolSportsGround"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


ALTER TABLE "SchoolSportsGround" ADD CONSTRAINT "SchoolSportsGround_dailyQuota_check" CHECK ("dailyQuota" > 0);
ALTER TABLE "SchoolGroundOpening" ADD CONSTRAINT "SchoolGroundOpening_window_check" CHECK ("weekday" BETWEEN 1 AND 7 AND "opensAtMinute" >= 0 AND "opensAtMinute" < "closesAtMinute" AND "closesAtMinute" <= 1440);
