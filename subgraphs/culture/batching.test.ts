import { describe, expect, it } from "vitest";
import { prisma, STREET_IDS, sqlCost, useCultureSubgraph } from "./cultureTestbed.ts";

useCultureSubgraph();

describe("batched data access", () => {
  it("lists 69 venues with their building, its venues and routes for the same SQL statements as 10", async () => {
    const VENUES = `query V($first: Int) {
      cultureVenues(first: $first) {
        nodes { id street { id } department { id } building { name venues { id } routes { name stops { position } } } }
      }
    }`;
    const small = await sqlCost(VENUES, { first: 10 });
    const large = await sqlCost(VENUES, { first: 69 });
    expect(large.body.data.cultureVenues.nodes).toHaveLength(69);
    expect(small.statements).toBe(6); // venues, buildings, their venues, their stops, routes, route stops
    expect(large.statements).toBe(small.statements);
  });

  it("pages 100 buildings with venues, routes and stops within the same fixed SQL statements as 10", async () => {
    const BUILDINGS = `query B($first: Int) {
      readableBuildings(first: $first) {
        nodes { id venues { building { id } } routes { stops { building { id } venue { name } } } }
      }
    }`;
    const small = await sqlCost(BUILDINGS, { first: 10 });
    const large = await sqlCost(BUILDINGS, { first: 100 });
    expect(large.body.data.readableBuildings.nodes).toHaveLength(100);
    // buildings, venues in them, stops at them, routes, route stops, stop venues, and buildingById — reached both
    // through venues and through stops: on PostgreSQL the pool answers concurrent batches in any order, so the two
    // paths share one batch or take two. Seven or eight statements, whatever the page size; never one per row.
    for (const { statements } of [small, large]) expect(statements).toBeGreaterThanOrEqual(7);
    for (const { statements } of [small, large]) expect(statements).toBeLessThanOrEqual(8);
  });

  it("pages 48 programmes with venue, route and registrations within the same fixed SQL statements as 10", async () => {
    const PROGRAMMES = `query P($first: Int) {
      cultureProgrammes(filter: { category: GUIDED_WALK }, first: $first) {
        nodes {
          id venue { building { id } } route { stops { building { id } venue { id } } }
          registrations { resident { id } programme { id } }
        }
      }
    }`;
    const small = await sqlCost(PROGRAMMES, { first: 10 });
    const large = await sqlCost(PROGRAMMES, { first: 48 });
    expect(large.body.data.cultureProgrammes.nodes).toHaveLength(48);
    // programmes, routes, route stops, stop buildings, registrations, their programmes, and venueById — reached both
    // from the programme and from the stops, in one batch or two (see above). Never one per row.
    for (const { statements } of [small, large]) expect(statements).toBeGreaterThanOrEqual(7);
    for (const { statements } of [small, large]) expect(statements).toBeLessThanOrEqual(8);
  });

  it("resolves 500 programme representations with every hop in the same SQL statements as 10", async () => {
    // Guided walks (route hops) and memorial programmes (building hops) first, so the small sample has every shape.
    const walks = await prisma.cultureProgramme.findMany({ where: { category: "GUIDED_WALK" }, take: 5 });
    const memorials = await prisma.cultureProgramme.findMany({
      where: { venue: { kind: "MEMORIAL" } },
      take: 5,
    });
    const rest = await prisma.cultureProgramme.findMany({ orderBy: { id: "desc" }, take: 490 });
    const ids = [...new Set([...walks, ...memorials, ...rest].map((p) => p.id))];
    expect(ids.length).toBeGreaterThanOrEqual(495);
    const ENTITIES = `query E($representations: [_Any!]!) {
      _entities(representations: $representations) {
        ... on CultureProgramme {
          id availability
          venue { street { id } department { id } building { venues { id } routes { id } } }
          route { stops { building { id } venue { id } } }
          registrations { resident { id } programme { id } }
        }
      }
    }`;
    const represent = (list: string[]) => list.map((id) => ({ __typename: "CultureProgramme", id }));
    const small = await sqlCost(ENTITIES, { representations: represent(ids.slice(0, 10)) });
    const large = await sqlCost(ENTITIES, { representations: represent(ids) });
    expect(large.body.data._entities.map((e: any) => e.id)).toEqual(ids);
    // One statement per hop at most (programmes, venues, buildings, their venues, stops at them, routes, route stops,
    // stop buildings, stop venues, registrations). With 500 a hop may even cost none: every venue a route stops at is
    // then already in the request's loader cache.
    expect(small.statements).toBeLessThanOrEqual(11);
    expect(large.statements).toBeLessThanOrEqual(small.statements);
  });

  it("resolves 500 registration representations with programme, venue and building in the same SQL statements as 10", async () => {
    // Registrations at memorials (venue in a building) and on guided walks (a route) first: every shape in 10.
    const [memorial, walks, rest] = await Promise.all([
      prisma.cultureRegistration.findMany({ where: { programme: { venue: { kind: "MEMORIAL" } } }, take: 5 }),
      prisma.cultureRegistration.findMany({ where: { programme: { category: "GUIDED_WALK" } }, take: 5 }),
      prisma.cultureRegistration.findMany({ orderBy: { id: "desc" }, take: 490 }),
    ]);
    const ids = [...memorial, ...walks, ...rest].map((r) => r.id);
    expect(new Set(ids).size).toBe(500);
    const ENTITIES = `query E($representations: [_Any!]!) {
      _entities(representations: $representations) {
        ... on CultureRegistration { id status resident { id } programme { venue { building { id } } route { id } } }
      }
    }`;
    const represent = (list: string[]) => list.map((id) => ({ __typename: "CultureRegistration", id }));
    const small = await sqlCost(ENTITIES, { representations: represent(ids.slice(0, 10)) });
    const large = await sqlCost(ENTITIES, { representations: represent(ids) });
    expect(large.body.data._entities.map((e: any) => e.id)).toEqual(ids);
    expect(small.statements).toBe(5); // registrations, programmes, venues, buildings, routes
    expect(large.statements).toBe(small.statements);
  });

  it("resolves 500 building and venue representations in the order asked, null for unknown ids, in fixed SQL", async () => {
    const ids = [
      ...Array.from({ length: 300 }, (_, i) => `rb-${String(i + 1).padStart(4, "0")}`),
      ...Array.from({ length: 200 }, (_, i) => `rb-9${String(i).padStart(3, "0")}`),
    ].reverse();
    const ENTITIES = `query E($representations: [_Any!]!) {
      _entities(representations: $representations) {
        ... on ReadableBuilding { id venues { id building { id } } routes { stops { venue { id } } } }
        ... on CultureVenue { id building { id } }
      }
    }`;
    const represent = (list: string[]) => list.map((id) => ({ __typename: "ReadableBuilding", id }));
    const small = await sqlCost(ENTITIES, { representations: represent(["rb-0001", "rb-0008", ...ids.slice(0, 8)]) });
    const large = await sqlCost(ENTITIES, { representations: represent(ids) });
    const entities = large.body.data._entities;
    expect(entities.slice(0, 200).every((e: unknown) => e === null)).toBe(true);
    expect(entities.slice(200).map((e: any) => e.id)).toEqual(ids.slice(200));
    expect(large.statements).toBe(small.statements);

    const mixed = await sqlCost(ENTITIES, {
      representations: [
        { __typename: "CultureVenue", id: "cv-0004" },
        { __typename: "ReadableBuilding", id: "rb-9999" },
        { __typename: "CultureVenue", id: "cv-9999" },
        { __typename: "CultureVenue", id: "cv-0001" },
      ],
    });
    expect(mixed.body.data._entities.map((e: any) => e?.id ?? null)).toEqual(["cv-0004", null, null, "cv-0001"]);
    expect(mixed.body.data._entities[0].building).not.toBeNull();
  });

  it("resolves route and registration representations in order with null for unknown ids", async () => {
    const registration = await prisma.cultureRegistration.findFirstOrThrow({ orderBy: { id: "asc" } });
    const { body, statements } = await sqlCost(
      `query E($representations: [_Any!]!) {
        _entities(representations: $representations) {
          ... on TourismRoute { id name }
          ... on CultureRegistration { id status }
          ... on CultureProgramme { id }
        }
      }`,
      {
        representations: [
          { __typename: "TourismRoute", id: "route-03" },
          { __typename: "CultureRegistration", id: "creg-nope" },
          { __typename: "TourismRoute", id: "route-99" },
          { __typename: "CultureRegistration", id: registration.id },
          { __typename: "CultureProgramme", id: "prog-nope" },
        ],
      },
    );
    expect(body.data._entities).toEqual([
      { id: "route-03", name: "苏河湾滨水漫步" },
      null,
      null,
      { id: registration.id, status: registration.status },
      null,
    ]);
    // One per entity type, plus one batch of programmes: an officer sees a registration only in its street.
    expect(statements).toBe(4);
  });

  it("resolves 50 Street representations with their venues and buildings in two SQL statements", async () => {
    const ids = [...STREET_IDS, ...Array.from({ length: 36 }, (_, i) => `street-elsewhere-${i}`)];
    const { body, statements } = await sqlCost(
      `query S($representations: [_Any!]!) {
        _entities(representations: $representations) {
          ... on Street {
            id cultureVenues { id kind } centres: cultureVenues(kind: COMMUNITY_CULTURAL_CENTRE) { name }
            readableBuildings { id } outstanding: readableBuildings(protectionLevel: OUTSTANDING_HISTORICAL) { protectionLevel }
          }
        }
      }`,
      { representations: ids.map((id) => ({ __typename: "Street", id })) },
    );
    expect(statements).toBe(2);
    const entities = body.data._entities;
    expect(entities.map((e: any) => e.id)).toEqual(ids);
    expect(entities.reduce((sum: number, e: any) => sum + e.cultureVenues.length, 0)).toBe(69);
    expect(entities.reduce((sum: number, e: any) => sum + e.readableBuildings.length, 0)).toBe(300);
    for (const street of entities.slice(0, 14)) {
      expect(street.centres.length).toBeGreaterThanOrEqual(1);
      expect(street.outstanding.every((b: any) => b.protectionLevel === "OUTSTANDING_HISTORICAL")).toBe(true);
    }
    for (const elsewhere of entities.slice(14))
      expect(elsewhere).toMatchObject({ cultureVenues: [], readableBuildings: [] });
  });

  it("lists the venues of 区文化旅游局 and of each street office, narrowed by kind, in one SQL statement", async () => {
    const ids = ["dept-culture", ...STREET_IDS.map((s) => `dept-${s}`), "dept-health"];
    const { body, statements } = await sqlCost(
      `query D($representations: [_Any!]!) {
        _entities(representations: $representations) {
          ... on Department { id cultureVenues { kind } theatres: cultureVenues(kind: THEATRE) { name } }
        }
      }`,
      { representations: ids.map((id) => ({ __typename: "Department", id })) },
    );
    expect(statements).toBe(1);
    const [cultureDept, ...rest] = body.data._entities;
    const health = rest.pop();
    expect(cultureDept.theatres).toHaveLength(7);
    expect(cultureDept.cultureVenues.some((v: any) => v.kind === "COMMUNITY_CULTURAL_CENTRE")).toBe(false);
    for (const office of rest) {
      expect(office.cultureVenues.map((v: any) => v.kind)).toContain("COMMUNITY_CULTURAL_CENTRE");
      expect(office.theatres).toEqual([]);
    }
    expect(health.cultureVenues).toEqual([]);
  });

  it("resolves 500 Resident representations with their registrations, programmes and venues in fixed SQL", async () => {
    const rows = await prisma.cultureRegistration.findMany({
      distinct: ["residentId"],
      select: { residentId: true },
      orderBy: { residentId: "asc" },
      take: 500,
    });
    const residents = rows.map((r) => r.residentId);
    const RESIDENTS = `query R($representations: [_Any!]!) {
      _entities(representations: $representations) {
        ... on Resident {
          id cultureRegistrations { id status registeredAt programme { title venue { name } } }
          waiting: cultureRegistrations(status: WAITLISTED) { waitlistPosition }
        }
      }
    }`;
    const represent = (list: string[]) => list.map((id) => ({ __typename: "Resident", id }));
    const small = await sqlCost(RESIDENTS, { representations: represent(residents.slice(0, 50)) });
    const large = await sqlCost(RESIDENTS, { representations: represent(residents) });
    expect(small.statements).toBe(3);
    expect(large.statements).toBe(small.statements);
    const entities = large.body.data._entities;
    expect(entities.map((e: any) => e.id)).toEqual(residents);
    for (const entity of entities) {
      expect(entity.cultureRegistrations.length).toBeGreaterThan(0);
      const times = entity.cultureRegistrations.map((r: any) => r.registeredAt);
      expect(times).toEqual([...times].sort().reverse());
      expect(entity.waiting.every((r: any) => r.waitlistPosition >= 1)).toBe(true);
    }
  });
});
