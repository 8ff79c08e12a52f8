/**
 * Per-request DataLoaders of the education subgraph: every entity reference and every list-to-item hop goes through
 * one of these, so a page of 130 schools with their courses, resources and portraits costs the same few SQL
 * statements as a page of 10.
 */
import DataLoader from "dataloader";
import { loaderByGroup, loaderById } from "../kit/loaders.ts";
import { dateColumn, fromDateColumn } from "../kit/localTime.ts";
import type { SubgraphContext } from "../kit/module.ts";
import { Prisma, type PrismaClient, type StudentPortrait } from "./generated/prisma/client.ts";

/** The Prisma client the kit creates for this subgraph (query events on, for its SQL statement counter). */
export type EducationPrisma = PrismaClient<"query">;

/** One page of one school's portraits: ids greater than `afterId`, ascending, at most `take` rows. */
export interface PortraitPageKey {
  schoolId: string;
  take: number;
  afterId: string | undefined;
}

/** A ground on a local day, e.g. check-ins of `schoolground-0001` on `2026-12-01`. */
export interface GroundDay {
  groundId: string;
  date: string;
}

const dayKey = (id: string, date: string) => `${id}|${date}`;

const byId = { id: "asc" } as const;
const byStartThenId = [{ startsAt: "asc" }, { id: "asc" }] as const;

export function createLoaders(prisma: EducationPrisma) {
  return {
    schoolById: loaderById((ids) => prisma.school.findMany({ where: { id: { in: [...ids] } } })),
    learningCentreById: loaderById((ids) => prisma.learningCentre.findMany({ where: { id: { in: [...ids] } } })),
    courseById: loaderById((ids) => prisma.course.findMany({ where: { id: { in: [...ids] } } })),
    enrolmentById: loaderById((ids) => prisma.enrolment.findMany({ where: { id: { in: [...ids] } } })),
    resourceById: loaderById((ids) => prisma.learningResource.findMany({ where: { id: { in: [...ids] } } })),
    portraitById: loaderById((ids) => prisma.studentPortrait.findMany({ where: { id: { in: [...ids] } } })),
    groundById: loaderById((ids) => prisma.schoolSportsGround.findMany({ where: { id: { in: [...ids] } } })),

    // Street.schools(stage) loads every school of the street and narrows by stage in memory: a street has about ten.
    schoolsByStreet: loaderByGroup(
      (streetIds) => prisma.school.findMany({ where: { streetId: { in: [...streetIds] } }, orderBy: byId }),
      (school) => school.streetId,
    ),
    schoolsByDepartment: loaderByGroup(
      (departmentIds) => prisma.school.findMany({ where: { departmentId: { in: [...departmentIds] } }, orderBy: byId }),
      (school) => school.departmentId,
    ),
    coursesByStreet: loaderByGroup(
      (streetIds) =>
        prisma.course.findMany({ where: { streetId: { in: [...streetIds] } }, orderBy: [...byStartThenId] }),
      (course) => course.streetId,
    ),
    coursesBySchool: loaderByGroup(
      (schoolIds) =>
        prisma.course.findMany({ where: { schoolId: { in: [...schoolIds] } }, orderBy: [...byStartThenId] }),
      (course) => course.schoolId ?? "",
    ),
    coursesByLearningCentre: loaderByGroup(
      (centreIds) =>
        prisma.course.findMany({ where: { learningCentreId: { in: [...centreIds] } }, orderBy: [...byStartThenId] }),
      (course) => course.learningCentreId ?? "",
    ),
    resourcesBySchool: loaderByGroup(
      (schoolIds) => prisma.learningResource.findMany({ where: { schoolId: { in: [...schoolIds] } }, orderBy: byId }),
      (resource) => resource.schoolId ?? "",
    ),
    resourcesByLearningCentre: loaderByGroup(
      (centreIds) =>
        prisma.learningResource.findMany({ where: { learningCentreId: { in: [...centreIds] } }, orderBy: byId }),
      (resource) => resource.learningCentreId ?? "",
    ),
    enrolmentsByResident: loaderByGroup(
      (residentIds) =>
        prisma.enrolment.findMany({
          where: { residentId: { in: [...residentIds] } },
          orderBy: [{ enrolledAt: "desc" }, { id: "asc" }],
        }),
      (enrolment) => enrolment.residentId,
    ),

    // School sports grounds opened to the public (学校体育场地开放), by street and by school.
    groundsBySchool: loaderByGroup(
      (schoolIds) => prisma.schoolSportsGround.findMany({ where: { schoolId: { in: [...schoolIds] } }, orderBy: byId }),
      (ground) => ground.schoolId,
    ),
    groundsByStreet: loaderByGroup(
      (streetIds) => prisma.schoolSportsGround.findMany({ where: { streetId: { in: [...streetIds] } }, orderBy: byId }),
      (ground) => ground.streetId,
    ),
    openingsByGround: loaderByGroup(
      (groundIds) =>
        prisma.schoolGroundOpening.findMany({
          where: { groundId: { in: [...groundIds] } },
          orderBy: [{ weekday: "asc" }, { opensAtMinute: "asc" }],
        }),
      (opening) => opening.groundId,
    ),
    /** Check-ins per ground and local day, counted in the database: one grouped query for every pair asked. */
    checkInCount: new DataLoader<GroundDay, number, string>(
      async (keys) => {
        const counts = await prisma.schoolGroundCheckIn.groupBy({
          by: ["groundId", "visitDate"],
          where: {
            groundId: { in: [...new Set(keys.map((k) => k.groundId))] },
            visitDate: { in: [...new Set(keys.map((k) => k.date))].map(dateColumn) },
          },
          _count: { _all: true },
        });
        const byKey = new Map(counts.map((c) => [dayKey(c.groundId, fromDateColumn(c.visitDate)), c._count._all]));
        return keys.map((k) => byKey.get(dayKey(k.groundId, k.date)) ?? 0);
      },
      { cacheKeyFn: (k) => dayKey(k.groundId, k.date) },
    ),

    portraitPageBySchool: portraitPageLoader(prisma),
    portraitCountBySchool: new DataLoader<string, number>(async (schoolIds) => {
      const counts = await prisma.studentPortrait.groupBy({
        by: ["schoolId"],
        where: { schoolId: { in: [...schoolIds] } },
        _count: { _all: true },
      });
      const bySchool = new Map(counts.map((row) => [row.schoolId, row._count._all]));
      return schoolIds.map((id) => bySchool.get(id) ?? 0);
    }),
  };
}

/**
 * Pages of portraits for many schools at once (School.studentPortraits on a list of schools). Each school may ask for
 * a different page, so one LATERAL query picks every page's ids by the (schoolId, id) index, and one findMany reads
 * the rows: two statements however many schools are listed.
 */
function portraitPageLoader(prisma: EducationPrisma) {
  return new DataLoader<PortraitPageKey, StudentPortrait[], string>(
    async (keys) => {
      const picked = await prisma.$queryRaw<Array<{ key: number; id: string }>>(Prisma.sql`
        SELECT k.ord::int AS key, page.id
        FROM unnest(${keys.map((k) => k.schoolId)}::text[], ${keys.map((k) => k.afterId ?? "")}::text[],
                    ${keys.map((k) => k.take)}::int[]) WITH ORDINALITY AS k(school_id, after_id, take, ord)
        CROSS JOIN LATERAL (
          SELECT p.id FROM "StudentPortrait" p
          WHERE p."schoolId" = k.school_id AND p.id > k.after_id
          ORDER BY p.id
          LIMIT k.take
        ) AS page
        ORDER BY k.ord, page.id`);
      if (picked.length === 0) return keys.map(() => []);
      const rows = await prisma.studentPortrait.findMany({
        where: { id: { in: [...new Set(picked.map((p) => p.id))] } },
      });
      const byId = new Map(rows.map((row) => [row.id, row]));
      const pages = keys.map((): StudentPortrait[] => []);
      for (const { key, id } of picked) {
        const row = byId.get(id);
        if (row) pages[Number(key) - 1]?.push(row);
      }
      return pages;
    },
    { cacheKeyFn: (key) => `${key.schoolId}\u0000${key.take}\u0000${key.afterId ?? ""}` },
  );
}

export type EducationLoaders = ReturnType<typeof createLoaders>;

/** What every resolver of the education subgraph receives: the kit's context with this subgraph's client and loaders. */
export type EducationContext = SubgraphContext<EducationPrisma, EducationLoaders>;
