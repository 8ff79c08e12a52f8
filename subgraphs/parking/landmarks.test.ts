import { describe, expect, it } from "vitest";
import { JINGAN_DIVISION_IDS } from "../../lib/reference/jinganDivisions.ts";
import { PARKING_PROFILES } from "./jinganParking.ts";
import { buildParkingFacilities } from "./seedData.ts";

const landmarks = Object.entries(PARKING_PROFILES).flatMap(([streetId, profile]) =>
  profile.landmarks.map((landmark) => ({ streetId, ...landmark, address: `${landmark.road}${landmark.number}号` })),
);

describe("landmark car parks", () => {
  it("has a price zone and landmarks for every street, and no street the reference list does not know", () => {
    expect(Object.keys(PARKING_PROFILES).sort()).toEqual([...JINGAN_DIVISION_IDS].sort());
  });

  it("places no two landmarks at one address and names no place twice", () => {
    const addresses = landmarks.map((l) => l.address);
    expect(new Set(addresses).size).toBe(addresses.length);
    const names = landmarks.map((l) => l.name.replace(/(地下)?停车(库|场)$/u, ""));
    expect(new Set(names).size).toBe(names.length);
  });

  it("puts the hospitals' car parks at the hospitals' own addresses, and lists no invented place", () => {
    const at = (name: string) => landmarks.find((l) => l.name === name);
    expect(at("市北医院停车场")).toMatchObject({ streetId: "street-pengpu", address: "共和新路4500号" });
    expect(at("上海市第十人民医院停车场")).toMatchObject({ streetId: "street-gonghexinlu", address: "延长中路301号" });
    expect(at("静安大悦城停车库")).toMatchObject({ streetId: "street-beizhan", address: "西藏北路166号" });
    for (const gone of ["静安大悦城北座停车库", "上海国际汽车城静安展厅停车场", "玉佛寺停车场"]) {
      expect(at(gone), gone).toBeUndefined();
    }
  });

  it("marks the landmarks as real places and everything generated around them as synthetic", () => {
    const { facilities, stations } = buildParkingFacilities();
    const real = facilities.filter((f) => !f.synthetic);
    expect(real.map((f) => f.name).sort()).toEqual(landmarks.map((l) => l.name).sort());
    expect(facilities.filter((f) => f.synthetic).length).toBeGreaterThan(500);
    expect(stations.every((s) => s.synthetic)).toBe(true);
  });
});
