/**
 * The culture seed as plain rows, computed without a database so that every run for a seed date produces exactly
 * the same data.
 *
 * Randomness comes from a PRNG seeded by each row's own id, so adding a venue does not reshuffle the programmes of
 * another. The programme schedule is relative to the seed date (`SeedCalendar`, Asia/Shanghai): three weeks of
 * history before it (registrations attended, cancelled, left on the waiting list) and three weeks ahead
 * (registrations still coming in, some programmes already full with a waiting list); days an earlier seed run
 * covered are left out. Registrations are produced by replaying requests and cancellations in time order under the
 * same rules as the mutations, so counters, waiting-list positions and promotions are consistent by construction.
 */
import { JINGAN_DIVISIONS, type JinganDivision, jinganDivision } from "../../lib/reference/jinganDivisions.ts";
import { type DayWindow, localStamp, SeedCalendar, type SeedOptions, shanghaiInstant } from "../kit/seedCalendar.ts";
import { randomFor } from "../kit/seedRandom.ts";
import type {
  CultureProgramme,
  CultureProgrammeCategory,
  CultureRegistration,
  CultureVenue,
  ReadableBuilding,
  ReadableBuildingProtectionLevel,
  ReadableBuildingType,
  TourismRoute,
  TourismRouteStop,
} from "./generated/prisma/client.ts";
import {
  ARCHITECTS,
  HISTORY_SENTENCES,
  NAME_CHARACTERS,
  NAME_PATTERNS,
  NAMED_BUILDINGS,
  OPEN_CHANCE,
  PROTECTION_WEIGHTS,
  STYLES,
  WORKERS_VILLAGE_ARCHITECT,
  YEAR_RANGES,
} from "./jinganBuildings.ts";
import { NAMED_ROUTES, type RouteStopPlan, STOP_GUIDES, WALKING_METRES_PER_MINUTE } from "./jinganRoutes.ts";
import { BUILDING_MIX, CULTURE_DEPARTMENT_ID, streetOfficeId } from "./jinganStreets.ts";
import {
  CAPACITY,
  CITY_STUDY_HOURS,
  CITY_STUDY_ROOMS,
  NAMED_VENUES,
  OPENING_HOURS,
  PROGRAMME_TEMPLATES,
  SECOND_CENTRE_STREETS,
  THEATRE_CAPACITY,
  TOURIST_STATIONS,
  WEEKLY_PROGRAMME,
} from "./jinganVenues.ts";

export const HISTORY_WEEKS = 3;
export const FUTURE_WEEKS = 3;
/** Programmes: three weeks before the seed date and three weeks from it. */
export const PROGRAMME_WINDOW: DayWindow = { from: -HISTORY_WEEKS * 7, to: FUTURE_WEEKS * 7 };
/** Generated 建筑可阅读 plaques per street, on top of the named landmarks: about 300 in the district. */
export const GENERATED_BUILDINGS_PER_STREET = 19;
/** Registration opens two weeks before a programme (小程序 publishes the month ahead, bookings open 14 days out). */
export const REGISTRATION_OPENS_DAYS = 14;
/**
 * Residents who use the 静安文化公益配送 mini-programme: it gains about a thousand users a month, so after a year
 * about 12 000 of the district's residents have registered at least once.
 */
export const MINI_PROGRAMME_USERS = 12_000;
const RESIDENT_POOL = 60_000;

export interface CultureSeedData {
  venues: CultureVenue[];
  buildings: ReadableBuilding[];
  routes: TourismRoute[];
  stops: TourismRouteStop[];
  programmes: CultureProgramme[];
  registrations: CultureRegistration[];
}

const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;

type StreetInfo = JinganDivision;
const STREETS = JINGAN_DIVISIONS;
const streetOf = jinganDivision;

type Random = () => number;

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function between(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

function weighted<K extends string>(random: Random, weights: Partial<Record<K, number>>): K {
  const entries = Object.entries(weights) as Array<[K, number]>;
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = random() * total;
  for (const [key, weight] of entries) {
    roll -= weight;
    if (roll < 0) return key;
  }
  return entries.at(-1)![0];
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");

function phoneIn(street: StreetInfo, random: Random): string {
  return `021-${street.phonePrefix}${pad(between(random, 0, 9999), 4)}`;
}

export function buildSeedData(options: SeedOptions): CultureSeedData {
  const calendar = new SeedCalendar(options);
  const { buildings, buildingIdByKey } = buildBuildings();
  const { venues, venueIdByKey } = buildVenues(buildingIdByKey);
  const { routes, stops, routeIdByKey } = buildRoutes(buildings, buildingIdByKey, venueIdByKey);
  const { programmes, registrations } = buildProgrammes(calendar, venues, routes, stops, venueIdByKey, routeIdByKey);
  return { venues, buildings, routes, stops, programmes, registrations };
}

// ---------------------------------------------------------------------------------------------------------------
// 建筑可阅读

function buildBuildings() {
  const buildings: ReadableBuilding[] = [];
  const buildingIdByKey = new Map<string, string>();
  const usedNames = new Set<string>(NAMED_BUILDINGS.map((b) => b.name));
  const nextId = () => `rb-${pad(buildings.length + 1, 4)}`;

  for (const named of NAMED_BUILDINGS) {
    const id = nextId();
    buildingIdByKey.set(named.key, id);
    const { key: _key, formerName, ...fields } = named;
    buildings.push({ ...fields, id, formerName: formerName ?? null, qrCodeId: qrCodeFor(id), synthetic: false });
  }
  for (const street of STREETS) {
    for (let i = 0; i < GENERATED_BUILDINGS_PER_STREET; i++) {
      buildings.push(generatedBuilding(nextId(), street, usedNames));
    }
  }
  return { buildings, buildingIdByKey };
}

/** The id printed under the QR code of the plaque; scanning it opens `readableBuildingByQrCode`. */
function qrCodeFor(buildingId: string): string {
  const check = Math.floor(randomFor(`qr-${buildingId}`)() * 0x10000)
    .toString(16)
    .toUpperCase()
    .padStart(4, "0");
  return `JAJZ-${buildingId.slice("rb-".length)}-${check}`;
}

const LANE_TYPES: ReadonlySet<ReadableBuildingType> = new Set(["SHIKUMEN_LANE", "NEW_STYLE_LANE", "WORKERS_VILLAGE"]);

const FLOORS: Record<ReadableBuildingType, readonly [number, number]> = {
  SHIKUMEN_LANE: [2, 3],
  NEW_STYLE_LANE: [3, 3],
  GARDEN_HOUSE: [2, 3],
  APARTMENT: [6, 11],
  PUBLIC_BUILDING: [2, 5],
  COMMERCIAL: [3, 8],
  INDUSTRIAL: [2, 6],
  RELIGIOUS: [1, 2],
  MEMORIAL: [1, 1],
  WORKERS_VILLAGE: [4, 5],
};

function generatedBuilding(id: string, street: StreetInfo, usedNames: Set<string>): ReadableBuilding {
  const random = randomFor(id);
  const buildingType = weighted(random, BUILDING_MIX[street.id] ?? {});
  const road = pick(random, street.roads);
  const number = between(random, 1, 1300);
  const address = LANE_TYPES.has(buildingType) ? `静安区${road}${number}弄` : `静安区${road}${number}号`;
  const name = uniqueName(random, buildingType, street, road, number, usedNames);
  const [fromYear, toYear] = YEAR_RANGES[buildingType];
  const yearBuilt = between(random, fromYear, toYear);
  const architect =
    buildingType === "WORKERS_VILLAGE"
      ? random() < 0.7
        ? WORKERS_VILLAGE_ARCHITECT
        : null
      : random() < (buildingType === "SHIKUMEN_LANE" ? 0.15 : 0.55)
        ? pick(random, ARCHITECTS)
        : null;
  const [minFloors, maxFloors] = FLOORS[buildingType];
  const history = historyFor(random, buildingType, {
    name,
    year: String(yearBuilt),
    architect: architect ?? "",
    road,
    floors: String(between(random, minFloors, maxFloors)),
    houses: String(between(random, 12, 80)),
    street: street.name,
  });
  return {
    id,
    name,
    synthetic: true,
    formerName: null,
    address,
    streetId: street.id,
    yearBuilt,
    architect,
    style: pick(random, STYLES[buildingType]),
    buildingType,
    protectionLevel: weighted<ReadableBuildingProtectionLevel>(random, PROTECTION_WEIGHTS[buildingType]),
    history,
    qrCodeId: qrCodeFor(id),
    openToPublic: random() < OPEN_CHANCE[buildingType],
  };
}

function uniqueName(
  random: Random,
  type: ReadableBuildingType,
  street: StreetInfo,
  road: string,
  number: number,
  usedNames: Set<string>,
): string {
  for (let attempt = 0; ; attempt++) {
    const first = pick(random, NAME_CHARACTERS);
    let second = pick(random, NAME_CHARACTERS);
    while (second === first) second = pick(random, NAME_CHARACTERS);
    const name = pick(random, NAME_PATTERNS[type])
      .replace("{n}", first + second)
      .replace("{road}", road)
      .replace("{no}", String(number + attempt))
      .replace("{hood}", pick(random, street.neighbourhoods) + (attempt > 0 ? `${attempt + 1}` : ""));
    if (!usedNames.has(name)) {
      usedNames.add(name);
      return name;
    }
  }
}

function historyFor(random: Random, type: ReadableBuildingType, values: Record<string, string>): string {
  const sentences = HISTORY_SENTENCES[type];
  // Without a known architect, only openings that do not name one.
  const openings = values.architect
    ? sentences.opening
    : sentences.opening.filter((sentence) => !sentence.includes("{architect}"));
  const parts = [
    pick(random, openings.length > 0 ? openings : ["{name}建于{year}年。"]),
    pick(random, sentences.look),
    pick(random, sentences.story),
    pick(random, sentences.today),
  ];
  return parts.join("").replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? "");
}

// ---------------------------------------------------------------------------------------------------------------
// Venues

function buildVenues(buildingIdByKey: Map<string, string>) {
  const venues: CultureVenue[] = [];
  const venueIdByKey = new Map<string, string>();
  const add = (
    fields: Pick<CultureVenue, "name" | "kind" | "streetId" | "address" | "isSmartVenue" | "seats" | "description"> &
      Partial<Pick<CultureVenue, "openingHours" | "departmentId" | "buildingId" | "synthetic">>,
    key?: string,
  ) => {
    const id = `cv-${pad(venues.length + 1, 4)}`;
    if (key) venueIdByKey.set(key, id);
    venues.push({
      openingHours: OPENING_HOURS[fields.kind],
      departmentId: CULTURE_DEPARTMENT_ID,
      // Named venues and each street's community centre and library exist; a second centre is plausible.
      synthetic: false,
      buildingId: null,
      ...fields,
      id,
      phone: phoneIn(streetOf(fields.streetId), randomFor(id)),
    });
  };

  for (const { key, buildingKey, ...fields } of NAMED_VENUES) {
    const buildingId = buildingKey ? buildingIdByKey.get(buildingKey) : null;
    if (buildingId === undefined) throw new Error(`Venue ${key} names unknown building ${buildingKey}.`);
    add({ ...fields, buildingId }, key);
  }
  // Each street office runs a community cultural centre (社区文化活动中心) with the street library (街道图书馆) in it.
  for (const street of STREETS) {
    const centres = (SECOND_CENTRE_STREETS as readonly string[]).includes(street.id) ? 2 : 1;
    for (let c = 0; c < centres; c++) {
      const random = randomFor(`centre-${street.id}-${c}`);
      const address = `静安区${pick(random, street.roads)}${between(random, 10, 1500)}号`;
      const suffix = c === 0 ? "" : `（${pick(random, street.neighbourhoods)}分中心）`;
      add({
        name: `${street.name}社区文化活动中心${suffix}`,
        kind: "COMMUNITY_CULTURAL_CENTRE",
        streetId: street.id,
        address,
        departmentId: streetOfficeId(street.id),
        isSmartVenue: random() < 0.3,
        seats: between(random, 12, 30) * 10,
        description: `${street.name}的社区文化活动中心，设有多功能厅、排练室、书画室和舞蹈房，承接静安文化公益配送。`,
        synthetic: c > 0,
      });
      if (c === 0) {
        add({
          name: `${street.name}社区图书馆`,
          kind: "LIBRARY_BRANCH",
          streetId: street.id,
          address,
          departmentId: streetOfficeId(street.id),
          isSmartVenue: false,
          seats: between(random, 4, 10) * 10,
          description: `区图书馆总分馆体系中的${street.name}分馆，通借通还，设有少儿阅读角和老年阅览区。`,
        });
      }
    }
  }
  for (const room of CITY_STUDY_ROOMS) {
    add({
      ...room,
      kind: "LIBRARY_BRANCH",
      openingHours: CITY_STUDY_HOURS,
      isSmartVenue: true,
      seats: 40,
      description: "区图书馆的24小时城市书房：刷脸入馆、自助借还、座位预约，夜间无人值守。",
    });
  }
  for (const { key, ...station } of TOURIST_STATIONS) {
    add(
      {
        ...station,
        kind: "TOURIST_STATION",
        isSmartVenue: true,
        seats: null,
        description:
          "乐游移动驿站：提供旅游咨询、建筑可阅读地图、语音导览设备租借和文创产品，也是导览步行线路的集合点。",
      },
      key,
    );
  }
  return { venues, venueIdByKey };
}

// ---------------------------------------------------------------------------------------------------------------
// Tourism routes

function buildRoutes(
  buildings: ReadableBuilding[],
  buildingIdByKey: Map<string, string>,
  venueIdByKey: Map<string, string>,
) {
  const routes: TourismRoute[] = [];
  const stops: TourismRouteStop[] = [];
  const routeIdByKey = new Map<string, string>();

  const addRoute = (
    key: string,
    fields: Omit<TourismRoute, "id" | "durationMinutes">,
    plan: ReadonlyArray<{ buildingId: string | null; venueId: string | null; guide: string; stayMinutes: number }>,
  ) => {
    const id = `route-${pad(routes.length + 1, 2)}`;
    routeIdByKey.set(key, id);
    const stayMinutes = plan.reduce((sum, stop) => sum + stop.stayMinutes, 0);
    routes.push({
      ...fields,
      id,
      durationMinutes: Math.round(fields.distanceMeters / WALKING_METRES_PER_MINUTE) + stayMinutes,
    });
    plan.forEach((stop, index) => {
      stops.push({ id: `${id}-${pad(index + 1, 2)}`, routeId: id, position: index + 1, ...stop });
    });
  };

  for (const route of NAMED_ROUTES) {
    const plan = route.stops.map((stop: RouteStopPlan) => {
      const buildingId = "building" in stop ? buildingIdByKey.get(stop.building) : null;
      const venueId = "venue" in stop ? venueIdByKey.get(stop.venue) : null;
      if (buildingId === undefined || venueId === undefined) {
        throw new Error(`Route ${route.key} names an unknown stop ${JSON.stringify(stop)}.`);
      }
      return { buildingId, venueId, guide: stop.guide, stayMinutes: stop.stayMinutes };
    });
    const { key, stops: _stops, ...fields } = route;
    addRoute(key, { ...fields, synthetic: false }, plan);
  }

  // One micro-tour (微旅行) per street through its own plaques: open and better-protected buildings first, walked
  // road by road.
  const rank: Record<ReadableBuildingProtectionLevel, number> = {
    NATIONAL_HERITAGE: 0,
    MUNICIPAL_HERITAGE: 1,
    DISTRICT_HERITAGE: 2,
    OUTSTANDING_HISTORICAL: 3,
    HERITAGE_SITE: 4,
    PRESERVED_HISTORICAL: 5,
  };
  for (const street of STREETS) {
    const random = randomFor(`route-${street.id}`);
    const chosen = buildings
      .filter((b) => b.streetId === street.id)
      .sort(
        (a, b) =>
          Number(b.openToPublic) - Number(a.openToPublic) ||
          rank[a.protectionLevel] - rank[b.protectionLevel] ||
          a.id.localeCompare(b.id),
      )
      .slice(0, between(random, 5, 7))
      .sort((a, b) => a.address.localeCompare(b.address, "zh-Hans-CN") || a.id.localeCompare(b.id));
    const villages = chosen.filter((b) => b.buildingType === "WORKERS_VILLAGE").length;
    addRoute(
      `street-${street.id}`,
      {
        name: `${street.name}建筑可阅读微旅行`,
        synthetic: true,
        theme: villages * 2 >= chosen.length ? "CITY_HISTORY" : "ARCHITECTURE_WALK",
        description: `在${street.name}走读${chosen.length}处挂牌历史建筑，从${chosen[0]!.name}出发，到${chosen.at(-1)!.name}结束。`,
        distanceMeters: (chosen.length - 1) * between(random, 300, 550),
      },
      chosen.map((building) => ({
        buildingId: building.id,
        venueId: null,
        guide: STOP_GUIDES[building.buildingType] ?? "扫码阅读建筑故事。",
        stayMinutes: building.openToPublic ? 15 : 5,
      })),
    );
  }
  return { routes, stops, routeIdByKey };
}

// ---------------------------------------------------------------------------------------------------------------
// 静安文化公益配送: programmes and registrations

/** Which route a station's weekly guided walk follows; other stations walk their street's micro-tour. */
const STATION_ROUTES: Record<string, string> = {
  "station-nanjingxilu": "nanjingxilu-walk",
  "station-sihang": "suhe-waterfront",
  "station-suhe": "suhe-waterfront",
  "station-yuyuan": "celebrity-residences",
  "station-daning": "daning-leisure",
  "station-zhangyuan": "nanjingxilu-walk",
};

/** How much more (or less) than its places a programme of each category is asked for. */
const POPULARITY: Record<CultureProgrammeCategory, number> = {
  PERFORMANCE: 1.1,
  LECTURE: 0.8,
  EXHIBITION: 0.7,
  WORKSHOP: 1.3,
  FILM: 0.8,
  GUIDED_WALK: 1.2,
};

/** Share of registrations withdrawn before the day, and of registered residents who come (签到). */
const CANCEL_CHANCE = 0.08;
const ATTEND_CHANCE = 0.88;

function buildProgrammes(
  calendar: SeedCalendar,
  venues: CultureVenue[],
  routes: TourismRoute[],
  stops: TourismRouteStop[],
  venueIdByKey: Map<string, string>,
  routeIdByKey: Map<string, string>,
) {
  const programmes: CultureProgramme[] = [];
  const registrations: CultureRegistration[] = [];
  const stationRoute = new Map<string, TourismRoute>();
  for (const [stationKey, routeKey] of Object.entries(STATION_ROUTES)) {
    const route = routes.find((r) => r.id === routeIdByKey.get(routeKey));
    const stationId = venueIdByKey.get(stationKey);
    if (route && stationId) stationRoute.set(stationId, route);
  }
  const seedNow = calendar.instant(0, "00:00");

  venues.forEach((venue, venueIndex) => {
    const shift = venue.kind === "COMMUNITY_CULTURAL_CENTRE" || venue.kind === "LIBRARY_BRANCH" ? venueIndex % 2 : 0;
    const route =
      venue.kind === "TOURIST_STATION"
        ? (stationRoute.get(venue.id) ?? routes.find((r) => r.id === routeIdByKey.get(`street-${venue.streetId}`)))
        : undefined;
    for (const slot of WEEKLY_PROGRAMME[venue.kind]) {
      const weekday = ((slot.weekday - 1 + shift) % 7) + 1;
      for (const date of calendar.days(PROGRAMME_WINDOW)) {
        const startsAt = shanghaiInstant(date, slot.time);
        if (isoWeekday(startsAt) !== weekday || calendar.covered(PROGRAMME_WINDOW, date)) continue;
        // Ids start with the local date and time, so the id order of keyset pagination is also the time order.
        const id = `prog-${localStamp(startsAt)}-${venue.id.slice("cv-".length)}`;
        const random = randomFor(id);
        const category = pick(random, slot.categories);
        const programme = programmeRow(id, random, venue, category, startsAt, slot.minutes, route, stops);
        programmes.push(programme);
        registrations.push(...replayRegistrations(programme, random, seedNow));
      }
    }
  });
  programmes.sort((a, b) => a.id.localeCompare(b.id));
  return { programmes, registrations };
}

/** 1 = Monday … 7 = Sunday, in Shanghai. */
function isoWeekday(date: Date): number {
  const day = new Date(date.getTime() + 8 * HOUR_MS).getUTCDay();
  return day === 0 ? 7 : day;
}

function programmeRow(
  id: string,
  random: Random,
  venue: CultureVenue,
  category: CultureProgrammeCategory,
  startsAt: Date,
  minutes: number,
  route: TourismRoute | undefined,
  stops: TourismRouteStop[],
): CultureProgramme {
  const [minPlaces, maxPlaces] = venue.kind === "THEATRE" ? THEATRE_CAPACITY : CAPACITY[category];
  const capacity = Math.min(between(random, minPlaces, maxPlaces), venue.seats ?? Number.POSITIVE_INFINITY);
  const common = {
    synthetic: true,
    id,
    category,
    venueId: venue.id,
    streetId: venue.streetId,
    startsAt,
    endsAt: new Date(startsAt.getTime() + minutes * 60_000),
    capacity,
    registeredCount: 0,
    waitlistCapacity: Math.max(5, Math.round(capacity * 0.2)),
    waitlistedCount: 0,
  };
  if (category === "GUIDED_WALK" && route) {
    const stopCount = stops.filter((stop) => stop.routeId === route.id).length;
    return {
      ...common,
      title: `建筑可阅读导览：${route.name}`,
      description: `志愿讲解员带领走读${stopCount}个站点，全程约${route.durationMinutes}分钟，请穿舒适的鞋。`,
      provider: "静安文旅志愿讲解队",
      audience: "全年龄",
      routeId: route.id,
      endsAt: new Date(startsAt.getTime() + route.durationMinutes * 60_000),
    };
  }
  const template = pick(random, PROGRAMME_TEMPLATES[category === "GUIDED_WALK" ? "LECTURE" : category]);
  return { ...common, ...template, routeId: null };
}

/**
 * Replays who asked for a place and who withdrew, in time order, with the mutation's rules: a place while one is
 * left, else the end of the waiting list while it has room, else turned away (no row, as CAPACITY_REACHED writes
 * nothing); a withdrawn place goes to the head of the waiting list. Programmes that have taken place mark most
 * registered residents as attended.
 */
function replayRegistrations(programme: CultureProgramme, random: Random, seedNow: Date): CultureRegistration[] {
  const opensAt = programme.startsAt.getTime() - REGISTRATION_OPENS_DAYS * DAY_MS;
  const lastCall = programme.startsAt.getTime() - HOUR_MS;
  const closesAt = Math.min(lastCall, seedNow.getTime());
  if (closesAt <= opensAt) return [];

  const elapsed = (closesAt - opensAt) / (lastCall - opensAt);
  const popularity = POPULARITY[programme.category] * (0.55 + random() * 0.9);
  // Most residents register in the first days after a programme is published.
  const demand = Math.round(programme.capacity * popularity * elapsed ** 0.6);
  const firstUser = Math.floor(random() * MINI_PROGRAMME_USERS);
  const suffix = programme.id.slice("prog-".length);

  type Event = { at: number; kind: "request" | "cancel"; index: number };
  const events: Event[] = [];
  for (let index = 0; index < demand; index++) {
    const at = opensAt + Math.floor(random() * (closesAt - opensAt));
    events.push({ at, kind: "request", index });
    if (random() < CANCEL_CHANCE)
      events.push({ at: at + Math.floor(random() * (closesAt - at)), kind: "cancel", index });
  }
  events.sort((a, b) => a.at - b.at || (a.kind === b.kind ? a.index - b.index : a.kind === "request" ? -1 : 1));

  const byIndex = new Map<number, CultureRegistration>();
  const waitlist: CultureRegistration[] = [];
  let registered = 0;
  for (const event of events) {
    if (event.kind === "request") {
      const status = registered < programme.capacity ? "REGISTERED" : "WAITLISTED";
      if (status === "WAITLISTED" && waitlist.length >= programme.waitlistCapacity) continue;
      const row: CultureRegistration = {
        id: `creg-${suffix}-${pad(event.index + 1, 3)}`,
        synthetic: true,
        programmeId: programme.id,
        residentId: residentOfUser(firstUser + event.index * 7919),
        status,
        waitlistPosition: status === "WAITLISTED" ? waitlist.length + 1 : null,
        registeredAt: new Date(event.at),
        promotedAt: null,
        cancelledAt: null,
        attendedAt: null,
      };
      byIndex.set(event.index, row);
      if (status === "REGISTERED") registered += 1;
      else waitlist.push(row);
      continue;
    }
    const row = byIndex.get(event.index);
    if (!row || row.status === "CANCELLED") continue;
    const wasRegistered = row.status === "REGISTERED";
    row.status = "CANCELLED";
    row.cancelledAt = new Date(event.at);
    row.waitlistPosition = null;
    if (wasRegistered) {
      const promoted = waitlist.shift();
      if (promoted) {
        promoted.status = "REGISTERED";
        promoted.waitlistPosition = null;
        promoted.promotedAt = new Date(event.at);
      } else {
        registered -= 1;
      }
    } else {
      waitlist.splice(waitlist.indexOf(row), 1);
    }
    waitlist.forEach((waiting, position) => {
      waiting.waitlistPosition = position + 1;
    });
  }

  if (programme.startsAt.getTime() < seedNow.getTime()) {
    for (const row of byIndex.values()) {
      if (row.status === "REGISTERED" && random() < ATTEND_CHANCE) {
        row.status = "ATTENDED";
        row.attendedAt = new Date(programme.startsAt.getTime() + between(random, -20, 10) * 60_000);
      }
    }
  }
  programme.registeredCount = registered;
  programme.waitlistedCount = waitlist.length;
  return [...byIndex.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * The n-th mini-programme user as a resident id. Users are spread over the whole resident register by a stride
 * coprime with its size, so distinct users are distinct residents; consecutive requests of one programme step
 * through users by another coprime stride, so one programme never sees the same resident twice.
 */
function residentOfUser(n: number): string {
  const user = n % MINI_PROGRAMME_USERS;
  return `resident-${pad(((user * 4999) % RESIDENT_POOL) + 1, 6)}`;
}
