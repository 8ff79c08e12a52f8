/**
 * The parking seed as plain rows, computed without a database so that every run produces exactly the same data.
 *
 * Randomness comes from a PRNG seeded by each row's own id, so adding a facility does not reshuffle the sessions of
 * another. Facilities and charging stations do not depend on the date. Sessions are history relative to the seed
 * date (`SeedCalendar`, Asia/Shanghai): the 21 days before it are completed stays, and on the morning of the seed
 * date some cars are still parked (ACTIVE). They are written by the first seed run of a database only: later runs
 * leave the parking history to what residents did since (a new session can be started on any day).
 *
 * Facilities and charging stations carry the codes the city parking and charging platform (市级停车/充电平台) gave
 * them. The district does not choose those codes, so they are deliberately not derived from our ids in any way a
 * caller could rely on; the only link is the stored `platformCode`.
 */
import { JINGAN_DIVISIONS, type JinganDivision } from "../../lib/reference/jinganDivisions.ts";
import { SeedCalendar, type SeedOptions } from "../kit/seedCalendar.ts";
import { randomFor } from "../kit/seedRandom.ts";
import { parkingFeeFen } from "./fee.ts";
import type { ChargingStation, ParkingFacility, ParkingSession } from "./generated/prisma/client.ts";
import {
  BUILDING_PREFIXES,
  BUILDING_SUFFIXES,
  CHARGING_OPERATORS,
  GARAGE_OPERATORS,
  type Landmark,
  OUT_OF_TOWN_PLATE_PREFIXES,
  PARKING_PROFILES,
  type ParkingStreetProfile,
  ROAD_PARKING_OPERATORS,
  SHANGHAI_PLATE_LETTERS,
  TRANSPORT_DEPARTMENT_ID,
} from "./jinganParking.ts";

/** Days of completed sessions before the seed date. */
export const HISTORY_DAYS = 21;
/** Residents with a car who park in the district's public facilities in the seeded weeks. */
export const CAR_OWNERS = 2_600;

const RESIDENT_POOL = 60_000;

/** A street with its parking profile (price zone, landmark garages). */
interface ParkingStreet extends JinganDivision, ParkingStreetProfile {}

const PARKING_STREETS: readonly ParkingStreet[] = JINGAN_DIVISIONS.map((division) => {
  const profile = PARKING_PROFILES[division.id];
  if (!profile) throw new Error(`The parking seed has no price zone for ${division.id}.`);
  return { ...division, ...profile };
});

export interface ParkingFacilitiesData {
  facilities: ParkingFacility[];
  stations: ChargingStation[];
}

export interface ParkingSeedData extends ParkingFacilitiesData {
  sessions: ParkingSession[];
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function between(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** The city platform's code of our n-th facility and of its charging station (assigned by the city, not by us). */
export function platformFacilityCode(n: number): string {
  return `SH-JA-P-${pad(10_000 + n * 37, 5)}`;
}

export function platformStationCode(n: number): string {
  return `SH-JA-C-${pad(20_000 + n * 53, 5)}`;
}

/** Hourly price in yuan by the street's price zone (1: commercial core … 3: residential north). */
const GARAGE_PRICE: Record<ParkingStreet["zone"], [number, number]> = { 1: [15, 20], 2: [10, 15], 3: [6, 10] };
const ON_STREET_PRICE: Record<ParkingStreet["zone"], number> = { 1: 15, 2: 12, 3: 8 };

type GarageStyle = "landmark" | "building" | "shared" | "lot";

/** Chance that a facility of this style has charging points. */
const CHARGING_SHARE: Record<GarageStyle | "onStreet", number> = {
  landmark: 0.9,
  building: 0.55,
  shared: 0.3,
  lot: 0.35,
  onStreet: 0.06,
};

/** Facilities and charging stations only: cheap, and all the city platform simulator needs to mirror them. */
export function buildParkingFacilities(): ParkingFacilitiesData {
  const data: ParkingFacilitiesData = { facilities: [], stations: [] };
  const usedNames = new Set<string>();

  const add = (
    street: ParkingStreet,
    style: GarageStyle | "onStreet",
    make: (random: () => number) => Pick<ParkingFacility, "name" | "address" | "totalSpaces">,
  ) => {
    const n = data.facilities.length + 1;
    const id = `pf-${pad(n, 4)}`;
    const random = randomFor(id);
    const { name, address, totalSpaces } = make(random);
    usedNames.add(name);
    const onStreet = style === "onStreet";
    const [low, high] = GARAGE_PRICE[street.zone];
    const garagePrice = between(random, low, high) - (style === "shared" ? 4 : 0);
    const facility: ParkingFacility = {
      id,
      synthetic: style !== "landmark",
      name,
      kind: onStreet ? "ON_STREET" : "GARAGE",
      address,
      streetId: street.id,
      departmentId: TRANSPORT_DEPARTMENT_ID,
      operator: onStreet ? pick(random, ROAD_PARKING_OPERATORS) : pick(random, GARAGE_OPERATORS),
      totalSpaces,
      hourlyPriceFen: (onStreet ? ON_STREET_PRICE[street.zone] : Math.max(4, garagePrice)) * 100,
      openingHours: onStreet
        ? "07:00-21:00"
        : style === "shared"
          ? "08:00-18:00（错峰共享，夜间留给小区居民）"
          : random() < 0.8
            ? "24小时"
            : "07:00-23:00",
      // Landmarks were connected first; a few newer facilities still wait for the city to register them.
      platformCode: style !== "landmark" && random() < 0.02 ? null : platformFacilityCode(n),
    };
    data.facilities.push(facility);

    if (random() < CHARGING_SHARE[style]) {
      let fast = onStreet ? between(random, 0, 2) : Math.round(totalSpaces * (0.01 + random() * 0.04));
      let slow = onStreet ? between(random, 2, 4) : Math.round(totalSpaces * (0.02 + random() * 0.06));
      if (fast + slow === 0) slow = 2;
      if (style === "landmark") fast = Math.max(fast, 4);
      data.stations.push({
        id: `cs-${pad(n, 4)}`,
        synthetic: true,
        facilityId: id,
        streetId: street.id,
        name: `${name.replace(/(地下)?停车(库|场)$/u, "")}充电站`,
        operator: pick(random, CHARGING_OPERATORS),
        fastChargers: fast,
        slowChargers: slow,
        // Seed §11: operators are still being brought onto the city charging platform; some are not there yet.
        platformCode: random() < 0.06 ? null : platformStationCode(n),
      });
    }
  };

  const unique = (candidates: string[], fallback: string): string => {
    for (const candidate of candidates) if (!usedNames.has(candidate)) return candidate;
    for (let k = 2; ; k++) {
      const name = `${fallback}（${k}号库）`;
      if (!usedNames.has(name)) return name;
    }
  };

  for (const street of PARKING_STREETS) {
    const plan = randomFor(`plan-${street.id}`);
    const garages = between(plan, 28, 40);
    const sections = between(plan, 6, 12);

    for (const landmark of street.landmarks) {
      add(street, "landmark", () => ({
        name: landmark.name,
        address: addressOf(landmark),
        totalSpaces: landmark.spaces,
      }));
    }
    const neighbourhoods = [...street.neighbourhoods];
    for (let g = street.landmarks.length; g < garages; g++) {
      const roll = plan();
      const style: GarageStyle = roll < 0.25 && neighbourhoods.length > 0 ? "shared" : roll < 0.4 ? "lot" : "building";
      add(street, style, (random) => {
        const road = pick(random, street.roads);
        const number = between(random, 1, 1500);
        if (style === "shared") {
          const neighbourhood = neighbourhoods.splice(between(random, 0, neighbourhoods.length - 1), 1)[0]!;
          const name = `${neighbourhood}${pick(random, ["小区", "新村", "公寓"])}共享停车场`;
          return {
            name: unique([name, `${street.name.slice(0, 2)}${name}`], name),
            address: `静安区${road}${number}弄`,
            totalSpaces: between(random, 20, 90),
          };
        }
        if (style === "lot") {
          const name = `${road}${number}号公共停车场`;
          return {
            name: unique([name], name),
            address: `静安区${road}${number}号`,
            totalSpaces: between(random, 30, 150),
          };
        }
        const building = `${pick(random, BUILDING_PREFIXES)}${pick(random, BUILDING_SUFFIXES)}`;
        const name = `${building}停车库`;
        return {
          name: unique([name, `${road}${name}`], `${road}${name}`),
          address: `静安区${road}${number}号`,
          totalSpaces: between(random, 60, 450),
        };
      });
    }
    for (let s = 0; s < sections; s++) {
      add(street, "onStreet", (random) => {
        const road = pick(random, street.roads);
        const others = street.roads.filter((r) => r !== road);
        const candidates = Array.from({ length: 6 }, () => {
          const a = pick(random, others);
          const b = pick(
            random,
            others.filter((r) => r !== a),
          );
          return `${road}（${a}—${b}）道路停车场`;
        });
        const name = unique(candidates, `${road}道路停车场`);
        const section = name.match(/（(.+)—(.+)）/u);
        return {
          name,
          address: section ? `静安区${road}（${section[1]}至${section[2]}段）` : `静安区${road}`,
          totalSpaces: between(random, 8, 45),
        };
      });
    }
  }
  return data;
}

function addressOf(landmark: Landmark): string {
  return `静安区${landmark.road}${landmark.number}号`;
}

function residentId(n: number): string {
  return `resident-${pad((n % RESIDENT_POOL) + 1, 6)}`;
}

/**
 * A car owner's plate. The five digits are a bijection of the owner number (7919 is coprime with 100 000), so no
 * two owners share a plate and the one-active-session-per-plate rule holds in the seed by construction.
 */
function plateFor(owner: number, random: () => number): string {
  const digits = pad((owner * 7919 + 13) % 100_000, 5);
  const roll = random();
  if (roll < 0.06) return `${pick(random, OUT_OF_TOWN_PLATE_PREFIXES)}${digits}`;
  if (roll < 0.32) return `沪${pick(random, ["A", "B"])}${pick(random, ["D", "F"])}${digits}`;
  return `沪${pick(random, SHANGHAI_PLATE_LETTERS)}${digits}`;
}

/** Minutes of a stay: errands and shopping are short, commuters stay the working day; road parking is short. */
function stayMinutes(kind: ParkingFacility["kind"], random: () => number): number {
  if (kind === "ON_STREET") return between(random, 10, 180);
  const roll = random();
  if (roll < 0.55) return between(random, 15, 150);
  if (roll < 0.85) return between(random, 150, 300);
  return between(random, 480, 600);
}

export function buildParkingSeedData(options: SeedOptions): ParkingSeedData {
  const calendar = new SeedCalendar(options);
  const { facilities, stations } = buildParkingFacilities();
  if (!calendar.isFirstSeed) return { facilities, stations, sessions: [] };
  const byStreet = new Map<string, ParkingFacility[]>();
  for (const facility of facilities) {
    const list = byStreet.get(facility.streetId);
    if (list) list.push(facility);
    else byStreet.set(facility.streetId, [facility]);
  }

  const sessions: ParkingSession[] = [];
  for (let owner = 1; owner <= CAR_OWNERS; owner++) {
    const ownerKey = `owner-${pad(owner, 4)}`;
    const random = randomFor(ownerKey);
    const resident = residentId((owner - 1) * 7919 + 4242);
    const plate = plateFor(owner, random);
    const home = byStreet.get(pick(random, PARKING_STREETS).id)!;
    const count = pick(random, [1, 1, 2, 2, 3, 3, 4, 5, 6, 8]);
    // Distinct days, so one owner's stays never overlap.
    const days = new Set<number>();
    while (days.size < count) days.add(-between(random, 1, HISTORY_DAYS));
    const ordered = [...days].sort((a, b) => a - b);
    ordered.forEach((day, k) => {
      const facility = random() < 0.65 ? pick(random, home) : pick(random, facilities);
      const startedAt = new Date(
        calendar.instant(day, `${pad(between(random, 7, 19), 2)}:${pad(between(random, 0, 59), 2)}`).getTime() +
          between(random, 0, 59) * 1000,
      );
      const endedAt = new Date(startedAt.getTime() + stayMinutes(facility.kind, random) * 60_000);
      sessions.push({
        id: `ps-${pad(owner, 4)}-${pad(k + 1, 2)}`,
        synthetic: true,
        facilityId: facility.id,
        residentId: resident,
        plate,
        startedAt,
        endedAt,
        feeFen: parkingFeeFen(facility.hourlyPriceFen, startedAt, endedAt),
        status: "COMPLETED",
      });
    });
    if (random() < 0.08) {
      const facility = pick(random, home);
      sessions.push({
        id: `ps-${pad(owner, 4)}-${pad(ordered.length + 1, 2)}`,
        synthetic: true,
        facilityId: facility.id,
        residentId: resident,
        plate,
        startedAt: calendar.instant(0, `${pad(between(random, 6, 9), 2)}:${pad(between(random, 0, 29), 2)}`),
        endedAt: null,
        feeFen: null,
        status: "ACTIVE",
      });
    }
  }
  return { facilities, stations, sessions };
}
