import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ANONYMOUS, type Principal } from "../../lib/principal.ts";
import { JINGAN_DIVISION_IDS } from "../../lib/reference/jinganDivisions.ts";
import { ALL_STREETS } from "../../test/rows/principals.ts";
import { seedDateTime, seedInstant, seedLocal, TEST_SEED_DATE } from "../../test/support/seedDate.ts";
import { graphql, startTestSubgraph } from "../../test/support/subgraphs.ts";
import type { SubgraphService } from "../kit/service.ts";
import { createCultureSubgraph } from "./index.ts";
import type { CulturePrisma } from "./loaders.ts";
import { countRows } from "./seed.ts";

/**
 * The morning of the first seeded future day: every seeded programme before TEST_SEED_DATE has taken place, every one
 * from that day on is still ahead, whatever today's date is.
 */
const NOW = seedInstant(0, "08:00");
const culture = createCultureSubgraph({ now: () => NOW });

let service: SubgraphService<CulturePrisma>;
let prisma: CulturePrisma;

beforeAll(async () => {
  service = await startTestSubgraph(culture, { seedDate: TEST_SEED_DATE });
  prisma = service.prisma;
});

afterAll(async () => {
  await service?.stop();
});

function resident(residentId: string): Principal {
  return { ...ANONYMOUS, kind: "resident", id: `person-${residentId}`, roles: ["resident"], residentId };
}

const CULTURE_OFFICER: Principal = {
  ...ANONYMOUS,
  kind: "officer",
  id: "person-officer-culture-01",
  roles: ["officer"],
  departmentId: "dept-culture",
  // The whole district: an officer sees registrations only in the streets of their jurisdiction.
  streetIds: ALL_STREETS,
};

async function query(document: string, variables?: Record<string, unknown>, principal?: Principal) {
  return (await graphql(service.url, document, variables, {}, principal ? { principal } : {})).body;
}

/** Runs an operation and returns how many SQL statements it cost. */
async function sqlCost(document: string, variables?: Record<string, unknown>) {
  const before = service.sqlQueries();
  // A 区文化旅游局 officer: residents' registrations are readable only by them and the department.
  const body = await query(document, variables, CULTURE_OFFICER);
  expect(body.errors).toBeUndefined();
  return { body, statements: service.sqlQueries() - before };
}

function errorCode(body: { errors?: any[] }): string | undefined {
  return body.errors?.[0]?.extensions?.code;
}

/** Follows `endCursor` to the end of a list and returns every id met, checking the cursors on the way. */
async function walk(field: string, args: string, pageSize: number): Promise<{ ids: string[]; pages: number }> {
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

const STREET_IDS = [...JINGAN_DIVISION_IDS];

describe("cultural venues", () => {
  it("lists the district library, theatres, memorials and a community cultural centre in every street", async () => {
    const body = await query(`{
      all: cultureVenues(first: 200) { totalCount nodes { id kind street { id } department { id } } }
      libraries: cultureVenues(filter: { kind: LIBRARY }) { nodes { name isSmartVenue } }
      theatres: cultureVenues(filter: { kind: THEATRE }) { nodes { name seats building { name yearBuilt architect } } }
    }`);
    expect(body.errors).toBeUndefined();
    const all = body.data.all.nodes;
    expect(body.data.all.totalCount).toBe(all.length);
    expect(all.length).toBe(69);
    const centres = all.filter((v: any) => v.kind === "COMMUNITY_CULTURAL_CENTRE");
    expect(new Set(centres.map((c: any) => c.street.id))).toEqual(new Set(STREET_IDS));
    for (const centre of centres) expect(centre.department.id).toBe(`dept-${centre.street.id}`);
    expect(all.filter((v: any) => v.kind === "THEATRE").every((v: any) => v.department.id === "dept-culture")).toBe(
      true,
    );

    expect(body.data.libraries.nodes.map((l: any) => l.name)).toContain("静安区图书馆（新闸路馆）");
    expect(body.data.libraries.nodes.find((l: any) => l.name === "静安区图书馆（新闸路馆）").isSmartVenue).toBe(true);
    const majestic = body.data.theatres.nodes.find((t: any) => t.name === "美琪大戏院");
    expect(majestic).toMatchObject({ building: { name: "美琪大戏院", yearBuilt: 1941, architect: "范文照" } });
    expect(body.data.theatres.nodes.map((t: any) => t.name)).toEqual(
      expect.arrayContaining(["上海商城剧院", "艺海剧院", "上海马戏城"]),
    );
  });

  it("filters by street, kind, smart-venue flag and part of the name", async () => {
    const body = await query(`{
      memorials: cultureVenues(filter: { kind: MEMORIAL, streetId: "street-jingansi" }) { nodes { name } }
      smart: cultureVenues(filter: { isSmartVenue: true, kind: LIBRARY_BRANCH }) { totalCount nodes { openingHours } }
      plain: cultureVenues(filter: { isSmartVenue: false }, first: 200) { nodes { isSmartVenue } }
      stations: cultureVenues(filter: { nameContains: "乐游驿站" }) { nodes { kind } }
    }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.memorials.nodes.map((v: any) => v.name).sort()).toEqual(
      ["中共上海地下组织斗争史陈列馆（刘长胜故居）", "蔡元培故居陈列馆"].sort(),
    );
    // The eight 24-hour city study rooms are the smart library branches.
    expect(body.data.smart.totalCount).toBe(8);
    expect(body.data.smart.nodes.every((v: any) => v.openingHours.startsWith("24小时"))).toBe(true);
    expect(body.data.plain.nodes.every((v: any) => v.isSmartVenue === false)).toBe(true);
    expect(body.data.stations.nodes.length).toBeGreaterThan(5);
    expect(body.data.stations.nodes.every((v: any) => v.kind === "TOURIST_STATION")).toBe(true);
  });

  it("walks every page with cursors and meets each venue once, in id order", async () => {
    const { ids, pages } = await walk("cultureVenues", "", 20);
    expect(pages).toBe(4);
    expect(ids).toHaveLength(69);
    expect(new Set(ids).size).toBe(69);
    expect(ids).toEqual([...ids].sort());
  });

  it("answers a foreign or broken cursor, a page size out of range and an overlong name with coded errors", async () => {
    const buildings = await query(`{ readableBuildings(first: 1) { pageInfo { endCursor } } }`);
    const foreignCursor = buildings.data.readableBuildings.pageInfo.endCursor;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ first: 5, after: foreignCursor }, "INVALID_CURSOR"],
      [{ first: 5, after: "not-a-cursor" }, "INVALID_CURSOR"],
      [{ first: 0 }, "PAGE_SIZE_OUT_OF_RANGE"],
      [{ first: 201 }, "PAGE_SIZE_OUT_OF_RANGE"],
      [{ first: 5, name: "图".repeat(51) }, "BAD_USER_INPUT"],
    ];
    for (const [variables, code] of cases) {
      const body = await query(
        `query V($first: Int, $after: String, $name: String) {
          cultureVenues(first: $first, after: $after, filter: { nameContains: $name }) { nodes { id } }
        }`,
        variables,
      );
      expect(errorCode(body)).toBe(code);
      expect(body.errors?.[0].message).toMatch(/;/);
    }
    for (const list of ["readableBuildings", "cultureProgrammes", "tourismRoutes"]) {
      const body = await query(`{ ${list}(first: 101) { nodes { id } } }`);
      expect(errorCode(body)).toBe("PAGE_SIZE_OUT_OF_RANGE");
    }
  });

  it("returns null for an unknown venue, building, programme, registration or route id", async () => {
    const body = await query(`{
      cultureVenue(id: "cv-9999") { id }
      readableBuilding(id: "rb-9999") { id }
      readableBuildingByQrCode(qrCodeId: "JAJZ-9999-0000") { id }
      cultureProgramme(id: "prog-nope") { id }
      cultureRegistration(id: "creg-nope") { id }
      tourismRoute(id: "route-99") { id }
      known: cultureVenue(id: "cv-0001") { name }
    }`);
    expect(body.data).toEqual({
      cultureVenue: null,
      readableBuilding: null,
      readableBuildingByQrCode: null,
      cultureProgramme: null,
      cultureRegistration: null,
      tourismRoute: null,
      known: { name: "静安区图书馆（新闸路馆）" },
    });
  });
});

describe("readable buildings (建筑可阅读)", () => {
  it("holds about 300 plaques, the named landmarks with their protection and stories", async () => {
    const body = await query(`{
      all: readableBuildings { totalCount }
      national: readableBuildings(filter: { protectionLevel: NATIONAL_HERITAGE }) {
        nodes { name address yearBuilt openToPublic street { id } venues { name } }
      }
      cai: readableBuildings(filter: { nameContains: "蔡元培" }) {
        nodes { name architect style buildingType openToPublic history street { id } routes { name } }
      }
    }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.all.totalCount).toBe(300);
    expect(body.data.national.nodes).toEqual([
      {
        name: "中共二大会址",
        address: "静安区老成都北路7弄30号",
        yearBuilt: 1915,
        openToPublic: true,
        street: { id: "street-nanjingxilu" },
        venues: [{ name: "中共二大会址纪念馆" }],
      },
    ]);
    const [cai] = body.data.cai.nodes;
    expect(cai).toMatchObject({
      name: "蔡元培故居",
      architect: null,
      buildingType: "GARDEN_HOUSE",
      openToPublic: true,
      street: { id: "street-jingansi" },
    });
    expect(cai.history).toMatch(/1937年/);
    expect(cai.routes.map((r: any) => r.name)).toContain("愚园路·华山路名人故居");
  });

  it("filters by street, protection level, type, part of the name or former name, and openness", async () => {
    const body = await query(`{
      former: readableBuildings(filter: { nameContains: "爱林登" }) { nodes { name formerName } }
      closedGardens: readableBuildings(filter: { buildingType: GARDEN_HOUSE, openToPublic: false }, first: 100) {
        nodes { buildingType openToPublic }
      }
      northVillages: readableBuildings(filter: { streetId: "street-pengpuxincun", buildingType: WORKERS_VILLAGE }) {
        nodes { yearBuilt street { id } }
      }
      municipal: readableBuildings(filter: { protectionLevel: MUNICIPAL_HERITAGE, streetId: "street-nanjingxilu" }) {
        nodes { name }
      }
    }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.former.nodes).toEqual([{ name: "常德公寓", formerName: "爱林登公寓" }]);
    expect(body.data.closedGardens.nodes.length).toBeGreaterThan(5);
    expect(body.data.closedGardens.nodes.every((b: any) => b.buildingType === "GARDEN_HOUSE" && !b.openToPublic)).toBe(
      true,
    );
    expect(body.data.northVillages.nodes.length).toBeGreaterThan(0);
    for (const village of body.data.northVillages.nodes) {
      expect(village.yearBuilt).toBeGreaterThanOrEqual(1952);
      expect(village.street.id).toBe("street-pengpuxincun");
    }
    expect(body.data.municipal.nodes.map((b: any) => b.name)).toEqual(
      expect.arrayContaining(["平民女校旧址", "毛泽东寓所旧址", "西摩路会堂"]),
    );
  });

  it("gives every building a Chinese history of several sentences and a unique QR code that opens it", async () => {
    const buildings = await prisma.readableBuilding.findMany({ orderBy: { id: "asc" } });
    expect(new Set(buildings.map((b) => b.qrCodeId)).size).toBe(buildings.length);
    expect(new Set(buildings.map((b) => b.name)).size).toBe(buildings.length);
    for (const building of buildings) {
      expect(building.history.split("。").filter(Boolean).length).toBeGreaterThanOrEqual(2);
      expect(building.history).not.toMatch(/[{}]/);
      expect(building.address).toMatch(/^静安区/);
    }
    const sihang = buildings.find((b) => b.name === "四行仓库")!;
    const body = await query(
      `query Q($code: String!) { readableBuildingByQrCode(qrCodeId: $code) { id name venues { name kind } } }`,
      { code: sihang.qrCodeId },
    );
    expect(body.data.readableBuildingByQrCode).toEqual({
      id: sihang.id,
      name: "四行仓库",
      venues: [{ name: "四行仓库抗战纪念馆", kind: "MEMORIAL" }],
    });
  });

  it("walks all 300 with cursors, 100 a page, each once and in id order", async () => {
    const { ids, pages } = await walk("readableBuildings", "", 100);
    expect(pages).toBe(3);
    expect(ids).toHaveLength(300);
    expect(new Set(ids).size).toBe(300);
    expect(ids).toEqual([...ids].sort());
  });
});

describe("tourism routes", () => {
  it("lists the themed routes and one micro-tour per street, stops in walking order", async () => {
    const body = await query(`{
      tourismRoutes(first: 50) {
        totalCount
        nodes {
          id name theme durationMinutes distanceMeters
          stops { position stayMinutes guide building { id name } venue { id name } }
        }
      }
    }`);
    expect(body.errors).toBeUndefined();
    const routes = body.data.tourismRoutes.nodes;
    expect(body.data.tourismRoutes.totalCount).toBe(21);
    expect(routes.filter((r: any) => r.name.endsWith("建筑可阅读微旅行"))).toHaveLength(14);
    for (const route of routes) {
      expect(route.stops.map((s: any) => s.position)).toEqual(route.stops.map((_: unknown, i: number) => i + 1));
      for (const stop of route.stops) expect((stop.building === null) !== (stop.venue === null)).toBe(true);
      const stay = route.stops.reduce((sum: number, s: any) => sum + s.stayMinutes, 0);
      expect(route.durationMinutes).toBeGreaterThan(stay);
      expect(route.distanceMeters).toBeGreaterThan(0);
    }
    const red = routes.find((r: any) => r.theme === "RED_CULTURE");
    expect(red.stops.map((s: any) => s.building.name)).toEqual([
      "中共二大会址",
      "平民女校旧址",
      "毛泽东寓所旧址",
      "中国劳动组合书记部旧址",
      "毛泽东旧居",
      "刘长胜故居",
    ]);
    const suhe = routes.find((r: any) => r.theme === "SUHE_RIVERSIDE");
    expect(suhe.stops[1].building.name).toBe("四行仓库");
  });

  it("filters by theme and by a building the route stops at, and pages with cursors", async () => {
    const sihang = await prisma.readableBuilding.findFirstOrThrow({ where: { name: "四行仓库" } });
    const body = await query(
      `query R($building: ID!) {
        walks: tourismRoutes(filter: { theme: ARCHITECTURE_WALK }) { nodes { theme } }
        bySihang: tourismRoutes(filter: { buildingId: $building }) { nodes { name } }
      }`,
      { building: sihang.id },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.walks.nodes.length).toBeGreaterThan(5);
    expect(body.data.walks.nodes.every((r: any) => r.theme === "ARCHITECTURE_WALK")).toBe(true);
    expect(body.data.bySihang.nodes.map((r: any) => r.name)).toContain("苏河湾滨水漫步");
    const { ids, pages } = await walk("tourismRoutes", "", 5);
    expect(pages).toBe(5);
    expect(ids).toEqual(Array.from({ length: 21 }, (_, i) => `route-${String(i + 1).padStart(2, "0")}`));
  });
});

describe("free cultural deliveries (静安文化公益配送)", () => {
  it("keeps the seeded counters and waiting lists consistent with the registrations", async () => {
    const programmes = await prisma.cultureProgramme.findMany();
    const registrations = await prisma.cultureRegistration.findMany({
      select: { programmeId: true, status: true, waitlistPosition: true, residentId: true },
    });
    expect(programmes.length).toBeGreaterThan(600);
    expect(registrations.length).toBeGreaterThan(20_000);
    const byProgramme = new Map<string, typeof registrations>();
    for (const r of registrations) byProgramme.set(r.programmeId, [...(byProgramme.get(r.programmeId) ?? []), r]);
    for (const programme of programmes) {
      const rows = byProgramme.get(programme.id) ?? [];
      const placed = rows.filter((r) => r.status === "REGISTERED" || r.status === "ATTENDED");
      const waiting = rows.filter((r) => r.status === "WAITLISTED").map((r) => r.waitlistPosition);
      expect(placed.length).toBe(programme.registeredCount);
      expect(waiting.sort((a, b) => a! - b!)).toEqual(waiting.map((_, i) => i + 1));
      expect(waiting.length).toBe(programme.waitlistedCount);
      const live = rows.filter((r) => r.status !== "CANCELLED").map((r) => r.residentId);
      expect(new Set(live).size).toBe(live.length);
      // Only programmes that have taken place have check-ins.
      if (programme.startsAt > NOW) expect(rows.some((r) => r.status === "ATTENDED")).toBe(false);
    }
    const attended = registrations.filter((r) => r.status === "ATTENDED").length;
    expect(attended).toBeGreaterThan(10_000);
    expect(programmes.some((p) => p.waitlistedCount > 0 && p.startsAt > NOW)).toBe(true);
    expect(programmes.some((p) => p.waitlistedCount === p.waitlistCapacity && p.startsAt > NOW)).toBe(true);
  });

  it("lists only programmes with a place left that have not started when availableOnly is set", async () => {
    const body = await query(`{
      all: cultureProgrammes { totalCount }
      open: cultureProgrammes(filter: { availableOnly: true }, first: 100) {
        totalCount
        nodes { startsAt remaining availability capacity registeredCount }
      }
    }`);
    expect(body.errors).toBeUndefined();
    const { all, open } = body.data;
    expect(open.totalCount).toBeGreaterThan(50);
    expect(open.totalCount).toBeLessThan(all.totalCount);
    for (const programme of open.nodes) {
      expect(programme.availability).toBe("OPEN");
      expect(programme.remaining).toBe(programme.capacity - programme.registeredCount);
      expect(programme.remaining).toBeGreaterThan(0);
      expect(new Date(programme.startsAt).getTime()).toBeGreaterThan(NOW.getTime());
    }
  });

  it("filters by street, venue, category and a time range, in time order", async () => {
    const venue = await prisma.cultureVenue.findFirstOrThrow({ where: { name: "静安区图书馆（新闸路馆）" } });
    const body = await query(
      `query P($venue: ID!) {
        day: cultureProgrammes(filter: { from: "${seedDateTime(4, "00:00")}", to: "${seedDateTime(5, "00:00")}" }, first: 100) {
          nodes { startsAt }
        }
        street: cultureProgrammes(filter: { streetId: "street-linfenlu", category: WORKSHOP }, first: 100) {
          nodes { category street { id } venue { street { id } } }
        }
        venue: cultureProgrammes(filter: { venueId: $venue }, first: 100) { totalCount nodes { venue { id } } }
        walks: cultureProgrammes(filter: { category: GUIDED_WALK }, first: 5) {
          nodes { title endsAt startsAt route { name durationMinutes } venue { kind } }
        }
      }`,
      { venue: venue.id },
    );
    expect(body.errors).toBeUndefined();
    const starts = body.data.day.nodes.map((p: any) => p.startsAt);
    expect(starts.length).toBeGreaterThan(10);
    expect(starts).toEqual([...starts].sort());
    expect(
      starts[0] >= seedInstant(4, "00:00").toISOString() && starts.at(-1) < seedInstant(5, "00:00").toISOString(),
    ).toBe(true);
    expect(body.data.street.nodes.length).toBeGreaterThan(0);
    for (const p of body.data.street.nodes) {
      expect(p).toEqual({
        category: "WORKSHOP",
        street: { id: "street-linfenlu" },
        venue: { street: { id: "street-linfenlu" } },
      });
    }
    // Four a week at the main library over the six seeded weeks.
    expect(body.data.venue.totalCount).toBe(24);
    for (const walkProgramme of body.data.walks.nodes) {
      expect(walkProgramme.venue.kind).toBe("TOURIST_STATION");
      const minutes = (Date.parse(walkProgramme.endsAt) - Date.parse(walkProgramme.startsAt)) / 60_000;
      expect(minutes).toBe(walkProgramme.route.durationMinutes);
    }
  });

  it("pages one venue's programmes with cursors to the end", async () => {
    const venue = await prisma.cultureVenue.findFirstOrThrow({ where: { name: "静安区图书馆（新闸路馆）" } });
    const { ids, pages } = await walk("cultureProgrammes", `filter: { venueId: "${venue.id}" }`, 7);
    expect(ids).toHaveLength(24);
    expect(pages).toBe(4);
    expect(new Set(ids).size).toBe(24);
    expect(ids).toEqual([...ids].sort());
  });

  it("rejects a time range that ends before it starts and a DateTime without an offset", async () => {
    const reversed = await query(`{
      cultureProgrammes(filter: { from: "${seedDateTime(1, "00:00")}", to: "${seedDateTime(0, "00:00")}" }) { totalCount }
    }`);
    expect(errorCode(reversed)).toBe("BAD_USER_INPUT");
    expect(reversed.errors?.[0].message).toMatch(/must be before/);
    const noOffset = await query(
      `query P($from: DateTime) { cultureProgrammes(filter: { from: $from }) { totalCount } }`,
      { from: seedLocal(0, "08:00") },
    );
    expect(errorCode(noOffset)).toBe("BAD_USER_INPUT");
  });

  it("shows a full programme's waiting list in position order after its places", async () => {
    const full = await prisma.cultureProgramme.findFirstOrThrow({
      where: { waitlistedCount: { gt: 1 }, startsAt: { gt: NOW } },
      orderBy: { id: "asc" },
    });
    const body = await query(
      `query P($id: ID!) {
        cultureProgramme(id: $id) {
          availability remaining waitlistedCount
          registrations { status waitlistPosition }
          waiting: registrations(status: WAITLISTED) { waitlistPosition resident { id } }
        }
      }`,
      { id: full.id },
      // The list holds residents' registrations: the department's officers see them, residents only their own.
      CULTURE_OFFICER,
    );
    const programme = body.data.cultureProgramme;
    expect(programme.remaining).toBe(0);
    expect(programme.availability).toBe(full.waitlistedCount < full.waitlistCapacity ? "WAITLIST" : "FULL");
    expect(programme.waiting.map((r: any) => r.waitlistPosition)).toEqual(
      Array.from({ length: full.waitlistedCount }, (_, i) => i + 1),
    );
    const statuses = programme.registrations.map((r: any) => r.status);
    const firstWaiting = statuses.indexOf("WAITLISTED");
    expect(statuses.slice(0, firstWaiting).every((s: string) => s === "REGISTERED")).toBe(true);
  });
});

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

const REGISTER = /* GraphQL */ `
  mutation Register($programmeId: ID!, $residentId: ID) {
    registerForCultureProgramme(input: { programmeId: $programmeId, residentId: $residentId }) {
      id status waitlistPosition registeredAt
      resident { id }
      programme { id registeredCount remaining waitlistedCount availability }
    }
  }
`;

const CANCEL = /* GraphQL */ `
  mutation Cancel($registrationId: ID!) {
    cancelCultureRegistration(input: { registrationId: $registrationId }) {
      registration { id status cancelledAt waitlistPosition }
      promoted { id status promotedAt waitlistPosition resident { id } }
      programme { registeredCount waitlistedCount remaining }
    }
  }
`;

/** A resident registers themselves. */
const register = (programmeId: string, residentId: string) => query(REGISTER, { programmeId }, resident(residentId));
const cancelAs = (registrationId: string, principal: Principal) => query(CANCEL, { registrationId }, principal);

let testProgrammes = 0;

/** A programme only this test uses, at the main library, starting nine days after the seed date unless told otherwise. */
async function insertProgramme(fields: { capacity: number; waitlistCapacity: number; startsAt?: Date }) {
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

async function snapshot(programmeId: string) {
  const [programme, registrations] = await Promise.all([
    prisma.cultureProgramme.findUniqueOrThrow({ where: { id: programmeId } }),
    prisma.cultureRegistration.findMany({ where: { programmeId }, orderBy: { id: "asc" } }),
  ]);
  return { programme, registrations, total: await prisma.cultureRegistration.count() };
}

function codes(results: Array<{ errors?: any[] }>): string[] {
  return results.map((body) => (body.errors ? (errorCode(body) ?? "ERROR") : "OK"));
}

describe("registering and cancelling", () => {
  it("gives a place while places remain, then waiting-list positions in order", async () => {
    const id = await insertProgramme({ capacity: 2, waitlistCapacity: 3 });
    const bodies = [];
    for (const n of [1, 2, 3, 4]) bodies.push(await register(id, `resident-05000${n}`));
    expect(bodies.every((b) => b.errors === undefined)).toBe(true);
    const results = bodies.map((b) => b.data.registerForCultureProgramme);
    expect(results.map((r) => [r.status, r.waitlistPosition])).toEqual([
      ["REGISTERED", null],
      ["REGISTERED", null],
      ["WAITLISTED", 1],
      ["WAITLISTED", 2],
    ]);
    expect(results[0]).toMatchObject({ resident: { id: "resident-050001" }, registeredAt: NOW.toISOString() });
    expect(results[3].programme).toEqual({
      id,
      registeredCount: 2,
      remaining: 0,
      waitlistedCount: 2,
      availability: "WAITLIST",
    });
    const mine = await query(
      `{ _entities(representations: [{ __typename: "Resident", id: "resident-050003" }]) {
        ... on Resident { cultureRegistrations(status: WAITLISTED) { programme { id } waitlistPosition } }
      } }`,
      undefined,
      resident("resident-050003"),
    );
    expect(mine.data._entities[0].cultureRegistrations).toContainEqual({ programme: { id }, waitlistPosition: 1 });
  });

  it("refuses with CAPACITY_REACHED when places and waiting list are full, writing nothing", async () => {
    const id = await insertProgramme({ capacity: 1, waitlistCapacity: 1 });
    expect((await register(id, "resident-050011")).errors).toBeUndefined();
    expect((await register(id, "resident-050012")).errors).toBeUndefined();
    const before = await snapshot(id);
    const body = await register(id, "resident-050013");
    expect(errorCode(body)).toBe("CAPACITY_REACHED");
    expect(body.errors?.[0].message).toMatch(/all 1 places and all 1 waiting-list places are taken/);
    expect(await snapshot(id)).toEqual(before);
    const read = await query(`query P($id: ID!) { cultureProgramme(id: $id) { availability } }`, { id });
    expect(read.data.cultureProgramme.availability).toBe("FULL");
  });

  it("refuses a programme that has started with DATE_IN_PAST, writing nothing", async () => {
    const id = await insertProgramme({
      capacity: 10,
      waitlistCapacity: 2,
      startsAt: seedInstant(0, "07:30"),
    });
    const before = await snapshot(id);
    const body = await register(id, "resident-050021");
    expect(errorCode(body)).toBe("DATE_IN_PAST");
    expect(body.errors?.[0].message).toMatch(/Choose one that starts later/);
    expect(await snapshot(id)).toEqual(before);
    const read = await query(`query P($id: ID!) { cultureProgramme(id: $id) { availability } }`, { id });
    expect(read.data.cultureProgramme.availability).toBe("CLOSED");
  });

  it("refuses a second live registration of the same resident with BOOKING_OVERLAP, placed or waiting", async () => {
    const id = await insertProgramme({ capacity: 1, waitlistCapacity: 5 });
    expect((await register(id, "resident-050031")).errors).toBeUndefined();
    expect((await register(id, "resident-050032")).data.registerForCultureProgramme.status).toBe("WAITLISTED");
    const before = await snapshot(id);
    for (const residentId of ["resident-050031", "resident-050032"]) {
      const again = await register(id, residentId);
      expect(errorCode(again)).toBe("BOOKING_OVERLAP");
      expect(again.errors?.[0].message).toMatch(/cancel it before registering again/);
    }
    expect(await snapshot(id)).toEqual(before);
  });

  it("refuses an unknown programme, a malformed resident id, strangers and residents acting for others", async () => {
    const id = await insertProgramme({ capacity: 5, waitlistCapacity: 1 });
    const before = await snapshot(id);
    expect(errorCode(await register("prog-does-not-exist", "resident-050041"))).toBe("NOT_FOUND_ENTITY");
    const malformed = await query(REGISTER, { programmeId: id, residentId: "张三" }, CULTURE_OFFICER);
    expect(errorCode(malformed)).toBe("BAD_USER_INPUT");
    const unnamed = await query(REGISTER, { programmeId: id }, CULTURE_OFFICER);
    expect(errorCode(unnamed)).toBe("BAD_USER_INPUT");
    const otherResident = await query(
      REGISTER,
      { programmeId: id, residentId: "resident-050042" },
      resident("resident-050041"),
    );
    expect(errorCode(otherResident)).toBe("FORBIDDEN");
    const healthOfficer = { ...CULTURE_OFFICER, departmentId: "dept-health" };
    for (const principal of [healthOfficer, undefined]) {
      const body = await query(REGISTER, { programmeId: id, residentId: "resident-050043" }, principal);
      expect(errorCode(body)).toBe("FORBIDDEN");
      expect(body.errors?.[0].message).toMatch(/区文化旅游局/);
    }
    // Anonymous callers are told to log in (the kit's shield), before anything is looked up.
    const anonymous = await query(REGISTER, { programmeId: id, residentId: "resident-050043" }, ANONYMOUS);
    expect(errorCode(anonymous)).toBe("AUTHENTICATION_REQUIRED");
    expect(await snapshot(id)).toEqual(before);
  });

  it("lets a 区文化旅游局 officer register a named resident at the front desk", async () => {
    const id = await insertProgramme({ capacity: 3, waitlistCapacity: 1 });
    const body = await query(REGISTER, { programmeId: id, residentId: "resident-050051" }, CULTURE_OFFICER);
    expect(body.errors).toBeUndefined();
    expect(body.data.registerForCultureProgramme).toMatchObject({
      status: "REGISTERED",
      resident: { id: "resident-050051" },
    });
  });

  it("gives a freed place to the head of the waiting list and moves everyone behind up one", async () => {
    const id = await insertProgramme({ capacity: 2, waitlistCapacity: 5 });
    const regs: Record<string, string> = {};
    for (const n of [1, 2, 3, 4, 5]) {
      const residentId = `resident-05006${n}`;
      regs[residentId] = (await register(id, residentId)).data.registerForCultureProgramme.id;
    }
    const body = await cancelAs(regs["resident-050061"]!, resident("resident-050061"));
    expect(body.errors).toBeUndefined();
    expect(body.data.cancelCultureRegistration).toEqual({
      registration: {
        id: regs["resident-050061"],
        status: "CANCELLED",
        cancelledAt: NOW.toISOString(),
        waitlistPosition: null,
      },
      // The promoted registration is another resident's: the canceller does not see it (row rules).
      promoted: null,
      programme: { registeredCount: 2, waitlistedCount: 2, remaining: 0 },
    });
    const promoted = await prisma.cultureRegistration.findUniqueOrThrow({ where: { id: regs["resident-050063"]! } });
    expect(promoted).toMatchObject({ status: "REGISTERED", promotedAt: NOW, waitlistPosition: null });
    const waiting = await prisma.cultureRegistration.findMany({
      where: { programmeId: id, status: "WAITLISTED" },
      orderBy: { waitlistPosition: "asc" },
    });
    expect(waiting.map((r) => [r.residentId, r.waitlistPosition])).toEqual([
      ["resident-050064", 1],
      ["resident-050065", 2],
    ]);

    // Leaving the waiting list closes the gap too, and frees no place.
    const left = await cancelAs(regs["resident-050064"]!, resident("resident-050064"));
    expect(left.data.cancelCultureRegistration).toMatchObject({
      promoted: null,
      programme: { registeredCount: 2, waitlistedCount: 1 },
    });
    const last = await prisma.cultureRegistration.findUniqueOrThrow({ where: { id: regs["resident-050065"] } });
    expect(last.waitlistPosition).toBe(1);

    // A withdrawal with nobody waiting frees the place; the resident may register again later.
    await cancelAs(regs["resident-050065"]!, resident("resident-050065"));
    const freed = await cancelAs(regs["resident-050062"]!, resident("resident-050062"));
    expect(freed.data.cancelCultureRegistration).toMatchObject({
      promoted: null,
      programme: { registeredCount: 1, waitlistedCount: 0, remaining: 1 },
    });
    const again = await register(id, "resident-050062");
    expect(again.data.registerForCultureProgramme.status).toBe("REGISTERED");
  });

  it("refuses to cancel twice, an attended registration, or after the start, and writes nothing", async () => {
    const id = await insertProgramme({ capacity: 3, waitlistCapacity: 1 });
    const reg = (await register(id, "resident-050071")).data.registerForCultureProgramme.id;
    expect((await cancelAs(reg, resident("resident-050071"))).errors).toBeUndefined();
    let before = await snapshot(id);
    const twice = await cancelAs(reg, resident("resident-050071"));
    expect(errorCode(twice)).toBe("INVALID_STATE_TRANSITION");
    expect(twice.errors?.[0].message).toMatch(/already cancelled/);
    expect(await snapshot(id)).toEqual(before);

    const attended = await prisma.cultureRegistration.findFirstOrThrow({ where: { status: "ATTENDED" } });
    const attendedBody = await cancelAs(attended.id, CULTURE_OFFICER);
    expect(errorCode(attendedBody)).toBe("INVALID_STATE_TRANSITION");

    const started = await insertProgramme({
      capacity: 3,
      waitlistCapacity: 1,
      startsAt: seedInstant(0, "07:00"),
    });
    await prisma.cultureProgramme.update({ where: { id: started }, data: { registeredCount: 1 } });
    await prisma.cultureRegistration.create({
      data: {
        id: "creg-test-started",
        programmeId: started,
        residentId: "resident-050072",
        status: "REGISTERED",
        registeredAt: seedInstant(-6, "10:00"),
      },
    });
    before = await snapshot(started);
    const late = await cancelAs("creg-test-started", resident("resident-050072"));
    expect(errorCode(late)).toBe("DATE_IN_PAST");
    expect(late.errors?.[0].message).toMatch(/Contact the venue/);
    expect(await snapshot(started)).toEqual(before);
  });

  it("hides another resident's registration behind NOT_FOUND_ENTITY and lets a culture officer cancel it", async () => {
    const id = await insertProgramme({ capacity: 3, waitlistCapacity: 1 });
    const reg = (await register(id, "resident-050081")).data.registerForCultureProgramme.id;
    const before = await snapshot(id);
    const stranger = await cancelAs(reg, resident("resident-050082"));
    expect(errorCode(stranger)).toBe("NOT_FOUND_ENTITY");
    expect(errorCode(await cancelAs("creg-does-not-exist", resident("resident-050082")))).toBe("NOT_FOUND_ENTITY");
    expect(errorCode(await cancelAs(reg, ANONYMOUS))).toBe("AUTHENTICATION_REQUIRED");
    expect(await snapshot(id)).toEqual(before);
    const desk = await cancelAs(reg, CULTURE_OFFICER);
    expect(desk.data.cancelCultureRegistration.registration.status).toBe("CANCELLED");
  });

  it("gives exactly k of N simultaneous registrations a place and the rest gap-free waiting-list positions", async () => {
    const id = await insertProgramme({ capacity: 3, waitlistCapacity: 20 });
    const residents = Array.from({ length: 12 }, (_, i) => `resident-0501${String(i).padStart(2, "0")}`);
    const results = await Promise.all(residents.map((r) => register(id, r)));
    expect(codes(results)).toEqual(residents.map(() => "OK"));
    const rows = results.map((b) => b.data.registerForCultureProgramme);
    expect(rows.filter((r) => r.status === "REGISTERED")).toHaveLength(3);
    const positions = rows.filter((r) => r.status === "WAITLISTED").map((r) => r.waitlistPosition);
    expect(positions.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const programme = await prisma.cultureProgramme.findUniqueOrThrow({ where: { id } });
    expect(programme).toMatchObject({ registeredCount: 3, waitlistedCount: 9 });

    // Three simultaneous withdrawals of places promote the three heads of the waiting list, once each.
    const placed = rows.filter((r) => r.status === "REGISTERED");
    const heads = rows.filter((r) => r.status === "WAITLISTED" && r.waitlistPosition <= 3).map((r) => r.id);
    // At the front desk: a 区文化旅游局 officer sees whom each withdrawal promoted (a resident would see null).
    const cancels = await Promise.all(placed.map((r) => cancelAs(r.id, CULTURE_OFFICER)));
    expect(codes(cancels)).toEqual(["OK", "OK", "OK"]);
    const promoted = cancels.map((b) => b.data.cancelCultureRegistration.promoted.id);
    expect(promoted.sort()).toEqual(heads.sort());
    const waiting = await prisma.cultureRegistration.findMany({
      where: { programmeId: id, status: "WAITLISTED" },
      orderBy: { waitlistPosition: "asc" },
    });
    expect(waiting.map((r) => r.waitlistPosition)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await prisma.cultureProgramme.findUniqueOrThrow({ where: { id } })).toMatchObject({
      registeredCount: 3,
      waitlistedCount: 6,
    });
  });

  it("turns away everyone beyond places and waiting list when many register at once", async () => {
    const id = await insertProgramme({ capacity: 2, waitlistCapacity: 3 });
    const residents = Array.from({ length: 10 }, (_, i) => `resident-0502${String(i).padStart(2, "0")}`);
    const results = await Promise.all(residents.map((r) => register(id, r)));
    const outcome = results.map((b) => b.data?.registerForCultureProgramme?.status ?? errorCode(b));
    expect(outcome.filter((s) => s === "REGISTERED")).toHaveLength(2);
    expect(outcome.filter((s) => s === "WAITLISTED")).toHaveLength(3);
    expect(outcome.filter((s) => s === "CAPACITY_REACHED")).toHaveLength(5);
    expect(await prisma.cultureRegistration.count({ where: { programmeId: id } })).toBe(5);
  });

  it("lets only one of 5 simultaneous registrations of the same resident through", async () => {
    const id = await insertProgramme({ capacity: 5, waitlistCapacity: 5 });
    const results = await Promise.all(Array.from({ length: 5 }, () => register(id, "resident-050301")));
    const outcome = codes(results);
    expect(outcome.filter((c) => c === "OK")).toHaveLength(1);
    expect(outcome.filter((c) => c === "BOOKING_OVERLAP")).toHaveLength(4);
    expect(await prisma.cultureProgramme.findUniqueOrThrow({ where: { id } })).toMatchObject({
      registeredCount: 1,
      waitlistedCount: 0,
    });
  });

  it("frees a place once when the same registration is cancelled three times at once", async () => {
    const id = await insertProgramme({ capacity: 1, waitlistCapacity: 3 });
    const reg = (await register(id, "resident-050401")).data.registerForCultureProgramme.id;
    for (const n of [2, 3]) await register(id, `resident-05040${n}`);
    const results = await Promise.all([1, 2, 3].map(() => cancelAs(reg, resident("resident-050401"))));
    expect(codes(results).sort()).toEqual(["INVALID_STATE_TRANSITION", "INVALID_STATE_TRANSITION", "OK"]);
    const rows = await prisma.cultureRegistration.findMany({
      where: { programmeId: id },
      orderBy: { residentId: "asc" },
    });
    expect(rows.map((r) => [r.residentId, r.status, r.waitlistPosition])).toEqual([
      ["resident-050401", "CANCELLED", null],
      ["resident-050402", "REGISTERED", null],
      ["resident-050403", "WAITLISTED", 1],
    ]);
  });
});

describe("seed", () => {
  it("adds nothing when run again and keeps the registrations and promotions made since", async () => {
    const open = await prisma.cultureProgramme.findFirstOrThrow({
      where: {
        startsAt: { gt: NOW },
        registrations: { none: { residentId: "resident-059999" } },
        // Seeded programmes (ids start with their date), not the ones tests made.
        id: { startsWith: "prog-2" },
        registeredCount: { lt: prisma.cultureProgramme.fields.capacity },
      },
      orderBy: { id: "asc" },
    });
    expect((await register(open.id, "resident-059999")).errors).toBeUndefined();
    const before = await countRows(prisma);

    const summary = await culture.seed(prisma, service.db, { date: TEST_SEED_DATE, previousDates: [] });

    expect(summary).toEqual(before);
    expect(summary).toMatchObject({ cultureVenues: 69, readableBuildings: 300, tourismRoutes: 21 });
    expect(summary.cultureRegistrations).toBeGreaterThan(20_000);
    const after = await prisma.cultureProgramme.findUniqueOrThrow({ where: { id: open.id } });
    expect(after.registeredCount).toBe(open.registeredCount + 1);
  });
});
