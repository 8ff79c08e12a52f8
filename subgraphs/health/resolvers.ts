/**
 * Resolvers of the health subgraph. Root lists page with the kit's `paginate`; every hop from a row to another row
 * goes through the request's loaders; bookings live in `booking.ts`.
 */
import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper/index.js";
import { codedError } from "../../lib/errors.ts";
import {
  actingResident,
  guardResidentRecords,
  readableRecord,
  readableRecords,
  requireJurisdiction,
  residentReference,
} from "../kit/actingResident.ts";
import { DateTime } from "../kit/dateTime.ts";
import { pageOf } from "../kit/pageOf.ts";
import type { ListArgs } from "../kit/pagination.ts";
import { type Reference, resolveById } from "../kit/references.ts";
import { nameFilter } from "../kit/textFilter.ts";

import {
  type BookAppointmentInput,
  bookAppointment,
  type CancelAppointmentInput,
  cancelAppointment,
  noSuchAppointment,
} from "./booking.ts";
import type {
  Appointment,
  AppointmentSlot,
  ChronicFollowUp,
  Clinic,
  Doctor,
  DoctorTitle,
  Hospital,
  HospitalKind,
  HospitalLevel,
  PrescriptionRenewal,
  Prisma,
} from "./generated/prisma/client.ts";
import type { HealthContext, HealthPrisma } from "./loaders.ts";
import { appointmentRecords, HEALTH_DESK, nursingCareRecords } from "./permissions.ts";

/** The district directory (about 220 institutions) fits in one page of this size. */
export const HOSPITALS_MAX_PAGE_SIZE = 200;

interface HospitalFilter {
  streetId?: string | null;
  kind?: HospitalKind | null;
  level?: HospitalLevel | null;
  isInternetHospital?: boolean | null;
  nameContains?: string | null;
}

interface DoctorFilter {
  hospitalId?: string | null;
  clinicId?: string | null;
  title?: DoctorTitle | null;
  nameContains?: string | null;
}

interface AppointmentSlotFilter {
  hospitalId?: string | null;
  clinicId?: string | null;
  doctorId?: string | null;
  from?: Date | null;
  to?: Date | null;
  availableOnly?: boolean | null;
}

export interface HealthResolverOptions {
  /** The current time, for "has this slot started?". Tests pass a fixed clock; the service uses the real one. */
  now?: () => Date;
}

const byId = resolveById<HealthContext>();

export function createResolvers(options: HealthResolverOptions = {}): GraphQLResolverMap<HealthContext> {
  const now = options.now ?? (() => new Date());

  return {
    DateTime,

    Query: {
      hospitals: (_: unknown, args: ListArgs<HospitalFilter>, { prisma }: HealthContext) => {
        const where = hospitalWhere(args.filter);
        return pageOf("hospitals", args, prisma.hospital, where, { maxPageSize: HOSPITALS_MAX_PAGE_SIZE });
      },
      hospital: byId.argument("hospitalById"),

      doctors: (_: unknown, args: ListArgs<DoctorFilter>, { prisma }: HealthContext) => {
        const where = doctorWhere(args.filter);
        return pageOf("doctors", args, prisma.doctor, where);
      },

      appointmentSlots: (_: unknown, args: ListArgs<AppointmentSlotFilter>, { prisma }: HealthContext) => {
        const where = slotWhere(args.filter, now(), prisma);
        return pageOf("appointmentSlots", args, prisma.appointmentSlot, where);
      },
      appointment: byId.argument("appointmentById", appointmentRecords),

      // References only: the gateway asks civil affairs, which owns the register, for the homes' names and beds.
      internetHospitalPilotHomes: async (_: unknown, __: unknown, { prisma }: HealthContext) => {
        const partners = await prisma.nursingHomeCarePartner.findMany({
          where: { internetHospitalId: { not: null } },
          orderBy: { nursingHomeId: "asc" },
          select: { nursingHomeId: true },
        });
        return partners.map((partner) => ({ __typename: "NursingHome", id: partner.nursingHomeId }));
      },
    },

    Mutation: {
      bookAppointment: async (
        _: unknown,
        { input }: { input: BookAppointmentInput },
        { prisma, loaders, principal, residentStreets }: HealthContext,
      ) => {
        const residentId = await actingResident({ principal, residentStreets }, input.residentId, HEALTH_DESK);
        if (principal.kind === "officer") {
          const slot = await loaders.slotById.load(input.slotId);
          const hospital = slot && (await loaders.hospitalById.load(slot.hospitalId));
          if (hospital) requireJurisdiction(principal, hospital.streetId, `Hospital "${hospital.id}"`);
        }
        const { appointment, slot } = await bookAppointment(prisma, { ...input, residentId }, now());
        loaders.slotById.clear(slot.id).prime(slot.id, slot);
        return appointment;
      },
      cancelAppointment: async (_: unknown, { input }: { input: CancelAppointmentInput }, context: HealthContext) => {
        const { prisma, loaders } = context;
        const existing = await loaders.appointmentById.load(input.appointmentId);
        // An appointment the caller may not see answers exactly like one that does not exist: no existence leak.
        if (existing && !(await readableRecord(appointmentRecords, existing, context))) {
          throw noSuchAppointment(input.appointmentId);
        }
        const { appointment, slot } = await cancelAppointment(prisma, input, now());
        loaders.slotById.clear(slot.id).prime(slot.id, slot);
        return appointment;
      },
    },

    Hospital: {
      __resolveReference: byId.reference("hospitalById"),
      street: (hospital: Hospital) => ({ __typename: "Street", id: hospital.streetId }),
      department: (hospital: Hospital) => ({ __typename: "Department", id: hospital.departmentId }),
      clinics: (hospital: Hospital, _: unknown, { loaders }: HealthContext) =>
        loaders.clinicsByHospital.load(hospital.id),
    },

    Clinic: {
      __resolveReference: byId.reference("clinicById"),
      hospital: (clinic: Clinic, _: unknown, { loaders }: HealthContext) =>
        loaders.hospitalById.load(clinic.hospitalId),
      doctors: (clinic: Clinic, _: unknown, { loaders }: HealthContext) => loaders.doctorsByClinic.load(clinic.id),
    },

    Doctor: {
      __resolveReference: byId.reference("doctorById"),
      clinic: (doctor: Doctor, _: unknown, { loaders }: HealthContext) => loaders.clinicById.load(doctor.clinicId),
      hospital: async (doctor: Doctor, _: unknown, { loaders }: HealthContext) => {
        const clinic = await loaders.clinicById.load(doctor.clinicId);
        return clinic && loaders.hospitalById.load(clinic.hospitalId);
      },
    },

    AppointmentSlot: {
      __resolveReference: byId.reference("slotById"),
      doctor: (slot: AppointmentSlot, _: unknown, { loaders }: HealthContext) => loaders.doctorById.load(slot.doctorId),
      clinic: (slot: AppointmentSlot, _: unknown, { loaders }: HealthContext) => loaders.clinicById.load(slot.clinicId),
      hospital: (slot: AppointmentSlot, _: unknown, { loaders }: HealthContext) =>
        loaders.hospitalById.load(slot.hospitalId),
      remaining: (slot: AppointmentSlot) => Math.max(0, slot.capacity - slot.bookedCount),
      bookable: (slot: AppointmentSlot) => slot.bookedCount < slot.capacity && slot.startsAt > now(),
      estimatedWaitMinutes: async (slot: AppointmentSlot, _: unknown, { loaders }: HealthContext) => {
        const clinic = await loaders.clinicById.load(slot.clinicId);
        return slot.bookedCount * (clinic?.averageConsultMinutes ?? 0);
      },
    },

    Appointment: {
      __resolveReference: byId.reference("appointmentById", appointmentRecords),
      slot: (appointment: Appointment, _: unknown, { loaders }: HealthContext) =>
        loaders.slotById.load(appointment.slotId),
      resident: (appointment: Appointment) => residentRef(appointment.residentId),
    },

    // A nursing home belongs to civil affairs: health is handed its id and answers with the home's medical partners
    // (none for a home outside any partnership) and its residents' care records.
    NursingHome: {
      __resolveReference: (home: Reference) => ({ id: home.id }),
      internetHospital: async (home: Reference, _: unknown, { loaders }: HealthContext) => {
        const partner = await loaders.carePartnerByNursingHome.load(home.id);
        return partner?.internetHospitalId ? loaders.hospitalById.load(partner.internetHospitalId) : null;
      },
      inInternetHospitalPilot: async (home: Reference, _: unknown, { loaders }: HealthContext) =>
        Boolean((await loaders.carePartnerByNursingHome.load(home.id))?.internetHospitalId),
      communityHealthCentre: async (home: Reference, _: unknown, { loaders }: HealthContext) => {
        const partner = await loaders.carePartnerByNursingHome.load(home.id);
        return partner?.communityHealthCentreId ? loaders.hospitalById.load(partner.communityHealthCentreId) : null;
      },
      followUps: async (home: Reference, _: unknown, context: HealthContext) =>
        readableRecords(nursingCareRecords, await context.loaders.followUpsByNursingHome.load(home.id), context),
      prescriptionRenewals: async (home: Reference, _: unknown, context: HealthContext) =>
        readableRecords(nursingCareRecords, await context.loaders.renewalsByNursingHome.load(home.id), context),
    },

    ChronicFollowUp: {
      resident: (followUp: ChronicFollowUp) => residentRef(followUp.residentId),
      doctor: (followUp: ChronicFollowUp, _: unknown, { loaders }: HealthContext) =>
        loaders.doctorById.load(followUp.doctorId),
    },

    PrescriptionRenewal: {
      resident: (renewal: PrescriptionRenewal) => residentRef(renewal.residentId),
      doctor: (renewal: PrescriptionRenewal, _: unknown, { loaders }: HealthContext) =>
        loaders.doctorById.load(renewal.doctorId),
    },

    // Street and Department belong to the catalog; the gateway hands us their ids and asks for our fields.
    Street: {
      hospitals: async (street: Reference, { kind }: { kind?: HospitalKind | null }, { loaders }: HealthContext) =>
        ofKind(await loaders.hospitalsByStreet.load(street.id), kind),
    },

    Resident: {
      __resolveReference: residentReference,
      ...guardResidentRecords(HEALTH_DESK, {
        appointments: async (resident: Reference, { status }: { status?: string | null }, context: HealthContext) => {
          const appointments = await context.loaders.appointmentsByResident.load(resident.id);
          const readable = await readableRecords(appointmentRecords, appointments, context);
          return status ? readable.filter((appointment) => appointment.status === status) : readable;
        },
      }),
    },

    Department: {
      healthFacilities: async (
        department: Reference,
        { kind }: { kind?: HospitalKind | null },
        { loaders }: HealthContext,
      ) => ofKind(await loaders.hospitalsByDepartment.load(department.id), kind),
    },
  };
}

function residentRef(id: string) {
  return { __typename: "Resident", id };
}

function ofKind(hospitals: Hospital[], kind: HospitalKind | null | undefined): Hospital[] {
  return kind ? hospitals.filter((hospital) => hospital.kind === kind) : hospitals;
}

function hospitalWhere(filter: HospitalFilter | null | undefined): Prisma.HospitalWhereInput {
  return {
    streetId: filter?.streetId ?? undefined,
    kind: filter?.kind ?? undefined,
    level: filter?.level ?? undefined,
    isInternetHospital: filter?.isInternetHospital ?? undefined,
    name: nameFilter(filter?.nameContains, "filter.nameContains"),
  };
}

function doctorWhere(filter: DoctorFilter | null | undefined): Prisma.DoctorWhereInput {
  return {
    clinicId: filter?.clinicId ?? undefined,
    clinic: filter?.hospitalId ? { hospitalId: filter.hospitalId } : undefined,
    title: filter?.title ?? undefined,
    name: nameFilter(filter?.nameContains, "filter.nameContains"),
  };
}

function slotWhere(
  filter: AppointmentSlotFilter | null | undefined,
  now: Date,
  prisma: HealthPrisma,
): Prisma.AppointmentSlotWhereInput {
  const { from, to, availableOnly } = filter ?? {};
  if (from && to && from.getTime() >= to.getTime()) {
    throw codedError(
      "BAD_USER_INPUT",
      `filter.from (${from.toISOString()}) must be before filter.to (${to.toISOString()}); swap them or widen the range.`,
      { argument: "filter.from" },
    );
  }
  const startsAt: Prisma.DateTimeFilter<"AppointmentSlot"> = {
    ...(from ? { gte: from } : {}),
    ...(to ? { lt: to } : {}),
    ...(availableOnly ? { gt: now } : {}),
  };
  return {
    hospitalId: filter?.hospitalId ?? undefined,
    clinicId: filter?.clinicId ?? undefined,
    doctorId: filter?.doctorId ?? undefined,
    startsAt: Object.keys(startsAt).length > 0 ? startsAt : undefined,
    bookedCount: availableOnly ? { lt: prisma.appointmentSlot.fields.capacity } : undefined,
  };
}
