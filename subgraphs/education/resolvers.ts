/**
 * Resolvers of the education subgraph. Root lists page with the kit's `paginate`; every hop from a row to another row
 * goes through the request's loaders; enrolments live in `enrolment.ts`, school-ground check-ins in
 * `schoolGroundCheckIn.ts`.
 *
 * Student portraits are minors' data (PIPL art. 28): they are reachable only through `studentPortrait(id)`,
 * `School.studentPortraits` and their entity reference, never from a resident, a course or a street.
 */

import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper/index.js";
import {
  actingResident,
  guardResidentRecords,
  mayReadRecord,
  readableRecord,
  readableRecords,
  requireJurisdiction,
  residentReference,
} from "../kit/actingResident.ts";
import { DateTime } from "../kit/dateTime.ts";
import {
  formatMinute,
  fromDateColumn,
  isoWeekday,
  localDate,
  localMinuteOfDay,
  parseLocalDate,
} from "../kit/localTime.ts";
import { pageOf } from "../kit/pageOf.ts";
import { type ConnectionArgs, type ListArgs, paginate } from "../kit/pagination.ts";
import { type Reference, resolveById } from "../kit/references.ts";
import { nameFilter } from "../kit/textFilter.ts";
import {
  type EnrolInCourseInput,
  enrolInCourse,
  noSuchEnrolment,
  type WithdrawFromCourseInput,
  withdrawFromCourse,
} from "./enrolment.ts";
import type {
  Course,
  CourseCategory,
  Enrolment,
  EnrolmentStatus,
  GradeBand,
  LearningCentre,
  LearningCentreKind,
  LearningResource,
  Prisma,
  ResourceFormat,
  School,
  SchoolGroundCheckIn,
  SchoolGroundKind,
  SchoolGroundOpening,
  SchoolOwnership,
  SchoolSportsGround,
  SchoolStage,
  StudentPortrait,
  Weekday,
} from "./generated/prisma/client.ts";
import type { EducationContext, EducationLoaders, EducationPrisma } from "./loaders.ts";
import { EDUCATION_DESK, enrolmentRecords, studentPortraitRecords } from "./permissions.ts";
import { type CheckInToSchoolGroundInput, checkInToSchoolGround, isOpenAt } from "./schoolGroundCheckIn.ts";

/** The district directory (130 schools) fits in one page of this size. */
export const SCHOOLS_MAX_PAGE_SIZE = 200;

interface SchoolFilter {
  streetId?: string | null;
  stage?: SchoolStage | null;
  ownership?: SchoolOwnership | null;
  nameContains?: string | null;
  smartSchoolPilot?: boolean | null;
}

interface LearningCentreFilter {
  streetId?: string | null;
  kind?: LearningCentreKind | null;
}

interface CourseFilter {
  streetId?: string | null;
  category?: CourseCategory | null;
  weekday?: Weekday | null;
  availableOnly?: boolean | null;
  startsAfter?: Date | null;
  providerId?: string | null;
  titleContains?: string | null;
}

interface LearningResourceFilter {
  subject?: string | null;
  gradeBand?: GradeBand | null;
  format?: ResourceFormat | null;
  providerId?: string | null;
  titleContains?: string | null;
}

interface SchoolSportsGroundFilter {
  streetId?: string | null;
  schoolId?: string | null;
  kind?: SchoolGroundKind | null;
  openOn?: Weekday | null;
}

/** A mutation input as the API takes it: the resident is optional (residents act for themselves). */
type FromCaller<T extends { residentId: string }> = Omit<T, "residentId"> & { residentId?: string | null };

const ISO_WEEKDAYS: readonly Weekday[] = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"];

/** A course or resource row: exactly one of the two provider ids is set (CHECK in the migration). */
type Provided = { schoolId: string | null; learningCentreId: string | null };

export interface EducationResolverOptions {
  /**
   * The current time, for "has this course started?", "is the ground open?" and "today". Tests pass a fixed clock;
   * the service uses the real one.
   */
  now?: () => Date;
}

const byId = resolveById<EducationContext>();

export function createResolvers(options: EducationResolverOptions = {}): GraphQLResolverMap<EducationContext> {
  const now = options.now ?? (() => new Date());
  const enrollable = (course: Course) => course.enrolledCount < course.capacity && course.startsAt > now();
  const provider = (row: Provided, loaders: EducationLoaders) =>
    row.schoolId ? loaders.schoolById.load(row.schoolId) : loaders.learningCentreById.load(row.learningCentreId ?? "");
  const dateOrToday = (date: string | null | undefined, argument: string) =>
    date == null ? localDate(now()) : parseLocalDate(date, argument);

  return {
    DateTime,

    Query: {
      schools: (_: unknown, args: ListArgs<SchoolFilter>, { prisma, loaders }: EducationContext) => {
        const where = schoolWhere(args.filter);
        return pageOf("schools", args, prisma.school, where, {
          maxPageSize: SCHOOLS_MAX_PAGE_SIZE,
          prime: loaders.schoolById,
        });
      },
      school: byId.argument("schoolById"),

      learningCentres: (_: unknown, args: ListArgs<LearningCentreFilter>, { prisma, loaders }: EducationContext) => {
        const where: Prisma.LearningCentreWhereInput = {
          streetId: args.filter?.streetId ?? undefined,
          kind: args.filter?.kind ?? undefined,
        };
        return pageOf("learningCentres", args, prisma.learningCentre, where, { prime: loaders.learningCentreById });
      },
      learningCentre: byId.argument("learningCentreById"),

      courses: (_: unknown, args: ListArgs<CourseFilter>, { prisma }: EducationContext) => {
        const where = courseWhere(args.filter, now(), prisma);
        return pageOf("courses", args, prisma.course, where);
      },
      course: byId.argument("courseById"),

      learningResources: (_: unknown, args: ListArgs<LearningResourceFilter>, { prisma }: EducationContext) => {
        const where = resourceWhere(args.filter);
        return pageOf("learningResources", args, prisma.learningResource, where);
      },
      learningResource: byId.argument("resourceById"),

      studentPortrait: byId.argument("portraitById", studentPortraitRecords),

      schoolSportsGrounds: (_: unknown, args: ListArgs<SchoolSportsGroundFilter>, { prisma }: EducationContext) =>
        pageOf("schoolSportsGrounds", args, prisma.schoolSportsGround, groundWhere(args.filter)),
      schoolSportsGround: byId.argument("groundById"),
    },

    Mutation: {
      enrolInCourse: async (
        _: unknown,
        { input }: { input: EnrolInCourseInput },
        { prisma, loaders, principal, residentStreets }: EducationContext,
      ) => {
        const residentId = await actingResident({ principal, residentStreets }, input.residentId, EDUCATION_DESK);
        if (principal.kind === "officer") {
          const course = await loaders.courseById.load(input.courseId);
          if (course) requireJurisdiction(principal, course.streetId, `Course "${course.id}"`);
        }
        const { enrolment, course } = await enrolInCourse(prisma, { ...input, residentId }, now());
        loaders.courseById.clear(course.id).prime(course.id, course);
        return enrolment;
      },
      withdrawFromCourse: async (
        _: unknown,
        { input }: { input: WithdrawFromCourseInput },
        context: EducationContext,
      ) => {
        const { prisma, loaders } = context;
        const existing = await loaders.enrolmentById.load(input.enrolmentId);
        // An enrolment the caller may not see answers exactly like one that does not exist: no existence leak.
        if (existing && !(await readableRecord(enrolmentRecords, existing, context))) {
          throw noSuchEnrolment(input.enrolmentId);
        }
        const { enrolment, course } = await withdrawFromCourse(prisma, input, now());
        loaders.courseById.clear(course.id).prime(course.id, course);
        return enrolment;
      },
      checkInToSchoolGround: async (
        _: unknown,
        { input }: { input: FromCaller<CheckInToSchoolGroundInput> },
        { prisma, loaders, principal, residentStreets }: EducationContext,
      ) => {
        const residentId = await actingResident({ principal, residentStreets }, input.residentId, EDUCATION_DESK);
        if (principal.kind === "officer") {
          const ground = await loaders.groundById.load(input.groundId);
          if (ground) requireJurisdiction(principal, ground.streetId, `School sports ground "${ground.id}"`);
        }
        return checkInToSchoolGround(prisma, { ...input, residentId }, now());
      },
    },

    School: {
      __resolveReference: byId.reference("schoolById"),
      isSmartSchoolPilot: (school: School) => school.smartPilot !== null,
      smartSchoolPilot: (school: School) => school.smartPilot,
      isStudentPortraitPilot: (school: School) => school.portraitPilot,
      street: (school: School) => ({ __typename: "Street", id: school.streetId }),
      department: (school: School) => ({ __typename: "Department", id: school.departmentId }),
      courses: (school: School, _: unknown, { loaders }: EducationContext) => loaders.coursesBySchool.load(school.id),
      learningResources: (school: School, _: unknown, { loaders }: EducationContext) =>
        loaders.resourcesBySchool.load(school.id),
      studentPortraits: async (school: School, args: ConnectionArgs, context: EducationContext) => {
        const { loaders } = context;
        // Every portrait of the page is of this school, in its street: one check answers for the whole page, and a
        // caller who may not see them gets an empty list, like a school without portraits.
        const readable = await mayReadRecord(studentPortraitRecords, { schoolId: school.id }, context);
        return paginate(
          "studentPortraits",
          args,
          async ({ take, afterId }) =>
            readable ? loaders.portraitPageBySchool.load({ schoolId: school.id, take, afterId }) : [],
          async () => (readable ? loaders.portraitCountBySchool.load(school.id) : 0),
        );
      },
      sportsGrounds: (school: School, _: unknown, { loaders }: EducationContext) =>
        loaders.groundsBySchool.load(school.id),
    },

    SchoolSportsGround: {
      __resolveReference: byId.reference("groundById"),
      school: (ground: SchoolSportsGround, _: unknown, { loaders }: EducationContext) =>
        loaders.schoolById.load(ground.schoolId),
      street: (ground: SchoolSportsGround) => ({ __typename: "Street", id: ground.streetId }),
      openingHours: async (ground: SchoolSportsGround, _: unknown, { loaders }: EducationContext) =>
        (await loaders.openingsByGround.load(ground.id)).map(openingWindow),
      openNow: async (ground: SchoolSportsGround, _: unknown, { loaders }: EducationContext) => {
        const at = now();
        return isOpenAt(
          await loaders.openingsByGround.load(ground.id),
          isoWeekday(localDate(at)),
          localMinuteOfDay(at),
        );
      },
      checkInCount: (ground: SchoolSportsGround, { date }: { date?: string | null }, { loaders }: EducationContext) =>
        loaders.checkInCount.load({ groundId: ground.id, date: dateOrToday(date, "date") }),
      remainingQuota: async (
        ground: SchoolSportsGround,
        { date }: { date?: string | null },
        { loaders }: EducationContext,
      ) => {
        const visits = await loaders.checkInCount.load({ groundId: ground.id, date: dateOrToday(date, "date") });
        return Math.max(0, ground.dailyQuota - visits);
      },
    },

    SchoolGroundCheckIn: {
      ground: (checkIn: SchoolGroundCheckIn, _: unknown, { loaders }: EducationContext) =>
        loaders.groundById.load(checkIn.groundId),
      resident: (checkIn: SchoolGroundCheckIn) => ({ __typename: "Resident", id: checkIn.residentId }),
      visitDate: (checkIn: SchoolGroundCheckIn) => fromDateColumn(checkIn.visitDate),
    },

    LifelongLearningCentre: {
      __resolveReference: byId.reference("learningCentreById"),
      street: (centre: LearningCentre) => ({ __typename: "Street", id: centre.streetId }),
      courses: (centre: LearningCentre, _: unknown, { loaders }: EducationContext) =>
        loaders.coursesByLearningCentre.load(centre.id),
      learningResources: (centre: LearningCentre, _: unknown, { loaders }: EducationContext) =>
        loaders.resourcesByLearningCentre.load(centre.id),
    },

    EducationProvider: {
      // Only schools have a stage; the two row shapes never overlap otherwise.
      __resolveType: (row: School | LearningCentre) => ("stage" in row ? "School" : "LifelongLearningCentre"),
    },

    EducationCourse: {
      __resolveReference: byId.reference("courseById"),
      provider: (course: Course, _: unknown, { loaders }: EducationContext) => provider(course, loaders),
      street: (course: Course) => ({ __typename: "Street", id: course.streetId }),
      remaining: (course: Course) => Math.max(0, course.capacity - course.enrolledCount),
      enrollable,
    },

    CourseEnrolment: {
      __resolveReference: byId.reference("enrolmentById", enrolmentRecords),
      course: (enrolment: Enrolment, _: unknown, { loaders }: EducationContext) =>
        loaders.courseById.load(enrolment.courseId),
      resident: (enrolment: Enrolment) => ({ __typename: "Resident", id: enrolment.residentId }),
    },

    LearningResource: {
      __resolveReference: byId.reference("resourceById"),
      provider: (resource: LearningResource, _: unknown, { loaders }: EducationContext) => provider(resource, loaders),
    },

    StudentPortrait: {
      __resolveReference: byId.reference("portraitById", studentPortraitRecords),
      school: (portrait: StudentPortrait, _: unknown, { loaders }: EducationContext) =>
        loaders.schoolById.load(portrait.schoolId),
    },

    // Street, Department and Resident belong to other subgraphs; the gateway hands us their ids and asks for our
    // fields.
    Street: {
      schools: async (street: Reference, { stage }: { stage?: SchoolStage | null }, { loaders }: EducationContext) => {
        const schools = await loaders.schoolsByStreet.load(street.id);
        return stage ? schools.filter((school) => school.stage === stage) : schools;
      },
      courses: async (
        street: Reference,
        { availableOnly }: { availableOnly?: boolean | null },
        { loaders }: EducationContext,
      ) => {
        const courses = await loaders.coursesByStreet.load(street.id);
        return availableOnly ? courses.filter(enrollable) : courses;
      },
      schoolSportsGrounds: (street: Reference, _: unknown, { loaders }: EducationContext) =>
        loaders.groundsByStreet.load(street.id),
    },

    Department: {
      schools: (department: Reference, _: unknown, { loaders }: EducationContext) =>
        loaders.schoolsByDepartment.load(department.id),
    },

    Resident: {
      __resolveReference: residentReference,
      ...guardResidentRecords(EDUCATION_DESK, {
        courseEnrolments: async (
          resident: Reference,
          { status }: { status?: EnrolmentStatus | null },
          context: EducationContext,
        ) => {
          const enrolments = await context.loaders.enrolmentsByResident.load(resident.id);
          const readable = await readableRecords(enrolmentRecords, enrolments, context);
          return status ? readable.filter((enrolment) => enrolment.status === status) : readable;
        },
      }),
    },
  };
}

/**
 * Hands rows a list already read to the by-id loader, so that hops back to them (a school's course → its provider,
 * a portrait → its school) cost nothing more.
 */
function schoolWhere(filter: SchoolFilter | null | undefined): Prisma.SchoolWhereInput {
  const pilot = filter?.smartSchoolPilot;
  return {
    streetId: filter?.streetId ?? undefined,
    stage: filter?.stage ?? undefined,
    ownership: filter?.ownership ?? undefined,
    name: nameFilter(filter?.nameContains, "filter.nameContains"),
    smartPilot: pilot === true ? { not: null } : pilot === false ? null : undefined,
  };
}

function groundWhere(filter: SchoolSportsGroundFilter | null | undefined): Prisma.SchoolSportsGroundWhereInput {
  return {
    streetId: filter?.streetId ?? undefined,
    schoolId: filter?.schoolId ?? undefined,
    kind: filter?.kind ?? undefined,
    openings: filter?.openOn ? { some: { weekday: ISO_WEEKDAYS.indexOf(filter.openOn) + 1 } } : undefined,
  };
}

function openingWindow(opening: SchoolGroundOpening) {
  return {
    weekday: ISO_WEEKDAYS[opening.weekday - 1],
    opensAt: formatMinute(opening.opensAtMinute),
    closesAt: formatMinute(opening.closesAtMinute),
  };
}

function providerWhere(providerId: string | null | undefined) {
  return providerId ? { OR: [{ schoolId: providerId }, { learningCentreId: providerId }] } : {};
}

function courseWhere(
  filter: CourseFilter | null | undefined,
  now: Date,
  prisma: EducationPrisma,
): Prisma.CourseWhereInput {
  const { startsAfter, availableOnly } = filter ?? {};
  const startsAt: Prisma.DateTimeFilter<"Course"> = {
    ...(startsAfter ? { gte: startsAfter } : {}),
    ...(availableOnly ? { gt: now } : {}),
  };
  return {
    ...providerWhere(filter?.providerId),
    streetId: filter?.streetId ?? undefined,
    category: filter?.category ?? undefined,
    weekday: filter?.weekday ?? undefined,
    title: nameFilter(filter?.titleContains, "filter.titleContains"),
    startsAt: Object.keys(startsAt).length > 0 ? startsAt : undefined,
    enrolledCount: availableOnly ? { lt: prisma.course.fields.capacity } : undefined,
  };
}

function resourceWhere(filter: LearningResourceFilter | null | undefined): Prisma.LearningResourceWhereInput {
  return {
    ...providerWhere(filter?.providerId),
    subject: filter?.subject?.trim() || undefined,
    gradeBand: filter?.gradeBand ?? undefined,
    format: filter?.format ?? undefined,
    title: nameFilter(filter?.titleContains, "filter.titleContains"),
  };
}
