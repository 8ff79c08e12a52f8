/**
 * The city parking platform simulator keeps its own records (legacy/cityParkingPlatform/records.json): a legacy system
 * imports nothing of ours. From the district's side, this checks that they match the parking subgraph's roster, as
 * the codes the district stores were copied from the city's: the file is the one scripts/cityParkingRecords.ts writes,
 * and every code the district stores is on the platform with the same capacity and chargers.
 */
import { readdir, readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { buildPlatformRegistry } from "../../legacy/cityParkingPlatform/registry.ts";
import { buildCityParkingRecords, formatCityParkingRecords, RECORDS_PATH } from "../../scripts/cityParkingRecords.ts";
import { buildParkingFacilities } from "../../subgraphs/parking/seedData.ts";

describe("the city platform simulator", () => {
  it("imports nothing of the district's subgraphs, gateway or scripts, its tests included", async () => {
    const dir = new URL("../../legacy/cityParkingPlatform/", import.meta.url);
    const offending: string[] = [];
    for (const file of (await readdir(dir)).filter((name) => name.endsWith(".ts"))) {
      const source = await readFile(new URL(file, dir), "utf8");
      for (const [, from] of source.matchAll(/from\s+"([^"]+)"/g)) {
        if (/^(\.\.\/)+(subgraphs|gateway|scripts)\//.test(from ?? "")) offending.push(`${file}: ${from}`);
      }
    }
    expect(offending).toEqual([]);
  });
});

describe("the city platform's records and the district's parking roster", () => {
  it("are the committed file that scripts/cityParkingRecords.ts writes from the district's roster", async () => {
    const committed = await readFile(RECORDS_PATH, "utf8");
    // When this fails, the parking roster changed: run `npx tsx scripts/cityParkingRecords.ts` and commit the file.
    expect(committed).toBe(formatCityParkingRecords(buildCityParkingRecords()));
  });

  it("hold every facility and charging station the district stores a platform code for, with the same capacity", () => {
    const registry = buildPlatformRegistry();
    const { facilities, stations } = buildParkingFacilities();
    const connected = facilities.filter((facility) => facility.platformCode);
    expect(connected.length).toBeGreaterThan(500);
    expect(registry.facilities.size).toBe(connected.length);
    for (const facility of connected) {
      expect(registry.facilities.get(facility.platformCode!)).toMatchObject({
        name: facility.name,
        totalSpaces: facility.totalSpaces,
        type: facility.kind === "ON_STREET" ? "ROADSIDE" : "PARKING_LOT",
      });
    }
    for (const station of stations.filter((s) => s.platformCode)) {
      const site = registry.chargingSites.get(station.platformCode!);
      expect(site?.chargers.filter((c) => c.type === "FAST")).toHaveLength(station.fastChargers);
      expect(site?.chargers.filter((c) => c.type === "SLOW")).toHaveLength(station.slowChargers);
    }
    // Facilities the district has not connected yet are not on the platform.
    const unconnected = facilities.filter((facility) => !facility.platformCode).map((f) => f.name);
    expect([...registry.facilities.values()].filter((f) => unconnected.includes(f.name))).toEqual([]);
  });
});
