import { describe, expect, it } from "vitest";
import { seedDay, seedLocal, TEST_SEED_DATE } from "../../test/support/seedDate.ts";
import { countRows } from "./seed.ts";
import {
  at,
  BOOK,
  CHECK_IN,
  errorCode,
  local,
  NOW,
  outcome,
  prisma,
  query,
  resident,
  service,
  sports,
  testCourt,
  testGround,
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
