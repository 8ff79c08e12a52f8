/**
 * Per-request DataLoaders of the health subgraph: every entity reference and every list-to-item hop goes through
 * one of these, so a page of 200 hospitals with clinics and doctors costs the same few SQL statements as a page of 10.
 */

import { loaderByGroup, loaderById } from "../kit/loaders.ts";
import type { SubgraphContext } from "../kit/module.ts";
import type { PrismaClient } from "./generated/prisma/client.ts";

/** The Prisma client the kit creates for this subgraph (query events on, for its SQL statement counter). */
export type HealthPrisma = PrismaClient<"query">;

const byId = { id: "asc" } as const;

export function createLoaders(prisma: HealthPrisma) {
  return {
    hospitalById: loaderById((ids) => prisma.hospital.findMany({ where: { id: { in: [...ids] } } })),
    clinicById: loaderById((ids) => prisma.clinic.findMany({ where: { id: { in: [...ids] } } })),
    doctorById: loaderById((ids) => prisma.doctor.findMany({ where: { id: { in: [...ids] } } })),
    slotById: loaderById((ids) => prisma.appointmentSlot.findMany({ where: { id: { in: [...ids] } } })),
    appointmentById: loaderById((ids) => prisma.appointment.findMany({ where: { id: { in: [...ids] } } })),
    carePartnerByNursingHome: loaderById(
      (homeIds) => prisma.nursingHomeCarePartner.findMany({ where: { nursingHomeId: { in: [...homeIds] } } }),
      (partner) => partner.nursingHomeId,
    ),

    clinicsByHospital: loaderByGroup(
      (hospitalIds) => prisma.clinic.findMany({ where: { hospitalId: { in: [...hospitalIds] } }, orderBy: byId }),
      (clinic) => clinic.hospitalId,
    ),
    doctorsByClinic: loaderByGroup(
      (clinicIds) => prisma.doctor.findMany({ where: { clinicId: { in: [...clinicIds] } }, orderBy: byId }),
      (doctor) => doctor.clinicId,
    ),
    // Street.hospitals(kind) and Department.healthFacilities(kind) load every institution of the key and narrow by
    // kind in memory: a street has a few dozen, so one query for all streets beats one query per kind.
    hospitalsByStreet: loaderByGroup(
      (streetIds) => prisma.hospital.findMany({ where: { streetId: { in: [...streetIds] } }, orderBy: byId }),
      (hospital) => hospital.streetId,
    ),
    hospitalsByDepartment: loaderByGroup(
      (departmentIds) =>
        prisma.hospital.findMany({ where: { departmentId: { in: [...departmentIds] } }, orderBy: byId }),
      (hospital) => hospital.departmentId,
    ),
    appointmentsByResident: loaderByGroup(
      (residentIds) =>
        prisma.appointment.findMany({
          where: { residentId: { in: [...residentIds] } },
          orderBy: [{ bookedAt: "desc" }, { id: "asc" }],
        }),
      (appointment) => appointment.residentId,
    ),
    followUpsByNursingHome: loaderByGroup(
      (homeIds) =>
        prisma.chronicFollowUp.findMany({
          where: { nursingHomeId: { in: [...homeIds] } },
          orderBy: [{ scheduledAt: "asc" }, { id: "asc" }],
        }),
      (followUp) => followUp.nursingHomeId,
    ),
    renewalsByNursingHome: loaderByGroup(
      (homeIds) =>
        prisma.prescriptionRenewal.findMany({
          where: { nursingHomeId: { in: [...homeIds] } },
          orderBy: [{ requestedAt: "desc" }, { id: "asc" }],
        }),
      (renewal) => renewal.nursingHomeId,
    ),
  };
}

export type HealthLoaders = ReturnType<typeof createLoaders>;

/** What every resolver of the health subgraph receives: the kit's context with this subgraph's client and loaders. */
export type HealthContext = SubgraphContext<HealthPrisma, HealthLoaders>;
