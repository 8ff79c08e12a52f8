import { describe, expect, it } from "vitest";
import { ANONYMOUS, type Principal, systemPrincipal } from "../../lib/principal.ts";
import {
  actingResident,
  canActFor,
  guardResidentRecords,
  mayReadRecord,
  mayReadRecordsOf,
  type ReachContext,
  type ResidentRecordRule,
  requireActor,
} from "../../subgraphs/kit/actingResident.ts";
import {
  cachedResidentDirectory,
  createResidentStreets,
  type ResidentDirectory,
} from "../../subgraphs/kit/residentDirectory.ts";
import { officerOf, residentPrincipal } from "../support/envelope.ts";

const desk = { departmentId: "dept-sports", name: "区体育局" };

/** resident-000001 lives on 静安寺, resident-000002 and -000003 on 临汾路; every lookup is counted. */
function register() {
  const streets = new Map([
    ["resident-000001", "street-jingansi"],
    ["resident-000002", "street-linfenlu"],
    ["resident-000003", "street-linfenlu"],
  ]);
  const batches: string[][] = [];
  const directory: ResidentDirectory = {
    streetsOf: async (ids) => {
      batches.push([...ids]);
      return new Map(ids.filter((id) => streets.has(id)).map((id) => [id, streets.get(id)!]));
    },
  };
  return { directory, batches };
}

const context = (principal: Principal, directory = register().directory): ReachContext => ({
  principal,
  residentStreets: createResidentStreets(directory),
});
/** A sports officer whose jurisdiction is 临汾路 only. */
const linfen = () => ({ ...officerOf("dept-sports"), streetIds: ["street-linfenlu"] });

describe("who acts for which resident", () => {
  it("takes the resident from the identity, and the named resident only from the department's officers", async () => {
    expect(await actingResident(context(residentPrincipal("resident-000001")), undefined, desk)).toBe(
      "resident-000001",
    );
    expect(await actingResident(context(residentPrincipal("resident-000001")), "resident-000001", desk)).toBe(
      "resident-000001",
    );
    await expect(
      actingResident(context(residentPrincipal("resident-000001")), "resident-000002", desk),
    ).rejects.toThrow(/only for themselves/);
    expect(await actingResident(context(linfen()), "resident-000002", desk)).toBe("resident-000002");
    await expect(actingResident(context(linfen()), undefined, desk)).rejects.toThrow(/Name the resident/);
    for (const principal of [officerOf("dept-health"), ANONYMOUS, systemPrincipal("gateway")]) {
      await expect(actingResident(context(principal), "resident-000002", desk)).rejects.toThrow(/区体育局/);
    }
  });

  it("refuses an officer acting for a resident of another street exactly like one who does not exist", async () => {
    const outside = actingResident(context(linfen()), "resident-000001", desk).catch((error) => error);
    const missing = actingResident(context(linfen()), "resident-999999", desk).catch((error) => error);
    expect((await outside).extensions.code).toBe("FORBIDDEN");
    expect((await outside).message).toMatch(/no resident "resident-000001" registered in your jurisdiction/);
    expect((await missing).message.replace("999999", "000001")).toBe((await outside).message);
    // An empty jurisdiction reaches nobody.
    await expect(
      actingResident(context({ ...officerOf("dept-sports"), streetIds: [] }), "resident-000002", desk),
    ).rejects.toThrow(/in your jurisdiction \(none\)/);
  });

  it("refuses callers who may not act at the desk before anything is looked up", () => {
    expect(() => requireActor(residentPrincipal("resident-000001"), desk)).not.toThrow();
    expect(() => requireActor(officerOf("dept-sports"), desk)).not.toThrow();
    expect(() => requireActor(officerOf("dept-health"), desk)).toThrow(/区体育局/);
    expect(() => requireActor(ANONYMOUS, desk)).toThrow(/区体育局/);
  });

  it("lets residents change only their own records and the department's officers those of their streets", async () => {
    expect(await canActFor(context(residentPrincipal("resident-000001")), "resident-000001", desk)).toBe(true);
    expect(await canActFor(context(residentPrincipal("resident-000001")), "resident-000002", desk)).toBe(false);
    expect(await canActFor(context(linfen()), "resident-000002", desk)).toBe(true);
    expect(await canActFor(context(linfen()), "resident-000001", desk)).toBe(false);
    await expect(canActFor(context(officerOf("dept-culture")), "resident-000002", desk)).rejects.toThrow(/区体育局/);
  });

  it("guards Resident fields: the resident and the department's officers of the resident's street, no one else", async () => {
    const fields = guardResidentRecords(desk, { courtBookings: (resident) => [`booking of ${resident.id}`] });
    const read = (principal: Principal, id = "resident-000002") =>
      fields.courtBookings!({ id }, {}, context(principal), {});
    expect(await read(residentPrincipal("resident-000002"))).toEqual(["booking of resident-000002"]);
    expect(await read(linfen())).toEqual(["booking of resident-000002"]);
    for (const principal of [
      residentPrincipal("resident-000001"),
      officerOf("dept-health"),
      { ...officerOf("dept-sports"), streetIds: ["street-jingansi"] },
      systemPrincipal("gateway"),
    ]) {
      await expect(read(principal)).rejects.toThrow(
        /Only the resident, or an officer of 区体育局 whose jurisdiction holds the resident's street, may read Resident.courtBookings/,
      );
      expect(await mayReadRecordsOf(context(principal), "resident-000002", desk)).toBe(false);
    }
    await expect(read(linfen(), "resident-000001")).rejects.toThrow(/FORBIDDEN|Only the resident/);
  });
});

describe("row rule over records: the place and the person both in the officer's streets", () => {
  interface Booking {
    id: string;
    residentId: string;
    streetId: string;
  }
  const rule: ResidentRecordRule<Booking, ReachContext> = {
    desk,
    residentOf: (booking) => booking.residentId,
    streetOf: (booking) => booking.streetId,
  };
  const bookings: Booking[] = [
    { id: "b1", residentId: "resident-000002", streetId: "street-linfenlu" },
    { id: "b2", residentId: "resident-000001", streetId: "street-linfenlu" },
    { id: "b3", residentId: "resident-000003", streetId: "street-jingansi" },
  ];

  it("shows a 临汾路 officer only records of 临汾路 residents at 临汾路 facilities, with one register lookup", async () => {
    const { directory, batches } = register();
    const request = context(linfen(), directory);
    const verdicts = await Promise.all(bookings.map((booking) => mayReadRecord(rule, booking, request)));
    expect(verdicts).toEqual([true, false, false]);
    expect(batches).toEqual([["resident-000002", "resident-000001", "resident-000003"]]);
  });
});

describe("the residence register lookup", () => {
  it("batches one tick's residents into one lookup and caches answers (unknown residents too) for the ttl", async () => {
    const { directory, batches } = register();
    let now = 0;
    const cached = cachedResidentDirectory(directory, { ttlMs: 1_000, now: () => now });
    const first = createResidentStreets(cached);
    expect(
      await Promise.all(["resident-000001", "resident-000002", "resident-404"].map((id) => first.load(id))),
    ).toEqual(["street-jingansi", "street-linfenlu", null]);
    expect(batches).toHaveLength(1);
    // Another request within the ttl: no lookup at all.
    const second = createResidentStreets(cached);
    expect(await Promise.all(["resident-000002", "resident-404"].map((id) => second.load(id)))).toEqual([
      "street-linfenlu",
      null,
    ]);
    expect(batches).toHaveLength(1);
    now = 1_001;
    expect(await createResidentStreets(cached).load("resident-000002")).toBe("street-linfenlu");
    expect(batches).toEqual([["resident-000001", "resident-000002", "resident-404"], ["resident-000002"]]);
  });

  it("keeps at most maxEntries residents", async () => {
    const { directory, batches } = register();
    const cached = cachedResidentDirectory(directory, { maxEntries: 2 });
    await cached.streetsOf(["resident-000001", "resident-000002", "resident-000003"]);
    await cached.streetsOf(["resident-000001"]);
    expect(batches.at(-1)).toEqual(["resident-000001"]);
  });
});
