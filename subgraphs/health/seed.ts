/**
 * Writes the health seed (`seedData.ts`) for a seed date. Idempotent: rows are inserted in batches with
 * `skipDuplicates`, so a second run adds nothing and never overwrites what residents did since (bookings,
 * cancellations); a later seed date adds the days and months that are new (`SeedCalendar`).
 * Parents go before children for the foreign keys; the counts come back from the database, not from the input.
 */
import type { SubgraphDatabase } from "../../lib/db/database.ts";
import type { SeedSummary } from "../kit/module.ts";
import type { SeedOptions } from "../kit/seedCalendar.ts";
import type { HealthPrisma } from "./loaders.ts";
import { buildSeedData } from "./seedData.ts";

/** Rows per INSERT: well under PostgreSQL's 65 535 bind parameters for the widest table. */
const BATCH_SIZE = 1_000;

async function inBatches<T>(rows: T[], insert: (batch: T[]) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < rows.length; start += BATCH_SIZE) {
    await insert(rows.slice(start, start + BATCH_SIZE));
  }
}

export async function seed(prisma: HealthPrisma, _db: SubgraphDatabase, options: SeedOptions): Promise<SeedSummary> {
  const data = buildSeedData(options);
  const skipDuplicates = true;
  await inBatches(data.hospitals, (batch) => prisma.hospital.createMany({ data: batch, skipDuplicates }));
  await inBatches(data.clinics, (batch) => prisma.clinic.createMany({ data: batch, skipDuplicates }));
  await inBatches(data.doctors, (batch) => prisma.doctor.createMany({ data: batch, skipDuplicates }));
  await inBatches(data.slots, (batch) => prisma.appointmentSlot.createMany({ data: batch, skipDuplicates }));
  await inBatches(data.appointments, (batch) => prisma.appointment.createMany({ data: batch, skipDuplicates }));
  await inBatches(data.carePartners, (batch) =>
    prisma.nursingHomeCarePartner.createMany({ data: batch, skipDuplicates }),
  );
  await inBatches(data.followUps, (batch) => prisma.chronicFollowUp.createMany({ data: batch, skipDuplicates }));
  await inBatches(data.renewals, (batch) => prisma.prescriptionRenewal.createMany({ data: batch, skipDuplicates }));
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
