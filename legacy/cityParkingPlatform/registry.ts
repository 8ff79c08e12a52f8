/**
 * The platform's own records (台账): one per parking facility and one per charging site it has registered in
 * Jing'an, keyed by the codes the city assigns (`SH-JA-P-10037`, `SH-JA-C-20053`), with each charger (充电桩) of a
 * site listed on its own.
 *
 * In reality the city registered these first and the district copied the codes into its own database. This
 * simulator goes the other way round for convenience: it builds its registry from the district's deterministic
 * seed roster, so that every code the district stores exists here with the same capacity and charger counts.
 * Facilities and stations the district has not connected yet (no platform code) are absent, as they would be.
 * Nothing else is shared: the platform's field names, kinds and codes are its own.
 */
import { buildParkingFacilities } from "../../subgraphs/parking/seedData.ts";

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

function profileOf(name: string, kind: "GARAGE" | "ON_STREET"): OccupancyProfile {
  if (kind === "ON_STREET") return "ROADSIDE";
  if (name.includes("共享")) return "RESIDENTIAL_SHARED";
  if (/火车站|P\+R|地铁站/u.test(name)) return "TRANSIT";
  return "COMMERCIAL";
}

export function buildPlatformRegistry(): PlatformRegistry {
  const { facilities, stations } = buildParkingFacilities();
  const registry: PlatformRegistry = { facilities: new Map(), chargingSites: new Map() };
  const codeOfFacility = new Map<string, string | null>();
  for (const facility of facilities) {
    codeOfFacility.set(facility.id, facility.platformCode);
    if (!facility.platformCode) continue;
    registry.facilities.set(facility.platformCode, {
      code: facility.platformCode,
      name: facility.name,
      district: "静安区",
      type: facility.kind === "ON_STREET" ? "ROADSIDE" : "PARKING_LOT",
      totalSpaces: facility.totalSpaces,
      profile: profileOf(facility.name, facility.kind),
    });
  }
  for (const station of stations) {
    if (!station.platformCode) continue;
    const chargers: PlatformCharger[] = [];
    for (let i = 1; i <= station.fastChargers; i++) {
      chargers.push({ id: `${station.platformCode}-F${String(i).padStart(2, "0")}`, type: "FAST" });
    }
    for (let i = 1; i <= station.slowChargers; i++) {
      chargers.push({ id: `${station.platformCode}-S${String(i).padStart(2, "0")}`, type: "SLOW" });
    }
    registry.chargingSites.set(station.platformCode, {
      code: station.platformCode,
      facilityCode: codeOfFacility.get(station.facilityId) ?? null,
      chargers,
    });
  }
  return registry;
}
