/**
 * Who may call what in the education subgraph, and which enrolments and student portraits each caller sees.
 * A record's street (for an officer's jurisdiction) is the street where it happens: the course's street for an
 * enrolment, the school's street for a student portrait. Student portraits are pseudonymous minors' data (PIPL
 * art. 28): they belong to no resident account, so only 区教育局 officers of the school's street see them. A
 * school-ground check-in's street is its ground's (the school's).
 */
import type { DepartmentDesk, ResidentRecordRule } from "../kit/actingResident.ts";
import {
  isOfficerOf,
  isResidentOrOfficerOf,
  publicField,
  recordRule,
  type SubgraphPermissions,
} from "../kit/shield.ts";
import type { Enrolment, SchoolGroundCheckIn, StudentPortrait } from "./generated/prisma/client.ts";
import type { EducationContext } from "./loaders.ts";

export const EDUCATION_DESK: DepartmentDesk = { departmentId: "dept-education", name: "区教育局" };

export const enrolmentRecords: ResidentRecordRule<Enrolment, EducationContext> = {
  desk: EDUCATION_DESK,
  residentOf: (enrolment) => enrolment.residentId,
  streetOf: async (enrolment, { loaders }) => (await loaders.courseById.load(enrolment.courseId))?.streetId,
};

/** Portraits of one school share its street: `School.studentPortraits` checks the school once, not every row. */
export const studentPortraitRecords: ResidentRecordRule<Pick<StudentPortrait, "schoolId">, EducationContext> = {
  desk: EDUCATION_DESK,
  residentOf: () => null,
  streetOf: async (portrait, { loaders }) => (await loaders.schoolById.load(portrait.schoolId))?.streetId,
};

export const checkInRecords: ResidentRecordRule<SchoolGroundCheckIn, EducationContext> = {
  desk: EDUCATION_DESK,
  residentOf: (checkIn) => checkIn.residentId,
  streetOf: async (checkIn, { loaders }) => (await loaders.groundById.load(checkIn.groundId))?.streetId,
};

const desk = isResidentOrOfficerOf(EDUCATION_DESK);

export const permissions: SubgraphPermissions = {
  Query: {
    schools: publicField,
    school: publicField,
    learningCentres: publicField,
    learningCentre: publicField,
    courses: publicField,
    course: publicField,
    learningResources: publicField,
    learningResource: publicField,
    studentPortrait: isOfficerOf(EDUCATION_DESK.departmentId),
    schoolSportsGrounds: publicField,
    schoolSportsGround: publicField,
  },
  Mutation: {
    enrolInCourse: desk,
    withdrawFromCourse: desk,
    checkInToSchoolGround: desk,
  },
  CourseEnrolment: recordRule("enrolment", enrolmentRecords),
  StudentPortrait: recordRule("student portrait", studentPortraitRecords),
  SchoolGroundCheckIn: recordRule("school-ground check-in", checkInRecords),
};
