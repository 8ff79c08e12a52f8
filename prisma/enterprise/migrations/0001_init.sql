-- Enterprise subgraph, first schema. Written by
--   prisma migrate diff --from-empty --to-schema-datamodel=prisma/enterprise/schema.prisma --script
-- then edited by hand as noted at the end of the file.

-- CreateEnum
CREATE TYPE "EnterpriseSizeClass" AS ENUM ('MICRO', 'SMALL', 'MEDIUM', 'LARGE');

-- CreateEnum
CREATE TYPE "ServiceApplicationStatus" AS ENUM ('SUBMITTED', 'ACCEPTED', 'IN_REVIEW', 'APPROVED', 'REJECTED', 'RETURNED_FOR_CORRECTION', 'COMPLETED');

-- CreateEnum
CREATE TYPE "ServiceWindowKind" AS ENUM ('GENERAL', 'DOMAIN', 'ASSISTANCE');

-- CreateEnum
CREATE TYPE "WindowAppointmentStatus" AS ENUM ('BOOKED', 'CANCELLED');

-- CreateTable
CREATE TABLE "Enterprise" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "creditCode" TEXT NOT NULL,
    "legalRepresentative" TEXT NOT NULL,
    "industryCode" TEXT NOT NULL,
    "industryName" TEXT NOT NULL,
    "registeredCapitalWan" INTEGER NOT NULL,
    "annualRevenueWan" INTEGER NOT NULL,
    "foundedOn" DATE NOT NULL,
    "employeeCount" INTEGER NOT NULL,
    "sizeClass" "EnterpriseSizeClass" NOT NULL,
    "isHighTech" BOOLEAN NOT NULL,
    "isSpecialized" BOOLEAN NOT NULL,
    "streetId" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "parkId" TEXT,

    CONSTRAINT "Enterprise_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BundledService" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "promisedDays" INTEGER NOT NULL,

    CONSTRAINT "BundledService_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ServiceItem" (
    "id" TEXT NOT NULL,
    "bundledServiceId" TEXT NOT NULL,
    "sequence" INTEGER NOT NULL,
    "departmentId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "statutoryTimeLimitDays" INTEGER NOT NULL,
    "materials" TEXT[],

    CONSTRAINT "ServiceItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ServiceApplication" (
    "id" TEXT NOT NULL,
    "enterpriseId" TEXT NOT NULL,
    "bundledServiceId" TEXT NOT NULL,
    "status" "ServiceApplicationStatus" NOT NULL,
    "currentItemId" TEXT,
    "materials" TEXT[],
    "submittedAt" TIMESTAMPTZ(3) NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "ServiceApplication_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApplicationEvent" (
    "id" TEXT NOT NULL,
    "applicationId" TEXT NOT NULL,
    "sequence" INTEGER NOT NULL,
    "status" "ServiceApplicationStatus" NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "departmentId" TEXT NOT NULL,
    "serviceItemId" TEXT,
    "note" TEXT,

    CONSTRAINT "ApplicationEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BenefitPolicy" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "criteria" JSONB NOT NULL,
    "amount" INTEGER NOT NULL,
    "validFrom" DATE NOT NULL,
    "validTo" DATE NOT NULL,
    "issuingDepartmentId" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "BenefitPolicy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BenefitMatchingRun" (
    "id" TEXT NOT NULL,
    "policyId" TEXT NOT NULL,
    "criteria" JSONB NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL,
    "finishedAt" TIMESTAMPTZ(3) NOT NULL,
    "evaluatedCount" INTEGER NOT NULL,
    "eligibleCount" INTEGER NOT NULL,
    "grantedCount" INTEGER NOT NULL,

    CONSTRAINT "BenefitMatchingRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BenefitGrant" (
    "id" TEXT NOT NULL,
    "policyId" TEXT NOT NULL,
    "enterpriseId" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "grantedAt" TIMESTAMPTZ(3) NOT NULL,
    "amount" INTEGER NOT NULL,
    "reasons" JSONB NOT NULL,

    CONSTRAINT "BenefitGrant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ServiceWindow" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "ServiceWindowKind" NOT NULL,
    "location" TEXT NOT NULL,
    "serviceIds" TEXT[],
    "servesResidents" BOOLEAN NOT NULL,

    CONSTRAINT "ServiceWindow_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WindowSlot" (
    "id" TEXT NOT NULL,
    "windowId" TEXT NOT NULL,
    "startsAt" TIMESTAMPTZ(3) NOT NULL,
    "endsAt" TIMESTAMPTZ(3) NOT NULL,
    "capacity" INTEGER NOT NULL,
    "bookedCount" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "WindowSlot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WindowAppointment" (
    "id" TEXT NOT NULL,
    "slotId" TEXT NOT NULL,
    "windowId" TEXT NOT NULL,
    "startsAt" TIMESTAMPTZ(3) NOT NULL,
    "enterpriseId" TEXT,
    "residentId" TEXT,
    "bundledServiceId" TEXT,
    "status" "WindowAppointmentStatus" NOT NULL,
    "bookedAt" TIMESTAMPTZ(3) NOT NULL,
    "cancelledAt" TIMESTAMPTZ(3),
    "cancelReason" TEXT,

    CONSTRAINT "WindowAppointment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Enterprise_creditCode_key" ON "Enterprise"("creditCode");

-- CreateIndex
CREATE INDEX "Enterprise_streetId_idx" ON "Enterprise"("streetId");

-- CreateIndex
CREATE INDEX "Enterprise_industryCode_idx" ON "Enterprise"("industryCode");

-- CreateIndex
CREATE INDEX "Enterprise_parkId_idx" ON "Enterprise"("parkId");

-- CreateIndex
CREATE INDEX "ServiceItem_departmentId_idx" ON "ServiceItem"("departmentId");

-- CreateIndex
CREATE UNIQUE INDEX "ServiceItem_bundledServiceId_sequence_key" ON "ServiceItem"("bundledServiceId", "sequence");

-- CreateIndex
CREATE INDEX "ServiceApplication_enterpriseId_idx" ON "ServiceApplication"("enterpriseId");

-- CreateIndex
CREATE INDEX "ServiceApplication_bundledServiceId_idx" ON "ServiceApplication"("bundledServiceId");

-- CreateIndex
CREATE INDEX "ServiceApplication_status_idx" ON "ServiceApplication"("status");

-- CreateIndex
CREATE UNIQUE INDEX "ApplicationEvent_applicationId_sequence_key" ON "ApplicationEvent"("applicationId", "sequence");

-- CreateIndex
CREATE INDEX "BenefitPolicy_issuingDepartmentId_idx" ON "BenefitPolicy"("issuingDepartmentId");

-- CreateIndex
CREATE INDEX "BenefitMatchingRun_policyId_idx" ON "BenefitMatchingRun"("policyId");

-- CreateIndex
CREATE INDEX "BenefitGrant_enterpriseId_idx" ON "BenefitGrant"("enterpriseId");

-- CreateIndex
CREATE INDEX "BenefitGrant_runId_idx" ON "BenefitGrant"("runId");

-- CreateIndex
CREATE UNIQUE INDEX "BenefitGrant_policyId_enterpriseId_key" ON "BenefitGrant"("policyId", "enterpriseId");

-- CreateIndex
CREATE INDEX "WindowSlot_startsAt_idx" ON "WindowSlot"("startsAt");

-- CreateIndex
CREATE UNIQUE INDEX "WindowSlot_windowId_startsAt_key" ON "WindowSlot"("windowId", "startsAt");

-- CreateIndex
CREATE INDEX "WindowAppointment_slotId_idx" ON "WindowAppointment"("slotId");

-- CreateIndex
CREATE INDEX "WindowAppointment_enterpriseId_idx" ON "WindowAppointment"("enterpriseId");

-- CreateIndex
CREATE INDEX "WindowAppointment_residentId_idx" ON "WindowAppointment"("residentId");

-- AddForeignKey
ALTER TABLE "ServiceItem" ADD CONSTRAINT "ServiceItem_bundledServiceId_fkey" FOREIGN KEY ("bundledServiceId") REFERENCES "BundledService"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ServiceApplication" ADD CONSTRAINT "ServiceApplication_enterpriseId_fkey" FOREIGN KEY ("enterpriseId") REFERENCES "Enterprise"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ServiceApplication" ADD CONSTRAINT "ServiceApplication_bundledServiceId_fkey" FOREIGN KEY ("bundledServiceId") REFERENCES "BundledService"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApplicationEvent" ADD CONSTRAINT "ApplicationEvent_applicationId_fkey" FOREIGN KEY ("applicationId") REFERENCES "ServiceApplication"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApplicationEvent" ADD CONSTRAINT "ApplicationEvent_serviceItemId_fkey" FOREIGN KEY ("serviceItemId") REFERENCES "ServiceItem"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BenefitMatchingRun" ADD CONSTRAINT "BenefitMatchingRun_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "BenefitPolicy"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BenefitGrant" ADD CONSTRAINT "BenefitGrant_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "BenefitPolicy"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BenefitGrant" ADD CONSTRAINT "BenefitGrant_enterpriseId_fkey" FOREIGN KEY ("enterpriseId") REFERENCES "Enterprise"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BenefitGrant" ADD CONSTRAINT "BenefitGrant_runId_fkey" FOREIGN KEY ("runId") REFERENCES "BenefitMatchingRun"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WindowSlot" ADD CONSTRAINT "WindowSlot_windowId_fkey" FOREIGN KEY ("windowId") REFERENCES "ServiceWindow"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WindowAppointment" ADD CONSTRAINT "WindowAppointment_slotId_fkey" FOREIGN KEY ("slotId") REFERENCES "WindowSlot"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WindowAppointment" ADD CONSTRAINT "WindowAppointment_enterpriseId_fkey" FOREIGN KEY ("enterpriseId") REFERENCES "Enterprise"("id") ON DELETE SET NULL ON UPDATE CASCADE;



-- Hand-written below this line (Prisma's schema language cannot express them); keep them when regenerating.
-- The `CREATE SCHEMA "public"` that `migrate diff` emits first was removed too: the kit sets the search path to
-- the subgraph's own schema, and its role may not create schemas.

-- An applicant holds at most one live window appointment per start time, whichever the window: a person cannot be
-- at two windows at once. Partial, so a cancelled appointment does not stop booking the same time again; this is
-- what makes two simultaneous identical bookings safe.
CREATE UNIQUE INDEX "WindowAppointment_enterpriseId_startsAt_booked_key" ON "WindowAppointment"("enterpriseId", "startsAt") WHERE "status" = 'BOOKED' AND "enterpriseId" IS NOT NULL;
CREATE UNIQUE INDEX "WindowAppointment_residentId_startsAt_booked_key" ON "WindowAppointment"("residentId", "startsAt") WHERE "status" = 'BOOKED' AND "residentId" IS NOT NULL;

-- An appointment is for an enterprise or for a resident, never both, never neither.
ALTER TABLE "WindowAppointment" ADD CONSTRAINT "WindowAppointment_one_applicant_check" CHECK (("enterpriseId" IS NULL) <> ("residentId" IS NULL));

-- The booking mutation keeps bookedCount in step with capacity through a conditional update; the database refuses
-- any write that would break the invariant anyway.
ALTER TABLE "WindowSlot" ADD CONSTRAINT "WindowSlot_bookedCount_check" CHECK ("bookedCount" >= 0 AND "bookedCount" <= "capacity");
ALTER TABLE "WindowSlot" ADD CONSTRAINT "WindowSlot_time_check" CHECK ("endsAt" > "startsAt");

-- Policies grant a positive amount over a non-empty period; runs cannot grant more than they found eligible.
ALTER TABLE "BenefitPolicy" ADD CONSTRAINT "BenefitPolicy_amount_check" CHECK ("amount" > 0);
ALTER TABLE "BenefitPolicy" ADD CONSTRAINT "BenefitPolicy_validity_check" CHECK ("validTo" >= "validFrom");
ALTER TABLE "BenefitMatchingRun" ADD CONSTRAINT "BenefitMatchingRun_counts_check" CHECK ("grantedCount" >= 0 AND "grantedCount" <= "eligibleCount" AND "eligibleCount" <= "evaluatedCount");

-- A credit code has 18 characters of the GB 32100-2015 alphabet (the check character is verified in code).
ALTER TABLE "Enterprise" ADD CONSTRAINT "Enterprise_creditCode_check" CHECK ("creditCode" ~ '^[0-9A-HJ-NP-RT-UW-Y]{18}$');
