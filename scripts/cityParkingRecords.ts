/**
 * Writes the city parking platform simulator's own records (`legacy/cityParkingPlatform/records.json`): one row per
 * parking facility and charging site the city has registered in Jing'an, with the codes it assigned.
 *
 * In reality the city registered these first and the district copied the codes into its own database. The simulator
 * cannot read the district's code (a legacy system knows nothing of ours), so its records are a committed file, made
 * from the district's parking roster by this script; `test/legacy/cityParkingRecords.test.ts` fails when the file
 * and the roster drift apart. Run `npx tsx scripts/cityParkingRecords.ts` after changing the parking seed's roster.
 */
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { buildParkingFacilities } from "../subgraphs/parking/seedData.ts";

export const RECORDS_PATH = fileURLToPath(new URL("../legacy/cityParkingPlatform/records.json", import.meta.url));

/** How a facility fills over the day, in the platform's vocabulary. */
function profileOf(name: string, kind: "GARAGE" | "ON_STREET"): string {
  if (kind === "ON_STREET") return "ROADSIDE";
  if (name.includes("共享")) return "RESIDENTIAL_SHARED";
  if (/火车站|P\+R|地铁站/u.test(name)) return "TRANSIT";
  return "COMMERCIAL";
}

/** The records as the platform keeps them: facilities and charging sites the district has connected. */
export function buildCityParkingRecords() {
  const { facilities, stations } = buildParkingFacilities();
  const codeOf = new Map(facilities.map((facility) => [facility.id, facility.platformCode]));
  return {
    about:
      "Records (台账) of the simulated city parking and charging platform for 静安区: codes assigned by the city. " +
      "Written by scripts/cityParkingRecords.ts; do not edit by hand.",
    facilityColumns: ["code", "name", "type", "totalSpaces", "profile"],
    facilities: facilities
      .filter((facility) => facility.platformCode)
      .map((facility) => [
        facility.platformCode,
        facility.name,
        facility.kind === "ON_STREET" ? "ROADSIDE" : "PARKING_LOT",
        facility.totalSpaces,
        profileOf(facility.name, facility.kind),
      ]),
    chargingSiteColumns: ["code", "facilityCode", "fastChargers", "slowChargers"],
    chargingSites: stations
      .filter((station) => station.platformCode)
      .map((station) => [
        station.platformCode,
        codeOf.get(station.facilityId) ?? null,
        station.fastChargers,
        station.slowChargers,
      ]),
  };
}

/** The file's text: one record per line, as the repository's formatter writes JSON. */
export function formatCityParkingRecords(records: ReturnType<typeof buildCityParkingRecords>): string {
  const rows = (list: unknown[][]) => list.map((row) => `    ${JSON.stringify(row).replaceAll(",", ", ")}`).join(",\n");
  return [
    "{",
    `  "about": ${JSON.stringify(records.about)},`,
    `  "facilityColumns": ${JSON.stringify(records.facilityColumns).replaceAll(",", ", ")},`,
    `  "facilities": [\n${rows(records.facilities)}\n  ],`,
    `  "chargingSiteColumns": ${JSON.stringify(records.chargingSiteColumns).replaceAll(",", ", ")},`,
    `  "chargingSites": [\n${rows(records.chargingSites)}\n  ]`,
    "}",
    "",
  ].join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await writeFile(RECORDS_PATH, formatCityParkingRecords(buildCityParkingRecords()));
  console.log(`wrote ${RECORDS_PATH}`);
}
