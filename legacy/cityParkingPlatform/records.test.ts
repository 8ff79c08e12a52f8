import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildPlatformRegistry } from "./registry.ts";

/** The platform's records file as its registry reads it; that it matches the district's roster: test/legacy/. */
describe("the platform's own records", () => {
  it("hold the facilities and charging sites the platform serves, each site's facility among them", () => {
    const registry = buildPlatformRegistry();
    expect(registry.facilities.size).toBeGreaterThan(500);
    expect(registry.chargingSites.size).toBeGreaterThan(0);
    for (const site of registry.chargingSites.values()) {
      if (site.facilityCode !== null) expect(registry.facilities.has(site.facilityCode)).toBe(true);
      expect(site.chargers.length).toBeGreaterThan(0);
    }
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
