import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "../../lib/principal.ts";
// Department-wide officers: the whole district is their jurisdiction.
import { officerIn as officerOf, residentPrincipal } from "../../test/rows/principals.ts";
import { seedDateTime, seedDay, seedInstant, seedLocal, TEST_SEED_DATE } from "../../test/support/seedDate.ts";
import { graphql, startTestSubgraph } from "../../test/support/subgraphs.ts";
import { cycleStart, dateStamp } from "../kit/seedCalendar.ts";
import type { SubgraphService } from "../kit/service.ts";
import { createSportsSubgraph } from "./index.ts";
import { isBookingGuardViolation } from "./inputs.ts";
import { SEASON_DAYS, SEASON_EPOCH } from "./jinganSports.ts";
import type { SportsPrisma } from "./loaders.ts";
import { schoolGroundQrToken } from "./qrToken.ts";
import { countRows } from "./seed.ts";

/** Seeded events carry the start of their season in their id: the season that holds the seed date. */
const SEASON = dateStamp(cycleStart(SEASON_EPOCH, SEASON_DAYS, TEST_SEED_DATE));
const event = (n: number) => `sportsevent-${SEASON}-${String(n).padStart(2, "0")}`;

/**
 * The seed date (a Tuesday), 19:00 in Shanghai: the first day of the seeded schedule, when most school grounds are
 * open for the evening and the half marathon's registration is open. Tests that need another moment move the clock
 * and put it back.
 */
const NOW = seedInstant(0, "19:00");
let clock = NOW;
const sports = createSportsSubgraph({ now: () => clock });

let service: SubgraphService<SportsPrisma>;
let prisma: SportsPrisma;

beforeAll(async () => {
  service = await startTestSubgraph(sports, { seedDate: TEST_SEED_DATE });
  prisma = service.prisma;
});

afterAll(async () => {
  await service?.stop();
});

/** The sports bureau's front desk (区体育局): an officer who may book, check in and register for any resident. */
const frontDesk = officerOf("dept-sports");

async function query(document: string, variables?: Record<string, unknown>, principal: Principal = frontDesk) {
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

function outcome(body: { errors?: any[] }): string {
  return body.errors ? (errorCode(body) ?? "UNKNOWN") : "OK";
}

async function at<T>(instant: Date, work: () => Promise<T>): Promise<T> {
  clock = instant;
  try {
    return await work();
  } finally {
    clock = NOW;
  }
}

const local = (value: string) => new Date(`${value}:00+08:00`);
const resident = (n: number) => `resident-${String(n).padStart(6, "0")}`;

/** Walks a root connection with cursors and returns the ids in the order met and the number of pages. */
async function walk(field: string, pageSize: number, filter = "") {
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

const BOOK = /* GraphQL */ `
  mutation Book($courtId: ID!, $residentId: ID, $startsAt: DateTime!, $endsAt: DateTime!) {
    bookCourt(input: { courtId: $courtId, residentId: $residentId, startsAt: $startsAt, endsAt: $endsAt }) {
      id status priceFen offPeak startsAt endsAt bookedAt
      court { id } venue { id } resident { id }
    }
  }
`;

const CANCEL_BOOKING = /* GraphQL */ `
  mutation Cancel($bookingId: ID!, $reason: String) {
    cancelCourtBooking(input: { bookingId: $bookingId, reason: $reason }) { id status cancelledAt cancelReason }
  }
`;

const CHECK_IN = /* GraphQL */ `
  mutation CheckIn($groundId: ID!, $residentId: ID, $qrToken: String!) {
    checkInToSchoolGround(input: { groundId: $groundId, residentId: $residentId, qrToken: $qrToken }) {
      id visitDate checkedInAt resident { id }
      ground { id checkInCount remainingQuota }
    }
  }
`;

const REGISTER = /* GraphQL */ `
  mutation Register($eventId: ID!, $residentId: ID, $category: String!) {
    registerForEvent(input: { eventId: $eventId, residentId: $residentId, category: $category }) {
      id status registeredAt resident { id }
      event { id }
      category { code registeredCount remainingPlaces }
    }
  }
`;

const CANCEL_REGISTRATION = /* GraphQL */ `
  mutation CancelRegistration($registrationId: ID!) {
    cancelSportsEventRegistration(input: { registrationId: $registrationId }) { id status cancelledAt }
  }
`;

const book = (courtId: string, residentId: string, startsAt: string, endsAt: string) =>
  query(BOOK, { courtId, residentId, startsAt: `${startsAt}:00+08:00`, endsAt: `${endsAt}:00+08:00` });

const register = (eventId: string, residentId: string, category: string) =>
  query(REGISTER, { eventId, residentId, category });

/** A court that only the tests use, in 静安区体育馆 (open 07:00–22:00, off-peak 09:00–16:00, at most 120 minutes). */
async function testCourt(id: string, capacity = 1) {
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

/** A ground that only the tests use: open Tuesday and Wednesday 18:00–21:00, with a small quota. */
async function testGround(id: string, dailyQuota: number) {
  const ground = await prisma.schoolSportsGround.create({
    data: {
      id,
      schoolId: "school-0030",
      streetId: "street-beizhan",
      kind: "BASKETBALL",
      name: `测试篮球场 ${id}`,
      publicEntrance: "静安区天潼路1号（东门）",
      dailyQuota,
      qrSecret: `secret-of-${id}`,
      openings: {
        create: [2, 3].map((weekday) => ({
          id: `${id}-${weekday}`,
          weekday,
          opensAtMinute: 18 * 60,
          closesAtMinute: 21 * 60,
        })),
      },
    },
  });
  return { id, token: (date: string) => schoolGroundQrToken(ground.qrSecret, id, date) };
}

/** An event that only the tests use, with registration open around NOW and one small category. */
async function testEvent(id: string, capacity: number) {
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

describe("fitness points (健身苑点)", () => {
  it("lists about 400 points across the 14 streets with equipment counts, functions and maintenance status", async () => {
    const body = await query(`{
      fitnessPoints(first: 500) {
        totalCount
        nodes {
          id name setting street { id } maintenanceStatus maintenanceNote equipmentCount functions
          equipment { type function status fitnessPoint { id } }
        }
      }
    }`);
    expect(body.errors).toBeUndefined();
    const points = body.data.fitnessPoints.nodes;
    expect(body.data.fitnessPoints.totalCount).toBe(410);
    expect(points).toHaveLength(410);
    expect(new Set(points.map((p: any) => p.street.id)).size).toBe(14);
    expect(points.map((p: any) => p.name)).toContain("静安雕塑公园健身苑点");
    for (const point of points) {
      const inService = point.equipment.filter((e: any) => e.status !== "RETIRED");
      expect(point.equipmentCount).toBe(inService.length);
      expect([...point.functions].sort()).toEqual([...new Set(inService.map((e: any) => e.function))].sort());
      expect(point.equipment.every((e: any) => e.fitnessPoint.id === point.id)).toBe(true);
      // The inspection's verdict agrees with the items it found.
      if (point.maintenanceStatus === "GOOD") expect(point.equipment.every((e: any) => e.status === "GOOD")).toBe(true);
      if (point.maintenanceStatus === "RETIRED") expect(point.equipmentCount).toBe(0);
      if (point.maintenanceStatus === "NEEDS_REPAIR" || point.maintenanceStatus === "UNDER_REPAIR") {
        expect(point.equipment.some((e: any) => e.status === point.maintenanceStatus)).toBe(true);
        expect(point.maintenanceNote).toBeTruthy();
      }
    }
    const equipment = points.reduce((sum: number, p: any) => sum + p.equipment.length, 0);
    expect(equipment).toBeGreaterThan(3000);
  });

  it("filters by street, status, setting, function, overdue inspection and part of the name", async () => {
    const body = await query(`{
      linfen: fitnessPoints(filter: { streetId: "street-linfenlu" }, first: 100) { totalCount nodes { street { id } } }
      repair: fitnessPoints(filter: { status: NEEDS_REPAIR }, first: 100) { totalCount nodes { maintenanceStatus } }
      parks: fitnessPoints(filter: { setting: PARK }, first: 100) { nodes { name setting } }
      pingpong: fitnessPoints(filter: { function: TABLE_TENNIS }, first: 500) { totalCount nodes { functions } }
      overdue: fitnessPoints(filter: { inspectionOverdue: true }, first: 500) {
        totalCount nodes { inspectionOverdue nextInspectionDueAt }
      }
      onTime: fitnessPoints(filter: { inspectionOverdue: false }) { totalCount }
      yonghe: fitnessPoints(filter: { nameContains: "永和", streetId: "street-pengpuxincun" }) { nodes { name } }
      all: fitnessPoints { totalCount }
    }`);
    expect(body.errors).toBeUndefined();
    const d = body.data;
    expect(d.linfen.totalCount).toBe(30);
    expect(d.linfen.nodes.every((p: any) => p.street.id === "street-linfenlu")).toBe(true);
    expect(d.repair.totalCount).toBeGreaterThan(10);
    expect(d.repair.nodes.every((p: any) => p.maintenanceStatus === "NEEDS_REPAIR")).toBe(true);
    expect(d.parks.nodes.map((p: any) => p.name)).toEqual(
      expect.arrayContaining(["静安公园健身苑点", "大宁郁金香公园健身苑点", "闸北公园健身苑点"]),
    );
    expect(d.pingpong.totalCount).toBeGreaterThan(0);
    expect(d.pingpong.nodes.every((p: any) => p.functions.includes("TABLE_TENNIS"))).toBe(true);
    expect(d.overdue.totalCount).toBeGreaterThan(0);
    for (const point of d.overdue.nodes) {
      expect(point.inspectionOverdue).toBe(true);
      expect(new Date(point.nextInspectionDueAt).getTime()).toBeLessThan(NOW.getTime());
    }
    expect(d.overdue.totalCount + d.onTime.totalCount).toBe(d.all.totalCount);
    expect(d.yonghe.nodes.length).toBeGreaterThan(0);
    expect(d.yonghe.nodes.every((p: any) => p.name.includes("永和"))).toBe(true);
  });

  it("narrows a point's equipment by status", async () => {
    const body = await query(`{
      fitnessPoints(filter: { status: UNDER_REPAIR }, first: 1) {
        nodes { equipment { id } broken: equipment(status: UNDER_REPAIR) { status } }
      }
    }`);
    const [point] = body.data.fitnessPoints.nodes;
    expect(point.broken.length).toBeGreaterThan(0);
    expect(point.broken.length).toBeLessThan(point.equipment.length);
    expect(point.broken.every((e: any) => e.status === "UNDER_REPAIR")).toBe(true);
  });

  it("walks every page with cursors and meets each point once, in id order", async () => {
    const { seen, pages } = await walk("fitnessPoints", 50);
    expect(pages).toBe(9);
    expect(seen).toHaveLength(410);
    expect(new Set(seen).size).toBe(410);
    expect(seen).toEqual([...seen].sort());
  });
});

describe("root lists", () => {
  it("walks the school grounds, venues and events with cursors, each row once in id order, filters kept", async () => {
    const grounds = await walk("schoolSportsGrounds", 20);
    expect(grounds.seen).toHaveLength(100);
    expect(grounds.pages).toBe(5);
    const venues = await walk("sportsVenues", 5);
    expect(venues.seen).toHaveLength(18);
    expect(venues.pages).toBe(4);
    const events = await walk("sportsEvents", 6);
    expect(events.seen).toHaveLength(20);
    const games = await walk("sportsEvents", 4, "filter: { kind: COMMUNITY_GAMES },");
    expect(games.seen).toHaveLength(14);
    expect(games.pages).toBe(4);
    for (const { seen } of [grounds, venues, events, games]) {
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual([...seen].sort());
    }
  });

  it("answers a cursor from another list, a garbage cursor or a page size out of range with a coded error", async () => {
    const venues = await query(`{ sportsVenues(first: 1) { pageInfo { endCursor } } }`);
    const foreignCursor = venues.data.sportsVenues.pageInfo.endCursor;
    const cases: Array<[string, string]> = [
      [`fitnessPoints(first: 5, after: "${foreignCursor}")`, "INVALID_CURSOR"],
      [`sportsEvents(first: 5, after: "not-a-cursor")`, "INVALID_CURSOR"],
      [`schoolSportsGrounds(first: 5, after: "${foreignCursor}")`, "INVALID_CURSOR"],
      ["fitnessPoints(first: 0)", "PAGE_SIZE_OUT_OF_RANGE"],
      ["fitnessPoints(first: 501)", "PAGE_SIZE_OUT_OF_RANGE"],
      ["sportsVenues(first: 101)", "PAGE_SIZE_OUT_OF_RANGE"],
      ["schoolSportsGrounds(first: -1)", "PAGE_SIZE_OUT_OF_RANGE"],
      ["sportsEvents(first: 101)", "PAGE_SIZE_OUT_OF_RANGE"],
    ];
    for (const [field, code] of cases) {
      const body = await query(`{ ${field} { nodes { id } } }`);
      expect(errorCode(body), field).toBe(code);
      expect(body.errors?.[0].message).toMatch(/;/);
    }
  });

  it("returns null for unknown ids", async () => {
    const body = await query(`{
      fitnessPoint(id: "fitness-9999") { id }
      schoolSportsGround(id: "schoolground-9999") { id }
      sportsVenue(id: "sportsvenue-9999") { id }
      sportsEvent(id: "sportsevent-9999") { id }
      courtAvailability(courtId: "court-9999-01", date: "${seedDay(1)}") { date }
      known: sportsVenue(id: "sportsvenue-0001") { name address }
    }`);
    expect(body.data).toEqual({
      fitnessPoint: null,
      schoolSportsGround: null,
      sportsVenue: null,
      sportsEvent: null,
      courtAvailability: null,
      known: { name: "上海静安体育中心", address: "静安区汶水路116号" },
    });
  });
});

describe("school sports grounds (学校体育场地开放)", () => {
  it("lists the 60 schools' 100 grounds with public hours, quota and the education subgraph's School", async () => {
    const body = await query(`{
      schoolSportsGrounds(first: 100) {
        totalCount
        nodes {
          id kind dailyQuota publicEntrance school { id } street { id } openNow
          openingHours { weekday opensAt closesAt }
          saturday: checkInCount(date: "${seedDay(-3)}") remainingQuota(date: "${seedDay(-3)}")
          today: checkInCount
        }
      }
    }`);
    expect(body.errors).toBeUndefined();
    const grounds = body.data.schoolSportsGrounds.nodes;
    expect(grounds).toHaveLength(100);
    expect(body.data.schoolSportsGrounds.totalCount).toBe(100);
    const schools = new Set(grounds.map((g: any) => g.school.id));
    expect(schools.size).toBe(60);
    expect([...schools].every((id) => /^school-00(0[1-9]|[1-5]\d|60)$/.test(id as string))).toBe(true);
    expect(grounds.filter((g: any) => g.kind === "TRACK_AND_FIELD")).toHaveLength(60);
    // A ground is in its school's street, as the education subgraph publishes it (上海市市西中学, 愚园路404号).
    const shixi = grounds.find((g: any) => g.school.id === "school-0001");
    expect(shixi.street.id).toBe("street-jingansi");
    expect(shixi.publicEntrance).toMatch(/^静安区愚园路404号（.门）$/);
    expect(grounds.some((g: any) => g.saturday > 0)).toBe(true);
    for (const ground of grounds) {
      expect(ground.saturday + ground.remainingQuota).toBe(ground.dailyQuota);
      expect(ground.today).toBe(0);
      // Tuesday 19:00: open exactly when a Tuesday window contains 19:00.
      const open = ground.openingHours.some(
        (w: any) => w.weekday === "TUESDAY" && w.opensAt <= "19:00" && "19:00" < w.closesAt,
      );
      expect(ground.openNow).toBe(open);
    }
    expect(grounds.filter((g: any) => g.openNow).length).toBeGreaterThan(40);
    expect(grounds.filter((g: any) => !g.openNow).length).toBeGreaterThan(5);
  });

  it("filters by street, school, kind and the weekday a ground opens", async () => {
    const body = await query(`{
      beizhan: schoolSportsGrounds(filter: { streetId: "street-beizhan" }) { nodes { street { id } school { id } } }
      school: schoolSportsGrounds(filter: { schoolId: "school-0001" }) { nodes { school { id } } }
      basketball: schoolSportsGrounds(filter: { kind: BASKETBALL }) { totalCount nodes { kind } }
      wednesday: schoolSportsGrounds(filter: { openOn: WEDNESDAY }, first: 100) {
        totalCount nodes { openingHours { weekday } }
      }
      all: schoolSportsGrounds { totalCount }
    }`);
    const d = body.data;
    expect(d.beizhan.nodes.length).toBeGreaterThan(0);
    expect(d.beizhan.nodes.every((g: any) => g.street.id === "street-beizhan")).toBe(true);
    expect(d.school.nodes.length).toBeGreaterThan(0);
    expect(d.school.nodes.every((g: any) => g.school.id === "school-0001")).toBe(true);
    expect(d.basketball.totalCount).toBe(25);
    expect(d.wednesday.totalCount).toBeLessThan(d.all.totalCount);
    for (const ground of d.wednesday.nodes) {
      expect(ground.openingHours.some((w: any) => w.weekday === "WEDNESDAY")).toBe(true);
    }
  });

  it("rejects a date that is not YYYY-MM-DD with BAD_USER_INPUT", async () => {
    const body = await query(`{ schoolSportsGrounds(first: 1) { nodes { checkInCount(date: "2026-02-30") } } }`);
    expect(errorCode(body)).toBe("BAD_USER_INPUT");
    expect(body.errors?.[0].message).toMatch(/YYYY-MM-DD/);
  });

  it("never serves the QR secret", async () => {
    const body = await query(`{ __type(name: "SchoolSportsGround") { fields { name } } }`);
    const fields = body.data.__type.fields.map((f: any) => f.name);
    expect(fields).not.toContain("qrSecret");
    expect(fields.some((name: string) => /secret/i.test(name))).toBe(false);
  });

  it("checks a resident in with today's entrance code and counts the visit against the quota", async () => {
    const ground = await testGround("schoolground-test-ok", 50);
    const body = await query(CHECK_IN, {
      groundId: ground.id,
      residentId: "resident-010001",
      qrToken: ground.token(seedDay(0)),
    });
    expect(body.errors).toBeUndefined();
    expect(body.data.checkInToSchoolGround).toMatchObject({
      visitDate: seedDay(0),
      checkedInAt: NOW.toISOString(),
      resident: { id: "resident-010001" },
      ground: { id: ground.id, checkInCount: 1, remainingQuota: 49 },
    });
  });

  it("refuses a wrong, stale or other ground's code, a closed ground, an unknown ground and a second visit; writes nothing", async () => {
    const ground = await testGround("schoolground-test-refuse", 50);
    const other = await testGround("schoolground-test-other", 50);
    expect(
      (
        await query(CHECK_IN, {
          groundId: ground.id,
          residentId: "resident-010002",
          qrToken: ground.token(seedDay(0)),
        })
      ).errors,
    ).toBeUndefined();
    const before = await prisma.schoolGroundCheckIn.count();
    const attempt = (groundId: string, residentId: string, qrToken: string) =>
      query(CHECK_IN, { groundId, residentId, qrToken });

    const yesterday = await attempt(ground.id, "resident-010003", ground.token(seedDay(-1)));
    expect(errorCode(yesterday)).toBe("BAD_USER_INPUT");
    expect(yesterday.errors?.[0].message).toMatch(/scan the code at its entrance/);
    expect(errorCode(await attempt(ground.id, "resident-010003", other.token(seedDay(0))))).toBe("BAD_USER_INPUT");
    expect(errorCode(await attempt(ground.id, "resident-010003", "forged"))).toBe("BAD_USER_INPUT");
    expect(errorCode(await attempt("schoolground-9999", "resident-010003", "x"))).toBe("NOT_FOUND_ENTITY");
    expect(errorCode(await attempt(ground.id, "someone", ground.token(seedDay(0))))).toBe("BAD_USER_INPUT");

    const again = await attempt(ground.id, "resident-010002", ground.token(seedDay(0)));
    expect(errorCode(again)).toBe("INVALID_STATE_TRANSITION");
    expect(again.errors?.[0].message).toMatch(/already checked in/);

    // Tuesday 17:00 is before the ground opens; Thursday it is closed all day.
    const early = await at(local(seedLocal(0, "17:00")), () =>
      attempt(ground.id, "resident-010003", ground.token(seedDay(0))),
    );
    expect(errorCode(early)).toBe("BAD_USER_INPUT");
    expect(early.errors?.[0].extensions.reason).toBe("OUTSIDE_OPENING_HOURS");
    expect(early.errors?.[0].message).toMatch(/周二 18:00–21:00/);
    const thursday = await at(local(seedLocal(2, "19:00")), () =>
      attempt(ground.id, "resident-010003", ground.token(seedDay(2))),
    );
    expect(errorCode(thursday)).toBe("BAD_USER_INPUT");

    expect(await prisma.schoolGroundCheckIn.count()).toBe(before);
  });

  it("admits the same resident again the next day, with that day's code", async () => {
    const ground = await testGround("schoolground-test-nextday", 50);
    const first = await query(CHECK_IN, {
      groundId: ground.id,
      residentId: "resident-010004",
      qrToken: ground.token(seedDay(0)),
    });
    expect(first.errors).toBeUndefined();
    const next = await at(local(seedLocal(1, "18:30")), () =>
      query(CHECK_IN, { groundId: ground.id, residentId: "resident-010004", qrToken: ground.token(seedDay(1)) }),
    );
    expect(next.errors).toBeUndefined();
    expect(next.data.checkInToSchoolGround.visitDate).toBe(seedDay(1));
  });

  it("refuses check-ins once the daily quota is used, with CAPACITY_REACHED", async () => {
    const ground = await testGround("schoolground-test-full", 2);
    for (const n of [1, 2]) {
      const body = await query(CHECK_IN, {
        groundId: ground.id,
        residentId: resident(11_000 + n),
        qrToken: ground.token(seedDay(0)),
      });
      expect(body.errors).toBeUndefined();
    }
    const full = await query(CHECK_IN, {
      groundId: ground.id,
      residentId: resident(11_003),
      qrToken: ground.token(seedDay(0)),
    });
    expect(errorCode(full)).toBe("CAPACITY_REACHED");
    expect(full.errors?.[0].message).toMatch(/come back tomorrow/);
    expect(await prisma.schoolGroundCheckIn.count({ where: { groundId: ground.id } })).toBe(2);
  });

  it("lets exactly as many of 10 simultaneous check-ins in as the quota has places", async () => {
    const ground = await testGround("schoolground-test-race", 4);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        query(CHECK_IN, { groundId: ground.id, residentId: resident(12_000 + i), qrToken: ground.token(seedDay(0)) }),
      ),
    );
    const outcomes = results.map(outcome);
    expect(outcomes.filter((o) => o === "OK")).toHaveLength(4);
    expect(outcomes.filter((o) => o === "CAPACITY_REACHED")).toHaveLength(6);
    expect(await prisma.schoolGroundCheckIn.count({ where: { groundId: ground.id } })).toBe(4);
  });

  it("lets only one of 5 simultaneous check-ins of the same resident in", async () => {
    const ground = await testGround("schoolground-test-twin", 10);
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        query(CHECK_IN, { groundId: ground.id, residentId: "resident-013000", qrToken: ground.token(seedDay(0)) }),
      ),
    );
    const outcomes = results.map(outcome);
    expect(outcomes.filter((o) => o === "OK")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "INVALID_STATE_TRANSITION")).toHaveLength(4);
  });
});

describe("venues, courts and availability (错峰订场)", () => {
  it("lists the district's venues with their courts, hours, off-peak hours and operators", async () => {
    const body = await query(`{
      sportsVenues(first: 100) {
        totalCount
        nodes {
          id name kind street { id } department { id }
          openingHours { opensAt closesAt } offPeakHours { opensAt closesAt } maxBookingMinutes
          sports courts { id sport capacity venue { id } } swimming: courts(sport: SWIMMING) { capacity }
        }
      }
    }`);
    expect(body.errors).toBeUndefined();
    const venues = body.data.sportsVenues.nodes;
    expect(venues).toHaveLength(18);
    expect(new Set(venues.map((v: any) => v.street.id)).size).toBe(14);
    const centre = venues.find((v: any) => v.name === "上海静安体育中心");
    expect(centre).toMatchObject({
      kind: "SPORTS_CENTRE",
      department: { id: "dept-sports" },
      openingHours: { opensAt: "09:00", closesAt: "22:00" },
      offPeakHours: { opensAt: "09:00", closesAt: "16:00" },
      swimming: [{ capacity: 60 }],
    });
    expect(centre.sports).toEqual([
      "BADMINTON",
      "TABLE_TENNIS",
      "BASKETBALL",
      "TENNIS",
      "FOOTBALL",
      "VOLLEYBALL",
      "SWIMMING",
    ]);
    const courts = venues.flatMap((v: any) => v.courts.map((c: any) => ({ ...c, owner: v.id })));
    expect(courts.length).toBeGreaterThanOrEqual(102);
    expect(courts.every((c: any) => c.venue.id === c.owner)).toBe(true);
    const stations = venues.filter((v: any) => v.kind === "FITNESS_STATION");
    expect(stations.every((v: any) => v.department.id === `dept-${v.street.id}`)).toBe(true);
  });

  it("filters venues by street, department, kind, sport and part of the name", async () => {
    const body = await query(`{
      daning: sportsVenues(filter: { streetId: "street-daninglu" }) { nodes { name } }
      bureau: sportsVenues(filter: { departmentId: "dept-sports" }) { totalCount }
      courts: sportsVenues(filter: { kind: COMMUNITY_COURT }) { totalCount nodes { kind } }
      pools: sportsVenues(filter: { sport: SWIMMING }) { nodes { name } }
      stations: sportsVenues(filter: { nameContains: "驿站" }) { totalCount }
    }`);
    const d = body.data;
    expect(d.daning.nodes.map((v: any) => v.name)).toEqual([
      "上海静安体育中心",
      "大宁灵石公园市民球场",
      "大宁郁金香公园市民健身驿站",
    ]);
    expect(d.bureau.totalCount).toBe(10);
    expect(d.courts.totalCount).toBe(5);
    expect(d.pools.nodes.map((v: any) => v.name)).toEqual(["上海静安体育中心", "静安区运动健身中心"]);
    expect(d.stations.totalCount).toBe(8);
  });

  it("shows a court's free intervals inside opening hours, clear of live bookings, priced off-peak on weekday daytime", async () => {
    const courtId = "court-0001-01"; // 上海静安体育中心 羽毛球1号场
    const body = await query(
      `query A($courtId: ID!) {
        wednesday: courtAvailability(courtId: $courtId, date: "${seedDay(1)}") {
          date court { id } freeIntervals { startsAt endsAt remainingPlaces offPeak pricePerHourFen }
        }
        saturday: courtAvailability(courtId: $courtId, date: "${seedDay(4)}") { freeIntervals { offPeak pricePerHourFen } }
        today: courtAvailability(courtId: $courtId, date: "${seedDay(0)}") { freeIntervals { startsAt } }
        past: courtAvailability(courtId: $courtId, date: "${seedDay(-1)}") { freeIntervals { startsAt } }
      }`,
      { courtId },
    );
    expect(body.errors).toBeUndefined();
    const { wednesday, saturday, today, past } = body.data;
    expect(wednesday).toMatchObject({ date: seedDay(1), court: { id: courtId } });
    const live = await prisma.courtBooking.findMany({ where: { courtId, status: "BOOKED" } });
    const open = local(seedLocal(1, "09:00")).getTime();
    const close = local(seedLocal(1, "22:00")).getTime();
    expect(wednesday.freeIntervals.length).toBeGreaterThan(0);
    for (const interval of wednesday.freeIntervals) {
      const start = new Date(interval.startsAt).getTime();
      const end = new Date(interval.endsAt).getTime();
      expect(start >= open && end <= close && start < end).toBe(true);
      expect(live.some((b) => b.startsAt.getTime() < end && b.endsAt.getTime() > start)).toBe(false);
      const offPeak = start >= local(seedLocal(1, "09:00")).getTime() && end <= local(seedLocal(1, "16:00")).getTime();
      expect(interval).toMatchObject({ remainingPlaces: 1, offPeak, pricePerHourFen: offPeak ? 4000 : 8000 });
    }
    // Weekends have no off-peak time; today only from the next half hour on; a past day has nothing left.
    expect(saturday.freeIntervals.every((i: any) => !i.offPeak && i.pricePerHourFen === 8000)).toBe(true);
    expect(today.freeIntervals.every((i: any) => new Date(i.startsAt) >= NOW)).toBe(true);
    expect(past.freeIntervals).toEqual([]);
  });

  it("shows the places left in a hall", async () => {
    const hall = await testCourt("court-test-hall-view", 3);
    await prisma.courtBooking.createMany({
      data: [1, 2].map((n) => ({
        id: `courtbooking-test-hall-view-${n}`,
        courtId: hall,
        residentId: resident(14_000 + n),
        startsAt: local(`${seedDay(2)}T1${n}:00`),
        endsAt: local(`${seedDay(2)}T1${n + 1}:00`),
        status: "BOOKED" as const,
        priceFen: 5000,
        offPeak: true,
        bookedAt: NOW,
      })),
    });
    const body = await query(
      `{ courtAvailability(courtId: "${hall}", date: "${seedDay(2)}") { freeIntervals { startsAt endsAt remainingPlaces } } }`,
    );
    const places = body.data.courtAvailability.freeIntervals.map((i: any) => [
      new Date(i.startsAt).toISOString(),
      i.remainingPlaces,
    ]);
    expect(places).toContainEqual([local(seedLocal(2, "11:00")).toISOString(), 2]);
    expect(places).toContainEqual([local(seedLocal(2, "13:00")).toISOString(), 3]);
  });

  it("rejects an availability date that is not YYYY-MM-DD", async () => {
    const body = await query(`{ courtAvailability(courtId: "court-0001-01", date: "12/02/2026") { date } }`);
    expect(errorCode(body)).toBe("BAD_USER_INPUT");
  });
});

describe("booking and cancelling courts", () => {
  it("books a free off-peak time at the off-peak price and takes it out of the court's availability", async () => {
    const court = await testCourt("court-test-book");
    const body = await book(court, "resident-020001", seedLocal(2, "10:00"), seedLocal(2, "11:30"));
    expect(body.errors).toBeUndefined();
    const booking = body.data.bookCourt;
    expect(booking).toMatchObject({
      status: "BOOKED",
      priceFen: 7500, // 1.5 h × 50 元
      offPeak: true,
      bookedAt: NOW.toISOString(),
      court: { id: court },
      venue: { id: "sportsvenue-0002" },
      resident: { id: "resident-020001" },
    });
    const free = await query(
      `{ courtAvailability(courtId: "${court}", date: "${seedDay(2)}") { freeIntervals { startsAt endsAt } } }`,
    );
    const intervals = free.data.courtAvailability.freeIntervals;
    expect(intervals.map((i: any) => i.endsAt)).toContain(local(seedLocal(2, "10:00")).toISOString());
    expect(intervals.map((i: any) => i.startsAt)).toContain(local(seedLocal(2, "11:30")).toISOString());
    expect(
      intervals.some(
        (i: any) =>
          new Date(i.startsAt) < local(seedLocal(2, "11:30")) && new Date(i.endsAt) > local(seedLocal(2, "10:00")),
      ),
    ).toBe(false);
  });

  it("charges off-peak minutes at the off-peak price and the rest at the peak price", async () => {
    const court = await testCourt("court-test-price");
    const straddle = await book(court, "resident-020002", seedLocal(2, "15:00"), seedLocal(2, "17:00"));
    expect(straddle.data.bookCourt).toMatchObject({ priceFen: 5000 + 9000, offPeak: false });
    const weekend = await book(court, "resident-020002", seedLocal(4, "10:00"), seedLocal(4, "11:00"));
    expect(weekend.data.bookCourt).toMatchObject({ priceFen: 9000, offPeak: false });
  });

  it("refuses a time that overlaps a seeded booking with BOOKING_OVERLAP and writes nothing", async () => {
    const taken = await prisma.courtBooking.findFirstOrThrow({
      where: { status: "BOOKED", startsAt: { gt: local(seedLocal(1, "00:00")) }, court: { capacity: 1 } },
      include: { court: true },
      orderBy: { id: "asc" },
    });
    const before = await prisma.courtBooking.count();
    const body = await query(BOOK, {
      courtId: taken.courtId,
      residentId: "resident-020003",
      startsAt: taken.startsAt.toISOString(),
      endsAt: new Date(taken.startsAt.getTime() + 30 * 60_000).toISOString(),
    });
    expect(errorCode(body)).toBe("BOOKING_OVERLAP");
    expect(body.errors?.[0].message).toMatch(/courtAvailability/);
    expect(await prisma.courtBooking.count()).toBe(before);
  });

  it("refuses bad times with DATE_IN_PAST or BAD_USER_INPUT and an unknown court with NOT_FOUND_ENTITY", async () => {
    const court = await testCourt("court-test-refuse");
    const before = await prisma.courtBooking.count();
    const cases: Array<[string, string, string, string, string?]> = [
      [court, seedLocal(0, "18:00"), seedLocal(0, "19:00"), "DATE_IN_PAST"],
      [court, seedLocal(-3, "10:00"), seedLocal(-3, "11:00"), "DATE_IN_PAST"],
      [court, seedLocal(2, "21:30"), seedLocal(2, "22:30"), "BAD_USER_INPUT", "OUTSIDE_OPENING_HOURS"],
      [court, seedLocal(2, "06:00"), seedLocal(2, "07:30"), "BAD_USER_INPUT", "OUTSIDE_OPENING_HOURS"],
      [court, seedLocal(2, "21:00"), seedLocal(3, "08:00"), "BAD_USER_INPUT"],
      [court, seedLocal(2, "10:00"), seedLocal(2, "12:30"), "BAD_USER_INPUT", "BOOKING_TOO_LONG"],
      [court, seedLocal(2, "10:15"), seedLocal(2, "11:15"), "BAD_USER_INPUT"],
      [court, seedLocal(2, "11:00"), seedLocal(2, "10:00"), "BAD_USER_INPUT"],
      ["court-9999-01", seedLocal(2, "10:00"), seedLocal(2, "11:00"), "NOT_FOUND_ENTITY"],
    ];
    for (const [courtId, startsAt, endsAt, code, reason] of cases) {
      const body = await book(courtId, "resident-020004", startsAt, endsAt);
      expect(errorCode(body), `${startsAt}–${endsAt}`).toBe(code);
      if (reason) expect(body.errors?.[0].extensions.reason).toBe(reason);
    }
    expect(errorCode(await book(court, "not-a-resident", seedLocal(2, "10:00"), seedLocal(2, "11:00")))).toBe(
      "BAD_USER_INPUT",
    );
    expect(await prisma.courtBooking.count()).toBe(before);
  });

  it("fills a hall place by place: an overlapping booking of the same resident is refused, a full hour with CAPACITY_REACHED", async () => {
    const hall = await testCourt("court-test-hall", 2);
    expect((await book(hall, "resident-021001", seedLocal(2, "18:00"), seedLocal(2, "19:00"))).errors).toBeUndefined();
    const same = await book(hall, "resident-021001", seedLocal(2, "18:30"), seedLocal(2, "19:30"));
    expect(errorCode(same)).toBe("BOOKING_OVERLAP");
    expect(same.errors?.[0].message).toMatch(/already holds/);
    expect((await book(hall, "resident-021002", seedLocal(2, "18:30"), seedLocal(2, "20:00"))).errors).toBeUndefined();
    // 18:30–19:00 now holds both places; 19:00–20:00 has one left.
    const full = await book(hall, "resident-021003", seedLocal(2, "18:00"), seedLocal(2, "19:30"));
    expect(errorCode(full)).toBe("CAPACITY_REACHED");
    expect((await book(hall, "resident-021003", seedLocal(2, "19:00"), seedLocal(2, "20:00"))).errors).toBeUndefined();
    expect(await prisma.courtBooking.count({ where: { courtId: hall, status: "BOOKED" } })).toBe(3);
  });

  it("cancels once, frees the time for others, and refuses a second cancel, a started booking and an unknown one", async () => {
    const court = await testCourt("court-test-cancel");
    const booked = (await book(court, "resident-022001", seedLocal(3, "19:00"), seedLocal(3, "20:00"))).data.bookCourt;
    const cancelled = await query(CANCEL_BOOKING, { bookingId: booked.id, reason: "临时加班" });
    expect(cancelled.data.cancelCourtBooking).toMatchObject({
      status: "CANCELLED",
      cancelReason: "临时加班",
      cancelledAt: NOW.toISOString(),
    });
    const twice = await query(CANCEL_BOOKING, { bookingId: booked.id });
    expect(errorCode(twice)).toBe("INVALID_STATE_TRANSITION");
    expect(twice.errors?.[0].message).toMatch(/already CANCELLED/);
    expect((await book(court, "resident-022002", seedLocal(3, "19:00"), seedLocal(3, "20:00"))).errors).toBeUndefined();

    const started = await prisma.courtBooking.create({
      data: {
        id: "courtbooking-test-started",
        courtId: court,
        residentId: "resident-022003",
        startsAt: local(seedLocal(0, "18:30")),
        endsAt: local(seedLocal(0, "19:30")),
        status: "BOOKED",
        priceFen: 9000,
        offPeak: false,
        bookedAt: local(seedLocal(-1, "10:00")),
      },
    });
    expect(errorCode(await query(CANCEL_BOOKING, { bookingId: started.id }))).toBe("DATE_IN_PAST");
    expect(errorCode(await query(CANCEL_BOOKING, { bookingId: "courtbooking-nope" }))).toBe("NOT_FOUND_ENTITY");
    const longReason = await query(CANCEL_BOOKING, { bookingId: started.id, reason: "很".repeat(201) });
    expect(errorCode(longReason)).toBe("BAD_USER_INPUT");
    expect((await prisma.courtBooking.findUniqueOrThrow({ where: { id: started.id } })).status).toBe("BOOKED");
  });

  it("lets exactly one of 8 simultaneous bookings of the same court and time succeed", async () => {
    const court = await testCourt("court-test-race");
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        // Different but overlapping times: 19:00–20:00, 19:30–20:30, …
        book(
          court,
          resident(23_000 + i),
          i % 2 ? seedLocal(2, "19:30") : seedLocal(2, "19:00"),
          i % 2 ? seedLocal(2, "20:30") : seedLocal(2, "20:00"),
        ),
      ),
    );
    const outcomes = results.map(outcome);
    expect(outcomes.filter((o) => o === "OK")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "BOOKING_OVERLAP")).toHaveLength(7);
    expect(await prisma.courtBooking.count({ where: { courtId: court, status: "BOOKED" } })).toBe(1);
  });

  it("lets exactly as many of 10 simultaneous hall bookings succeed as the hall has places", async () => {
    const hall = await testCourt("court-test-hall-race", 3);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        book(hall, resident(24_000 + i), seedLocal(2, "18:00"), seedLocal(2, "19:00")),
      ),
    );
    const outcomes = results.map(outcome);
    expect(outcomes.filter((o) => o === "OK")).toHaveLength(3);
    expect(outcomes.filter((o) => o === "CAPACITY_REACHED")).toHaveLength(7);
    expect(await prisma.courtBooking.count({ where: { courtId: hall, status: "BOOKED" } })).toBe(3);
  });

  it("has the database refuse an overlapping or over-capacity booking written around the mutation", async () => {
    const court = await testCourt("court-test-guard");
    const hall = await testCourt("court-test-guard-hall", 2);
    const row = (
      id: string,
      courtId: string,
      residentId: string,
      startsAt: string,
      endsAt: string,
      status = "BOOKED",
    ) =>
      prisma.courtBooking.create({
        data: {
          id,
          courtId,
          residentId,
          startsAt: local(startsAt),
          endsAt: local(endsAt),
          status: status as "BOOKED" | "CANCELLED",
          priceFen: 9000,
          offPeak: false,
          bookedAt: NOW,
        },
      });
    await row("courtbooking-test-guard-1", court, "resident-025001", seedLocal(2, "18:00"), seedLocal(2, "19:00"));
    const overlap = await row(
      "courtbooking-test-guard-2",
      court,
      "resident-025002",
      seedLocal(2, "18:30"),
      seedLocal(2, "19:30"),
    ).catch((error: unknown) => error);
    expect(isBookingGuardViolation(overlap)).toBe(true);
    // A cancelled row may overlap, and a booking that only touches the end is no overlap.
    await row(
      "courtbooking-test-guard-3",
      court,
      "resident-025003",
      seedLocal(2, "18:30"),
      seedLocal(2, "19:30"),
      "CANCELLED",
    );
    await row("courtbooking-test-guard-4", court, "resident-025004", seedLocal(2, "19:00"), seedLocal(2, "20:00"));
    // Re-activating the cancelled row would overlap.
    const revived = await prisma.courtBooking
      .update({ where: { id: "courtbooking-test-guard-3" }, data: { status: "BOOKED" } })
      .catch((error: unknown) => error);
    expect(isBookingGuardViolation(revived)).toBe(true);

    await row("courtbooking-test-guard-h1", hall, "resident-025011", seedLocal(2, "18:00"), seedLocal(2, "19:00"));
    await row("courtbooking-test-guard-h2", hall, "resident-025012", seedLocal(2, "18:30"), seedLocal(2, "19:30"));
    const third = await row(
      "courtbooking-test-guard-h3",
      hall,
      "resident-025013",
      seedLocal(2, "17:30"),
      seedLocal(2, "19:00"),
    ).catch((error: unknown) => error);
    expect(isBookingGuardViolation(third)).toBe(true);
    await row("courtbooking-test-guard-h4", hall, "resident-025014", seedLocal(2, "19:00"), seedLocal(2, "20:00"));
    expect(await prisma.courtBooking.count({ where: { courtId: { in: [court, hall] }, status: "BOOKED" } })).toBe(5);
  });
});

describe("events and registrations (赛事报名)", () => {
  it("lists the season's events with phase, categories and places", async () => {
    const body = await query(`{
      sportsEvents(first: 50) {
        totalCount
        nodes {
          id name kind phase capacity registeredCount remainingPlaces
          street { id } organiser { id } venue { name }
          categories { code name capacity registeredCount remainingPlaces feeFen event { id } }
        }
      }
    }`);
    expect(body.errors).toBeUndefined();
    const events = body.data.sportsEvents.nodes;
    expect(events).toHaveLength(20);
    const marathon = events.find((e: any) => e.name === "2026冬季上海静安女子半程马拉松");
    expect(marathon).toMatchObject({ kind: "MARATHON", phase: "REGISTRATION_OPEN", organiser: { id: "dept-sports" } });
    expect(marathon.categories.map((c: any) => c.code)).toEqual(["FAMILY_RUN", "HALF_MARATHON", "TEN_K"]);
    expect(marathon.categories.find((c: any) => c.code === "FAMILY_RUN")).toMatchObject({
      capacity: 300,
      registeredCount: 300,
      remainingPlaces: 0,
    });
    for (const event of events) {
      const sum = (key: string) => event.categories.reduce((total: number, c: any) => total + c[key], 0);
      expect(event.capacity).toBe(sum("capacity"));
      expect(event.registeredCount).toBe(sum("registeredCount"));
      expect(event.remainingPlaces).toBe(sum("remainingPlaces"));
      expect(event.categories.every((c: any) => c.event.id === event.id)).toBe(true);
    }
    const phases = new Set(events.map((e: any) => e.phase));
    expect(phases).toEqual(new Set(["FINISHED", "REGISTRATION_OPEN", "REGISTRATION_CLOSED", "ANNOUNCED"]));
    const games = events.filter((e: any) => e.kind === "COMMUNITY_GAMES");
    expect(games).toHaveLength(14);
    expect(games.every((e: any) => e.organiser.id === `dept-${e.street.id}`)).toBe(true);
    // Registrations in the database agree with the categories' counts.
    const live = await prisma.sportsEventRegistration.count({ where: { status: "REGISTERED" } });
    expect(events.reduce((total: number, e: any) => total + e.registeredCount, 0)).toBe(live);
  });

  it("filters events by kind, street, phase, start time and part of the name", async () => {
    const body = await query(`{
      open: sportsEvents(filter: { phase: REGISTRATION_OPEN }, first: 50) { totalCount nodes { phase } }
      finished: sportsEvents(filter: { phase: FINISHED }) { nodes { name } }
      announced: sportsEvents(filter: { phase: ANNOUNCED }) { nodes { name registeredCount } }
      daning: sportsEvents(filter: { streetId: "street-daninglu" }) { nodes { street { id } } }
      december: sportsEvents(filter: { from: "${seedDateTime(11, "00:00")}", to: "${seedDateTime(12, "00:00")}" }) {
        nodes { name }
      }
      runs: sportsEvents(filter: { kind: ROAD_RUN }) { nodes { name } }
      marathon: sportsEvents(filter: { nameContains: "马拉松" }) { nodes { id } }
    }`);
    expect(body.errors).toBeUndefined();
    const d = body.data;
    expect(d.open.totalCount).toBe(8);
    expect(d.open.nodes.every((e: any) => e.phase === "REGISTRATION_OPEN")).toBe(true);
    expect(d.finished.nodes.map((e: any) => e.name)).toContain("2026秋季静安区羽毛球公开赛");
    expect(d.announced.nodes.map((e: any) => e.name)).toContain("2027冬季静安雕塑公园晨跑");
    expect(d.announced.nodes.every((e: any) => e.registeredCount === 0)).toBe(true);
    expect(d.daning.nodes.every((e: any) => e.street.id === "street-daninglu")).toBe(true);
    expect(d.december.nodes.map((e: any) => e.name).sort()).toEqual(
      ["2026冬季苏河湾健步走", "2026冬季共和新路街道社区趣味运动会", "2026冬季大宁路街道社区趣味运动会"].sort(),
    );
    expect(d.runs.nodes.map((e: any) => e.name)).toEqual(["2027冬季静安雕塑公园晨跑"]);
    expect(d.marathon.nodes).toEqual([{ id: event(2) }]);
    const reversed = await query(`{
      sportsEvents(filter: { from: "${seedDateTime(12, "00:00")}", to: "${seedDateTime(11, "00:00")}" }) { totalCount }
    }`);
    expect(errorCode(reversed)).toBe("BAD_USER_INPUT");
  });

  it("registers a resident for the half marathon: the category's count goes up and the resident sees it", async () => {
    const body = await register(event(2), "resident-030001", "half_marathon");
    expect(body.errors).toBeUndefined();
    const registration = body.data.registerForEvent;
    expect(registration).toMatchObject({
      status: "REGISTERED",
      registeredAt: NOW.toISOString(),
      resident: { id: "resident-030001" },
      event: { id: event(2) },
      category: { code: "HALF_MARATHON", registeredCount: 2101, remainingPlaces: 899 },
    });
    const mine = await query(
      `{ _entities(representations: [{ __typename: "Resident", id: "resident-030001" }]) {
          ... on Resident { sportsEventRegistrations { id event { name } category { code } } }
        } }`,
    );
    expect(mine.data._entities[0].sportsEventRegistrations).toContainEqual({
      id: registration.id,
      event: { name: "2026冬季上海静安女子半程马拉松" },
      category: { code: "HALF_MARATHON" },
    });
  });

  it("refuses a full category, a closed or unopened registration, a second registration and unknown names; writes nothing", async () => {
    expect((await register(event(3), "resident-030002", "WALK_6K")).errors).toBeUndefined();
    const before = await prisma.sportsEventRegistration.count();
    const counts = async () =>
      (await prisma.sportsEventCategory.findMany({ orderBy: { id: "asc" } })).map((c) => c.registeredCount);
    const countsBefore = await counts();

    const full = await register(event(2), "resident-030003", "FAMILY_RUN");
    expect(errorCode(full)).toBe("CAPACITY_REACHED");
    expect(full.errors?.[0].message).toMatch(/HALF_MARATHON, TEN_K/);
    const closed = await register(event(1), "resident-030003", "WOMENS_SINGLES");
    expect(errorCode(closed)).toBe("DATE_IN_PAST");
    const unopened = await register(event(6), "resident-030003", "TEN_K");
    expect(errorCode(unopened)).toBe("INVALID_STATE_TRANSITION");
    expect(unopened.errors?.[0].message).toContain(`opens at ${seedDay(9)} 10:00`);
    const twice = await register(event(3), "resident-030002", "WALK_6K");
    expect(errorCode(twice)).toBe("INVALID_STATE_TRANSITION");
    expect(twice.errors?.[0].message).toMatch(/already REGISTERED/);
    const unknownCategory = await register(event(2), "resident-030003", "FULL_MARATHON");
    expect(errorCode(unknownCategory)).toBe("BAD_USER_INPUT");
    expect(unknownCategory.errors?.[0].message).toMatch(/HALF_MARATHON/);
    expect(errorCode(await register("sportsevent-9999", "resident-030003", "TEN_K"))).toBe("NOT_FOUND_ENTITY");
    expect(errorCode(await register(event(2), "resident-3", "TEN_K"))).toBe("BAD_USER_INPUT");

    expect(await prisma.sportsEventRegistration.count()).toBe(before);
    expect(await counts()).toEqual(countsBefore);
  });

  it("cancels a registration once, gives the place back, and lets the resident register again", async () => {
    const event = await testEvent("sportsevent-test-cancel", 1);
    const first = (await register(event, "resident-031001", "ONLY")).data.registerForEvent;
    expect(errorCode(await register(event, "resident-031002", "ONLY"))).toBe("CAPACITY_REACHED");
    const cancelled = await query(CANCEL_REGISTRATION, { registrationId: first.id });
    expect(cancelled.data.cancelSportsEventRegistration).toMatchObject({
      status: "CANCELLED",
      cancelledAt: NOW.toISOString(),
    });
    expect(errorCode(await query(CANCEL_REGISTRATION, { registrationId: first.id }))).toBe("INVALID_STATE_TRANSITION");
    expect(errorCode(await query(CANCEL_REGISTRATION, { registrationId: "eventreg-nope" }))).toBe("NOT_FOUND_ENTITY");
    const second = await register(event, "resident-031002", "ONLY");
    expect(second.data.registerForEvent.category).toMatchObject({ registeredCount: 1, remainingPlaces: 0 });
    // After registration closes, cancelling is the organiser's business.
    const late = await at(local(seedLocal(10, "09:00")), () =>
      query(CANCEL_REGISTRATION, { registrationId: second.data.registerForEvent.id }),
    );
    expect(errorCode(late)).toBe("DATE_IN_PAST");
  });

  it("lets exactly as many of 10 simultaneous registrations succeed as the category has places", async () => {
    const event = await testEvent("sportsevent-test-race", 3);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => register(event, resident(32_000 + i), "ONLY")),
    );
    const outcomes = results.map(outcome);
    expect(outcomes.filter((o) => o === "OK")).toHaveLength(3);
    expect(outcomes.filter((o) => o === "CAPACITY_REACHED")).toHaveLength(7);
    const category = await prisma.sportsEventCategory.findUniqueOrThrow({ where: { id: `${event}-only` } });
    expect(category.registeredCount).toBe(3);
    expect(await prisma.sportsEventRegistration.count({ where: { eventId: event, status: "REGISTERED" } })).toBe(3);
  });

  it("lets only one of 5 simultaneous registrations of the same resident succeed", async () => {
    const event = await testEvent("sportsevent-test-twin", 10);
    const results = await Promise.all(Array.from({ length: 5 }, () => register(event, "resident-033000", "ONLY")));
    const outcomes = results.map(outcome);
    expect(outcomes.filter((o) => o === "OK")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "INVALID_STATE_TRANSITION")).toHaveLength(4);
    const category = await prisma.sportsEventCategory.findUniqueOrThrow({ where: { id: `${event}-only` } });
    expect(category.registeredCount).toBe(1);
  });
});

describe("who may book, check in and register", () => {
  it("acts for the resident in the verified identity, never for one named in the request", async () => {
    const court = await testCourt("court-test-self");
    const me = residentPrincipal("resident-050001");
    const own = await query(
      BOOK,
      { courtId: court, startsAt: seedDateTime(2, "10:00"), endsAt: seedDateTime(2, "11:00") },
      me,
    );
    expect(own.data.bookCourt.resident).toEqual({ id: "resident-050001" });
    const forOther = await query(
      BOOK,
      {
        courtId: court,
        residentId: "resident-050002",
        startsAt: seedDateTime(2, "12:00"),
        endsAt: seedDateTime(2, "13:00"),
      },
      me,
    );
    expect(errorCode(forOther)).toBe("FORBIDDEN");

    const ground = await testGround("schoolground-test-self", 10);
    const entered = await query(CHECK_IN, { groundId: ground.id, qrToken: ground.token(seedDay(0)) }, me);
    expect(entered.data.checkInToSchoolGround.resident).toEqual({ id: "resident-050001" });

    const event = await testEvent("sportsevent-test-self", 10);
    const registered = await query(REGISTER, { eventId: event, category: "ONLY" }, me);
    expect(registered.data.registerForEvent.resident).toEqual({ id: "resident-050001" });

    // An officer at the desk must say whom the booking is for.
    const anonymousDesk = await query(BOOK, {
      courtId: court,
      startsAt: seedDateTime(2, "14:00"),
      endsAt: seedDateTime(2, "15:00"),
    });
    expect(errorCode(anonymousDesk)).toBe("BAD_USER_INPUT");
  });

  it("answers another resident's booking or registration as not found, and lets its owner cancel it", async () => {
    const court = await testCourt("court-test-owner");
    const owner = residentPrincipal("resident-051001");
    const stranger = residentPrincipal("resident-051002");
    const booking = (
      await query(BOOK, { courtId: court, startsAt: seedDateTime(3, "10:00"), endsAt: seedDateTime(3, "11:00") }, owner)
    ).data.bookCourt;
    const notYours = await query(CANCEL_BOOKING, { bookingId: booking.id }, stranger);
    const missing = await query(CANCEL_BOOKING, { bookingId: "courtbooking-nope" }, stranger);
    expect(errorCode(notYours)).toBe("NOT_FOUND_ENTITY");
    expect(errorCode(missing)).toBe("NOT_FOUND_ENTITY");
    expect((await query(CANCEL_BOOKING, { bookingId: booking.id }, owner)).data.cancelCourtBooking.status).toBe(
      "CANCELLED",
    );

    const event = await testEvent("sportsevent-test-owner", 10);
    const registration = (await query(REGISTER, { eventId: event, category: "ONLY" }, owner)).data.registerForEvent;
    expect(errorCode(await query(CANCEL_REGISTRATION, { registrationId: registration.id }, stranger))).toBe(
      "NOT_FOUND_ENTITY",
    );
    const cancelled = await query(CANCEL_REGISTRATION, { registrationId: registration.id }, owner);
    expect(cancelled.data.cancelSportsEventRegistration.status).toBe("CANCELLED");
  });

  it("refuses the gateway's system principal and officers of other departments with FORBIDDEN, writing nothing", async () => {
    const court = await testCourt("court-test-forbidden");
    const before = await prisma.courtBooking.count({ where: { courtId: court } });
    const variables = {
      courtId: court,
      residentId: "resident-052001",
      startsAt: seedDateTime(2, "10:00"),
      endsAt: seedDateTime(2, "11:00"),
    };
    const system = await graphql(service.url, BOOK, variables);
    expect(errorCode(system.body)).toBe("FORBIDDEN");
    expect(errorCode(await query(BOOK, variables, officerOf("dept-health")))).toBe("FORBIDDEN");
    expect(
      errorCode(
        await query(
          REGISTER,
          { eventId: event(2), residentId: "resident-052001", category: "TEN_K" },
          officerOf("dept-culture"),
        ),
      ),
    ).toBe("FORBIDDEN");
    expect(await prisma.courtBooking.count({ where: { courtId: court } })).toBe(before);
  });
});

describe("batched data access", () => {
  it("lists 410 fitness points with equipment for the same SQL statements as 10", async () => {
    const POINTS = `query P($first: Int) {
      fitnessPoints(first: $first) {
        nodes { id street { id } equipmentCount functions equipment { type fitnessPoint { id } } }
      }
    }`;
    const small = await sqlCost(POINTS, { first: 10 });
    const large = await sqlCost(POINTS, { first: 500 });
    expect(large.body.data.fitnessPoints.nodes).toHaveLength(410);
    expect(small.statements).toBe(3); // points, their equipment, the equipment's points
    expect(large.statements).toBe(small.statements);
  });

  it("lists grounds with hours, quota use and school, venues with courts and availability, events with categories, in fixed SQL", async () => {
    const GROUNDS = `query G($first: Int) {
      schoolSportsGrounds(first: $first) {
        nodes { school { id } street { id } openNow openingHours { weekday } checkInCount(date: "${seedDay(-3)}") remainingQuota }
      }
    }`;
    const fewGrounds = await sqlCost(GROUNDS, { first: 3 });
    const allGrounds = await sqlCost(GROUNDS, { first: 100 });
    expect(allGrounds.body.data.schoolSportsGrounds.nodes).toHaveLength(100);
    expect(fewGrounds.statements).toBe(3); // grounds, openings, check-in counts (both dates in one query)
    expect(allGrounds.statements).toBe(fewGrounds.statements);

    const VENUES = `query V($first: Int) {
      sportsVenues(first: $first) {
        nodes { sports courts { venue { id } availability(date: "${seedDay(2)}") { freeIntervals { startsAt } } } }
      }
    }`;
    const fewVenues = await sqlCost(VENUES, { first: 1 });
    const allVenues = await sqlCost(VENUES, { first: 18 });
    expect(fewVenues.statements).toBe(4); // venues, courts, the courts' venues, the courts' bookings that day
    expect(allVenues.statements).toBe(fewVenues.statements);

    const EVENTS = `query E($first: Int) {
      sportsEvents(first: $first) {
        nodes { capacity registeredCount venue { name } categories { remainingPlaces event { id } } }
      }
    }`;
    const fewEvents = await sqlCost(EVENTS, { first: 1 });
    const allEvents = await sqlCost(EVENTS, { first: 50 });
    expect(allEvents.body.data.sportsEvents.nodes.length).toBeGreaterThanOrEqual(20);
    expect(fewEvents.statements).toBe(4); // events, categories, venues, the categories' events
    expect(allEvents.statements).toBe(fewEvents.statements);
  });

  it("resolves 500 bookings, registrations and equipment items with what they point to for the same SQL as 10", async () => {
    const bookings = (await prisma.courtBooking.findMany({ take: 500, orderBy: { id: "asc" } })).map((b) => b.id);
    const registrations = (await prisma.sportsEventRegistration.findMany({ take: 500, orderBy: { id: "asc" } })).map(
      (r) => r.id,
    );
    const equipment = (await prisma.fitnessEquipment.findMany({ take: 500, orderBy: { id: "asc" } })).map((e) => e.id);
    const ENTITIES = `query R($representations: [_Any!]!) {
      _entities(representations: $representations) {
        ... on SportsCourtBooking { id court { name venue { name } } venue { id } resident { id } }
        ... on SportsEventRegistration { id event { name categories { code } } category { code event { id } } }
        ... on FitnessEquipment { id fitnessPoint { name } }
      }
    }`;
    const reps = (typename: string, ids: string[]) => ids.map((id) => ({ __typename: typename, id }));
    for (const [typename, ids, expected] of [
      ["SportsCourtBooking", bookings, 3], // bookings, courts, venues
      ["SportsEventRegistration", registrations, 4], // registrations, events, categories, events' categories
      ["FitnessEquipment", equipment, 2], // items, points
    ] as const) {
      const ten = await sqlCost(ENTITIES, { representations: reps(typename, ids.slice(0, 10)) });
      const all = await sqlCost(ENTITIES, { representations: reps(typename, [...ids]) });
      expect(all.body.data._entities).toHaveLength(500);
      expect(all.body.data._entities.every((e: any) => e !== null)).toBe(true);
      expect(ten.statements, typename).toBe(expected);
      expect(all.statements, typename).toBe(ten.statements);
    }
  });

  it("resolves 500 residents with their bookings and registrations for the same SQL as 10", async () => {
    const withBookings = await prisma.courtBooking.findMany({
      distinct: ["residentId"],
      take: 400,
      select: { residentId: true },
    });
    const withRegistrations = await prisma.sportsEventRegistration.findMany({
      distinct: ["residentId"],
      take: 400,
      select: { residentId: true },
    });
    const ids = [...new Set([...withBookings, ...withRegistrations].map((r) => r.residentId))].slice(0, 500);
    expect(ids).toHaveLength(500);
    const RESIDENTS = `query R($representations: [_Any!]!) {
      _entities(representations: $representations) {
        ... on Resident {
          id
          courtBookings { startsAt court { name venue { name } } }
          sportsEventRegistrations { event { name } category { code } }
        }
      }
    }`;
    const reps = (list: string[]) => list.map((id) => ({ __typename: "Resident", id }));
    const ten = await sqlCost(RESIDENTS, { representations: reps(ids.slice(0, 10)) });
    const all = await sqlCost(RESIDENTS, { representations: reps(ids) });
    expect(all.body.data._entities.map((r: any) => r.id)).toEqual(ids);
    const records = all.body.data._entities.reduce(
      (sum: number, r: any) => sum + r.courtBookings.length + r.sportsEventRegistrations.length,
      0,
    );
    expect(records).toBeGreaterThan(500);
    expect(ten.statements).toBe(6); // bookings, courts, venues, registrations, events, categories
    expect(all.statements).toBe(ten.statements);
    const bookingsOf = all.body.data._entities.find((r: any) => r.courtBookings.length > 1).courtBookings;
    const starts = bookingsOf.map((b: any) => b.startsAt);
    expect(starts).toEqual([...starts].sort().reverse());
  });

  it("resolves 50 Street representations with fitness points, venues and school grounds in three SQL statements", async () => {
    const known = [
      "street-jingansi",
      "street-caojiadu",
      "street-jiangninglu",
      "street-shimenerlu",
      "street-nanjingxilu",
      "street-tianmuxilu",
      "street-beizhan",
      "street-baoshanlu",
      "street-zhijiangxilu",
      "street-gonghexinlu",
      "street-daninglu",
      "street-pengpuxincun",
      "street-linfenlu",
      "street-pengpu",
    ];
    const ids = [...known, ...Array.from({ length: 36 }, (_, i) => `street-elsewhere-${i}`)];
    const { body, statements } = await sqlCost(
      `query Streets($representations: [_Any!]!) {
        _entities(representations: $representations) {
          ... on Street {
            id
            fitnessPoints { id }
            good: fitnessPoints(status: GOOD) { maintenanceStatus }
            sportsVenues { name }
            schoolSportsGrounds { id }
          }
        }
      }`,
      { representations: ids.map((id) => ({ __typename: "Street", id })) },
    );
    expect(statements).toBe(3);
    const entities = body.data._entities;
    expect(entities.map((e: any) => e.id)).toEqual(ids);
    expect(entities.reduce((sum: number, e: any) => sum + e.fitnessPoints.length, 0)).toBe(410);
    expect(entities.reduce((sum: number, e: any) => sum + e.sportsVenues.length, 0)).toBe(18);
    for (const street of entities.slice(0, 14)) {
      expect(street.fitnessPoints.length).toBeGreaterThan(0);
      expect(street.sportsVenues.length).toBeGreaterThan(0);
      expect(street.schoolSportsGrounds.length).toBeGreaterThan(0);
      expect(street.good.every((p: any) => p.maintenanceStatus === "GOOD")).toBe(true);
    }
    for (const elsewhere of entities.slice(14)) {
      expect(elsewhere).toMatchObject({ fitnessPoints: [], sportsVenues: [], schoolSportsGrounds: [] });
    }
    expect(entities.find((e: any) => e.id === "street-daninglu").sportsVenues.map((v: any) => v.name)).toContain(
      "上海静安体育中心",
    );
  });

  it("resolves 50 Department representations with the venues they run in one SQL statement", async () => {
    const ids = [
      "dept-sports",
      "dept-street-daninglu",
      "dept-health",
      ...Array.from({ length: 47 }, (_, i) => `dept-x-${i}`),
    ];
    const { body, statements } = await sqlCost(
      `query D($representations: [_Any!]!) {
        _entities(representations: $representations) { ... on Department { id sportsVenues { name kind } } }
      }`,
      { representations: ids.map((id) => ({ __typename: "Department", id })) },
    );
    expect(statements).toBe(1);
    const [bureau, daning, health, ...rest] = body.data._entities;
    expect(bureau.sportsVenues).toHaveLength(10);
    expect(daning.sportsVenues).toEqual([{ name: "大宁郁金香公园市民健身驿站", kind: "FITNESS_STATION" }]);
    expect(health.sportsVenues).toEqual([]);
    expect(rest.every((d: any) => d.sportsVenues.length === 0)).toBe(true);
  });

  it("resolves the subgraph's own entities in the order asked, with null for unknown ids", async () => {
    const representations = [
      { __typename: "SportsVenue", id: "sportsvenue-0002" },
      { __typename: "FitnessPoint", id: "fitness-9999" },
      { __typename: "SportsEvent", id: event(2) },
      { __typename: "SchoolSportsGround", id: "schoolground-0001" },
      { __typename: "SportsCourt", id: "court-0001-27" },
      { __typename: "SportsCourtBooking", id: "courtbooking-nope" },
      { __typename: "FitnessPoint", id: "fitness-0001" },
      { __typename: "SportsEventRegistration", id: `eventreg-${SEASON}-02-00001` },
      { __typename: "FitnessEquipment", id: "fitness-0001-01" },
      { __typename: "SportsVenue", id: "sportsvenue-9999" },
    ];
    const { body } = await sqlCost(
      `query E($representations: [_Any!]!) {
        _entities(representations: $representations) {
          __typename
          ... on SportsVenue { name }
          ... on FitnessPoint { id }
          ... on SportsEvent { name }
          ... on SchoolSportsGround { id }
          ... on SportsCourt { name }
          ... on SportsCourtBooking { id }
          ... on SportsEventRegistration { id }
          ... on FitnessEquipment { id }
        }
      }`,
      { representations },
    );
    expect(body.data._entities).toEqual([
      { __typename: "SportsVenue", name: "静安区体育馆" },
      null,
      { __typename: "SportsEvent", name: "2026冬季上海静安女子半程马拉松" },
      { __typename: "SchoolSportsGround", id: "schoolground-0001" },
      { __typename: "SportsCourt", name: "游泳馆" },
      null,
      { __typename: "FitnessPoint", id: "fitness-0001" },
      { __typename: "SportsEventRegistration", id: `eventreg-${SEASON}-02-00001` },
      { __typename: "FitnessEquipment", id: "fitness-0001-01" },
      null,
    ]);
  });
});

describe("seed", () => {
  it("adds nothing when run again, keeps bookings made since and the grounds' QR secrets", async () => {
    // A seeded booking cancelled in the seed itself, whose time someone has booked since.
    const cancelled = await prisma.courtBooking.findFirstOrThrow({
      where: {
        // Seeded bookings (ids start with their date), not the ones tests made.
        id: { startsWith: "courtbooking-2" },
        status: "CANCELLED",
        startsAt: { gt: local(seedLocal(1, "00:00")) },
        court: { capacity: 1 },
      },
      orderBy: { id: "asc" },
    });
    const rebooked = await query(BOOK, {
      courtId: cancelled.courtId,
      residentId: "resident-040001",
      startsAt: cancelled.startsAt.toISOString(),
      endsAt: cancelled.endsAt.toISOString(),
    });
    expect(rebooked.errors).toBeUndefined();
    const secrets = await prisma.schoolSportsGround.findMany({ select: { id: true, qrSecret: true } });
    const before = await countRows(prisma);

    const summary = await sports.seed(prisma, service.db, { date: TEST_SEED_DATE, previousDates: [] });

    expect(summary).toEqual(before);
    expect(summary.courtBookings).toBeGreaterThan(5000);
    expect(summary.schoolGroundCheckIns).toBeGreaterThan(5000);
    expect(summary.sportsEventRegistrations).toBeGreaterThan(5000);
    expect(summary.fitnessEquipment).toBeGreaterThan(3000);
    expect(await prisma.schoolSportsGround.findMany({ select: { id: true, qrSecret: true } })).toEqual(secrets);
    const kept = await prisma.courtBooking.findUniqueOrThrow({ where: { id: rebooked.data.bookCourt.id } });
    expect(kept.status).toBe("BOOKED");
  });
});
