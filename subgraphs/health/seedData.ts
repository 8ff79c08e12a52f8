/**
 * The health seed as plain rows, computed without a database so that every run produces exactly the same data.
 *
 * Randomness comes from a PRNG seeded by each row's own id, so adding a hospital does not reshuffle the doctors of
 * another. Schedules are relative to the seed date (`SeedCalendar`, Asia/Shanghai): slots cover the 14 days that
 * start on it, nursing-home follow-ups the calendar months from three before it to the one after, renewals the three
 * weeks before it. Appointments, follow-ups and renewals before the seed date are history. Days and months an
 * earlier seed run covered are left out, so a database seeded weeks ago is topped up, not rewritten.
 *
 * Streets, their roads and neighbourhoods come from `lib/reference/jinganDivisions.ts`; the district's hospitals
 * (names real, details plausible) from `jinganFacilities.ts`. Doctors, appointments and nursing-home care records are
 * generated (`synthetic` on the institution rows says which institutions are real).
 */
import { JINGAN_DIVISIONS, type JinganDivision, jinganDivision } from "../../lib/reference/jinganDivisions.ts";
import {
  type DayWindow,
  type LocalDate,
  localStamp,
  monthStart,
  SeedCalendar,
  type SeedOptions,
  type SeedWindow,
  shanghaiInstant,
} from "../kit/seedCalendar.ts";
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
  NursingHomeCarePartner,
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
  NURSING_HOME_PARTNERS,
  OUTPATIENT_BRANDS,
  OUTPATIENT_TYPES,
  SPECIALTIES,
  SURNAMES,
} from "./jinganFacilities.ts";

export const SCHEDULE_DAYS = 14;
export const SLOT_MINUTES = 60;
/** Appointment slots: the fortnight from the seed date. */
export const SLOT_WINDOW: DayWindow = { from: 0, to: SCHEDULE_DAYS };
/** Prescription renewals: requested in the three weeks up to the seed date. */
export const RENEWAL_WINDOW: DayWindow = { from: -20, to: 1 };
/** Monthly nursing-home follow-ups: three months done, the seed date's month, and the month after it. */
export const FOLLOW_UP_WINDOW: SeedWindow = (date) => [monthStart(date, -3), monthStart(date, 2)];

type StreetInfo = JinganDivision;
const STREETS = JINGAN_DIVISIONS;

export interface HealthSeedData {
  hospitals: Hospital[];
  clinics: Clinic[];
  doctors: Doctor[];
  slots: AppointmentSlot[];
  appointments: Appointment[];
  /** Each nursing home's medical partners; the homes are civil affairs' register (区民政局). */
  carePartners: NursingHomeCarePartner[];
  followUps: ChronicFollowUp[];
  renewals: PrescriptionRenewal[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function between(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");

function personName(random: () => number): string {
  const given = pick(random, GIVEN_NAME_CHARACTERS) + (random() < 0.7 ? pick(random, GIVEN_NAME_CHARACTERS) : "");
  return pick(random, SURNAMES) + given;
}

const streetOf = jinganDivision;

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
    // Real institutions (names real; addresses and phone numbers plausible).
    add({ ...fields, synthetic: false }, lineup, hospital.level === "TERTIARY" ? 4 : 3);
  }
  for (const street of STREETS) {
    add(
      {
        name: `${street.name}社区卫生服务中心`,
        kind: "COMMUNITY_HEALTH_CENTRE",
        level: "PRIMARY",
        streetId: street.id,
        isInternetHospital: false,
        // Every street and town has its community health centre.
        synthetic: false,
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
          synthetic: true,
        },
        CLINIC_LINEUPS.communityHealthStation,
        2,
      );
    }
  }
  for (const clinic of INSTITUTIONAL_CLINICS) {
    add({ ...clinic, kind: "OUTPATIENT", level: "UNGRADED", isInternetHospital: false, synthetic: false }, ["全科"], 2);
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
          synthetic: true,
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

export function buildSeedData(options: SeedOptions): HealthSeedData {
  const calendar = new SeedCalendar(options);
  const data: HealthSeedData = {
    hospitals: [],
    clinics: [],
    doctors: [],
    slots: [],
    appointments: [],
    carePartners: [],
    followUps: [],
    renewals: [],
  };

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
          synthetic: true,
        };
        data.doctors.push(doctor);
        if (BOOKABLE_KINDS.has(hospital.kind)) addSchedule(data, calendar, hospital, clinic, doctor, random);
      }
    });
  }
  addNursingHomeCare(data, calendar);
  return data;
}

/**
 * One half-day session a week, on a weekday chosen per doctor: two sessions in the seeded fortnight.
 * Near days are fuller than far ones, as they are in real booking systems; a few near slots are full.
 */
function addSchedule(
  data: HealthSeedData,
  calendar: SeedCalendar,
  hospital: Hospital,
  clinic: Clinic,
  doctor: Doctor,
  random: () => number,
): void {
  // 1 Monday … 6 Saturday, the same whatever the seed date.
  const weekday = between(random, 1, hospital.kind === "GENERAL" ? 6 : 5);
  const session = SESSIONS[between(random, 0, 1)]!;
  const capacity = Math.max(1, Math.floor(SLOT_MINUTES / clinic.averageConsultMinutes));
  const doctorSuffix = doctor.id.slice("doc-".length);
  const seededAt = calendar.instant(0, "08:00");
  for (let day = SLOT_WINDOW.from; day < SLOT_WINDOW.to; day++) {
    const date = calendar.day(day);
    if (shanghaiInstant(date, "12:00").getUTCDay() !== weekday || calendar.covered(SLOT_WINDOW, date)) continue;
    for (const start of session) {
      const startsAt = shanghaiInstant(date, start);
      // Ids start with the local date and time, so the id order of keyset pagination is also the time order.
      const slotId = `slot-${localStamp(startsAt)}-${doctorSuffix}`;
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
      addAppointments(data, slotId, startsAt, booked, slotRandom, seededAt);
    }
  }
}

const RESIDENT_POOL = 60_000;

function residentId(n: number): string {
  return `resident-${pad((n % RESIDENT_POOL) + 1, 6)}`;
}

/**
 * `booked` live appointments (matching the slot's bookedCount) and now and then one that was cancelled, all made
 * before the seed date's morning (`seededAt`).
 */
function addAppointments(
  data: HealthSeedData,
  slotId: string,
  startsAt: Date,
  booked: number,
  random: () => number,
  seededAt: Date,
): void {
  const before = (at: number) => new Date(Math.min(at, seededAt.getTime() - 60_000));
  // Distinct residents within a slot: consecutive multiples of a stride that is coprime with the pool size.
  const firstResident = Math.floor(random() * RESIDENT_POOL);
  const live = Array.from({ length: booked }, (_, i) => residentId(firstResident + i * 7919));
  live.forEach((resident, i) => {
    data.appointments.push({
      id: `appt-${slotId.slice("slot-".length)}-${i + 1}`,
      slotId,
      residentId: resident,
      status: "BOOKED",
      bookedAt: before(startsAt.getTime() - between(random, 1, 14) * DAY_MS - between(random, 0, 600) * 60_000),
      cancelledAt: null,
      cancelReason: null,
      synthetic: true,
    });
  });
  if (random() < 0.12) {
    const bookedAt = before(startsAt.getTime() - between(random, 5, 14) * DAY_MS);
    data.appointments.push({
      id: `appt-${slotId.slice("slot-".length)}-c`,
      slotId,
      residentId: residentId(firstResident + booked * 7919),
      status: "CANCELLED",
      bookedAt,
      cancelledAt: before(bookedAt.getTime() + between(random, 1, 3) * DAY_MS),
      cancelReason: pick(random, CANCEL_REASONS),
      synthetic: true,
    });
  }
}

/**
 * Each nursing home's medical partners, and for the four pilot homes a quarter of chronic-disease follow-ups and
 * prescription renewals by the family doctors of the nearest community health centre (seed §6). The homes are civil
 * affairs' register (区民政局); health names them by id. Residents of the homes are registered residents (ids within
 * the identity service's 60,000, so the register knows their street and jurisdiction applies), a block of 100 per
 * home from resident-050001; some of them also book appointments, as residents do.
 */
const NURSING_RESIDENTS_FROM = 50_000;

function addNursingHomeCare(data: HealthSeedData, calendar: SeedCalendar): void {
  const seedStart = calendar.instant(0, "00:00");
  const [firstMonth, monthsEnd] = calendar.bounds(FOLLOW_UP_WINDOW);
  const months: LocalDate[] = [];
  for (let month = firstMonth; month < monthsEnd; month = monthStart(month, 1)) months.push(month);
  const centreOf = new Map(
    data.hospitals.filter((h) => h.kind === "COMMUNITY_HEALTH_CENTRE").map((h) => [h.streetId, h] as const),
  );
  const namedHospitalIds = NAMED_HOSPITALS.map((_, i) => `hosp-${pad(i + 1, 4)}`);

  NURSING_HOME_PARTNERS.forEach((home, index) => {
    const id = home.nursingHomeId;
    const random = randomFor(id);
    // The first draw once made the home's phone number, which is civil affairs' now; it is still drawn so that the
    // care records below stay the ones seeded before the register moved.
    random();
    const centre = centreOf.get(home.centreStreetId);
    data.carePartners.push({
      nursingHomeId: id,
      internetHospitalId: home.internetHospital === null ? null : (namedHospitalIds[home.internetHospital] ?? null),
      communityHealthCentreId: centre?.id ?? null,
      synthetic: true,
    });
    if (home.internetHospital === null || !centre) return;

    // The centre's general practice (全科) is its first clinic.
    const familyDoctors = data.doctors.filter((d) => d.clinicId === `${centre.id.replace("hosp-", "clinic-")}-01`);
    const residents = 30;
    for (let r = 0; r < residents; r++) {
      const resident = `resident-${pad(NURSING_RESIDENTS_FROM + index * 100 + r + 1, 6)}`;
      const chronic = CHRONIC_CONDITIONS[(r + index) % CHRONIC_CONDITIONS.length]!;
      const doctor = familyDoctors[r % familyDoctors.length]!;
      // Monthly follow-ups on a fixed day of the month: those before the seed date are done, the rest due.
      for (const month of months) {
        const scheduledAt = shanghaiInstant(`${month.slice(0, 8)}${pad(1 + ((r * 3) % SCHEDULE_DAYS), 2)}`, "09:30");
        const done = scheduledAt.getTime() < seedStart.getTime();
        const completedAt = done ? new Date(scheduledAt.getTime() + between(random, 0, 90) * 60_000) : null;
        const notes = done ? pick(random, chronic.notes) : null;
        if (calendar.covered(FOLLOW_UP_WINDOW, month, monthStart(month, 1))) continue;
        data.followUps.push({
          id: `fu-${pad(index + 1, 4)}-${month.slice(0, 7).replace("-", "")}-${pad(r + 1, 3)}`,
          nursingHomeId: id,
          residentId: resident,
          condition: chronic.condition,
          doctorId: doctor.id,
          scheduledAt,
          completedAt,
          notes,
          synthetic: true,
        });
      }
      if (r % 4 === 3) continue;
      const requestDay = -between(random, 0, 20);
      const requestedAt = calendar.instant(
        requestDay,
        `${pad(between(random, 8, 16), 2)}:${pad(between(random, 0, 59), 2)}`,
      );
      const status = renewalStatus(requestedAt, seedStart, random);
      const decidedAt =
        status === "REQUESTED" ? null : new Date(requestedAt.getTime() + between(random, 30, 600) * 60_000);
      if (calendar.covered(RENEWAL_WINDOW, calendar.day(requestDay))) continue;
      data.renewals.push({
        id: `rx-${pad(index + 1, 4)}-${localStamp(requestedAt).slice(0, 8)}-${pad(r + 1, 4)}`,
        nursingHomeId: id,
        residentId: resident,
        medication: pick(random, chronic.medications),
        doctorId: doctor.id,
        status,
        requestedAt,
        decidedAt,
        synthetic: true,
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
function renewalStatus(requestedAt: Date, seedStart: Date, random: () => number): RenewalStatus {
  const ageDays = (seedStart.getTime() - requestedAt.getTime()) / DAY_MS;
  if (ageDays < 2) return "REQUESTED";
  if (random() < 0.12) return "REJECTED";
  return ageDays < 5 ? "APPROVED" : "DELIVERED";
}
