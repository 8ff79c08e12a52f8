import { describe, expect, it } from "vitest";
import { ANONYMOUS, systemPrincipal } from "../../lib/principal.ts";
import {
  actingResident,
  canActFor,
  guardResidentRecords,
  mayReadRecordsOf,
  requireActor,
} from "../../subgraphs/kit/actingResident.ts";
import { officerOf, residentPrincipal } from "../support/envelope.ts";

const desk = { departmentId: "dept-sports", name: "区体育局" };

describe("who acts for which resident", () => {
  it("takes the resident from the identity, and the named resident only from the department's officers", () => {
    expect(actingResident(residentPrincipal("resident-000001"), undefined, desk)).toBe("resident-000001");
    expect(actingResident(residentPrincipal("resident-000001"), "resident-000001", desk)).toBe("resident-000001");
    expect(() => actingResident(residentPrincipal("resident-000001"), "resident-000002", desk)).toThrow(
      /only for themselves/,
    );
    expect(actingResident(officerOf("dept-sports"), "resident-000002", desk)).toBe("resident-000002");
    expect(() => actingResident(officerOf("dept-sports"), undefined, desk)).toThrow(/Name the resident/);
    for (const principal of [officerOf("dept-health"), ANONYMOUS, systemPrincipal("gateway")]) {
      expect(() => actingResident(principal, "resident-000002", desk)).toThrow(/区体育局/);
    }
  });

  it("refuses callers who may not act at the desk before anything is looked up", () => {
    expect(() => requireActor(residentPrincipal("resident-000001"), desk)).not.toThrow();
    expect(() => requireActor(officerOf("dept-sports"), desk)).not.toThrow();
    expect(() => requireActor(officerOf("dept-health"), desk)).toThrow(/区体育局/);
    expect(() => requireActor(ANONYMOUS, desk)).toThrow(/区体育局/);
  });

  it("lets residents change only their own records and the department's officers any", () => {
    expect(canActFor(residentPrincipal("resident-000001"), "resident-000001", desk)).toBe(true);
    expect(canActFor(residentPrincipal("resident-000001"), "resident-000002", desk)).toBe(false);
    expect(canActFor(officerOf("dept-sports"), "resident-000002", desk)).toBe(true);
    expect(() => canActFor(officerOf("dept-culture"), "resident-000002", desk)).toThrow(/FORBIDDEN|区体育局/);
  });

  it("guards Resident fields: the resident and the department's officers read them, others get FORBIDDEN", async () => {
    const fields = guardResidentRecords(desk, { courtBookings: (resident) => [`booking of ${resident.id}`] });
    const read = (principal: any) => fields.courtBookings!({ id: "resident-000001" }, {}, { principal }, {});
    expect(await read(residentPrincipal("resident-000001"))).toEqual(["booking of resident-000001"]);
    expect(await read(officerOf("dept-sports"))).toEqual(["booking of resident-000001"]);
    for (const principal of [
      residentPrincipal("resident-000002"),
      officerOf("dept-health"),
      systemPrincipal("gateway"),
    ]) {
      expect(() => read(principal)).toThrow(
        /Only the resident or an officer of 区体育局 may read Resident.courtBookings/,
      );
      expect(mayReadRecordsOf(principal, "resident-000001", desk)).toBe(false);
    }
  });
});
