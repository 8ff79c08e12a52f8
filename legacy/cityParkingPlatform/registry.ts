/**
 * The platform's own records (台账): one per parking facility and one per charging site it has registered in
 * Jing'an, keyed by the codes the city assigns (`SH-JA-P-10037`, `SH-JA-C-20053`), with each charger (充电桩) of a
 * site listed on its own.
 *
 * They are read from `records.json`, the platform's data, not from the district's code: a legacy system knows nothing
 * of the subgraphs that federate it. In reality the city registered the facilities first and the district copied the
 * codes; here the file is written from the district's parking roster (`scripts/cityParkingRecords.ts`), and
 * `test/legacy/cityParkingRecords.test.ts` checks that every code the district stores exists here with the same capacity and chargers.
 * Facilities and stations the district has not connected yet (no platform code) are absent, as they would be.
 */
import { readFileSync } from "node:fs";

/** How a facility fills over the day; the live-data model picks its curve from this. */
export type OccupancyProfile = "COMMERCIAL" | "RESIDENTIAL_SHARED" | "TRANSIT" | "ROADSIDE";

export interface PlatformFacility {
  /** `SH-<district>-P-<5 digits>`. */
  code: string;
  name: string;
  district: "静安区";
  /** The platform's own vocabulary: 停车场库 or 道路停车. */
  type: "PARKING_LOT" | "ROADSIDE";
  totalSpaces: number;
  profile: OccupancyProfile;
}

export interface PlatformCharger {
  /** `<site code>-F01` (fast) or `<site code>-S01` (slow). */
  id: string;
  type: "FAST" | "SLOW";
}

export interface PlatformChargingSite {
  /** `SH-<district>-C-<5 digits>`. */
  code: string;
  /** The parking facility the site is in; null when that facility is not on the platform. */
  facilityCode: string | null;
  chargers: PlatformCharger[];
}

export interface PlatformRegistry {
  facilities: Map<string, PlatformFacility>;
  chargingSites: Map<string, PlatformChargingSite>;
}

/** The file as it is stored: column names, then one array per record. */
interface RecordsFile {
  facilities: Array<[code: string, name: string, type: PlatformFacility["type"], spaces: number, profile: string]>;
  chargingSites: Array<[code: string, facilityCode: string | null, fast: number, slow: number]>;
}

const PROFILES: ReadonlySet<string> = new Set(["COMMERCIAL", "RESIDENTIAL_SHARED", "TRANSIT", "ROADSIDE"]);

function chargers(code: string, count: number, type: PlatformCharger["type"]): PlatformCharger[] {
  const letter = type === "FAST" ? "F" : "S";
  return Array.from({ length: count }, (_, i) => ({ id: `${code}-${letter}${String(i + 1).padStart(2, "0")}`, type }));
}

/** The registry as the platform serves it, from its records file (`records.json` beside this module by default). */
export function buildPlatformRegistry(
  path: URL | string = new URL("./records.json", import.meta.url),
): PlatformRegistry {
  const file = JSON.parse(readFileSync(path, "utf8")) as RecordsFile;
  const registry: PlatformRegistry = { facilities: new Map(), chargingSites: new Map() };
  for (const [code, name, type, totalSpaces, profile] of file.facilities) {
    if (!PROFILES.has(profile)) throw new Error(`Facility ${code} has an unknown occupancy profile "${profile}".`);
    registry.facilities.set(code, {
      code,
      name,
      district: "静安区",
      type,
      totalSpaces,
      profile: profile as OccupancyProfile,
    });
  }
  for (const [code, facilityCode, fast, slow] of file.chargingSites) {
    registry.chargingSites.set(code, {
      code,
      facilityCode,
      chargers: [...chargers(code, fast, "FAST"), ...chargers(code, slow, "SLOW")],
    });
  }
  return registry;
}
