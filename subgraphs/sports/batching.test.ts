import { describe, expect, it } from "vitest";
import { seedDay } from "../../test/support/seedDate.ts";
import { event, prisma, SEASON, sqlCost, useSportsSubgraph } from "./sportsTestbed.ts";

useSportsSubgraph();

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

  it("lists venues with courts and availability, events with categories, in fixed SQL", async () => {
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

  it("resolves 50 Street representations with fitness points and venues in two SQL statements", async () => {
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
          }
        }
      }`,
      { representations: ids.map((id) => ({ __typename: "Street", id })) },
    );
    expect(statements).toBe(2);
    const entities = body.data._entities;
    expect(entities.map((e: any) => e.id)).toEqual(ids);
    expect(entities.reduce((sum: number, e: any) => sum + e.fitnessPoints.length, 0)).toBe(410);
    expect(entities.reduce((sum: number, e: any) => sum + e.sportsVenues.length, 0)).toBe(18);
    for (const street of entities.slice(0, 14)) {
      expect(street.fitnessPoints.length).toBeGreaterThan(0);
      expect(street.sportsVenues.length).toBeGreaterThan(0);
      expect(street.good.every((p: any) => p.maintenanceStatus === "GOOD")).toBe(true);
    }
    for (const elsewhere of entities.slice(14)) {
      expect(elsewhere).toMatchObject({ fitnessPoints: [], sportsVenues: [] });
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
      { __typename: "SportsCourt", name: "游泳馆" },
      null,
      { __typename: "FitnessPoint", id: "fitness-0001" },
      { __typename: "SportsEventRegistration", id: `eventreg-${SEASON}-02-00001` },
      { __typename: "FitnessEquipment", id: "fitness-0001-01" },
      null,
    ]);
  });
});
