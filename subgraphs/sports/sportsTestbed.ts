/** What the sports subgraph's test files share: one seeded subgraph per file on a movable clock, query helpers, and fixtures that only the tests use. */
import { afterAll, beforeAll, expect } from "vitest";
import type { Principal } from "../../lib/principal.ts";
import { officerIn as officerOf } from "../../test/rows/principals.ts";
import { seedInstant, seedLocal, TEST_SEED_DATE } from "../../test/support/seedDate.ts";
import { graphql, startTestSubgraph } from "../../test/support/subgraphs.ts";
import { cycleStart, dateStamp } from "../kit/seedCalendar.ts";
import type { SubgraphService } from "../kit/service.ts";
import { createSportsSubgraph } from "./index.ts";
import { SEASON_DAYS, SEASON_EPOCH } from "./jinganSports.ts";
import type { SportsPrisma } from "./loaders.ts";

/** Seeded events carry the start of their season in their id: the season that holds the seed date. */
export const SEASON = dateStamp(cycleStart(SEASON_EPOCH, SEASON_DAYS, TEST_SEED_DATE));
export const event = (n: number) => `sportsevent-${SEASON}-${String(n).padStart(2, "0")}`;

/**
 * The seed date (a Tuesday), 19:00 in Shanghai: the first day of the seeded schedule, when the half marathon's
 * registration is open. Tests that need another moment move the clock
 * and put it back.
 */
export const NOW = seedInstant(0, "19:00");
export let clock = NOW;
export const sports = createSportsSubgraph({ now: () => clock });

export let service: SubgraphService<SportsPrisma>;
export let prisma: SportsPrisma;

/** The sports bureau's front desk (区体育局): an officer who may book and register for any resident. */
export const frontDesk = officerOf("dept-sports");

export async function query(document: string, variables?: Record<string, unknown>, principal: Principal = frontDesk) {
  return (await graphql(service.url, document, variables, {}, { principal })).body;
}

/** Runs an operation and returns how many SQL statements it cost. */
export async function sqlCost(document: string, variables?: Record<string, unknown>) {
  const before = service.sqlQueries();
  const body = await query(document, variables);
  expect(body.errors).toBeUndefined();
  return { body, statements: service.sqlQueries() - before };
}

export function errorCode(body: { errors?: any[] }): string | undefined {
  return body.errors?.[0]?.extensions?.code;
}

export function outcome(body: { errors?: any[] }): string {
  return body.errors ? (errorCode(body) ?? "UNKNOWN") : "OK";
}

export async function at<T>(instant: Date, work: () => Promise<T>): Promise<T> {
  clock = instant;
  try {
    return await work();
  } finally {
    clock = NOW;
  }
}

export const local = (value: string) => new Date(`${value}:00+08:00`);
export const resident = (n: number) => `resident-${String(n).padStart(6, "0")}`;

/** Walks a root connection with cursors and returns the ids in the order met and the number of pages. */
export async function walk(field: string, pageSize: number, filter = "") {
  const seen: string[] = [];
  let after: string | null = null;
  let pages = 0;
  for (;;) {
    const body = await query(
      `query Page($after: String) {
        list: ${field}(${filter} first: ${pageSize}, after: $after) {
          edges { cursor node { id } } pageInfo { hasNextPage endCursor }
        }
      }`,
      { after },
    );
    expect(body.errors).toBeUndefined();
    const page = body.data.list;
    pages += 1;
    seen.push(...page.edges.map((edge: any) => edge.node.id));
    expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  return { seen, pages };
}

export const BOOK = /* GraphQL */ `
  mutation Book($courtId: ID!, $residentId: ID, $startsAt: DateTime!, $endsAt: DateTime!) {
    bookCourt(input: { courtId: $courtId, residentId: $residentId, startsAt: $startsAt, endsAt: $endsAt }) {
      id status priceFen offPeak startsAt endsAt bookedAt
      court { id } venue { id } resident { id }
    }
  }
`;

export const CANCEL_BOOKING = /* GraphQL */ `
  mutation Cancel($bookingId: ID!, $reason: String) {
    cancelCourtBooking(input: { bookingId: $bookingId, reason: $reason }) { id status cancelledAt cancelReason }
  }
`;

export const REGISTER = /* GraphQL */ `
  mutation Register($eventId: ID!, $residentId: ID, $category: String!) {
    registerForEvent(input: { eventId: $eventId, residentId: $residentId, category: $category }) {
      id status registeredAt resident { id }
      event { id }
      category { code registeredCount remainingPlaces }
    }
  }
`;

export const CANCEL_REGISTRATION = /* GraphQL */ `
  mutation CancelRegistration($registrationId: ID!) {
    cancelSportsEventRegistration(input: { registrationId: $registrationId }) { id status cancelledAt }
  }
`;

export const book = (courtId: string, residentId: string, startsAt: string, endsAt: string) =>
  query(BOOK, { courtId, residentId, startsAt: `${startsAt}:00+08:00`, endsAt: `${endsAt}:00+08:00` });

export const register = (eventId: string, residentId: string, category: string) =>
  query(REGISTER, { eventId, residentId, category });

/** A court that only the tests use, in 静安区体育馆 (open 07:00–22:00, off-peak 09:00–16:00, at most 120 minutes). */
export async function testCourt(id: string, capacity = 1) {
  await prisma.sportsCourt.create({
    data: {
      id,
      venueId: "sportsvenue-0002",
      name: `测试场地 ${id}`,
      sport: capacity === 1 ? "BADMINTON" : "FITNESS",
      indoor: true,
      capacity,
      peakPricePerHourFen: 9000,
      offPeakPricePerHourFen: 5000,
    },
  });
  return id;
}

/** An event that only the tests use, with registration open around NOW and one small category. */
export async function testEvent(id: string, capacity: number) {
  await prisma.sportsEvent.create({
    data: {
      id,
      name: `测试赛事 ${id}`,
      kind: "COMMUNITY_GAMES",
      description: "测试",
      location: "测试场地",
      // Officers see an event's registrations by its street (their jurisdiction).
      streetId: "street-jingansi",
      organiserId: "dept-sports",
      startsAt: local(seedLocal(19, "09:00")),
      endsAt: local(seedLocal(19, "12:00")),
      registrationOpensAt: local(seedLocal(-11, "10:00")),
      registrationClosesAt: local(seedLocal(9, "18:00")),
      categories: { create: [{ id: `${id}-only`, code: "ONLY", name: "唯一组别", capacity, feeFen: 0 }] },
    },
  });
  return id;
}

/** Starts this file's subgraph before its tests and stops it after them; call it once at the top of a test file. */
export function useSportsSubgraph(): void {
  beforeAll(async () => {
    service = await startTestSubgraph(sports, { seedDate: TEST_SEED_DATE });
    prisma = service.prisma;
  });
  afterAll(async () => {
    await service?.stop();
  });
}
