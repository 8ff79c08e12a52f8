-- CreateEnum
CREATE TYPE "DepartmentKind" AS ENUM ('DISTRICT_OFFICE', 'DISTRICT_BUREAU', 'CITY_BRANCH', 'CENTRE', 'STREET_OFFICE');

-- CreateEnum
CREATE TYPE "StreetKind" AS ENUM ('STREET', 'TOWN');

-- CreateEnum
CREATE TYPE "DataClassification" AS ENUM ('PUBLIC', 'INTERNAL', 'SENSITIVE', 'CORE');

-- CreateEnum
CREATE TYPE "DataOpenStatus" AS ENUM ('OPEN', 'CONDITIONAL', 'NOT_OPEN');

-- CreateEnum
CREATE TYPE "DataUpdateFrequency" AS ENUM ('REALTIME', 'DAILY', 'WEEKLY', 'MONTHLY', 'QUARTERLY', 'YEARLY');

-- CreateTable
CREATE TABLE "Department" (
    "id" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "shortName" TEXT NOT NULL,
    "englishName" TEXT NOT NULL,
    "kind" "DepartmentKind" NOT NULL,
    "streetId" TEXT,

    CONSTRAINT "Department_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Street" (
    "id" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "englishName" TEXT NOT NULL,
    "kind" "StreetKind" NOT NULL,
    "areaKm2" DOUBLE PRECISION NOT NULL,
    "population" INTEGER NOT NULL,
    "officeAddress" TEXT NOT NULL,

    CONSTRAINT "Street_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DataResource" (
    "id" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "ownerDepartmentId" TEXT NOT NULL,
    "authoritativeSource" TEXT NOT NULL,
    "classification" "DataClassification" NOT NULL,
    "openStatus" "DataOpenStatus" NOT NULL,
    "openConditions" TEXT,
    "updateFrequency" "DataUpdateFrequency" NOT NULL,
    "format" TEXT NOT NULL,
    "fieldCount" INTEGER NOT NULL,
    "keywords" TEXT[],
    "streetId" TEXT,
    "publishedAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DataResource_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Department_code_key" ON "Department"("code");

-- CreateIndex
CREATE UNIQUE INDEX "Street_code_key" ON "Street"("code");

-- CreateIndex
CREATE UNIQUE INDEX "DataResource_code_key" ON "DataResource"("code");

-- CreateIndex
CREATE INDEX "DataResource_ownerDepartmentId_id_idx" ON "DataResource"("ownerDepartmentId", "id");

-- CreateIndex
CREATE INDEX "DataResource_streetId_id_idx" ON "DataResource"("streetId", "id");

-- CreateIndex
CREATE INDEX "DataResource_openStatus_id_idx" ON "DataResource"("openStatus", "id");

-- AddForeignKey
ALTER TABLE "Department" ADD CONSTRAINT "Department_streetId_fkey" FOREIGN KEY ("streetId") REFERENCES "Street"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DataResource" ADD CONSTRAINT "DataResource_ownerDepartmentId_fkey" FOREIGN KEY ("ownerDepartmentId") REFERENCES "Department"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DataResource" ADD CONSTRAINT "DataResource_streetId_fkey" FOREIGN KEY ("streetId") REFERENCES "Street"("id") ON DELETE SET NULL ON UPDATE CASCADE;

