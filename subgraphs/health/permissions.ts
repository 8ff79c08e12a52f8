/**
 * Who may call what in the health subgraph, and which appointments, follow-ups and renewals each caller sees.
 * A record's street (for an officer's jurisdiction) is the street of the facility where it happens: the hospital of
 * an appointment's slot; for a nursing-home follow-up or renewal, the community health centre that cares for the home
 * (the home itself is civil affairs', and health does not copy its street).
 */
import type { DepartmentDesk, ResidentRecordRule } from "../kit/actingResident.ts";
import { isResidentOrOfficerOf, publicField, recordRule, type SubgraphPermissions } from "../kit/shield.ts";
import type { Appointment, ChronicFollowUp, PrescriptionRenewal } from "./generated/prisma/client.ts";
import type { HealthContext } from "./loaders.ts";

export const HEALTH_DESK: DepartmentDesk = { departmentId: "dept-health", name: "区卫健委" };

/** An appointment: the resident's, or 区卫健委 officers' of the hospital's street. */
export const appointmentRecords: ResidentRecordRule<Appointment, HealthContext> = {
  desk: HEALTH_DESK,
  residentOf: (appointment) => appointment.residentId,
  streetOf: async (appointment, { loaders }) => {
    const slot = await loaders.slotById.load(appointment.slotId);
    return slot && (await loaders.hospitalById.load(slot.hospitalId))?.streetId;
  },
};

/**
 * A nursing-home resident's follow-up or prescription renewal: theirs, or 区卫健委 officers' of the street of the
 * community health centre caring for the home (in the seed, the home's own street).
 */
export const nursingCareRecords: ResidentRecordRule<ChronicFollowUp | PrescriptionRenewal, HealthContext> = {
  desk: HEALTH_DESK,
  residentOf: (record) => record.residentId,
  streetOf: async (record, { loaders }) => {
    const partner = await loaders.carePartnerByNursingHome.load(record.nursingHomeId);
    const centreId = partner?.communityHealthCentreId;
    return centreId ? (await loaders.hospitalById.load(centreId))?.streetId : undefined;
  },
};

const desk = isResidentOrOfficerOf(HEALTH_DESK);

export const permissions: SubgraphPermissions = {
  Query: {
    hospitals: publicField,
    hospital: publicField,
    doctors: publicField,
    appointmentSlots: publicField,
    appointment: desk,
    internetHospitalPilotHomes: publicField,
  },
  Mutation: {
    bookAppointment: desk,
    cancelAppointment: desk,
  },
  Appointment: recordRule("appointment", appointmentRecords),
  ChronicFollowUp: recordRule("chronic follow-up", nursingCareRecords),
  PrescriptionRenewal: recordRule("prescription renewal", nursingCareRecords),
};
