import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CityParkingPlatform, startCityParkingPlatform } from "../../legacy/cityParkingPlatform/server.ts";
// Department-wide officers: the whole district is their jurisdiction.
import { officerIn as officerOf, residentPrincipal } from "../../test/rows/principals.ts";
import { seedDateTime, seedInstant, TEST_SEED_DATE } from "../../test/support/seedDate.ts";
import { graphql, startTestSubgraph } from "../../test/support/subgraphs.ts";
import type { SubgraphService } from "../kit/service.ts";
import { CityPlatformUnavailable, createCityPlatformClient } from "./cityPlatform.ts";
import { parkingFeeFen, startedHalfHours } from "./fee.ts";
import { createParkingSubgraph } from "./index.ts";
import type { ParkingPrisma } from "./loaders.ts";
import { isNewEnergyPlate, isValidPlate, normalisePlate } from "./plate.ts";
import { UPSTREAM_MESSAGES } from "./resolvers.ts";
import { countRows } from "./seed.ts";
import { buildParkingFacilities } from "./seedData.ts";

/** The subgraph's clock: the morning of the seed date. Tests move it to expire the live-data cache. */
let clock = seedInstant(0, "10:00");
const setClock = (iso: string) => {
  clock = new Date(iso);
};
/** Short enough to keep the slow-platform test quick, long enough for a busy two-core machine. */
const TIMEOUT_MS = 500;
const CACHE_TTL_MS = 10_000;

const district = buildParkingFacilities();
const FACILITIES = district.facilities.length;
const STATIONS = district.stations.length;
/** The roster's first landmark garage with a charging station, and its neighbour: fixtures the tests look up by id. */
const LANDMARK = district.facilities.find((f) => district.stations.some((s) => s.facilityId === f.id))!;
const LANDMARK_STATION = district.stations.find((s) => s.facilityId === LANDMARK.id)!;
const OTHER = district.facilities.find((f) => f.id !== LANDMARK.id && f.kind === "GARAGE")!;

let platform: CityParkingPlatform;
let parking: ReturnType<typeof createParkingSubgraph>;
let service: SubgraphService<ParkingPrisma>;
let prisma: ParkingPrisma;

beforeAll(async () => {
  // The platform shares the test clock, so its live numbers are the same on every run.
  platform = await startCityParkingPlatform({
    port: 0,
    latencyMs: { min: 1, max: 5 },
    failureRate: 0,
    now: () => clock.getTime(),
  });
  parking = createParkingSubgraph({
    now: () => clock,
    platform: { url: platform.url, timeoutMs: TIMEOUT_MS, cacheTtlMs: CACHE_TTL_MS },
  });
  service = await startTestSubgraph(parking, { seedDate: TEST_SEED_DATE });
  prisma = service.prisma;
});

afterAll(async () => {
  await service?.stop();
  await platform?.stop();
});

/** Acts as a parking attendant of 区建管委, who may start and end sessions for any resident. */
async function query(document: string, variables?: Record<string, unknown>, principal = officerOf("dept-transport")) {
  return (await graphql(service.url, document, variables, {}, { principal })).body;
}

function errorCode(body: { errors?: any[] }): string | undefined {
  return body.errors?.[0]?.extensions?.code;
}

/** Moves the clock past the cache's TTL, so the next live lookup must ask the platform. */
function expireLiveCache() {
  clock = new Date(clock.getTime() + CACHE_TTL_MS + 1);
}

/** Runs an operation and returns what it cost: SQL statements and calls to each platform endpoint. */
async function cost(document: string, variables?: Record<string, unknown>) {
  const sqlBefore = service.sqlQueries();
  const callsBefore = platform.stats().byPath;
  const body = await query(document, variables);
  const callsAfter = platform.stats().byPath;
  const calls = (path: string) => (callsAfter[path] ?? 0) - (callsBefore[path] ?? 0);
  return {
    body,
    statements: service.sqlQueries() - sqlBefore,
    availabilityCalls: calls("/api/v1/availability"),
    chargerCalls: calls("/api/v1/chargers"),
  };
}

/** A facility that exists only for one test. */
async function insertFacility(id: string, platformCode: string | null) {
  await prisma.parkingFacility.create({
    data: {
      id,
      name: `测试停车场${id}`,
      kind: "GARAGE",
      address: "静安区测试路1号",
      streetId: "street-linfenlu",
      departmentId: "dept-transport",
      operator: "测试运营单位",
      totalSpaces: 50,
      hourlyPriceFen: 1000,
      openingHours: "24小时",
      platformCode,
    },
  });
}

const LIVE_PAGE = /* GraphQL */ `
  query Live($first: Int) {
    parkingFacilities(first: $first) {
      nodes {
        id name platformCode
        availability { totalSpaces freeSpaces updatedAt source }
        chargingStation { id platformCode live { fastFree fastTotal slowFree slowTotal outOfService updatedAt source } }
      }
    }
  }
`;

describe("parking facilities", () => {
  it("lists the district's garages and road parking across its 14 streets", async () => {
    const body = await query(`{
      all: parkingFacilities { totalCount }
      onStreet: parkingFacilities(filter: { kind: ON_STREET }, first: 500) { totalCount nodes { kind openingHours } }
      charging: parkingFacilities(filter: { hasCharging: true }) { totalCount }
      noCharging: parkingFacilities(filter: { hasCharging: false }) { totalCount }
      nanjingxilu: parkingFacilities(filter: { streetId: "street-nanjingxilu", kind: GARAGE }, first: 500) {
        nodes { name hourlyPrice street { id } department { id } }
      }
      named: parkingFacilities(filter: { nameContains: "恒隆" }) { nodes { name address operator totalSpaces } }
    }`);
    expect(body.errors).toBeUndefined();
    const { all, onStreet, charging, noCharging, nanjingxilu, named } = body.data;
    expect(all.totalCount).toBe(FACILITIES);
    expect(FACILITIES).toBeGreaterThan(500);
    expect(onStreet.totalCount).toBeGreaterThan(80);
    expect(onStreet.nodes.every((f: any) => f.kind === "ON_STREET" && f.openingHours === "07:00-21:00")).toBe(true);
    expect(charging.totalCount).toBe(STATIONS);
    expect(noCharging.totalCount).toBe(FACILITIES - STATIONS);
    expect(nanjingxilu.nodes.map((f: any) => f.name)).toContain("静安嘉里中心停车库");
    for (const facility of nanjingxilu.nodes) {
      expect(facility).toMatchObject({ street: { id: "street-nanjingxilu" }, department: { id: "dept-transport" } });
      // The commercial core charges 15–20 yuan an hour.
      expect(facility.hourlyPrice).toBeGreaterThanOrEqual(11);
      expect(facility.hourlyPrice).toBeLessThanOrEqual(20);
    }
    expect(named.nodes).toEqual([
      { name: "恒隆广场停车库", address: "静安区南京西路1266号", operator: expect.any(String), totalSpaces: 800 },
    ]);
  });

  it("walks every page of facilities with cursors and meets each one once, in id order", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const body = await query(
        `query Page($after: String) {
          parkingFacilities(first: 100, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } }
        }`,
        { after },
      );
      const page = body.data.parkingFacilities;
      seen.push(...page.edges.map((edge: any) => edge.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(FACILITIES);
    expect(new Set(seen).size).toBe(FACILITIES);
    expect(seen).toEqual([...seen].sort());
  });

  it("walks every charging station with cursors and filters them by street, facility and fast chargers", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const body = await query(
        `query Page($after: String) {
          chargingStations(first: 60, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } }
        }`,
        { after },
      );
      seen.push(...body.data.chargingStations.nodes.map((node: any) => node.id));
      if (!body.data.chargingStations.pageInfo.hasNextPage) break;
      after = body.data.chargingStations.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(STATIONS);
    expect(seen).toEqual([...new Set(seen)].sort());

    const body = await query(`{
      jingansi: chargingStations(filter: { streetId: "street-jingansi" }, first: 500) { nodes { street { id } facility { street { id } } } }
      one: chargingStations(filter: { facilityId: "${LANDMARK.id}" }) { nodes { id name operator fastChargers slowChargers } }
      fast: chargingStations(filter: { hasFastChargers: true }, first: 500) { nodes { fastChargers } }
      slowOnly: chargingStations(filter: { hasFastChargers: false }, first: 500) { nodes { fastChargers } }
    }`);
    expect(body.errors).toBeUndefined();
    for (const station of body.data.jingansi.nodes) {
      expect(station).toEqual({ street: { id: "street-jingansi" }, facility: { street: { id: "street-jingansi" } } });
    }
    expect(body.data.one.nodes).toEqual([
      {
        id: LANDMARK_STATION.id,
        name: LANDMARK_STATION.name,
        operator: expect.any(String),
        fastChargers: LANDMARK_STATION.fastChargers,
        slowChargers: LANDMARK_STATION.slowChargers,
      },
    ]);
    expect(LANDMARK_STATION.name).toBe(`${LANDMARK.name.replace(/(地下)?停车(库|场)$/u, "")}充电站`);
    expect(body.data.fast.nodes.every((s: any) => s.fastChargers > 0)).toBe(true);
    expect(body.data.slowOnly.nodes.every((s: any) => s.fastChargers === 0)).toBe(true);
    expect(body.data.fast.nodes.length + body.data.slowOnly.nodes.length).toBe(STATIONS);
  });

  it("answers a foreign or garbage cursor, a page size out of range and a bad filter with coded errors", async () => {
    const stations = await query(`{ chargingStations(first: 1) { pageInfo { endCursor } } }`);
    const foreign = stations.data.chargingStations.pageInfo.endCursor;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ first: 5, after: foreign }, "INVALID_CURSOR"],
      [{ first: 5, after: "not-a-cursor" }, "INVALID_CURSOR"],
      [{ first: 0 }, "PAGE_SIZE_OUT_OF_RANGE"],
      [{ first: 501 }, "PAGE_SIZE_OUT_OF_RANGE"],
      [{ first: 5, filter: { minFreeSpaces: 0 } }, "BAD_USER_INPUT"],
      [{ first: 5, filter: { nameContains: "停".repeat(51) } }, "BAD_USER_INPUT"],
    ];
    for (const [variables, code] of cases) {
      const body = await query(
        `query F($first: Int, $after: String, $filter: ParkingFacilityFilter) {
          parkingFacilities(first: $first, after: $after, filter: $filter) { nodes { id } }
        }`,
        variables,
      );
      expect(errorCode(body)).toBe(code);
      expect(body.errors?.[0].message).toMatch(/;/);
      expect(body.data.parkingFacilities).toBeNull();
    }
    expect(errorCode(await query(`{ chargingStations(first: 501) { nodes { id } } }`))).toBe("PAGE_SIZE_OUT_OF_RANGE");
  });

  it("returns null for unknown ids and a facility with its price in yuan and its charging station", async () => {
    const body = await query(`{
      missing: parkingFacility(id: "pf-9999") { id }
      missingStation: chargingStation(id: "cs-9999") { id }
      missingSession: parkingSession(id: "ps-nope") { id }
      landmark: parkingFacility(id: "${LANDMARK.id}") {
        name kind address hourlyPrice totalSpaces platformCode
        chargingStation { id facility { id } }
      }
    }`);
    expect(body.errors).toBeUndefined();
    expect(body.data).toMatchObject({ missing: null, missingStation: null, missingSession: null });
    expect(body.data.landmark).toEqual({
      name: LANDMARK.name,
      kind: "GARAGE",
      address: LANDMARK.address,
      hourlyPrice: LANDMARK.hourlyPriceFen / 100,
      totalSpaces: LANDMARK.totalSpaces,
      platformCode: LANDMARK.platformCode,
      chargingStation: { id: LANDMARK_STATION.id, facility: { id: LANDMARK.id } },
    });
    // The roster starts with the landmarks of the first street in division-code order, at their real addresses.
    expect(LANDMARK).toMatchObject({
      name: "艺海剧院停车库",
      address: "静安区江宁路466号",
      streetId: "street-jiangninglu",
    });
  });
});

describe("live data from the city platform", () => {
  it("shows availability and charger status from the platform, marked as its data", async () => {
    expireLiveCache();
    const body = await query(LIVE_PAGE, { first: 10 });
    expect(body.errors).toBeUndefined();
    const first = body.data.parkingFacilities.nodes[0];
    expect(first.id).toBe(LANDMARK.id);
    expect(first.availability).toEqual({
      totalSpaces: LANDMARK.totalSpaces,
      freeSpaces: expect.any(Number),
      updatedAt: expect.stringMatching(/Z$/),
      source: "city-platform",
    });
    expect(first.availability.freeSpaces).toBeLessThanOrEqual(LANDMARK.totalSpaces);
    expect(first.chargingStation.live).toMatchObject({
      fastTotal: LANDMARK_STATION.fastChargers,
      slowTotal: LANDMARK_STATION.slowChargers,
      source: "city-platform",
    });
    const live = first.chargingStation.live;
    expect(live.fastFree + live.slowFree + live.outOfService).toBeLessThanOrEqual(
      LANDMARK_STATION.fastChargers + LANDMARK_STATION.slowChargers,
    );
  });

  it("answers null without an error for a facility not connected to the platform or unknown to it", async () => {
    const unconnected = district.facilities.find((f) => f.platformCode === null)!;
    const unconnectedStation = district.stations.find((s) => s.platformCode === null)!;
    await insertFacility("pf-test-unknown", "SH-JA-P-99990");
    expireLiveCache();
    const { body, availabilityCalls } = await cost(
      `query L($a: ID!, $b: ID!, $s: ID!) {
        notConnected: parkingFacility(id: $a) { name platformCode availability { freeSpaces } }
        unknown: parkingFacility(id: $b) { name platformCode availability { freeSpaces } }
        station: chargingStation(id: $s) { platformCode live { fastFree } }
      }`,
      { a: unconnected.id, b: "pf-test-unknown", s: unconnectedStation.id },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.notConnected).toEqual({ name: unconnected.name, platformCode: null, availability: null });
    expect(body.data.unknown).toMatchObject({ platformCode: "SH-JA-P-99990", availability: null });
    expect(body.data.station).toEqual({ platformCode: null, live: null });
    // Only the unknown code was asked about; facilities without a code cost no call.
    expect(availabilityCalls).toBe(1);
  });

  it("lists 10 and 500 facilities with live data for the same SQL statements and ceil(codes / 200) platform calls", async () => {
    expireLiveCache();
    const small = await cost(LIVE_PAGE, { first: 10 });
    expireLiveCache();
    const large = await cost(LIVE_PAGE, { first: 500 });
    expect(small.body.errors).toBeUndefined();
    expect(large.body.errors).toBeUndefined();

    const nodes = large.body.data.parkingFacilities.nodes;
    expect(nodes).toHaveLength(500);
    const facilityCodes = nodes.filter((n: any) => n.platformCode).length;
    const stationCodes = nodes.filter((n: any) => n.chargingStation?.platformCode).length;
    expect(facilityCodes).toBeGreaterThan(400);
    expect(nodes.filter((n: any) => n.availability).length).toBe(facilityCodes);

    expect(small.statements).toBe(2); // the page, the charging stations of its facilities
    expect(large.statements).toBe(small.statements);
    expect(small.availabilityCalls).toBe(1);
    expect(small.chargerCalls).toBe(1);
    expect(large.availabilityCalls).toBe(Math.ceil(facilityCodes / 200));
    expect(large.availabilityCalls).toBe(3);
    expect(large.chargerCalls).toBe(Math.ceil(stationCodes / 200));
  });

  it("answers the same query again within the cache TTL without calling the platform, and asks again after it", async () => {
    expireLiveCache();
    const first = await cost(LIVE_PAGE, { first: 200 });
    expect(first.availabilityCalls).toBe(1);
    clock = new Date(clock.getTime() + CACHE_TTL_MS - 1_000);
    const cached = await cost(LIVE_PAGE, { first: 200 });
    expect(cached.availabilityCalls).toBe(0);
    expect(cached.chargerCalls).toBe(0);
    expect(cached.body.data).toEqual(first.body.data);
    clock = new Date(clock.getTime() + 2_000);
    const expired = await cost(LIVE_PAGE, { first: 200 });
    expect(expired.availabilityCalls).toBe(1);
    expect(expired.chargerCalls).toBe(1);
  });

  it("makes one round of platform calls for simultaneous requests when the cache has expired", async () => {
    await platform.setFaults({ latencyMs: { min: 150, max: 150 } });
    try {
      expireLiveCache();
      const before = platform.stats().byPath["/api/v1/availability"] ?? 0;
      const bodies = await Promise.all([1, 2, 3].map(() => query(LIVE_PAGE, { first: 150 })));
      for (const body of bodies) expect(body.errors).toBeUndefined();
      // Without sharing calls in flight, each request would make its own (the platform takes 150 ms to answer).
      expect((platform.stats().byPath["/api/v1/availability"] ?? 0) - before).toBe(1);
      expect(bodies[2]!.data).toEqual(bodies[0]!.data);
    } finally {
      await platform.setFaults({ latencyMs: { min: 1, max: 5 } });
    }
  });

  function expectPartialAnswer(body: { data?: any; errors?: any[] }, facilities: number) {
    const nodes = body.data.parkingFacilities.nodes;
    expect(nodes).toHaveLength(facilities);
    expect(nodes.every((n: any) => typeof n.name === "string" && n.name.length > 0)).toBe(true);
    expect(nodes.every((n: any) => n.availability === null)).toBe(true);
    expect(nodes.every((n: any) => n.chargingStation === null || n.chargingStation.live === null)).toBe(true);
    // One error per failed lookup (availability, chargers), not one per row.
    expect(body.errors).toHaveLength(2);
    for (const error of body.errors!) expect(error.extensions.code).toBe("UPSTREAM_UNAVAILABLE");
    const [availability, chargers] = [...body.errors!].sort((a, b) =>
      a.extensions.endpoint.localeCompare(b.extensions.endpoint),
    );
    expect(availability.message).toBe(UPSTREAM_MESSAGES.availability);
    expect(availability.extensions).toMatchObject({ endpoint: "availability", upstream: "city-parking-platform" });
    expect(availability.extensions.missingValues).toBe(nodes.filter((n: any) => n.platformCode).length);
    expect(availability.path).toEqual(["parkingFacilities", "nodes", expect.any(Number), "availability"]);
    expect(chargers.message).toBe(UPSTREAM_MESSAGES.chargers);
    // Nothing about where the platform lives reaches the caller.
    const text = JSON.stringify(body);
    const { host } = new URL(platform.url);
    for (const leak of [platform.url, host, `:${platform.port}`, "127.0.0.1", "localhost", "ECONNREFUSED", "http"]) {
      expect(text).not.toContain(leak);
    }
  }

  it("keeps the rest of the answer when the platform is down: live fields null, one coded error each, no host named", async () => {
    await platform.setFaults({ down: true });
    try {
      expireLiveCache();
      const { body } = await cost(LIVE_PAGE, { first: 50 });
      expectPartialAnswer(body, 50);
    } finally {
      await platform.setFaults({ down: false });
    }
    expireLiveCache();
    expect((await query(LIVE_PAGE, { first: 5 })).errors).toBeUndefined();
  });

  it("turns the platform's 503 answers into the same partial answer", async () => {
    await platform.setFaults({ failureRate: 1 });
    try {
      expireLiveCache();
      const { body, availabilityCalls } = await cost(LIVE_PAGE, { first: 300 });
      expect(availabilityCalls).toBe(2);
      expectPartialAnswer(body, 300);
    } finally {
      await platform.setFaults({ failureRate: 0 });
    }
  });

  it("gives up on a slow platform after the timeout instead of hanging", async () => {
    await platform.setFaults({ latencyMs: { min: 3_000, max: 3_000 } });
    try {
      expireLiveCache();
      const { body, availabilityCalls } = await cost(LIVE_PAGE, { first: 20 });
      // The platform was asked and would have answered after 3 s: a partial answer means the subgraph stopped
      // waiting at its timeout (how soon belongs to the benchmarks).
      expect(availabilityCalls).toBeGreaterThanOrEqual(1);
      expectPartialAnswer(body, 20);
    } finally {
      await platform.setFaults({ latencyMs: { min: 1, max: 5 } });
    }
  });

  it("filters by live free spaces with one lookup for all candidates, and refuses the filter while the platform is down", async () => {
    expireLiveCache();
    const { body, availabilityCalls, statements } = await cost(`{
      parkingFacilities(filter: { minFreeSpaces: 50 }, first: 500) {
        totalCount
        nodes { id platformCode availability { freeSpaces } }
      }
    }`);
    expect(body.errors).toBeUndefined();
    const { nodes, totalCount } = body.data.parkingFacilities;
    expect(nodes.length).toBeGreaterThan(0);
    expect(nodes.length).toBeLessThan(FACILITIES);
    expect(totalCount).toBe(nodes.length);
    expect(nodes.every((n: any) => n.availability.freeSpaces >= 50)).toBe(true);
    // Every connected facility was looked up once (577 codes → 3 calls); the page's own field reused the answers.
    expect(availabilityCalls).toBe(3);
    expect(statements).toBe(2); // candidates for the page, candidates for the count

    await platform.setFaults({ down: true });
    try {
      expireLiveCache();
      const down = await query(`{
        parkingFacilities(filter: { minFreeSpaces: 10 }) { nodes { id } }
        parkingFacility(id: "${LANDMARK.id}") { name }
      }`);
      expect(down.data.parkingFacilities).toBeNull();
      expect(down.data.parkingFacility).toEqual({ name: LANDMARK.name });
      expect(errorCode(down)).toBe("UPSTREAM_UNAVAILABLE");
      expect(down.errors?.[0].message).toBe(UPSTREAM_MESSAGES.minFreeSpaces);
    } finally {
      await platform.setFaults({ down: false });
    }
  });

  it("treats a body that breaks the platform's contract as unavailable, not as data", async () => {
    const bodies = [
      '{"items": "not a list", "unknown": []}',
      `{"items": [{"code": "${LANDMARK.platformCode}", "totalSpaces": 10, "freeSpaces": 3, "updatedAt": "yesterday"}], "unknown": []}`,
      '{"items": [], "unknown": []}', // a code left out of both lists
      "<html>gateway error</html>",
    ];
    let next = 0;
    const fake = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(bodies[next++]);
    });
    await new Promise<void>((resolve) => fake.listen(0, "127.0.0.1", resolve));
    try {
      const client = createCityPlatformClient(
        { url: `http://127.0.0.1:${(fake.address() as AddressInfo).port}`, cacheTtlMs: 0 },
        Date.now,
      );
      for (const _ of bodies) {
        const [value] = await client.availability([LANDMARK.platformCode!]);
        expect(value).toBeInstanceOf(CityPlatformUnavailable);
        expect((value as CityPlatformUnavailable).affected).toBe(1);
      }
    } finally {
      await new Promise((resolve) => fake.close(resolve));
    }
  });
});

describe("entities and extensions", () => {
  it("resolves facility, station and session representations in the order asked, with null for unknown ids", async () => {
    const { body, statements } = await cost(
      `query E($representations: [_Any!]!) {
        _entities(representations: $representations) {
          ... on ParkingFacility { id name }
          ... on ChargingStation { id fastChargers }
          ... on ParkingSession { id plate status }
        }
      }`,
      {
        representations: [
          { __typename: "ParkingFacility", id: OTHER.id },
          { __typename: "ParkingFacility", id: "pf-9999" },
          { __typename: "ChargingStation", id: LANDMARK_STATION.id },
          { __typename: "ParkingSession", id: "ps-0001-01" },
          { __typename: "ParkingFacility", id: LANDMARK.id },
          { __typename: "ParkingSession", id: "ps-none" },
        ],
      },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data._entities).toEqual([
      { id: OTHER.id, name: OTHER.name },
      null,
      { id: LANDMARK_STATION.id, fastChargers: LANDMARK_STATION.fastChargers },
      { id: "ps-0001-01", plate: expect.any(String), status: "COMPLETED" },
      { id: LANDMARK.id, name: LANDMARK.name },
      null,
    ]);
    // One per entity type, plus one batch of the sessions' facilities: an officer sees a session only in its street.
    expect(statements).toBe(4);
  });

  it("resolves 50 Street representations with their facilities and charging stations in two SQL statements", async () => {
    const streets = [...new Set(district.facilities.map((f) => f.streetId))];
    expect(streets).toHaveLength(14);
    const ids = [...streets, ...Array.from({ length: 36 }, (_, i) => `street-elsewhere-${i}`)];
    const { body, statements } = await cost(
      `query S($representations: [_Any!]!) {
        _entities(representations: $representations) {
          ... on Street { id parkingFacilities { id kind } road: parkingFacilities(kind: ON_STREET) { kind } chargingStations { id } }
        }
      }`,
      { representations: ids.map((id) => ({ __typename: "Street", id })) },
    );
    expect(body.errors).toBeUndefined();
    expect(statements).toBe(2);
    const entities = body.data._entities;
    expect(entities.map((e: any) => e.id)).toEqual(ids);
    expect(entities.reduce((sum: number, e: any) => sum + e.parkingFacilities.length, 0)).toBeGreaterThanOrEqual(
      FACILITIES,
    );
    expect(entities.reduce((sum: number, e: any) => sum + e.chargingStations.length, 0)).toBe(STATIONS);
    for (const street of entities.slice(0, 14)) {
      expect(street.road.length).toBeGreaterThan(0);
      expect(street.road.every((f: any) => f.kind === "ON_STREET")).toBe(true);
    }
    for (const elsewhere of entities.slice(14)) {
      expect(elsewhere).toMatchObject({ parkingFacilities: [], road: [], chargingStations: [] });
    }
  });

  it("lists the facilities 区建管委 supervises, and none for another department", async () => {
    const { body, statements } = await cost(
      `query D($representations: [_Any!]!) {
        _entities(representations: $representations) { ... on Department { id parkingFacilities(kind: GARAGE) { kind } } }
      }`,
      { representations: ["dept-transport", "dept-health"].map((id) => ({ __typename: "Department", id })) },
    );
    expect(statements).toBe(1);
    const [transport, health] = body.data._entities;
    const garages = await prisma.parkingFacility.count({ where: { departmentId: "dept-transport", kind: "GARAGE" } });
    expect(garages).toBeGreaterThan(400);
    expect(transport.parkingFacilities.length).toBe(garages);
    expect(health.parkingFacilities).toEqual([]);
  });

  it("resolves 10 and 500 Resident representations with their sessions and facilities in the same two SQL statements", async () => {
    const owners = await prisma.parkingSession.findMany({
      distinct: ["residentId"],
      select: { residentId: true },
      take: 500,
    });
    const RESIDENTS = /* GraphQL */ `
      query R($representations: [_Any!]!) {
        _entities(representations: $representations) {
          ... on Resident { id parkingSessions { id startedAt status facility { name } } active: parkingSessions(status: ACTIVE) { id } }
        }
      }
    `;
    const residents = (n: number) => ({
      representations: owners.slice(0, n).map((o) => ({ __typename: "Resident", id: o.residentId })),
    });
    const small = await cost(RESIDENTS, residents(10));
    const large = await cost(RESIDENTS, residents(500));
    expect(large.body.errors).toBeUndefined();
    expect(small.statements).toBe(2); // sessions of the residents, their facilities
    expect(large.statements).toBe(small.statements);
    const entities = large.body.data._entities;
    expect(entities).toHaveLength(500);
    for (const resident of entities) {
      expect(resident.parkingSessions.length).toBeGreaterThan(0);
      const starts = resident.parkingSessions.map((s: any) => s.startedAt);
      expect(starts).toEqual([...starts].sort().reverse());
      expect(resident.active).toEqual(
        resident.parkingSessions.filter((s: any) => s.status === "ACTIVE").map((s: any) => ({ id: s.id })),
      );
    }
    const stranger = await query(
      `query R($representations: [_Any!]!) { _entities(representations: $representations) { ... on Resident { id parkingSessions { id } } } }`,
      { representations: [{ __typename: "Resident", id: "resident-999999" }] },
    );
    // A resident the register does not know is in nobody's reach: null, exactly like any resident out of reach.
    expect(stranger.data._entities).toEqual([null]);
  });

  it("lists 10 and 240 charging stations with their facility and its live availability in constant SQL", async () => {
    const STATIONS_PAGE = `query C($first: Int) {
      chargingStations(first: $first) { nodes { id facility { name platformCode availability { freeSpaces } } } }
    }`;
    expireLiveCache();
    const small = await cost(STATIONS_PAGE, { first: 10 });
    expireLiveCache();
    const large = await cost(STATIONS_PAGE, { first: STATIONS });
    expect(large.body.data.chargingStations.nodes).toHaveLength(STATIONS);
    expect(small.statements).toBe(2); // stations, their facilities
    expect(large.statements).toBe(small.statements);
    const codes = large.body.data.chargingStations.nodes.filter((n: any) => n.facility.platformCode).length;
    expect(large.availabilityCalls).toBe(Math.ceil(codes / 200));
    expect(small.availabilityCalls).toBe(1);
  });
});

describe("parking sessions", () => {
  const START = /* GraphQL */ `
    mutation Start($facilityId: ID!, $residentId: ID!, $plate: String!) {
      startParkingSession(input: { facilityId: $facilityId, residentId: $residentId, plate: $plate }) {
        id status plate newEnergyVehicle startedAt endedAt fee billedHalfHours
        facility { id hourlyPrice } resident { id }
      }
    }
  `;
  const END = /* GraphQL */ `
    mutation End($sessionId: ID!) {
      endParkingSession(input: { sessionId: $sessionId }) { id status startedAt endedAt billedHalfHours fee }
    }
  `;
  const start = (facilityId: string, residentId: string, plate: string) =>
    query(START, { facilityId, residentId, plate });
  const end = (sessionId: string) => query(END, { sessionId });

  it("starts a session now and ends it with a fee for every started half hour", async () => {
    setClock(seedDateTime(0, "10:00"));
    const started = await start("pf-0002", "resident-010001", "沪a·5k 321");
    expect(started.errors).toBeUndefined();
    const session = started.data.startParkingSession;
    expect(session).toMatchObject({
      status: "ACTIVE",
      plate: "沪A5K321",
      newEnergyVehicle: false,
      startedAt: seedInstant(0, "10:00").toISOString(),
      endedAt: null,
      fee: null,
      billedHalfHours: null,
      resident: { id: "resident-010001" },
    });
    const hourly = session.facility.hourlyPrice;

    setClock(seedDateTime(0, "11:35")); // 95 minutes: four half hours begun
    const ended = await end(session.id);
    expect(ended.errors).toBeUndefined();
    expect(ended.data.endParkingSession).toEqual({
      id: session.id,
      status: "COMPLETED",
      startedAt: seedInstant(0, "10:00").toISOString(),
      endedAt: seedInstant(0, "11:35").toISOString(),
      billedHalfHours: 4,
      fee: hourly * 2,
    });
    const row = await prisma.parkingSession.findUniqueOrThrow({ where: { id: session.id } });
    expect(row).toMatchObject({ status: "COMPLETED", feeFen: hourly * 200, plate: "沪A5K321" });

    const read = await query(`query S($id: ID!) { parkingSession(id: $id) { fee status } }`, { id: session.id });
    expect(read.data.parkingSession).toEqual({ fee: hourly * 2, status: "COMPLETED" });
  });

  it("charges per started half hour: nothing for no time, one for a second, two just past half an hour", () => {
    const at = (minutes: number, seconds = 0) =>
      new Date(seedInstant(0, "10:00").getTime() + (minutes * 60 + seconds) * 1000);
    expect(startedHalfHours(at(0), at(0))).toBe(0);
    expect(startedHalfHours(at(0), at(0, 1))).toBe(1);
    expect(startedHalfHours(at(0), at(30))).toBe(1);
    expect(startedHalfHours(at(0), at(30, 1))).toBe(2);
    expect(parkingFeeFen(1500, at(0), at(95))).toBe(3000);
    expect(parkingFeeFen(800, at(0), at(0, 1))).toBe(400);
  });

  it("accepts new-energy plates and refuses strings that are no plate, with nothing written", async () => {
    setClock(seedDateTime(0, "12:00"));
    const ev = await start("pf-0003", "resident-010002", "沪AD12345");
    expect(ev.errors).toBeUndefined();
    expect(ev.data.startParkingSession).toMatchObject({ plate: "沪AD12345", newEnergyVehicle: true });
    expect(isValidPlate("沪A12345D") && isNewEnergyPlate("沪A12345D")).toBe(true);
    expect(normalisePlate(" 苏e·12345 ")).toBe("苏E12345");

    const before = await prisma.parkingSession.count();
    for (const plate of ["沪B1234", "沪I12345", "AB12345", "沪A123456", "沪AX12345", "沪A12O45", ""]) {
      const body = await start("pf-0003", "resident-010003", plate);
      expect(errorCode(body)).toBe("BAD_USER_INPUT");
      expect(body.errors?.[0].message).toMatch(/沪A12345/);
      if (plate) expect(body.errors?.[0].message).not.toContain(plate);
    }
    expect(errorCode(await start("pf-0003", "someone", "沪B54321"))).toBe("BAD_USER_INPUT");
    expect(errorCode(await start("pf-9999", "resident-010003", "沪B54321"))).toBe("NOT_FOUND_ENTITY");
    expect(await prisma.parkingSession.count()).toBe(before);
  });

  it("refuses a second active session for the same plate with INVALID_STATE_TRANSITION, writing nothing", async () => {
    setClock(seedDateTime(0, "12:10"));
    const first = await start("pf-0004", "resident-010004", "沪C77777");
    expect(first.errors).toBeUndefined();
    const before = await prisma.parkingSession.count();
    const again = await start("pf-0100", "resident-010004", "沪C·77777");
    expect(errorCode(again)).toBe("INVALID_STATE_TRANSITION");
    expect(again.errors?.[0].message).toContain(first.data.startParkingSession.id);
    expect(again.errors?.[0].message).toMatch(/endParkingSession/);
    expect(await prisma.parkingSession.count()).toBe(before);

    // Once that stay has ended, the car can park again.
    setClock(seedDateTime(0, "12:40"));
    expect((await end(first.data.startParkingSession.id)).errors).toBeUndefined();
    expect((await start("pf-0100", "resident-010004", "沪C77777")).errors).toBeUndefined();
  });

  it("refuses to end a session twice with INVALID_STATE_TRANSITION and keeps the first fee", async () => {
    setClock(seedDateTime(0, "13:00"));
    const session = (await start("pf-0005", "resident-010005", "沪D24680")).data.startParkingSession;
    setClock(seedDateTime(0, "14:10"));
    const ended = (await end(session.id)).data.endParkingSession;
    const row = await prisma.parkingSession.findUniqueOrThrow({ where: { id: session.id } });

    setClock(seedDateTime(0, "18:00"));
    const twice = await end(session.id);
    expect(errorCode(twice)).toBe("INVALID_STATE_TRANSITION");
    expect(twice.errors?.[0].message).toMatch(/COMPLETED/);
    expect(await prisma.parkingSession.findUniqueOrThrow({ where: { id: session.id } })).toEqual(row);
    expect(ended.fee).toBe(row.feeFen! / 100);
    expect(errorCode(await end("ps-does-not-exist"))).toBe("NOT_FOUND_ENTITY");

    // A seeded, completed session cannot be ended either.
    expect(errorCode(await end("ps-0001-01"))).toBe("INVALID_STATE_TRANSITION");
  });

  it("lets exactly one of 5 simultaneous starts for the same plate, and one of 3 simultaneous ends, succeed", async () => {
    setClock(seedDateTime(0, "15:00"));
    const starts = await Promise.all(
      Array.from({ length: 5 }, (_, i) => start(`pf-00${10 + i}`, "resident-010006", "沪E13579")),
    );
    const startCodes = starts.map((body) => (body.errors ? errorCode(body) : "OK"));
    expect(startCodes.filter((code) => code === "OK")).toHaveLength(1);
    expect(startCodes.filter((code) => code === "INVALID_STATE_TRANSITION")).toHaveLength(4);
    expect(await prisma.parkingSession.count({ where: { plate: "沪E13579", status: "ACTIVE" } })).toBe(1);

    const session = starts.find((body) => !body.errors)!.data.startParkingSession;
    setClock(seedDateTime(0, "16:00"));
    const ends = await Promise.all([1, 2, 3].map(() => end(session.id)));
    const endCodes = ends.map((body) => (body.errors ? errorCode(body) : "OK"));
    expect(endCodes.sort()).toEqual(["INVALID_STATE_TRANSITION", "INVALID_STATE_TRANSITION", "OK"]);
  });

  it("shows a resident's sessions through the Resident entity, the running one first", async () => {
    setClock(seedDateTime(0, "17:00"));
    const started = (await start("pf-0020", "resident-010007", "沪F11223")).data.startParkingSession;
    const body = await query(
      `query R($representations: [_Any!]!) {
        _entities(representations: $representations) { ... on Resident { parkingSessions(status: ACTIVE) { id plate facility { id } } } }
      }`,
      { representations: [{ __typename: "Resident", id: "resident-010007" }] },
    );
    expect(body.data._entities[0].parkingSessions).toEqual([
      { id: started.id, plate: "沪F11223", facility: { id: "pf-0020" } },
    ]);
  });
});

describe("seed", () => {
  it("adds nothing when run again and keeps the sessions started and ended since", async () => {
    const before = await countRows(prisma);
    expect(before.parkingFacilities).toBe(FACILITIES + 1); // plus the one test facility
    expect(before.parkingSessions).toBeGreaterThan(9_000);
    expect(before.activeSessions).toBeGreaterThan(100);
    const ended = await prisma.parkingSession.findFirstOrThrow({ where: { plate: "沪D24680" } });

    const summary = await parking.seed(prisma, service.db, { date: TEST_SEED_DATE, previousDates: [] });

    expect(summary).toEqual(before);
    expect(await prisma.parkingSession.findUniqueOrThrow({ where: { id: ended.id } })).toEqual(ended);
  });
});

describe("who may start and end parking sessions", () => {
  const start = `mutation ($facilityId: ID!, $residentId: ID, $plate: String!) {
    startParkingSession(input: { facilityId: $facilityId, residentId: $residentId, plate: $plate }) { id resident { id } }
  }`;
  const end = `mutation ($id: ID!) { endParkingSession(input: { sessionId: $id }) { id status } }`;
  async function aFacility() {
    const { data } = await query(`{ parkingFacilities(first: 1) { nodes { id } } }`);
    return data.parkingFacilities.nodes[0].id as string;
  }

  it("parks for the resident in the verified identity and refuses parking for someone else", async () => {
    const facilityId = await aFacility();
    const own = await query(start, { facilityId, plate: "沪A90001" }, residentPrincipal("resident-041001"));
    expect(own.data.startParkingSession.resident.id).toBe("resident-041001");
    const other = await query(
      start,
      { facilityId, plate: "沪A90002", residentId: "resident-041002" },
      residentPrincipal("resident-041003"),
    );
    expect(other.errors?.[0].extensions.code).toBe("FORBIDDEN");
  });

  it("answers another resident's session as not found", async () => {
    const facilityId = await aFacility();
    const { data } = await query(start, { facilityId, plate: "沪A90003" }, residentPrincipal("resident-041010"));
    const stranger = await query(end, { id: data.startParkingSession.id }, residentPrincipal("resident-041011"));
    expect(stranger.errors?.[0].extensions.code).toBe("NOT_FOUND_ENTITY");
    const owner = await query(end, { id: data.startParkingSession.id }, residentPrincipal("resident-041010"));
    expect(owner.data.endParkingSession.status).toBe("COMPLETED");
  });
});
