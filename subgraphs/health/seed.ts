/**
 * Writes the health seed (`seedData.ts`) for a seed date. Idempotent: rows are written with `insertRows` (existing keys
 * skipped), so a second run adds nothing and never overwrites what residents did since (bookings, cancellations); a
 * later seed date adds the days and months that are new (`SeedCalendar`). Parents go before children for the foreign
 * keys; the counts come back from the database, not from the input.
 */
import type { SubgraphDatabase } from "../../lib/db/database.ts";
import { insertRows } from "../kit/insertRows.ts";
import type { SeedSummary } from "../kit/module.ts";
import { readPrismaModels } from "../kit/prismaModels.ts";
import type { SeedOptions } from "../kit/seedCalendar.ts";
import type { HealthPrisma } from "./loaders.ts";
import { buildSeedData } from "./seedData.ts";

const models = readPrismaModels(new URL("../../prisma/health/schema.prisma", import.meta.url));

export async function seed(prisma: HealthPrisma, db: SubgraphDatabase, options: SeedOptions): Promise<SeedSummary> {
  const data = buildSeedData(options);
  await insertRows(db, models.get("Hospital"), data.hospitals);
  await insertRows(db, models.get("Clinic"), data.clinics);
  await insertRows(db, models.get("Doctor"), data.doctors);
  await insertRows(db, models.get("AppointmentSlot"), data.slots);
  await insertRows(db, models.get("Appointment"), data.appointments);
  await insertRows(db, models.get("NursingHomeCarePartner"), data.carePartners);
  await insertRows(db, models.get("ChronicFollowUp"), data.followUps);
  await insertRows(db, models.get("PrescriptionRenewal"), data.renewals);
  return countRows(prisma);
}

export async function countRows(prisma: HealthPrisma): Promise<SeedSummary> {
  const [hospitals, clinics, doctors, appointmentSlots, appointments, nursingHomeCarePartners, followUps, renewals] =
    await Promise.all([
      prisma.hospital.count(),
      prisma.clinic.count(),
      prisma.doctor.count(),
      prisma.appointmentSlot.count(),
      prisma.appointment.count(),
      prisma.nursingHomeCarePartner.count(),
      prisma.chronicFollowUp.count(),
      prisma.prescriptionRenewal.count(),
    ]);
  return {
    hospitals,
    clinics,
    doctors,
    appointmentSlots,
    appointments,
    nursingHomeCarePartners,
    chronicFollowUps: followUps,
    prescriptionRenewals: renewals,
  };
}
