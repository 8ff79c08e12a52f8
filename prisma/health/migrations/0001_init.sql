-- Health subgraph, first schema. Written by
--   prisma migrate diff --from-empty --to-schema-datamodel=prisma/health/schema.prisma --script
-- then edited by hand as noted at the end of the file.

-- CreateEnum
CREATE TYPE "HospitalKind" AS ENUM ('GENERAL', 'SPECIALIST', 'TCM', 'COMMUNITY_HEALTH_CENTRE', 'COMMUNITY_HEALTH_STATION', 'OUTPATIENT');

-- CreateEnum
CREATE TYPE "HospitalLevel" AS ENUM ('TERTIARY', 'SECONDARY', 'PRIMARY', 'UNGRADED');

-- CreateEnum
CREATE TYPE "DoctorTitle" AS ENUM ('CHIEF_PHYSICIAN', 'ASSOCIATE_CHIEF_PHYSICIAN', 'ATTENDING_PHYSICIAN', 'PHYSICIAN');

-- CreateEnum
CREATE TYPE "AppointmentStatus" AS ENUM ('BOOKED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "RenewalStatus" AS ENUM ('REQUESTED', 'APPROVED', 'REJECTED', 'DELIVERED');

-- CreateTable
CREATE TABLE "Hospital" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "HospitalKind" NOT NULL,
    "level" "HospitalLevel" NOT NULL,
    "address" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "isInternetHospital" BOOLEAN NOT NULL DEFAULT false,
    "openingHours" TEXT NOT NULL,
    "streetId" TEXT NOT NULL,
    "departmentId" TEXT NOT NULL,

    CONSTRAINT "Hospital_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Clinic" (
    "id" TEXT NOT NULL,
    "hospitalId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "averageConsultMinutes" INTEGER NOT NULL,

    CONSTRAINT "Clinic_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Doctor" (
    "id" TEXT NOT NULL,
    "clinicId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "title" "DoctorTitle" NOT NULL,
    "specialty" TEXT NOT NULL,

    CONSTRAINT "Doctor_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AppointmentSlot" (
    "id" TEXT NOT NULL,
    "hospitalId" TEXT NOT NULL,
    "clinicId" TEXT NOT NULL,
    "doctorId" TEXT NOT NULL,
    "startsAt" TIMESTAMPTZ(3) NOT NULL,
    "endsAt" TIMESTAMPTZ(3) NOT NULL,
    "capacity" INTEGER NOT NULL,
    "bookedCount" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "AppointmentSlot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Appointment" (
    "id" TEXT NOT NULL,
    "slotId" TEXT NOT NULL,
    "residentId" TEXT NOT NULL,
    "status" "AppointmentStatus" NOT NULL,
    "bookedAt" TIMESTAMPTZ(3) NOT NULL,
    "cancelledAt" TIMESTAMPTZ(3),
    "cancelReason" TEXT,

    CONSTRAINT "Appointment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NursingHome" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "streetId" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "beds" INTEGER NOT NULL,
    "internetHospitalId" TEXT,
    "communityHealthCentreId" TEXT,

    CONSTRAINT "NursingHome_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChronicFollowUp" (
    "id" TEXT NOT NULL,
    "nursingHomeId" TEXT NOT NULL,
    "residentId" TEXT NOT NULL,
    "condition" TEXT NOT NULL,
    "doctorId" TEXT NOT NULL,
    "scheduledAt" TIMESTAMPTZ(3) NOT NULL,
    "completedAt" TIMESTAMPTZ(3),
    "notes" TEXT,

    CONSTRAINT "ChronicFollowUp_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PrescriptionRenewal" (
    "id" TEXT NOT NULL,
    "nursingHomeId" TEXT NOT NULL,
    "residentId" TEXT NOT NULL,
    "medication" TEXT NOT NULL,
    "doctorId" TEXT NOT NULL,
    "status" "RenewalStatus" NOT NULL,
    "requestedAt" TIMESTAMPTZ(3) NOT NULL,
    "decidedAt" TIMESTAMPTZ(3),
    "decisionNote" TEXT,

    CONSTRAINT "PrescriptionRenewal_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Hospital_streetId_idx" ON "Hospital"("streetId");

-- CreateIndex
CREATE INDEX "Hospital_departmentId_idx" ON "Hospital"("departmentId");

-- CreateIndex
CREATE INDEX "Clinic_hospitalId_idx" ON "Clinic"("hospitalId");

-- CreateIndex
CREATE INDEX "Doctor_clinicId_idx" ON "Doctor"("clinicId");

-- CreateIndex
CREATE INDEX "AppointmentSlot_hospitalId_startsAt_idx" ON "AppointmentSlot"("hospitalId", "startsAt");

-- CreateIndex
CREATE INDEX "AppointmentSlot_clinicId_startsAt_idx" ON "AppointmentSlot"("clinicId", "startsAt");

-- CreateIndex
CREATE INDEX "AppointmentSlot_doctorId_startsAt_idx" ON "AppointmentSlot"("doctorId", "startsAt");

-- CreateIndex
CREATE INDEX "Appointment_slotId_idx" ON "Appointment"("slotId");

-- CreateIndex
CREATE INDEX "Appointment_residentId_idx" ON "Appointment"("residentId");

-- CreateIndex
CREATE INDEX "NursingHome_streetId_idx" ON "NursingHome"("streetId");

-- CreateIndex
CREATE INDEX "ChronicFollowUp_nursingHomeId_idx" ON "ChronicFollowUp"("nursingHomeId");

-- CreateIndex
CREATE INDEX "PrescriptionRenewal_nursingHomeId_idx" ON "PrescriptionRenewal"("nursingHomeId");

-- AddForeignKey
ALTER TABLE "Clinic" ADD CONSTRAINT "Clinic_hospitalId_fkey" FOREIGN KEY ("hospitalId") REFERENCES "Hospital"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Doctor" ADD CONSTRAINT "Doctor_clinicId_fkey" FOREIGN KEY ("clinicId") REFERENCES "Clinic"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AppointmentSlot" ADD CONSTRAINT "AppointmentSlot_clinicId_fkey" FOREIGN KEY ("clinicId") REFERENCES "Clinic"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AppointmentSlot" ADD CONSTRAINT "AppointmentSlot_doctorId_fkey" FOREIGN KEY ("doctorId") REFERENCES "Doctor"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Appointment" ADD CONSTRAINT "Appointment_slotId_fkey" FOREIGN KEY ("slotId") REFERENCES "AppointmentSlot"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "NursingHome" ADD CONSTRAINT "NursingHome_internetHospitalId_fkey" FOREIGN KEY ("internetHospitalId") REFERENCES "Hospital"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "NursingHome" ADD CONSTRAINT "NursingHome_communityHealthCentreId_fkey" FOREIGN KEY ("communityHealthCentreId") REFERENCES "Hospital"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChronicFollowUp" ADD CONSTRAINT "ChronicFollowUp_nursingHomeId_fkey" FOREIGN KEY ("nursingHomeId") REFERENCES "NursingHome"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChronicFollowUp" ADD CONSTRAINT "ChronicFollowUp_doctorId_fkey" FOREIGN KEY ("doctorId") REFERENCES "Doctor"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PrescriptionRenewal" ADD CONSTRAINT "PrescriptionRenewal_nursingHomeId_fkey" FOREIGN KEY ("nursingHomeId") REFERENCES "NursingHome"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PrescriptionRenewal" ADD CONSTRAINT "PrescriptionRenewal_doctorId_fkey" FOREIGN KEY ("doctorId") REFERENCES "Doctor"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- Hand-written below this line (Prisma's schema language cannot express them); keep them when regenerating.
-- The `CREATE SCHEMA "public"` that `migrate diff` emits first was removed too: the kit sets the search path to
-- the subgraph's own schema, and its role may not create schemas.

-- A resident holds at most one live appointment per slot. Partial, so a cancelled appointment does not stop the
-- resident from booking the same slot again. This is what makes two simultaneous identical bookings safe.
CREATE UNIQUE INDEX "Appointment_slotId_residentId_booked_key" ON "Appointment"("slotId", "residentId") WHERE "status" = 'BOOKED';

-- The booking mutation keeps bookedCount in step with capacity through a conditional update; the database refuses
-- any write that would break the invariant anyway.
ALTER TABLE "AppointmentSlot" ADD CONSTRAINT "AppointmentSlot_bookedCount_check" CHECK ("bookedCount" >= 0 AND "bookedCount" <= "capacity");
ALTER TABLE "AppointmentSlot" ADD CONSTRAINT "AppointmentSlot_time_check" CHECK ("endsAt" > "startsAt");
