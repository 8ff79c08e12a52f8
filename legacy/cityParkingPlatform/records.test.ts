import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildCityParkingRecords, formatCityParkingRecords, RECORDS_PATH } from "../../scripts/cityParkingRecords.ts";
import { buildParkingFacilities } from "../../subgraphs/parking/seedData.ts";
import { buildPlatformRegistry } from "./registry.ts";

describe("the platform's own records", () => {
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

  it("refuses a records file with an occupancy profile the live-data model does not know", async () => {
    const dir = await mkdtemp(join(tmpdir(), "og-records-"));
    try {
      const path = join(dir, "records.json");
      await writeFile(
        path,
        JSON.stringify({
          facilities: [["SH-JA-P-00001", "某停车库", "PARKING_LOT", 10, "AIRPORT"]],
          chargingSites: [],
        }),
      );
      expect(() => buildPlatformRegistry(path)).toThrow(/SH-JA-P-00001 has an unknown occupancy profile "AIRPORT"/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
