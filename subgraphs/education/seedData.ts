/**
 * The education seed as plain rows, computed without a database so that every run for a seed date produces exactly
 * the same data.
 *
 * Randomness comes from a PRNG seeded by each row's own id (or its parent's), so adding a course does not reshuffle
 * the enrolments of another. Courses start in monthly intakes (每月开班) laid on the calendar every four weeks from
 * INTAKE_EPOCH, whatever the seed date; a quarter of each provider's term starts in every intake, some as long
 * courses of sixteen weeks, most as short ones of eight to twelve. Enrolment for an intake opens four weeks before it
 * and stays open until a course's first session. The seed writes the intakes that began in the twelve weeks before
 * the seed date (running courses) and those starting in the four weeks after it (open for enrolment), with the
 * enrolments made up to the seed date (`SeedCalendar`, Asia/Shanghai); intakes an earlier run covered are left out.
 * Enrolled counts always equal the ENROLLED rows of each course.
 */

import { createHash } from "node:crypto";
import { type JinganDivision, jinganDivision } from "../../lib/reference/jinganDivisions.ts";
import {
  addDays,
  cycleStart,
  dateStamp,
  isoWeekday,
  type LocalDate,
  SeedCalendar,
  type SeedOptions,
  type SeedWindow,
} from "../kit/seedCalendar.ts";
import { randomFor } from "../kit/seedRandom.ts";
import type {
  Course,
  CourseCategory,
  Enrolment,
  GradeBand,
  LearningCentre,
  LearningCentreKind,
  LearningResource,
  ResourceFormat,
  School,
  SchoolStage,
  StudentPortrait,
  Weekday,
} from "./generated/prisma/client.ts";
import {
  CATEGORY_MIX,
  COURSE_TEMPLATES,
  COURSES_PER_OPEN_SCHOOL,
  EDUCATION_DEPARTMENT_ID,
  GENERIC_TOPICS,
  GIVEN_NAME_CHARACTERS,
  KINDERGARTENS,
  LEARNING_CENTRES,
  LEARNING_STYLE_TAGS,
  type NamedSchool,
  SCHOOLS,
  SCHOOLS_OPEN_TO_RESIDENTS,
  STRENGTHS,
  SUBJECTS,
  SURNAMES,
  TOPICS,
} from "./jinganSchools.ts";
import { buildSchoolGrounds, type SchoolGroundSeedData } from "./schoolGrounds.ts";

/** Course intakes start every four weeks on a Monday from this one (the intake of 2026-12-01 starts on it). */
export const INTAKE_EPOCH = "2026-11-30";
export const INTAKE_DAYS = 28;
/** Intakes per term: a provider's `courses` are spread over four intakes. */
export const INTAKES_PER_TERM = 4;
/** Enrolment for an intake opens this many days before its first Monday. */
export const ENROLMENT_OPENS_DAYS = 28;
/** Intakes that started in the twelve weeks before the seed date, or start in the four weeks after it. */
export const INTAKE_WINDOW: SeedWindow = { from: -84, to: 28 };
/** Residents are numbered resident-000001 … resident-060000 by the identity service. */
export const RESIDENT_COUNT = 60_000;
export const SCHOOL_COUNT = 130;

export interface EducationSeedData {
  schools: School[];
  learningCentres: LearningCentre[];
  courses: Course[];
  enrolments: Enrolment[];
  resources: LearningResource[];
  portraits: StudentPortrait[];
  /** School sports grounds opened to the public, their hours and check-ins (`schoolGrounds.ts`). */
  schoolGrounds: SchoolGroundSeedData;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const WEEK_MS = 7 * DAY_MS;

export const WEEKDAYS: readonly Weekday[] = [
  "MONDAY",
  "TUESDAY",
  "WEDNESDAY",
  "THURSDAY",
  "FRIDAY",
  "SATURDAY",
  "SUNDAY",
];

/** A point in Shanghai time on `date` (YYYY-MM-DD) plus `dayOffset` days. */
export function shanghaiTime(date: string, time: string, dayOffset = 0): Date {
  return new Date(Date.parse(`${date}T${time}:00+08:00`) + dayOffset * DAY_MS);
}

type StreetInfo = JinganDivision;
const streetOf = jinganDivision;

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

/** `count` different items, in the order drawn. */
function pickDistinct<T>(random: () => number, items: readonly T[], count: number): T[] {
  const pool = [...items];
  const chosen: T[] = [];
  while (chosen.length < count && pool.length > 0) {
    chosen.push(pool.splice(Math.floor(random() * pool.length), 1)[0] as T);
  }
  return chosen;
}

function between(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");

function personName(random: () => number): string {
  const given = pick(random, GIVEN_NAME_CHARACTERS) + (random() < 0.7 ? pick(random, GIVEN_NAME_CHARACTERS) : "");
  return pick(random, SURNAMES) + given;
}

function phoneIn(street: StreetInfo, random: () => number): string {
  return `021-${street.phonePrefix}${pad(between(random, 0, 9999), 4)}`;
}

function addressOn(road: string, random: () => number): string {
  return `静安区${road}${between(random, 1, 1200)}号`;
}

export const schoolId = (n: number) => `school-${pad(n, 4)}`;
export const learningCentreId = (n: number) => `learning-centre-${pad(n, 2)}`;
export const residentId = (n: number) => `resident-${pad(n, 6)}`;

// ───────────────────────────── schools ─────────────────────────────

/** Pupils per stage and pupils per teacher (生师比), roughly as in Shanghai's statistics. */
const STAGE_SIZE: Readonly<Record<SchoolStage, { min: number; max: number; pupilsPerTeacher: number }>> = {
  KINDERGARTEN: { min: 180, max: 420, pupilsPerTeacher: 8 },
  PRIMARY: { min: 500, max: 1400, pupilsPerTeacher: 13 },
  JUNIOR_SECONDARY: { min: 400, max: 1100, pupilsPerTeacher: 11 },
  SENIOR_SECONDARY: { min: 600, max: 1200, pupilsPerTeacher: 10 },
  COMPLETE_SECONDARY: { min: 900, max: 1800, pupilsPerTeacher: 10 },
  NINE_YEAR: { min: 800, max: 1600, pupilsPerTeacher: 12 },
  VOCATIONAL: { min: 800, max: 1800, pupilsPerTeacher: 14 },
  SPECIAL_EDUCATION: { min: 90, max: 180, pupilsPerTeacher: 3 },
};

/** Grade levels (年级) per stage in Shanghai's 5+4+3 system: 1–5 primary, 6–9 junior, 10–12 senior. */
export const STAGE_GRADES: Readonly<Record<SchoolStage, readonly number[]>> = {
  KINDERGARTEN: [],
  PRIMARY: [1, 2, 3, 4, 5],
  JUNIOR_SECONDARY: [6, 7, 8, 9],
  SENIOR_SECONDARY: [10, 11, 12],
  COMPLETE_SECONDARY: [6, 7, 8, 9, 10, 11, 12],
  NINE_YEAR: [1, 2, 3, 4, 5, 6, 7, 8, 9],
  VOCATIONAL: [10, 11, 12],
  SPECIAL_EDUCATION: [1, 2, 3, 4, 5, 6, 7, 8, 9],
};

function buildSchools(): School[] {
  const plans: NamedSchool[] = [
    ...SCHOOLS,
    ...KINDERGARTENS.map(([stem, street, ownership]) => ({
      name: `上海市静安区${stem}幼儿园`,
      stage: "KINDERGARTEN" as const,
      ownership: ownership ?? ("PUBLIC" as const),
      streetId: `street-${street}`,
      foundedYear: 0,
    })),
  ];
  if (plans.length !== SCHOOL_COUNT) throw new Error(`The seed plans ${plans.length} schools, not ${SCHOOL_COUNT}.`);
  return plans.map((plan, index) => {
    const id = schoolId(index + 1);
    const random = randomFor(id);
    const street = streetOf(plan.streetId);
    const size = STAGE_SIZE[plan.stage];
    const studentCount = between(random, size.min, size.max);
    return {
      id,
      name: plan.name,
      stage: plan.stage,
      ownership: plan.ownership,
      address: plan.address ?? addressOn(plan.road ?? pick(random, street.roads), random),
      streetId: street.id,
      departmentId: EDUCATION_DEPARTMENT_ID,
      phone: phoneIn(street, random),
      foundedYear:
        plan.foundedYear || (plan.ownership === "PRIVATE" ? between(random, 1995, 2012) : between(random, 1952, 2010)),
      studentCount,
      teacherCount: Math.round((studentCount / size.pupilsPerTeacher) * (0.9 + random() * 0.2)),
      smartPilot: plan.smartPilot ?? null,
      portraitPilot: plan.portraitPilot ?? false,
      // The named schools are the district's; the kindergartens after them are plausible, not a register.
      synthetic: index >= SCHOOLS.length,
    };
  });
}

function buildLearningCentres(): LearningCentre[] {
  return LEARNING_CENTRES.map((centre, index) => {
    const id = learningCentreId(index + 1);
    const random = randomFor(id);
    const street = streetOf(centre.streetId);
    return {
      id,
      name: centre.name,
      kind: centre.kind,
      address: addressOn(centre.road, random),
      streetId: street.id,
      phone: phoneIn(street, random),
      // The district's community schools, senior university and colleges exist; addresses are plausible.
      synthetic: false,
    };
  });
}

// ───────────────────────────── courses and enrolments ─────────────────────────────

/** Session times: centres teach by day, schools only after school hours and at weekends. */
const DAYTIME_SESSIONS = [
  ["09:00", "10:30"],
  ["09:30", "11:00"],
  ["13:30", "15:00"],
  ["14:00", "15:30"],
] as const;
const EVENING_SESSIONS = [
  ["18:30", "20:00"],
  ["19:00", "20:30"],
] as const;
const WEEKEND_SESSIONS = [
  ["09:00", "10:30"],
  ["14:00", "15:30"],
] as const;

/** How full a winter-term course gets: digital skills and fitness fill up, the rest less so. */
const POPULAR: ReadonlySet<CourseCategory> = new Set(["DIGITAL_SKILLS", "HEALTH_FITNESS"]);

interface Provider {
  schoolId: string | null;
  learningCentreId: string | null;
  kind: LearningCentreKind | "SCHOOL";
  streetId: string;
  address: string;
  name: string;
  courses: number;
}

/** The date of the first `weekday` (0 Monday … 6 Sunday) on or after the intake's Monday, `weeksLater` weeks on. */
function firstSessionDate(intake: LocalDate, weekday: number, weeksLater: number): LocalDate {
  const offset = (weekday - (isoWeekday(intake) - 1) + 7) % 7;
  return addDays(intake, offset + 7 * weeksLater);
}

function buildCourse(id: string, intake: LocalDate, provider: Provider, random: () => number): Course {
  const category = pick(random, CATEGORY_MIX[provider.kind]);
  const template = pick(random, COURSE_TEMPLATES[category]);
  const school = provider.kind === "SCHOOL";
  let weekdayIndex: number;
  let times: readonly [string, string];
  if (school) {
    weekdayIndex = random() < 0.6 ? between(random, 0, 4) : 5;
    times = weekdayIndex < 5 ? pick(random, EVENING_SESSIONS) : pick(random, WEEKEND_SESSIONS);
  } else {
    weekdayIndex = random() < 0.9 ? between(random, 0, 4) : 5;
    times = pick(random, DAYTIME_SESSIONS);
  }
  // Three courses in ten run a full sixteen weeks; the rest are short courses starting within the intake's month.
  const long = random() < 0.3;
  const sessionCount = long ? 16 : between(random, 8, 12);
  const firstDay = firstSessionDate(intake, weekdayIndex, long ? 0 : between(random, 0, 3));
  const startsAt = shanghaiTime(firstDay, times[0]);
  const endsAt = new Date(shanghaiTime(firstDay, times[1]).getTime() + (sessionCount - 1) * WEEK_MS);
  const capacity = provider.kind === "SENIOR_UNIVERSITY" && template.capacity >= 40 ? 60 : template.capacity;
  return {
    id,
    title: template.title,
    synthetic: true,
    category,
    description: template.description,
    schoolId: provider.schoolId,
    learningCentreId: provider.learningCentreId,
    streetId: provider.streetId,
    venue: school
      ? `${provider.name}${pick(random, ["综合楼", "图书馆", "科技楼", "艺术楼"])}${between(random, 1, 4)}0${between(random, 1, 9)}室`
      : `${provider.address} ${between(random, 1, 4)}楼${pick(random, ["多功能厅", "教室", "活动室"])}`,
    teacherName: personName(random),
    startsAt,
    endsAt,
    weekday: WEEKDAYS[weekdayIndex] as Weekday,
    startTime: times[0],
    endTime: times[1],
    sessionCount,
    feeYuan: template.feeYuan,
    capacity,
    enrolledCount: 0,
  };
}

/** Share of places taken by the first session; 1 means full. Running courses filled up, popular ones most. */
function fillRatio(course: Course, running: boolean, random: () => number): number {
  if (running) return random() < 0.3 ? 1 : 0.7 + random() * 0.3;
  if (POPULAR.has(course.category)) return random() < 0.35 ? 1 : 0.5 + random() * 0.45;
  return random() < 0.1 ? 1 : 0.2 + random() * 0.7;
}

/**
 * The enrolments made up to the seed date: enrolment opens four weeks before the intake and closes the day before the
 * first session; a course still taking enrolments has the share of its final demand that has come in so far.
 */
function buildEnrolments(course: Course, intake: LocalDate, seedStart: Date): Enrolment[] {
  const random = randomFor(`${course.id}/enrolments`);
  const running = course.startsAt.getTime() <= seedStart.getTime();
  const opens = shanghaiTime(intake, "09:00", -ENROLMENT_OPENS_DAYS).getTime();
  const lastDay = course.startsAt.getTime() - DAY_MS;
  const closes = Math.min(lastDay, seedStart.getTime());
  if (closes <= opens) return [];
  const elapsed = running ? 1 : (closes - opens) / (lastDay - opens);
  const demand = Math.round(course.capacity * fillRatio(course, running, random) * elapsed ** 0.6);
  const enrolled = Math.min(course.capacity, demand);
  const withdrawn = Math.round(enrolled * 0.12 * random());
  const residents = new Set<number>();
  while (residents.size < enrolled + withdrawn) residents.add(between(random, 1, RESIDENT_COUNT));
  const span = closes - opens;
  return [...residents].map((resident, index) => {
    const enrolledAt = new Date(opens + Math.floor(random() * span * 0.8));
    const isWithdrawn = index >= enrolled;
    return {
      id: `enrolment-${course.id.slice("course-".length)}-${pad(index + 1, 3)}`,
      synthetic: true,
      courseId: course.id,
      residentId: residentId(resident),
      status: isWithdrawn ? "WITHDRAWN" : "ENROLLED",
      enrolledAt,
      withdrawnAt: isWithdrawn
        ? new Date(enrolledAt.getTime() + Math.floor(random() * (closes - enrolledAt.getTime())))
        : null,
    };
  });
}

/** The Mondays of the intakes in INTAKE_WINDOW around the seed date that no earlier run covered. */
function intakesOf(calendar: SeedCalendar): LocalDate[] {
  const [from, to] = calendar.bounds(INTAKE_WINDOW);
  const intakes: LocalDate[] = [];
  for (let start = cycleStart(INTAKE_EPOCH, INTAKE_DAYS, from); start < to; start = addDays(start, INTAKE_DAYS)) {
    if (start < from) continue;
    if (!calendar.covered(INTAKE_WINDOW, start)) intakes.push(start);
  }
  return intakes;
}

function buildCourses(
  calendar: SeedCalendar,
  schools: School[],
  centres: LearningCentre[],
): { courses: Course[]; enrolments: Enrolment[] } {
  const providers: Provider[] = [
    ...centres.map((centre, index) => ({
      schoolId: null,
      learningCentreId: centre.id,
      kind: centre.kind,
      streetId: centre.streetId,
      address: centre.address,
      name: centre.name,
      courses: LEARNING_CENTRES[index]?.courses ?? 0,
    })),
    ...SCHOOLS_OPEN_TO_RESIDENTS.map((name) => {
      const school = schools.find((s) => s.name === name);
      if (!school) throw new Error(`Seed data opens unknown school ${name} to residents.`);
      return {
        schoolId: school.id,
        learningCentreId: null,
        kind: "SCHOOL" as const,
        streetId: school.streetId,
        address: school.address,
        name: school.name,
        courses: COURSES_PER_OPEN_SCHOOL,
      };
    }),
  ];
  const seedStart = calendar.instant(0, "00:00");
  const courses: Course[] = [];
  const enrolments: Enrolment[] = [];
  for (const intake of intakesOf(calendar)) {
    let n = 0;
    for (const provider of providers) {
      const perIntake = Math.max(1, Math.round(provider.courses / INTAKES_PER_TERM));
      for (let k = 0; k < perIntake; k++) {
        n += 1;
        const id = `course-${dateStamp(intake)}-${pad(n, 3)}`;
        const course = buildCourse(id, intake, provider, randomFor(id));
        const rows = buildEnrolments(course, intake, seedStart);
        course.enrolledCount = rows.filter((row) => row.status === "ENROLLED").length;
        courses.push(course);
        enrolments.push(...rows);
      }
    }
  }
  return { courses, enrolments };
}

// ───────────────────────────── learning resources ─────────────────────────────

const STAGE_BANDS: Readonly<Record<SchoolStage, readonly GradeBand[]>> = {
  KINDERGARTEN: ["PRESCHOOL"],
  PRIMARY: ["PRIMARY"],
  JUNIOR_SECONDARY: ["JUNIOR_SECONDARY"],
  SENIOR_SECONDARY: ["SENIOR_SECONDARY"],
  COMPLETE_SECONDARY: ["JUNIOR_SECONDARY", "SENIOR_SECONDARY"],
  NINE_YEAR: ["PRIMARY", "JUNIOR_SECONDARY"],
  VOCATIONAL: ["VOCATIONAL"],
  SPECIAL_EDUCATION: ["PRIMARY"],
};

const BAND_GRADE_LABELS: Readonly<Record<GradeBand, readonly string[]>> = {
  PRESCHOOL: ["小班", "中班", "大班"],
  PRIMARY: ["一年级", "二年级", "三年级", "四年级", "五年级"],
  JUNIOR_SECONDARY: ["六年级", "七年级", "八年级", "九年级"],
  SENIOR_SECONDARY: ["高一", "高二", "高三"],
  VOCATIONAL: ["中职一年级", "中职二年级", "中职三年级"],
  ADULT: ["市民课堂"],
};

const FORMAT_LABELS: Readonly<Record<ResourceFormat, string>> = {
  VIDEO: "教学视频",
  MICRO_LECTURE: "微课",
  COURSEWARE: "课件",
  OPEN_CLASS: "公开课",
  EXERCISE_SET: "练习",
};

const FORMAT_PATHS: Readonly<Record<ResourceFormat, (id: string) => string>> = {
  VIDEO: (id) => `/resources/video/${id}.mp4`,
  MICRO_LECTURE: (id) => `/resources/micro/${id}.mp4`,
  COURSEWARE: (id) => `/resources/courseware/${id}.pptx`,
  OPEN_CLASS: (id) => `/resources/open-class/${id}`,
  EXERCISE_SET: (id) => `/resources/exercises/${id}.pdf`,
};

const FORMATS: readonly ResourceFormat[] = [
  "VIDEO",
  "VIDEO",
  "MICRO_LECTURE",
  "MICRO_LECTURE",
  "COURSEWARE",
  "OPEN_CLASS",
  "EXERCISE_SET",
];

function buildResource(
  calendar: SeedCalendar,
  id: string,
  provider: { schoolId: string | null; learningCentreId: string | null },
  band: GradeBand,
  random: () => number,
): LearningResource {
  const subject = pick(random, SUBJECTS[band]);
  const topic = pick(random, TOPICS[subject] ?? GENERIC_TOPICS);
  const format = pick(random, FORMATS);
  const grade = pick(random, BAND_GRADE_LABELS[band]);
  const timed = format === "VIDEO" || format === "MICRO_LECTURE" || format === "OPEN_CLASS";
  const minutes =
    format === "MICRO_LECTURE" ? between(random, 5, 12) : format === "VIDEO" ? between(random, 15, 45) : 40;
  // Published over the two school years before the base date.
  const publishedAt = new Date(calendar.instant(0, "10:00").getTime() - between(random, 3, 720) * DAY_MS);
  return {
    id,
    title: `${grade}${subject}·${topic}（${FORMAT_LABELS[format]}）`,
    subject,
    gradeBand: band,
    format,
    urlPath: FORMAT_PATHS[format](id),
    durationMinutes: timed ? minutes : null,
    schoolId: provider.schoolId,
    learningCentreId: provider.learningCentreId,
    publishedAt,
    viewCount: Math.floor(random() ** 2 * 20_000),
  };
}

function buildResources(calendar: SeedCalendar, schools: School[], centres: LearningCentre[]): LearningResource[] {
  const resources: LearningResource[] = [];
  for (const school of schools) {
    const random = randomFor(`${school.id}/resources`);
    const base = school.stage === "KINDERGARTEN" ? between(random, 2, 4) : between(random, 8, 14);
    const count = school.smartPilot ? Math.round(base * 1.5) : base;
    for (let n = 1; n <= count; n++) {
      const id = `resource-${school.id.slice("school-".length)}-${pad(n, 2)}`;
      const rowRandom = randomFor(id);
      const band = pick(rowRandom, STAGE_BANDS[school.stage]);
      resources.push(buildResource(calendar, id, { schoolId: school.id, learningCentreId: null }, band, rowRandom));
    }
  }
  for (const centre of centres) {
    const random = randomFor(`${centre.id}/resources`);
    const count = centre.kind === "COMMUNITY_SCHOOL" ? between(random, 6, 10) : between(random, 15, 25);
    for (let n = 1; n <= count; n++) {
      const id = `resource-lc${centre.id.slice("learning-centre-".length)}-${pad(n, 2)}`;
      resources.push(
        buildResource(calendar, id, { schoolId: null, learningCentreId: centre.id }, "ADULT", randomFor(id)),
      );
    }
  }
  return resources;
}

// ───────────────────────────── student portraits ─────────────────────────────

/**
 * The pseudonym a pilot school's portrait platform assigns to a pupil. It is derived from the portrait id here so the
 * seed is deterministic; the platform keeps the link from pseudonym to pupil, never this service.
 */
export function pseudonymFor(portraitId: string): string {
  return `stu-${createHash("sha256").update(`jingan-student-portrait:${portraitId}`).digest("hex").slice(0, 12)}`;
}

function buildPortraits(calendar: SeedCalendar, schools: School[]): StudentPortrait[] {
  const portraits: StudentPortrait[] = [];
  for (const school of schools.filter((s) => s.portraitPilot)) {
    const random = randomFor(`${school.id}/portraits`);
    const grades = STAGE_GRADES[school.stage];
    // The pilot (学生数字画像实验试点) covers two grades of each pilot school.
    const pilotGrades = pickDistinct(random, grades, 2).sort((a, b) => a - b);
    const perGrade = Math.round(school.studentCount / grades.length);
    let n = 0;
    for (const gradeLevel of pilotGrades) {
      for (let pupil = 0; pupil < perGrade; pupil++) {
        n += 1;
        const id = `portrait-${school.id.slice("school-".length)}-${pad(n, 4)}`;
        const rowRandom = randomFor(id);
        portraits.push({
          id,
          pseudonym: pseudonymFor(id),
          synthetic: true,
          schoolId: school.id,
          gradeLevel,
          learningStyleTags: pickDistinct(rowRandom, LEARNING_STYLE_TAGS, between(rowRandom, 1, 3)),
          strengths: pickDistinct(rowRandom, STRENGTHS, between(rowRandom, 1, 3)),
          attendanceRate: Math.round((1 - rowRandom() ** 3 * 0.14) * 1000) / 1000,
          readingHoursPerWeek: Math.round((0.5 + rowRandom() * 9.5) * 10) / 10,
          // Updated by the platform's weekly sync in the fortnight before the seed date.
          updatedAt: new Date(calendar.instant(-11, "18:00").getTime() + between(rowRandom, 0, 7) * DAY_MS),
        });
      }
    }
  }
  return portraits;
}

export function buildSeedData(options: SeedOptions): EducationSeedData {
  const calendar = new SeedCalendar(options);
  const schools = buildSchools();
  const learningCentres = buildLearningCentres();
  const { courses, enrolments } = buildCourses(calendar, schools, learningCentres);
  return {
    schools,
    learningCentres,
    courses,
    enrolments,
    resources: buildResources(calendar, schools, learningCentres),
    portraits: buildPortraits(calendar, schools),
    schoolGrounds: buildSchoolGrounds(calendar, schools),
  };
}
