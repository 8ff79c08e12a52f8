/** What the culture subgraph's test files share: one seeded subgraph per file, query helpers, and fixtures that only the tests use. */
import { afterAll, beforeAll, expect } from "vitest";
import { ANONYMOUS, type Principal } from "../../lib/principal.ts";
import { JINGAN_DIVISION_IDS } from "../../lib/reference/jinganDivisions.ts";
import { ALL_STREETS } from "../../test/rows/principals.ts";
import { seedInstant, TEST_SEED_DATE } from "../../test/support/seedDate.ts";
import { graphql, startTestSubgraph } from "../../test/support/subgraphs.ts";
import type { SubgraphService } from "../kit/service.ts";
import { createCultureSubgraph } from "./index.ts";
import type { CulturePrisma } from "./loaders.ts";

/**
 * The morning of the first seeded future day: every seeded programme before TEST_SEED_DATE has taken place, every one
 * from that day on is still ahead, whatever today's date is.
 */
export const NOW = seedInstant(0, "08:00");
export const culture = createCultureSubgraph({ now: () => NOW });

export let service: SubgraphService<CulturePrisma>;
export let prisma: CulturePrisma;

export function resident(residentId: string): Principal {
  return { ...ANONYMOUS, kind: "resident", id: `person-${residentId}`, roles: ["resident"], residentId };
}

export const CULTURE_OFFICER: Principal = {
  ...ANONYMOUS,
  kind: "officer",
  id: "person-officer-culture-01",
  roles: ["officer"],
  departmentId: "dept-culture",
  // The whole district: an officer sees registrations only in the streets of their jurisdiction.
  streetIds: ALL_STREETS,
};

export async function query(document: string, variables?: Record<string, unknown>, principal?: Principal) {
  return (await graphql(service.url, document, variables, {}, principal ? { principal } : {})).body;
}

/** Runs an operation and returns how many SQL statements it cost. */
export async function sqlCost(document: string, variables?: Record<string, unknown>) {
  const before = service.sqlQueries();
  // A 区文化旅游局 officer: residents' registrations are readable only by them and the department.
  const body = await query(document, variables, CULTURE_OFFICER);
  expect(body.errors).toBeUndefined();
  return { body, statements: service.sqlQueries() - before };
}

export function errorCode(body: { errors?: any[] }): string | undefined {
  return body.errors?.[0]?.extensions?.code;
}

/** Follows `endCursor` to the end of a list and returns every id met, checking the cursors on the way. */
export async function walk(field: string, args: string, pageSize: number): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let after: string | null = null;
  let pages = 0;
  for (;;) {
    const body = await query(
      `query Page($after: String) {
        ${field}(${args ? `${args}, ` : ""}first: ${pageSize}, after: $after) {
          edges { cursor node { id } } pageInfo { hasNextPage endCursor }
        }
      }`,
      { after },
    );
    expect(body.errors).toBeUndefined();
    const page = body.data[field];
    pages += 1;
    ids.push(...page.edges.map((edge: any) => edge.node.id));
    expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
    if (!page.pageInfo.hasNextPage) return { ids, pages };
    after = page.pageInfo.endCursor;
  }
}

export const STREET_IDS = [...JINGAN_DIVISION_IDS];

export const REGISTER = /* GraphQL */ `
  mutation Register($programmeId: ID!, $residentId: ID) {
    registerForCultureProgramme(input: { programmeId: $programmeId, residentId: $residentId }) {
      id status waitlistPosition registeredAt
      resident { id }
      programme { id registeredCount remaining waitlistedCount availability }
    }
  }
`;

export const CANCEL = /* GraphQL */ `
  mutation Cancel($registrationId: ID!) {
    cancelCultureRegistration(input: { registrationId: $registrationId }) {
      registration { id status cancelledAt waitlistPosition }
      promoted { id status promotedAt waitlistPosition resident { id } }
      programme { registeredCount waitlistedCount remaining }
    }
  }
`;

/** A resident registers themselves. */
export const register = (programmeId: string, residentId: string) =>
  query(REGISTER, { programmeId }, resident(residentId));
export const cancelAs = (registrationId: string, principal: Principal) => query(CANCEL, { registrationId }, principal);

export let testProgrammes = 0;

/** A programme only this test uses, at the main library, starting nine days after the seed date unless told otherwise. */
export async function insertProgramme(fields: { capacity: number; waitlistCapacity: number; startsAt?: Date }) {
  testProgrammes += 1;
  const id = `prog-test-${String(testProgrammes).padStart(3, "0")}`;
  const startsAt = fields.startsAt ?? seedInstant(9, "14:00");
  await prisma.cultureProgramme.create({
    data: {
      id,
      title: "测试配送：石库门讲座",
      category: "LECTURE",
      description: "测试用。",
      provider: "静安区图书馆",
      audience: "全年龄",
      venueId: "cv-0001",
      streetId: "street-jiangninglu",
      startsAt,
      endsAt: new Date(startsAt.getTime() + 90 * 60_000),
      capacity: fields.capacity,
      waitlistCapacity: fields.waitlistCapacity,
    },
  });
  return id;
}

export async function snapshot(programmeId: string) {
  const [programme, registrations] = await Promise.all([
    prisma.cultureProgramme.findUniqueOrThrow({ where: { id: programmeId } }),
    prisma.cultureRegistration.findMany({ where: { programmeId }, orderBy: { id: "asc" } }),
  ]);
  return { programme, registrations, total: await prisma.cultureRegistration.count() };
}

export function codes(results: Array<{ errors?: any[] }>): string[] {
  return results.map((body) => (body.errors ? (errorCode(body) ?? "ERROR") : "OK"));
}

/** Starts this file's subgraph before its tests and stops it after them; call it once at the top of a test file. */
export function useCultureSubgraph(): void {
  beforeAll(async () => {
    service = await startTestSubgraph(culture, { seedDate: TEST_SEED_DATE });
    prisma = service.prisma;
  });
  afterAll(async () => {
    await service?.stop();
  });
}
