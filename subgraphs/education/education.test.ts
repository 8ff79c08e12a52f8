import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JINGAN_DIVISION_IDS } from "../../lib/reference/jinganDivisions.ts";
// Department-wide officers: the whole district is their jurisdiction.
import { officerIn as officerOf, residentPrincipal } from "../../test/rows/principals.ts";
import { seedDateTime, seedInstant, seedLocal, TEST_SEED_DATE } from "../../test/support/seedDate.ts";
import { graphql, startTestSubgraph } from "../../test/support/subgraphs.ts";
import type { SubgraphService } from "../kit/service.ts";
import { createEducationSubgraph } from "./index.ts";
import type { EducationPrisma } from "./loaders.ts";
import { countRows } from "./seed.ts";

/**
 * Two days before the seed date: the intake that starts the day before it is open for enrolment, earlier intakes are
 * running, whatever today is.
 */
const NOW = seedInstant(-2, "10:00");
const education = createEducationSubgraph({ now: () => NOW });

let service: SubgraphService<EducationPrisma>;
let prisma: EducationPrisma;

beforeAll(async () => {
  service = await startTestSubgraph(education, { seedDate: TEST_SEED_DATE });
  prisma = service.prisma;
});

afterAll(async () => {
  await service?.stop();
});

/** Acts as an officer of 区教育局 at a desk, who may enrol any resident. */
async function query(document: string, variables?: Record<string, unknown>, principal = officerOf("dept-education")) {
  return (await graphql(service.url, document, variables, {}, { principal })).body;
}

/** Runs an operation and returns how many SQL statements it cost. */
async function sqlCost(document: string, variables?: Record<string, unknown>) {
  const before = service.sqlQueries();
  const body = await query(document, variables);
  expect(body.errors).toBeUndefined();
  return { body, statements: service.sqlQueries() - before };
}

function errorCode(body: { errors?: any[] }): string | undefined {
  return body.errors?.[0]?.extensions?.code;
}

const residentId = (n: number) => `resident-${String(n).padStart(6, "0")}`;

/** Walks a root list page by page and returns the ids met, checking cursors and order on the way. */
async function walk(list: string, pageSize: number, filter?: Record<string, unknown>) {
  const seen: string[] = [];
  let after: string | null = null;
  let pages = 0;
  for (;;) {
    const body = await query(
      `query Page($first: Int, $after: String, $filter: ${filterType(list)}) {
        ${list}(first: $first, after: $after, filter: $filter) {
          totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor }
        }
      }`,
      { first: pageSize, after, filter },
    );
    expect(body.errors).toBeUndefined();
    const page = body.data[list];
    pages += 1;
    seen.push(...page.edges.map((edge: any) => edge.node.id));
    expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
    if (!page.pageInfo.hasNextPage) {
      expect(seen).toHaveLength(page.totalCount);
      break;
    }
    after = page.pageInfo.endCursor;
  }
  expect(new Set(seen).size).toBe(seen.length);
  expect(seen).toEqual([...seen].sort());
  return { seen, pages };
}

function filterType(list: string): string {
  return {
    schools: "SchoolFilter",
    courses: "EducationCourseFilter",
    learningResources: "LearningResourceFilter",
    learningCentres: "LifelongLearningCentreFilter",
  }[list] as string;
}

/** A course that only this test uses, run by the 静安寺街道 community school. */
async function insertCourse(
  id: string,
  fields: { startsAt: Date; endsAt?: Date; capacity: number; enrolledCount?: number },
) {
  await prisma.course.create({
    data: {
      id,
      title: "测试课程",
      category: "DIGITAL_SKILLS",
      description: "只供测试使用。",
      learningCentreId: "learning-centre-01",
      streetId: "street-jingansi",
      venue: "静安区愚园路1号",
      teacherName: "王老师",
      startsAt: fields.startsAt,
      endsAt: fields.endsAt ?? new Date(fields.startsAt.getTime() + 8 * 7 * 24 * 60 * 60_000),
      weekday: "THURSDAY",
      startTime: "09:00",
      endTime: "10:30",
      sessionCount: 8,
      capacity: fields.capacity,
      enrolledCount: fields.enrolledCount ?? 0,
    },
  });
}

const ENROL = /* GraphQL */ `
  mutation Enrol($courseId: ID!, $residentId: ID!) {
    enrolInCourse(input: { courseId: $courseId, residentId: $residentId }) {
      id
      status
      enrolledAt
      resident { id }
      course { id capacity enrolledCount remaining enrollable }
    }
  }
`;

const WITHDRAW = /* GraphQL */ `
  mutation Withdraw($enrolmentId: ID!) {
    withdrawFromCourse(input: { enrolmentId: $enrolmentId }) {
      id
      status
      withdrawnAt
      course { id enrolledCount remaining }
    }
  }
`;

const enrol = (courseId: string, resident: string) => query(ENROL, { courseId, residentId: resident });
const withdraw = (enrolmentId: string) => query(WITHDRAW, { enrolmentId });

describe("schools", () => {
  it("lists the district's 130 schools, and school-0001 … school-0060 all have grounds (no kindergarten)", async () => {
    const body = await query(`{
      schools(first: 200) { totalCount nodes { id name stage ownership foundedYear studentCount teacherCount } }
    }`);
    const schools = body.data.schools.nodes;
    expect(body.data.schools.totalCount).toBe(130);
    expect(schools[0]).toMatchObject({ id: "school-0001", name: "上海市市西中学", foundedYear: 1869 });
    const first60 = schools.slice(0, 60);
    expect(first60.map((s: any) => s.id)).toEqual(
      Array.from({ length: 60 }, (_, i) => `school-${String(i + 1).padStart(4, "0")}`),
    );
    expect(first60.some((s: any) => s.stage === "KINDERGARTEN")).toBe(false);
    const stages = new Set(schools.map((s: any) => s.stage));
    expect(stages).toEqual(
      new Set([
        "KINDERGARTEN",
        "PRIMARY",
        "JUNIOR_SECONDARY",
        "SENIOR_SECONDARY",
        "COMPLETE_SECONDARY",
        "NINE_YEAR",
        "VOCATIONAL",
        "SPECIAL_EDUCATION",
      ]),
    );
    for (const school of schools) {
      expect(school.studentCount / school.teacherCount).toBeGreaterThan(2);
      expect(school.studentCount / school.teacherCount).toBeLessThan(17);
    }
    const names = schools.map((s: any) => s.name);
    for (const known of ["上海市育才初级中学", "上海市华东模范中学", "上海市风华初级中学", "上海市闸北第八中学"]) {
      expect(names).toContain(known);
    }
  });

  it("filters by street, stage, ownership, part of the name and the smart-school programme", async () => {
    const body = await query(`{
      jingansi: schools(filter: { streetId: "street-jingansi" }, first: 50) { totalCount nodes { street { id } } }
      primary: schools(filter: { stage: PRIMARY }) { totalCount }
      privateKindergartens: schools(filter: { stage: KINDERGARTEN, ownership: PRIVATE }) { nodes { name ownership } }
      shixi: schools(filter: { nameContains: "市西" }) { nodes { name } }
      pilots: schools(filter: { smartSchoolPilot: true }, first: 50) {
        totalCount nodes { isSmartSchoolPilot smartSchoolPilot stage }
      }
      others: schools(filter: { smartSchoolPilot: false }) { totalCount }
      pilotPrimaries: schools(filter: { smartSchoolPilot: true, stage: PRIMARY, streetId: "street-zhijiangxilu" }) {
        nodes { name smartSchoolPilot }
      }
    }`);
    expect(body.errors).toBeUndefined();
    const d = body.data;
    expect(d.jingansi.totalCount).toBeGreaterThan(5);
    expect(d.jingansi.nodes.every((s: any) => s.street.id === "street-jingansi")).toBe(true);
    expect(d.primary.totalCount).toBe(45);
    expect(d.privateKindergartens.nodes).toHaveLength(4);
    expect(d.privateKindergartens.nodes.every((s: any) => s.name.includes("民办"))).toBe(true);
    expect(d.shixi.nodes.map((s: any) => s.name)).toEqual(["上海市市西中学", "上海市市西初级中学"]);
    expect(d.pilots.totalCount).toBe(25);
    expect(d.pilots.totalCount + d.others.totalCount).toBe(130);
    expect(d.pilots.nodes.every((s: any) => s.isSmartSchoolPilot && s.smartSchoolPilot !== null)).toBe(true);
    expect(d.pilots.nodes.some((s: any) => s.stage === "KINDERGARTEN")).toBe(false);
    expect(d.pilotPrimaries.nodes).toEqual([
      { name: "上海市静安区闸北第一中心小学", smartSchoolPilot: "DIGITAL_EMPOWERMENT_DEMO" },
      { name: "上海市静安区和田路小学", smartSchoolPilot: "DIGITAL_EMPOWERMENT_DEMO" },
    ]);
  });

  it("walks every page of schools with cursors and meets each school once, in id order", async () => {
    const { seen, pages } = await walk("schools", 30);
    expect(seen).toHaveLength(130);
    expect(pages).toBe(5);
  });

  it("answers a cursor from another list, a page size out of range and an overlong search with coded errors", async () => {
    const courses = await query(`{ courses(first: 1) { pageInfo { endCursor } } }`);
    const foreignCursor = courses.data.courses.pageInfo.endCursor;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ first: 5, after: foreignCursor }, "INVALID_CURSOR"],
      [{ first: 5, after: "not-a-cursor" }, "INVALID_CURSOR"],
      [{ first: 0 }, "PAGE_SIZE_OUT_OF_RANGE"],
      [{ first: 201 }, "PAGE_SIZE_OUT_OF_RANGE"],
    ];
    for (const [variables, code] of cases) {
      const body = await query(
        `query S($first: Int, $after: String) { schools(first: $first, after: $after) { nodes { id } } }`,
        variables,
      );
      expect(errorCode(body)).toBe(code);
      expect(body.errors?.[0].message).toMatch(/;/);
    }
    const schools = await query(`{ schools(first: 1) { pageInfo { endCursor } } }`);
    const schoolCursor = schools.data.schools.pageInfo.endCursor;
    for (const list of ["courses", "learningResources", "learningCentres"]) {
      expect(errorCode(await query(`{ ${list}(first: 101) { nodes { id } } }`))).toBe("PAGE_SIZE_OUT_OF_RANGE");
      expect(errorCode(await query(`{ ${list}(after: "${schoolCursor}") { nodes { id } } }`))).toBe("INVALID_CURSOR");
    }
    const long = await query(`query L($text: String) { schools(filter: { nameContains: $text }) { totalCount } }`, {
      text: "中".repeat(51),
    });
    expect(errorCode(long)).toBe("BAD_USER_INPUT");
  });

  it("returns null for an unknown school id", async () => {
    const body = await query(`{ school(id: "school-9999") { id } known: school(id: "school-0013") { name } }`);
    expect(body.data).toEqual({ school: null, known: { name: "上海市育才初级中学" } });
  });
});

describe("lifelong-learning centres and courses", () => {
  it("has a community school in each of the 14 streets, the senior university and the colleges", async () => {
    const body = await query(`{
      all: learningCentres(first: 50) { totalCount nodes { name kind street { id } } }
      community: learningCentres(filter: { kind: COMMUNITY_SCHOOL }, first: 50) { totalCount }
      linfen: learningCentres(filter: { streetId: "street-linfenlu" }) { nodes { name } }
    }`);
    expect(body.data.all.totalCount).toBe(18);
    expect(body.data.community.totalCount).toBe(14);
    expect(body.data.linfen.nodes).toEqual([{ name: "静安区临汾路街道社区学校" }]);
    expect(body.data.all.nodes.map((c: any) => c.name)).toContain("上海市静安区老年大学");
    const { pages } = await walk("learningCentres", 5);
    expect(pages).toBe(4);
  });

  it("lists only courses open for enrolment when availableOnly is set", async () => {
    const body = await query(`{
      all: courses { totalCount }
      open: courses(filter: { availableOnly: true }, first: 100) {
        totalCount nodes { startsAt capacity enrolledCount remaining enrollable }
      }
    }`);
    const { all, open } = body.data;
    // Four monthly intakes in the seed's window (three running, one open), 141 courses each.
    expect(all.totalCount).toBe(564);
    expect(open.totalCount).toBeGreaterThan(100);
    expect(open.totalCount).toBeLessThan(all.totalCount);
    for (const course of open.nodes) {
      expect(course.enrollable).toBe(true);
      expect(course.remaining).toBe(course.capacity - course.enrolledCount);
      expect(course.remaining).toBeGreaterThan(0);
      expect(new Date(course.startsAt).getTime()).toBeGreaterThan(NOW.getTime());
    }
  });

  it("filters courses by street, category, weekday, start, provider and title", async () => {
    const body = await query(`{
      taichi: courses(filter: { titleContains: "太极", streetId: "street-linfenlu" }) {
        nodes { title street { id } }
      }
      saturdayLanguages: courses(filter: { category: LANGUAGES, weekday: SATURDAY }, first: 100) {
        totalCount nodes { category weekday startTime }
      }
      lateDecember: courses(filter: { startsAfter: "${seedDateTime(20, "00:00")}" }, first: 100) {
        totalCount nodes { startsAt }
      }
      seniorUniversity: courses(filter: { providerId: "learning-centre-15" }) {
        totalCount nodes { provider { __typename ... on LifelongLearningCentre { name kind } } }
      }
      shixi: courses(filter: { providerId: "school-0001" }) {
        nodes { weekday startTime provider { __typename ... on School { name } } street { id } }
      }
    }`);
    expect(body.errors).toBeUndefined();
    const d = body.data;
    expect(d.taichi.nodes.length).toBeGreaterThan(0);
    expect(d.taichi.nodes.every((c: any) => c.title.includes("太极") && c.street.id === "street-linfenlu")).toBe(true);
    expect(d.saturdayLanguages.totalCount).toBeGreaterThan(0);
    expect(d.saturdayLanguages.nodes.every((c: any) => c.category === "LANGUAGES" && c.weekday === "SATURDAY")).toBe(
      true,
    );
    expect(d.lateDecember.totalCount).toBeGreaterThan(0);
    expect(d.lateDecember.nodes.every((c: any) => c.startsAt >= seedInstant(20, "00:00").toISOString())).toBe(true);
    expect(d.seniorUniversity.totalCount).toBe(80);
    expect(d.seniorUniversity.nodes[0].provider).toEqual({
      __typename: "LifelongLearningCentre",
      name: "上海市静安区老年大学",
      kind: "SENIOR_UNIVERSITY",
    });
    // Schools open their rooms to residents only after school hours and at weekends.
    expect(d.shixi.nodes).toHaveLength(4);
    for (const course of d.shixi.nodes) {
      expect(course.provider).toEqual({ __typename: "School", name: "上海市市西中学" });
      expect(course.street.id).toBe("street-jingansi");
      expect(course.weekday === "SATURDAY" || course.startTime >= "18:00").toBe(true);
    }
  });

  it("walks every page of courses with cursors", async () => {
    const { seen, pages } = await walk("courses", 100);
    expect(seen).toHaveLength(564);
    expect(pages).toBe(6);
  });

  it("rejects a DateTime without an offset", async () => {
    const body = await query(`query C($at: DateTime) { courses(filter: { startsAfter: $at }) { totalCount } }`, {
      at: seedLocal(0, "08:00"),
    });
    expect(errorCode(body)).toBe("BAD_USER_INPUT");
    expect(body.errors?.[0].message).toMatch(/offset/);
  });
});

describe("learning resources (优质教育资源库)", () => {
  it("filters by subject, grade band, format, provider and title", async () => {
    const body = await query(`{
      all: learningResources { totalCount }
      maths: learningResources(filter: { subject: "数学", gradeBand: JUNIOR_SECONDARY }, first: 100) {
        totalCount nodes { subject gradeBand title }
      }
      micro: learningResources(filter: { format: MICRO_LECTURE }, first: 100) {
        nodes { format durationMinutes urlPath }
      }
      adult: learningResources(filter: { gradeBand: ADULT }, first: 100) {
        totalCount nodes { provider { __typename } }
      }
      shixi: learningResources(filter: { providerId: "school-0001" }) {
        nodes { gradeBand provider { ... on School { id } } }
      }
      phone: learningResources(filter: { titleContains: "智能手机" }) { nodes { subject } }
    }`);
    expect(body.errors).toBeUndefined();
    const d = body.data;
    expect(d.all.totalCount).toBeGreaterThan(1000);
    expect(d.maths.totalCount).toBeGreaterThan(0);
    expect(d.maths.nodes.every((r: any) => r.subject === "数学" && r.gradeBand === "JUNIOR_SECONDARY")).toBe(true);
    for (const r of d.micro.nodes) {
      expect(r.durationMinutes).toBeGreaterThanOrEqual(5);
      expect(r.durationMinutes).toBeLessThanOrEqual(12);
      expect(r.urlPath).toMatch(/^\/resources\/micro\/resource-[\w-]+\.mp4$/);
    }
    expect(d.adult.totalCount).toBeGreaterThan(100);
    expect(d.adult.nodes.every((r: any) => r.provider.__typename === "LifelongLearningCentre")).toBe(true);
    expect(d.shixi.nodes.length).toBeGreaterThan(0);
    expect(d.shixi.nodes.every((r: any) => r.gradeBand === "SENIOR_SECONDARY" && r.provider.id === "school-0001")).toBe(
      true,
    );
    expect(d.phone.nodes.length).toBeGreaterThan(0);
    expect(d.phone.nodes.every((r: any) => r.subject === "智能手机应用")).toBe(true);
  });

  it("walks every page of the library with cursors", async () => {
    const { seen, pages } = await walk("learningResources", 100);
    expect(seen.length).toBeGreaterThan(1000);
    expect(pages).toBe(Math.ceil(seen.length / 100));
  });
});

describe("student digital portraits (学生数字画像, minors' data)", () => {
  it("marks the type and every field as minors' data of the most sensitive class in the schema", async () => {
    const body = await query(`{
      __type(name: "StudentPortrait") { description fields { name description } }
      resident: __type(name: "Resident") { fields { name } }
    }`);
    const type = body.data.__type;
    expect(type.description).toMatch(/minors' data — most sensitive class \(PIPL art\. 28\)/i);
    for (const field of type.fields) {
      expect(field.description, field.name).toMatch(/minors' data — most sensitive class \(PIPL art\. 28\)/i);
    }
    // Nothing leads from a resident to a portrait.
    expect(body.data.resident.fields.map((f: any) => f.name).sort()).toEqual(["courseEnrolments", "id"]);
  });

  it("exists only for the pilot schools, pseudonymous, with plausible values", async () => {
    const body = await query(`{
      schools(first: 200) {
        nodes { id stage isSmartSchoolPilot isStudentPortraitPilot studentPortraits(first: 100) { totalCount nodes {
          id pseudonym gradeLevel learningStyleTags strengths attendanceRate readingHoursPerWeek school { id }
        } } }
      }
    }`);
    expect(body.errors).toBeUndefined();
    const schools = body.data.schools.nodes;
    const pilots = schools.filter((s: any) => s.isStudentPortraitPilot);
    expect(pilots).toHaveLength(11);
    for (const school of schools) {
      if (!school.isStudentPortraitPilot) {
        expect(school.studentPortraits.totalCount).toBe(0);
        continue;
      }
      expect(school.isSmartSchoolPilot).toBe(true);
      expect(school.studentPortraits.totalCount).toBeGreaterThan(100);
      const grades = new Set(school.studentPortraits.nodes.map((p: any) => p.gradeLevel));
      expect(grades.size).toBeLessThanOrEqual(2);
      for (const portrait of school.studentPortraits.nodes) {
        expect(portrait.school.id).toBe(school.id);
        expect(portrait.pseudonym).toMatch(/^stu-[0-9a-f]{12}$/);
        expect(portrait.attendanceRate).toBeGreaterThanOrEqual(0.86);
        expect(portrait.attendanceRate).toBeLessThanOrEqual(1);
        expect(portrait.learningStyleTags.length).toBeGreaterThan(0);
        expect(portrait.strengths.length).toBeGreaterThan(0);
      }
    }
    const total = pilots.reduce((sum: number, s: any) => sum + s.studentPortraits.totalCount, 0);
    expect(total).toBeGreaterThan(3000);
  });

  it("pages through one school's portraits with cursors and finds each by id", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let total = 0;
    for (;;) {
      const body = await query(
        `query P($after: String) {
          school(id: "school-0001") { studentPortraits(first: 100, after: $after) {
            totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor }
          } }
        }`,
        { after },
      );
      const page = body.data.school.studentPortraits;
      total = page.totalCount;
      seen.push(...page.edges.map((e: any) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    expect(seen).toEqual([...seen].sort());
    expect(seen.every((id) => id.startsWith("portrait-0001-"))).toBe(true);

    const one = await query(
      `query One($id: ID!) { studentPortrait(id: $id) { id school { name } } none: studentPortrait(id: "portrait-x") { id } }`,
      {
        id: seen[42],
      },
    );
    expect(one.data).toEqual({ studentPortrait: { id: seen[42], school: { name: "上海市市西中学" } }, none: null });
    const tooMany = await query(`{ school(id: "school-0001") { studentPortraits(first: 101) { totalCount } } }`);
    expect(errorCode(tooMany)).toBe("PAGE_SIZE_OUT_OF_RANGE");
  });
});

describe("batched data access", () => {
  const DIRECTORY = /* GraphQL */ `
    query Directory($first: Int, $later: String) {
      schools(first: $first) {
        nodes {
          id street { id } department { id }
          courses { id provider { ... on School { id } } }
          learningResources { id provider { ... on School { name } } }
          studentPortraits(first: 3) { totalCount nodes { id school { name } } }
          later: studentPortraits(first: 2, after: $later) { nodes { id } }
        }
      }
    }
  `;

  it("lists 130 schools with courses, resources and two pages of portraits for the same SQL as 10", async () => {
    // A cursor after the tenth portrait of the first school, as that list issues them.
    const later = Buffer.from("studentPortraits:portrait-0001-0010").toString("base64url");
    const small = await sqlCost(DIRECTORY, { first: 10, later });
    const large = await sqlCost(DIRECTORY, { first: 200, later });
    const schools = large.body.data.schools.nodes;
    expect(schools).toHaveLength(130);
    expect(schools[0].later.nodes.map((p: any) => p.id)).toEqual(["portrait-0001-0011", "portrait-0001-0012"]);
    expect(schools.flatMap((s: any) => s.learningResources).length).toBeGreaterThan(1000);
    // schools (which also answer every hop back to a school); their courses; their resources; the ids of both
    // portrait pages of every school; those portraits' rows; portrait counts
    expect(small.statements).toBe(6);
    expect(large.statements).toBe(small.statements);
  });

  it("pages courses with their providers and streets, and centres with theirs, in fixed SQL", async () => {
    const COURSES = `query C($first: Int) {
      courses(first: $first) {
        nodes { id street { id } provider { ... on School { name } ... on LifelongLearningCentre { name kind } } }
      }
      learningCentres(first: 20) { nodes { courses { id } learningResources { id provider { __typename } } } }
    }`;
    const few = await sqlCost(COURSES, { first: 10 });
    const many = await sqlCost(COURSES, { first: 100 });
    expect(many.body.data.courses.nodes).toHaveLength(100);
    // Two paths reach the provider loaders; on PostgreSQL their batches sometimes merge (one statement fewer), so the
    // bound is what is asserted: ten times the rows never costs more statements.
    expect(many.statements).toBeLessThanOrEqual(Math.max(few.statements, 5));
    expect(few.statements).toBeLessThanOrEqual(6);
  });

  it("resolves 10 or 500 representations of each entity, with their hops, for the same SQL", async () => {
    // Ids from both ends of each table, so that schools and learning centres both provide courses and resources.
    const bothEnds = async (table: { findMany(args: object): Promise<Array<{ id: string }>> }) => {
      const low = await table.findMany({ select: { id: true }, orderBy: { id: "asc" }, take: 250 });
      const high = await table.findMany({ select: { id: true }, orderBy: { id: "desc" }, take: 250 });
      return [...low, ...high.reverse()].map((row) => row.id);
    };
    const [ids, courseIds, resourceIds, portraitIds] = [
      await bothEnds(prisma.enrolment),
      await bothEnds(prisma.course),
      await bothEnds(prisma.learningResource),
      await bothEnds(prisma.studentPortrait),
    ];
    const cases: Array<[string, string[], string]> = [
      [
        "CourseEnrolment",
        ids,
        "... on CourseEnrolment { id course { title provider { __typename } } resident { id } }",
      ],
      [
        "EducationCourse",
        courseIds,
        "... on EducationCourse { id provider { ... on School { name } ... on LifelongLearningCentre { name } } }",
      ],
      [
        "LearningResource",
        resourceIds,
        "... on LearningResource { id provider { ... on School { name } ... on LifelongLearningCentre { name } } }",
      ],
      ["StudentPortrait", portraitIds, "... on StudentPortrait { id school { name } }"],
      [
        "Resident",
        Array.from({ length: 500 }, (_, i) => residentId(i * 100 + 1)),
        "... on Resident { id courseEnrolments { id course { title street { id } } } }",
      ],
    ];
    for (const [typename, all, selection] of cases) {
      expect(all, typename).toHaveLength(500);
      const document = `query E($representations: [_Any!]!) { _entities(representations: $representations) { ${selection} } }`;
      const represent = (list: string[]) => ({ representations: list.map((id) => ({ __typename: typename, id })) });
      const small = await sqlCost(document, represent([...all.slice(0, 5), ...all.slice(-5)]));
      const large = await sqlCost(document, represent(all));
      expect(large.body.data._entities, typename).toHaveLength(500);
      expect(
        large.body.data._entities.every((e: any) => e !== null),
        typename,
      ).toBe(true);
      expect(large.statements, typename).toBe(small.statements);
      expect(large.statements, typename).toBeLessThanOrEqual(4);
    }
  });

  it("resolves entity representations in the order asked, with null for an unknown id", async () => {
    // Seeded course and enrolment ids name their intake (course-20261130-002): look two up rather than spell them.
    const course = await prisma.course.findFirstOrThrow({
      where: { enrolledCount: { gt: 0 } },
      orderBy: { id: "asc" },
    });
    // An enrolment in another course, so resolving it needs its own batch of courses.
    const enrolment = await prisma.enrolment.findFirstOrThrow({
      where: { courseId: { not: course.id } },
      orderBy: { id: "asc" },
    });
    const { body, statements } = await sqlCost(
      `query E($representations: [_Any!]!) { _entities(representations: $representations) {
        ... on School { id name }
        ... on LifelongLearningCentre { id name }
        ... on EducationCourse { id }
        ... on CourseEnrolment { id }
        ... on LearningResource { id }
        ... on StudentPortrait { id }
      } }`,
      {
        representations: [
          { __typename: "School", id: "school-0013" },
          { __typename: "School", id: "school-9999" },
          { __typename: "School", id: "school-0001" },
          { __typename: "LifelongLearningCentre", id: "learning-centre-15" },
          { __typename: "LifelongLearningCentre", id: "learning-centre-99" },
          { __typename: "EducationCourse", id: course.id },
          { __typename: "EducationCourse", id: "course-9999" },
          { __typename: "CourseEnrolment", id: enrolment.id },
          { __typename: "CourseEnrolment", id: "enrolment-nope" },
          { __typename: "LearningResource", id: "resource-0001-01" },
          { __typename: "LearningResource", id: "resource-nope" },
          { __typename: "StudentPortrait", id: "portrait-0001-0001" },
          { __typename: "StudentPortrait", id: "portrait-nope" },
        ],
      },
    );
    expect(body.data._entities).toEqual([
      { id: "school-0013", name: "上海市育才初级中学" },
      null,
      { id: "school-0001", name: "上海市市西中学" },
      { id: "learning-centre-15", name: "上海市静安区老年大学" },
      null,
      { id: course.id },
      null,
      { id: enrolment.id },
      null,
      { id: "resource-0001-01" },
      null,
      { id: "portrait-0001-0001" },
      null,
    ]);
    // One per entity type, plus one batch of courses: an officer sees an enrolment only in the course's street.
    expect(statements).toBe(7);
  });

  it("resolves 50 Street representations with their schools and courses in two SQL statements", async () => {
    const known = [...JINGAN_DIVISION_IDS];
    const ids = [...known, ...Array.from({ length: 36 }, (_, i) => `street-elsewhere-${i}`)];
    const { body, statements } = await sqlCost(
      `query Streets($representations: [_Any!]!) {
        _entities(representations: $representations) {
          ... on Street {
            id schools { id stage } primary: schools(stage: PRIMARY) { name }
            courses { id startsAt } open: courses(availableOnly: true) { id enrollable }
          }
        }
      }`,
      { representations: ids.map((id) => ({ __typename: "Street", id })) },
    );
    expect(statements).toBe(2);
    const streets = body.data._entities;
    expect(streets.map((s: any) => s.id)).toEqual(ids);
    expect(streets.reduce((sum: number, s: any) => sum + s.schools.length, 0)).toBe(130);
    expect(streets.reduce((sum: number, s: any) => sum + s.courses.length, 0)).toBe(564);
    for (const street of streets.slice(0, 14)) {
      expect(street.schools.length).toBeGreaterThan(0);
      expect(street.courses.length).toBeGreaterThanOrEqual(24);
      expect(street.primary.length).toBeGreaterThan(0);
      expect(street.open.every((c: any) => c.enrollable)).toBe(true);
      const starts = street.courses.map((c: any) => c.startsAt);
      expect(starts).toEqual([...starts].sort());
    }
    for (const elsewhere of streets.slice(14)) expect(elsewhere).toMatchObject({ schools: [], courses: [] });
  });

  it("lists every school under 区教育局 and none under another department, in one SQL statement", async () => {
    const departments = ["dept-education", "dept-health", ...Array.from({ length: 48 }, (_, i) => `dept-x-${i}`)];
    const { body, statements } = await sqlCost(
      `query D($representations: [_Any!]!) { _entities(representations: $representations) { ... on Department { id schools { id } } } }`,
      { representations: departments.map((id) => ({ __typename: "Department", id })) },
    );
    expect(statements).toBe(1);
    expect(body.data._entities[0].schools).toHaveLength(130);
    expect(body.data._entities.slice(1).every((d: any) => d.schools.length === 0)).toBe(true);
  });

  it("resolves 50 Resident representations with their enrolments in two SQL statements", async () => {
    const residents = Array.from({ length: 50 }, (_, i) => residentId(i * 1000 + 7));
    const { body, statements } = await sqlCost(
      `query R($representations: [_Any!]!) { _entities(representations: $representations) {
        ... on Resident { id courseEnrolments { id status enrolledAt } enrolled: courseEnrolments(status: ENROLLED) { id } }
      } }`,
      { representations: residents.map((id) => ({ __typename: "Resident", id })) },
    );
    // The enrolments, then one batch of their courses for the officer's row rule (the course's street).
    expect(statements).toBe(2);
    const entities = body.data._entities;
    expect(entities.map((r: any) => r.id)).toEqual(residents);
    expect(entities.some((r: any) => r.courseEnrolments.length > 0)).toBe(true);
    for (const resident of entities) {
      const times = resident.courseEnrolments.map((e: any) => e.enrolledAt);
      expect(times).toEqual([...times].sort().reverse());
      expect(resident.enrolled.length).toBe(
        resident.courseEnrolments.filter((e: any) => e.status === "ENROLLED").length,
      );
    }
  });
});

describe("enrolling and withdrawing", () => {
  async function openCourse(streetId: string) {
    const body = await query(
      `query Open($streetId: ID!) {
        courses(filter: { streetId: $streetId, availableOnly: true }, first: 1) { nodes { id capacity enrolledCount } }
      }`,
      { streetId },
    );
    return body.data.courses.nodes[0] as { id: string; capacity: number; enrolledCount: number };
  }

  async function snapshot(courseId: string) {
    const course = await prisma.course.findUniqueOrThrow({ where: { id: courseId } });
    return { rows: await countRows(prisma), enrolledCount: course.enrolledCount };
  }

  it("enrols a resident: the course's enrolled count goes up by one and the resident sees the enrolment", async () => {
    const course = await openCourse("street-caojiadu");
    const body = await enrol(course.id, "resident-000101");
    expect(body.errors).toBeUndefined();
    const enrolment = body.data.enrolInCourse;
    expect(enrolment).toMatchObject({
      status: "ENROLLED",
      enrolledAt: NOW.toISOString(),
      resident: { id: "resident-000101" },
      course: {
        id: course.id,
        enrolledCount: course.enrolledCount + 1,
        remaining: course.capacity - course.enrolledCount - 1,
      },
    });
    const mine = await query(
      `{ _entities(representations: [{ __typename: "Resident", id: "resident-000101" }]) {
        ... on Resident { courseEnrolments { id status course { id } } }
      } }`,
    );
    expect(mine.data._entities[0].courseEnrolments[0]).toEqual({
      id: enrolment.id,
      status: "ENROLLED",
      course: { id: course.id },
    });
  });

  it("refuses a full course with CAPACITY_REACHED and writes nothing", async () => {
    const full = await prisma.course.findFirstOrThrow({
      where: { enrolledCount: { equals: prisma.course.fields.capacity }, startsAt: { gt: NOW } },
    });
    const before = await snapshot(full.id);
    const body = await enrol(full.id, "resident-000102");
    expect(errorCode(body)).toBe("CAPACITY_REACHED");
    expect(body.errors?.[0].message).toMatch(/choose another course/);
    expect(await snapshot(full.id)).toEqual(before);
  });

  it("refuses a course that has started with DATE_IN_PAST and writes nothing", async () => {
    const started = await prisma.course.findFirstOrThrow({
      where: { startsAt: { lt: NOW }, enrolledCount: { lt: prisma.course.fields.capacity } },
    });
    const before = await snapshot(started.id);
    const body = await enrol(started.id, "resident-000103");
    expect(errorCode(body)).toBe("DATE_IN_PAST");
    expect(body.errors?.[0].message).toMatch(/choose a course that starts later/);
    expect(await snapshot(started.id)).toEqual(before);
  });

  it("refuses a second enrolment of the same resident with INVALID_STATE_TRANSITION and writes nothing", async () => {
    const course = await openCourse("street-jiangninglu");
    expect((await enrol(course.id, "resident-000104")).errors).toBeUndefined();
    const before = await snapshot(course.id);
    const again = await enrol(course.id, "resident-000104");
    expect(errorCode(again)).toBe("INVALID_STATE_TRANSITION");
    expect(again.errors?.[0].message).toMatch(/already ENROLLED/);
    expect(await snapshot(course.id)).toEqual(before);
  });

  it("refuses an unknown course with NOT_FOUND_ENTITY and a malformed resident id with BAD_USER_INPUT", async () => {
    const course = await openCourse("street-shimenerlu");
    const before = await snapshot(course.id);
    expect(errorCode(await enrol("course-9999", "resident-000105"))).toBe("NOT_FOUND_ENTITY");
    for (const bad of ["   ", "resident-5", "someone-000105"]) {
      const body = await enrol(course.id, bad);
      expect(errorCode(body)).toBe("BAD_USER_INPUT");
      expect(body.errors?.[0].message).toMatch(/resident-000123/);
    }
    expect(await snapshot(course.id)).toEqual(before);
  });

  it("withdraws once, frees the place, and answers a second withdrawal with INVALID_STATE_TRANSITION", async () => {
    const course = await openCourse("street-nanjingxilu");
    const enrolled = (await enrol(course.id, "resident-000106")).data.enrolInCourse;

    const withdrawn = await withdraw(enrolled.id);
    expect(withdrawn.errors).toBeUndefined();
    expect(withdrawn.data.withdrawFromCourse).toMatchObject({
      status: "WITHDRAWN",
      withdrawnAt: NOW.toISOString(),
      course: { enrolledCount: course.enrolledCount },
    });

    const before = await snapshot(course.id);
    const twice = await withdraw(enrolled.id);
    expect(errorCode(twice)).toBe("INVALID_STATE_TRANSITION");
    expect(twice.errors?.[0].message).toMatch(/already WITHDRAWN/);
    expect(await snapshot(course.id)).toEqual(before);

    // The withdrawn enrolment does not stop the resident from enrolling in the same course again.
    expect((await enrol(course.id, "resident-000106")).errors).toBeUndefined();
    expect(errorCode(await withdraw("enrolment-nope"))).toBe("NOT_FOUND_ENTITY");
  });

  it("refuses to withdraw from a course that has ended", async () => {
    await insertCourse("course-test-ended", {
      startsAt: seedInstant(-89, "09:00"),
      endsAt: seedInstant(-5, "10:30"),
      capacity: 10,
      enrolledCount: 1,
    });
    await prisma.enrolment.create({
      data: {
        id: "enrolment-test-ended",
        courseId: "course-test-ended",
        residentId: "resident-000107",
        status: "ENROLLED",
        enrolledAt: seedInstant(-103, "10:00"),
      },
    });
    const before = await snapshot("course-test-ended");
    const body = await withdraw("enrolment-test-ended");
    expect(errorCode(body)).toBe("INVALID_STATE_TRANSITION");
    expect(body.errors?.[0].message).toMatch(/ended/);
    expect(await snapshot("course-test-ended")).toEqual(before);
  });

  it("lets exactly as many of 10 simultaneous enrolments succeed as there are places left", async () => {
    // Capacity 5 with 2 already enrolled: 3 places left.
    await insertCourse("course-test-race", {
      startsAt: seedInstant(2, "09:00"),
      capacity: 5,
      enrolledCount: 2,
    });
    await prisma.enrolment.createMany({
      data: [1, 2].map((n) => ({
        id: `enrolment-test-race-${n}`,
        courseId: "course-test-race",
        residentId: residentId(20_000 + n),
        status: "ENROLLED" as const,
        enrolledAt: seedInstant(-11, "10:00"),
      })),
    });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => enrol("course-test-race", residentId(30_000 + i))),
    );
    const codes = results.map((body) => (body.errors ? errorCode(body) : "OK"));
    expect(codes.filter((code) => code === "OK")).toHaveLength(3);
    expect(codes.filter((code) => code === "CAPACITY_REACHED")).toHaveLength(7);
    const course = await prisma.course.findUniqueOrThrow({ where: { id: "course-test-race" } });
    expect(course.enrolledCount).toBe(course.capacity);
    expect(await prisma.enrolment.count({ where: { courseId: "course-test-race", status: "ENROLLED" } })).toBe(5);
  });

  it("lets only one of 5 simultaneous enrolments of the same resident in a course succeed", async () => {
    await insertCourse("course-test-twin", { startsAt: seedInstant(3, "09:00"), capacity: 5 });
    const results = await Promise.all(Array.from({ length: 5 }, () => enrol("course-test-twin", "resident-040001")));
    const codes = results.map((body) => (body.errors ? errorCode(body) : "OK"));
    expect(codes.filter((code) => code === "OK")).toHaveLength(1);
    expect(codes.filter((code) => code === "INVALID_STATE_TRANSITION")).toHaveLength(4);
    const course = await prisma.course.findUniqueOrThrow({ where: { id: "course-test-twin" } });
    expect(course.enrolledCount).toBe(1);
  });

  it("frees the place once when the same enrolment is withdrawn three times at once", async () => {
    await insertCourse("course-test-withdraw-race", { startsAt: seedInstant(4, "09:00"), capacity: 2 });
    const enrolled = (await enrol("course-test-withdraw-race", "resident-040002")).data.enrolInCourse;
    const results = await Promise.all([1, 2, 3].map(() => withdraw(enrolled.id)));
    const codes = results.map((body) => (body.errors ? errorCode(body) : "OK"));
    expect(codes.sort()).toEqual(["INVALID_STATE_TRANSITION", "INVALID_STATE_TRANSITION", "OK"]);
    const course = await prisma.course.findUniqueOrThrow({ where: { id: "course-test-withdraw-race" } });
    expect(course.enrolledCount).toBe(0);
  });
});

describe("seed", () => {
  it("keeps enrolled counts equal to the enrolled rows of every course", async () => {
    const counts = await prisma.enrolment.groupBy({
      by: ["courseId"],
      where: { status: "ENROLLED" },
      _count: { _all: true },
    });
    const byCourse = new Map(counts.map((row) => [row.courseId, row._count._all]));
    const courses = await prisma.course.findMany({ select: { id: true, enrolledCount: true } });
    for (const course of courses) expect(byCourse.get(course.id) ?? 0, course.id).toBe(course.enrolledCount);
  });

  it("adds nothing when run again and keeps the enrolments made since", async () => {
    const open = await prisma.course.findFirstOrThrow({
      where: {
        streetId: "street-pengpu",
        startsAt: { gt: NOW },
        enrolledCount: { lt: prisma.course.fields.capacity },
      },
      orderBy: { id: "asc" },
    });
    expect((await enrol(open.id, "resident-050001")).errors).toBeUndefined();
    const before = await countRows(prisma);

    const summary = await education.seed(prisma, service.db, { date: TEST_SEED_DATE, previousDates: [] });

    expect(summary).toEqual(before);
    expect(summary).toMatchObject({ schools: 130, learningCentres: 18, courses: expect.any(Number) });
    expect(summary.enrolments).toBeGreaterThan(10_000);
    expect(summary.studentPortraits).toBeGreaterThan(3000);
    const after = await prisma.course.findUniqueOrThrow({ where: { id: open.id } });
    expect(after.enrolledCount).toBe(open.enrolledCount + 1);
  });
});

describe("who may enrol and withdraw", () => {
  const enrol = `mutation ($courseId: ID!, $residentId: ID) {
    enrolInCourse(input: { courseId: $courseId, residentId: $residentId }) { id resident { id } }
  }`;
  const withdraw = `mutation ($id: ID!) { withdrawFromCourse(input: { enrolmentId: $id }) { id status } }`;
  async function openCourse() {
    const { data } = await query(`{ courses(filter: { availableOnly: true }, first: 1) { nodes { id } } }`);
    return data.courses.nodes[0].id as string;
  }

  it("enrols the resident in the verified identity and refuses enrolling someone else", async () => {
    const courseId = await openCourse();
    const own = await query(enrol, { courseId }, residentPrincipal("resident-031001"));
    expect(own.data.enrolInCourse.resident.id).toBe("resident-031001");
    const other = await query(enrol, { courseId, residentId: "resident-031002" }, residentPrincipal("resident-031003"));
    expect(other.errors?.[0].extensions.code).toBe("FORBIDDEN");
  });

  it("answers another resident's enrolment as not found", async () => {
    const courseId = await openCourse();
    const { data } = await query(enrol, { courseId }, residentPrincipal("resident-031010"));
    const stranger = await query(withdraw, { id: data.enrolInCourse.id }, residentPrincipal("resident-031011"));
    expect(stranger.errors?.[0].extensions.code).toBe("NOT_FOUND_ENTITY");
    const owner = await query(withdraw, { id: data.enrolInCourse.id }, residentPrincipal("resident-031010"));
    expect(owner.data.withdrawFromCourse.status).toBe("WITHDRAWN");
  });

  it("refuses officers of other departments", async () => {
    const courseId = await openCourse();
    const { errors } = await query(enrol, { courseId, residentId: "resident-031020" }, officerOf("dept-health"));
    expect(errors?.[0].extensions.code).toBe("FORBIDDEN");
  });
});
