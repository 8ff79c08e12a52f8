/**
 * The health seed as plain rows, computed without a database so that every run produces exactly the same data.
 *
 * Randomness comes from a PRNG seeded by each row's own id, so adding a hospital does not reshuffle the doctors of
 * another. Schedules are relative to SEED_BASE_DATE: slots cover the 14 days that start on 2026-12-01 (Asia/Shanghai),
 * and appointments, follow-ups and renewals before that date are history.
 */
import { randomFor } from "../kit/seedRandom.ts";
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
  NursingHome,
  PrescriptionRenewal,
  RenewalStatus,
} from "./generated/prisma/client.ts";
import {
  CANCEL_REASONS,
  CHRONIC_CONDITIONS,
  CLINIC_LINEUPS,
  CONSULT_MINUTES,
  GIVEN_NAME_CHARACTERS,
  HEALTH_DEPARTMENT_ID,
  INSTITUTIONAL_CLINICS,
  NAMED_HOSPITALS,
  NURSING_HOMES,
  OUTPATIENT_BRANDS,
  OUTPATIENT_TYPES,
  SPECIALTIES,
  STREETS,
  type StreetInfo,
  SURNAMES,
} from "./jinganFacilities.ts";

/** First day of the seeded schedule, a Tuesday, in Shanghai time (UTC+8, no daylight saving). */
export const SEED_BASE_DATE = "2026-12-01";
export const SCHEDULE_DAYS = 14;
export const SLOT_MINUTES = 60;

export interface HealthSeedData {
  hospitals: Hospital[];
  clinics: Clinic[];
  doctors: Doctor[];
  slots: AppointmentSlot[];
  appointments: Appointment[];
  nursingHomes: NursingHome[];
  followUps: ChronicFollowUp[];
  renewals: PrescriptionRenewal[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** A point in Shanghai time, `dayOffset` days from the base date. */
export function shanghaiTime(dayOffset: number, time: string): Date {
  return new Date(Date.parse(`${SEED_BASE_DATE}T${time}:00+08:00`) + dayOffset * DAY_MS);
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function between(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** `20261201-0800` for 2026-12-01 08:00 in Shanghai. */
function shanghaiStamp(date: Date): string {
  const local = new Date(date.getTime() + 8 * 60 * 60 * 1000).toISOString();
  return `${local.slice(0, 10).replaceAll("-", "")}-${local.slice(11, 16).replace(":", "")}`;
}

function personName(random: () => number): string {
  const given = pick(random, GIVEN_NAME_CHARACTERS) + (random() < 0.7 ? pick(random, GIVEN_NAME_CHARACTERS) : "");
  return pick(random, SURNAMES) + given;
}

function streetOf(id: string): StreetInfo {
  const street = STREETS.find((s) => s.id === id);
  if (!street) throw new Error(`Seed data names unknown street ${id}.`);
  return street;
}

function phoneIn(street: StreetInfo, random: () => number): string {
  return `021-${street.phonePrefix}${pad(between(random, 0, 9999), 4)}`;
}

function addressIn(street: StreetInfo, random: () => number): string {
  const road = pick(random, street.roads);
  return random() < 0.35
    ? `静安区${road}${between(random, 10, 1200)}弄${between(random, 1, 60)}号`
    : `静安区${road}${between(random, 1, 1500)}号`;
}

const OPENING_HOURS: Record<HospitalKind, string> = {
  GENERAL: "门诊 周一至周日 08:00-16:30；急诊 24小时",
  SPECIALIST: "周一至周五 08:00-16:30，周六 08:00-11:30",
  TCM: "周一至周日 08:00-16:30",
  COMMUNITY_HEALTH_CENTRE: "周一至周五 08:00-16:30，周六、周日 08:00-11:30",
  COMMUNITY_HEALTH_STATION: "周一至周五 08:00-11:30、13:00-16:30",
  OUTPATIENT: "周一至周日 09:00-17:30",
};

interface HospitalPlan {
  row: Hospital;
  clinics: readonly string[];
  doctorsPerClinic: number;
}

function planHospitals(): HospitalPlan[] {
  const plans: HospitalPlan[] = [];
  const add = (
    fields: Omit<Hospital, "id" | "phone" | "openingHours" | "departmentId" | "address"> & {
      address?: string;
      departmentId?: string;
    },
    clinics: readonly string[],
    doctorsPerClinic: number,
  ) => {
    const id = `hosp-${pad(plans.length + 1, 4)}`;
    const random = randomFor(id);
    const street = streetOf(fields.streetId);
    plans.push({
      row: {
        ...fields,
        id,
        address: fields.address ?? addressIn(street, random),
        phone: phoneIn(street, random),
        openingHours: OPENING_HOURS[fields.kind],
        departmentId: fields.departmentId ?? HEALTH_DEPARTMENT_ID,
      },
      clinics,
      doctorsPerClinic,
    });
  };

  for (const hospital of NAMED_HOSPITALS) {
    const lineup =
      hospital.clinics ??
      (hospital.kind === "TCM"
        ? CLINIC_LINEUPS.tcm
        : hospital.level === "TERTIARY"
          ? CLINIC_LINEUPS.tertiaryGeneral
          : CLINIC_LINEUPS.secondaryGeneral);
    const { clinics: _lineup, ...fields } = hospital;
    add(fields, lineup, hospital.level === "TERTIARY" ? 4 : 3);
  }
  for (const street of STREETS) {
    add(
      {
        name: `${street.name}社区卫生服务中心`,
        kind: "COMMUNITY_HEALTH_CENTRE",
        level: "PRIMARY",
        streetId: street.id,
        isInternetHospital: false,
      },
      CLINIC_LINEUPS.communityHealthCentre,
      3,
    );
  }
  for (const street of STREETS) {
    for (const neighbourhood of street.neighbourhoods) {
      add(
        {
          name: `${street.name}${neighbourhood}社区卫生服务站`,
          kind: "COMMUNITY_HEALTH_STATION",
          level: "UNGRADED",
          streetId: street.id,
          isInternetHospital: false,
        },
        CLINIC_LINEUPS.communityHealthStation,
        2,
      );
    }
  }
  for (const clinic of INSTITUTIONAL_CLINICS) {
    add({ ...clinic, kind: "OUTPATIENT", level: "UNGRADED", isInternetHospital: false }, ["全科"], 2);
  }
  // Each brand runs up to four kinds of outpatient department, spread over the streets.
  let outpatients = 0;
  for (const brand of OUTPATIENT_BRANDS) {
    const random = randomFor(`outpatient-${brand}`);
    const first = between(random, 0, OUTPATIENT_TYPES.length - 1);
    for (let k = 0; k < 4 && outpatients < OUTPATIENT_COUNT; k++, outpatients++) {
      const type = OUTPATIENT_TYPES[(first + k) % OUTPATIENT_TYPES.length]!;
      add(
        {
          name: `上海静安${brand}${type.suffix}`,
          kind: "OUTPATIENT",
          level: "UNGRADED",
          streetId: STREETS[outpatients % STREETS.length]!.id,
          isInternetHospital: false,
        },
        type.clinics,
        2,
      );
    }
  }
  return plans;
}

/** Enough private outpatient departments to bring the district to 220 institutions. */
const OUTPATIENT_COUNT = 84;

/** Senior titles are common in tertiary hospitals and rare in community stations. */
function titleFor(level: HospitalLevel, index: number, random: () => number): DoctorTitle {
  const seniority = { TERTIARY: 0.9, SECONDARY: 0.65, PRIMARY: 0.4, UNGRADED: 0.3 }[level];
  const roll = random() * seniority + (index === 0 ? 0.35 : 0);
  if (roll > 0.85) return "CHIEF_PHYSICIAN";
  if (roll > 0.55) return "ASSOCIATE_CHIEF_PHYSICIAN";
  if (roll > 0.2) return "ATTENDING_PHYSICIAN";
  return "PHYSICIAN";
}

/** Institutions that publish bookable slots; stations and outpatient departments see walk-in patients. */
const BOOKABLE_KINDS: ReadonlySet<HospitalKind> = new Set(["GENERAL", "SPECIALIST", "TCM", "COMMUNITY_HEALTH_CENTRE"]);

/** Hourly slots of a morning or afternoon session (出诊半天). */
const SESSIONS = [
  ["08:00", "09:00", "10:00"],
  ["13:30", "14:30"],
] as const;

export function buildSeedData(): HealthSeedData {
  const data: HealthSeedData = {
    hospitals: [],
    clinics: [],
    doctors: [],
    slots: [],
    appointments: [],
    nursingHomes: [],
    followUps: [],
    renewals: [],
  };
  const baseWeekday = shanghaiTime(0, "12:00").getUTCDay();

  for (const plan of planHospitals()) {
    const hospital = plan.row;
    data.hospitals.push(hospital);
    const hospitalNumber = hospital.id.slice("hosp-".length);
    plan.clinics.forEach((clinicName, clinicIndex) => {
      const clinic: Clinic = {
        id: `clinic-${hospitalNumber}-${pad(clinicIndex + 1, 2)}`,
        hospitalId: hospital.id,
        name: clinicName,
        averageConsultMinutes: CONSULT_MINUTES[clinicName] ?? 10,
      };
      data.clinics.push(clinic);
      // The general practice of a community health centre carries its family doctors (家庭医生), so it is larger.
      const doctorCount =
        plan.doctorsPerClinic + (hospital.kind === "COMMUNITY_HEALTH_CENTRE" && clinicIndex === 0 ? 2 : 0);
      for (let d = 0; d < doctorCount; d++) {
        const doctorId = `doc-${hospitalNumber}-${pad(clinicIndex + 1, 2)}-${d + 1}`;
        const random = randomFor(doctorId);
        const doctor: Doctor = {
          id: doctorId,
          clinicId: clinic.id,
          name: personName(random),
          title: titleFor(hospital.level, d, random),
          specialty: pick(random, SPECIALTIES[clinicName] ?? [`${clinicName}常见病`]),
        };
        data.doctors.push(doctor);
        if (BOOKABLE_KINDS.has(hospital.kind)) addSchedule(data, hospital, clinic, doctor, random, baseWeekday);
      }
    });
  }
  addNursingHomes(data);
  return data;
}

/**
 * One half-day session a week, on a weekday chosen per doctor: two sessions in the seeded fortnight.
 * Near days are fuller than far ones, as they are in real booking systems; a few near slots are full.
 */
function addSchedule(
  data: HealthSeedData,
  hospital: Hospital,
  clinic: Clinic,
  doctor: Doctor,
  random: () => number,
  baseWeekday: number,
): void {
  const weekday = between(random, 1, hospital.kind === "GENERAL" ? 6 : 5);
  const session = SESSIONS[between(random, 0, 1)]!;
  const capacity = Math.max(1, Math.floor(SLOT_MINUTES / clinic.averageConsultMinutes));
  const doctorSuffix = doctor.id.slice("doc-".length);
  for (let day = 0; day < SCHEDULE_DAYS; day++) {
    if ((baseWeekday + day) % 7 !== weekday) continue;
    for (const start of session) {
      const startsAt = shanghaiTime(day, start);
      // Ids start with the local date and time, so the id order of keyset pagination is also the time order.
      const slotId = `slot-${shanghaiStamp(startsAt)}-${doctorSuffix}`;
      const slotRandom = randomFor(slotId);
      const demand = Math.max(0, 1.1 - day * 0.08) * slotRandom();
      const booked = Math.min(capacity, Math.round(capacity * demand * 1.2));
      data.slots.push({
        id: slotId,
        hospitalId: hospital.id,
        clinicId: clinic.id,
        doctorId: doctor.id,
        startsAt,
        endsAt: new Date(startsAt.getTime() + SLOT_MINUTES * 60_000),
        capacity,
        bookedCount: booked,
      });
      addAppointments(data, slotId, startsAt, booked, slotRandom);
    }
  }
}

const RESIDENT_POOL = 60_000;
const FOLLOW_UP_MONTHS = ["2026-09", "2026-10", "2026-11", "2026-12", "2027-01"] as const;

function residentId(n: number): string {
  return `resident-${pad((n % RESIDENT_POOL) + 1, 6)}`;
}

/** `booked` live appointments (matching the slot's bookedCount) and now and then one that was cancelled. */
function addAppointments(
  data: HealthSeedData,
  slotId: string,
  startsAt: Date,
  booked: number,
  random: () => number,
): void {
  // Distinct residents within a slot: consecutive multiples of a stride that is coprime with the pool size.
  const firstResident = Math.floor(random() * RESIDENT_POOL);
  const live = Array.from({ length: booked }, (_, i) => residentId(firstResident + i * 7919));
  live.forEach((resident, i) => {
    data.appointments.push({
      id: `appt-${slotId.slice("slot-".length)}-${i + 1}`,
      slotId,
      residentId: resident,
      status: "BOOKED",
      bookedAt: new Date(startsAt.getTime() - between(random, 1, 14) * DAY_MS - between(random, 0, 600) * 60_000),
      cancelledAt: null,
      cancelReason: null,
    });
  });
  if (random() < 0.12) {
    const bookedAt = new Date(startsAt.getTime() - between(random, 5, 14) * DAY_MS);
    data.appointments.push({
      id: `appt-${slotId.slice("slot-".length)}-c`,
      slotId,
      residentId: residentId(firstResident + booked * 7919),
      status: "CANCELLED",
      bookedAt,
      cancelledAt: new Date(bookedAt.getTime() + between(random, 1, 3) * DAY_MS),
      cancelReason: pick(random, CANCEL_REASONS),
    });
  }
}

/**
 * Nursing homes, and for the four pilot homes a quarter of chronic-disease follow-ups and prescription renewals by
 * the family doctors of the nearest community health centre (seed §6). Residents of the homes use their own
 * resident-id range so that they do not collide with the appointment residents.
 */
function addNursingHomes(data: HealthSeedData): void {
  const centreOf = new Map(
    data.hospitals.filter((h) => h.kind === "COMMUNITY_HEALTH_CENTRE").map((h) => [h.streetId, h] as const),
  );
  const namedHospitalIds = NAMED_HOSPITALS.map((_, i) => `hosp-${pad(i + 1, 4)}`);

  NURSING_HOMES.forEach((home, index) => {
    const id = `nh-${pad(index + 1, 4)}`;
    const random = randomFor(id);
    const centre = centreOf.get(home.streetId);
    data.nursingHomes.push({
      id,
      name: home.name,
      streetId: home.streetId,
      address: home.address,
      phone: phoneIn(streetOf(home.streetId), random),
      beds: home.beds,
      internetHospitalId: home.internetHospital === null ? null : (namedHospitalIds[home.internetHospital] ?? null),
      communityHealthCentreId: centre?.id ?? null,
    });
    if (home.internetHospital === null || !centre) return;

    // The centre's general practice (全科) is its first clinic.
    const familyDoctors = data.doctors.filter((d) => d.clinicId === `${centre.id.replace("hosp-", "clinic-")}-01`);
    const residents = 30;
    for (let r = 0; r < residents; r++) {
      const resident = `resident-${pad(900_000 + (index + 1) * 1000 + r + 1, 6)}`;
      const chronic = CHRONIC_CONDITIONS[(r + index) % CHRONIC_CONDITIONS.length]!;
      const doctor = familyDoctors[r % familyDoctors.length]!;
      // Monthly follow-ups: three done, one due within the seeded fortnight, one next month.
      FOLLOW_UP_MONTHS.forEach((month, m) => {
        const scheduledAt = new Date(`${month}-${pad(1 + ((r * 3) % SCHEDULE_DAYS), 2)}T09:30:00+08:00`);
        const done = scheduledAt.getTime() < shanghaiTime(0, "00:00").getTime();
        data.followUps.push({
          id: `fu-${pad(index + 1, 4)}-${pad(r * FOLLOW_UP_MONTHS.length + m + 1, 4)}`,
          nursingHomeId: id,
          residentId: resident,
          condition: chronic.condition,
          doctorId: doctor.id,
          scheduledAt,
          completedAt: done ? new Date(scheduledAt.getTime() + between(random, 0, 90) * 60_000) : null,
          notes: done ? pick(random, chronic.notes) : null,
        });
      });
      if (r % 4 === 3) continue;
      const requestedAt = shanghaiTime(
        -between(random, 0, 20),
        `${pad(between(random, 8, 16), 2)}:${pad(between(random, 0, 59), 2)}`,
      );
      const status = renewalStatus(requestedAt, random);
      data.renewals.push({
        id: `rx-${pad(index + 1, 4)}-${pad(r + 1, 4)}`,
        nursingHomeId: id,
        residentId: resident,
        medication: pick(random, chronic.medications),
        doctorId: doctor.id,
        status,
        requestedAt,
        decidedAt: status === "REQUESTED" ? null : new Date(requestedAt.getTime() + between(random, 30, 600) * 60_000),
        decisionNote:
          status === "REJECTED"
            ? "病情有变化，需线下复诊后再开具"
            : status === "DELIVERED"
              ? "已由药房配送至养老院"
              : null,
      });
    }
  });
}

/** Requests of the last two days wait for a doctor; approved ones reach the home within a few days. */
function renewalStatus(requestedAt: Date, random: () => number): RenewalStatus {
  const ageDays = (shanghaiTime(0, "00:00").getTime() - requestedAt.getTime()) / DAY_MS;
  if (ageDays < 2) return "REQUESTED";
  if (random() < 0.12) return "REJECTED";
  return ageDays < 5 ? "APPROVED" : "DELIVERED";
}
