import { describe, expect, it } from "vitest";
import { officerIn as officerOf, residentPrincipal } from "../../test/rows/principals.ts";
import { seedDateTime, seedDay, seedLocal } from "../../test/support/seedDate.ts";
import { graphql } from "../../test/support/subgraphs.ts";
import { isBookingGuardViolation } from "./inputs.ts";
import {
  at,
  BOOK,
  book,
  CANCEL_BOOKING,
  CANCEL_REGISTRATION,
  errorCode,
  event,
  local,
  NOW,
  outcome,
  prisma,
  query,
  REGISTER,
  register,
  resident,
  service,
  testCourt,
  testEvent,
  useSportsSubgraph,
} from "./sportsTestbed.ts";

useSportsSubgraph();

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
