import { describe, expect, it } from "vitest";
import { seedDateTime, seedInstant, seedLocal, TEST_SEED_DATE } from "../../test/support/seedDate.ts";
import {
  CULTURE_OFFICER,
  culture,
  errorCode,
  NOW,
  prisma,
  query,
  register,
  STREET_IDS,
  service,
  useCultureSubgraph,
  walk,
} from "./cultureTestbed.ts";
import { countRows } from "./seed.ts";

useCultureSubgraph();

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
