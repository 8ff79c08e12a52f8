import { describe, expect, it } from "vitest";
import { seedDay, seedLocal, TEST_SEED_DATE } from "../../test/support/seedDate.ts";
import { countRows } from "./seed.ts";
import {
  BOOK,
  errorCode,
  local,
  NOW,
  prisma,
  query,
  resident,
  service,
  sports,
  testCourt,
  useSportsSubgraph,
  walk,
} from "./sportsTestbed.ts";

useSportsSubgraph();

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
  it("walks the venues and events with cursors, each row once in id order, filters kept", async () => {
    const venues = await walk("sportsVenues", 5);
    expect(venues.seen).toHaveLength(18);
    expect(venues.pages).toBe(4);
    const events = await walk("sportsEvents", 6);
    expect(events.seen).toHaveLength(20);
    const games = await walk("sportsEvents", 4, "filter: { kind: COMMUNITY_GAMES },");
    expect(games.seen).toHaveLength(14);
    expect(games.pages).toBe(4);
    for (const { seen } of [venues, events, games]) {
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
      ["fitnessPoints(first: 0)", "PAGE_SIZE_OUT_OF_RANGE"],
      ["fitnessPoints(first: 501)", "PAGE_SIZE_OUT_OF_RANGE"],
      ["sportsVenues(first: 101)", "PAGE_SIZE_OUT_OF_RANGE"],
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
      sportsVenue(id: "sportsvenue-9999") { id }
      sportsEvent(id: "sportsevent-9999") { id }
      courtAvailability(courtId: "court-9999-01", date: "${seedDay(1)}") { date }
      known: sportsVenue(id: "sportsvenue-0001") { name address }
    }`);
    expect(body.data).toEqual({
      fitnessPoint: null,
      sportsVenue: null,
      sportsEvent: null,
      courtAvailability: null,
      known: { name: "上海静安体育中心", address: "静安区汶水路116号" },
    });
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
describe("seed", () => {
  it("adds nothing when run again and keeps bookings made since", async () => {
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
    const before = await countRows(prisma);

    const summary = await sports.seed(prisma, service.db, { date: TEST_SEED_DATE, previousDates: [] });

    expect(summary).toEqual(before);
    expect(summary.courtBookings).toBeGreaterThan(5000);
    expect(summary.sportsEventRegistrations).toBeGreaterThan(5000);
    expect(summary.fitnessEquipment).toBeGreaterThan(3000);
    expect(summary).not.toHaveProperty("schoolSportsGrounds");
    const kept = await prisma.courtBooking.findUniqueOrThrow({ where: { id: rebooked.data.bookCourt.id } });
    expect(kept.status).toBe("BOOKED");
  });
});
