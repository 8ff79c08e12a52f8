import { afterEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../lib/config.ts";
import { openSubgraphDatabase, type SubgraphDatabase } from "../../lib/db/database.ts";
import { buildSeedData as buildEducation } from "../../subgraphs/education/seedData.ts";
import { buildSeedData as buildEnterprise } from "../../subgraphs/enterprise/seedData.ts";
import { buildSeedData as buildHealth, SLOT_WINDOW } from "../../subgraphs/health/seedData.ts";
import { loadSubgraphConfig } from "../../subgraphs/kit/config.ts";
import {
  addDays,
  cycleStart,
  isLocalDate,
  monthStart,
  SeedCalendar,
  shanghaiDate,
} from "../../subgraphs/kit/seedCalendar.ts";
import { PRE_LEDGER_SEED_DATE, readSeedLedger, recordSeedRun } from "../../subgraphs/kit/seedLedger.ts";
import { buildSeedData as buildSports } from "../../subgraphs/sports/seedData.ts";

const KEYS = { ENVELOPE_PUBLIC_KEYS: "a2V5MQ==" };
const day = (instant: Date) => shanghaiDate(instant);

describe("the seed calendar", () => {
  it("takes the date in Jing'an, which is a day ahead of UTC in the evening", () => {
    expect(shanghaiDate(new Date("2027-03-01T15:59:59Z"))).toBe("2027-03-01");
    expect(shanghaiDate(new Date("2027-03-01T16:00:00Z"))).toBe("2027-03-02");
    expect(isLocalDate("2028-02-29")).toBe(true);
    expect(isLocalDate("2027-02-29")).toBe(false);
    expect(isLocalDate("2027-3-1")).toBe(false);
    expect(monthStart("2026-12-15", 1)).toBe("2027-01-01");
    expect(monthStart("2026-01-31", -3)).toBe("2025-10-01");
  });

  it("lays cycles on the calendar from their epoch, before and after it", () => {
    expect(cycleStart("2026-11-09", 49, "2026-12-01")).toBe("2026-11-09");
    expect(cycleStart("2026-11-09", 49, "2026-12-28")).toBe("2026-12-28");
    expect(cycleStart("2026-11-09", 49, "2026-11-08")).toBe("2026-09-21");
  });

  it("counts a period as covered when it overlapped an earlier run's window, and never the run's own date", () => {
    const calendar = new SeedCalendar({ date: "2027-01-20", previousDates: ["2027-01-01", "2027-01-20"] });
    const window = { from: 0, to: 14 };
    expect(calendar.previousDates).toEqual(["2027-01-01"]);
    expect(calendar.isFirstSeed).toBe(false);
    expect(calendar.covered(window, "2027-01-14")).toBe(true);
    expect(calendar.covered(window, "2027-01-15")).toBe(false);
    // A month that began inside the earlier window is covered as a whole.
    expect(calendar.covered((date) => [monthStart(date), monthStart(date, 1)], "2027-01-01", "2027-02-01")).toBe(true);
    expect(new SeedCalendar({ date: "2027-01-20", previousDates: [] }).covered(window, "2027-01-02")).toBe(false);
  });

  it("refuses a seed date that is not a calendar date", () => {
    expect(() => new SeedCalendar({ date: "2027-02-30", previousDates: [] })).toThrow(/YYYY-MM-DD/);
  });
});

describe("seeds for a date", () => {
  it("build the same rows for the same date, and schedules that start on it for any date", () => {
    const date = "2031-06-10";
    const first = buildHealth({ date, previousDates: [] });
    expect(buildHealth({ date, previousDates: [] })).toEqual(first);
    const days = new Set(first.slots.map((slot) => day(slot.startsAt)));
    expect(Math.min(...[...days].map(Date.parse))).toBeGreaterThanOrEqual(Date.parse(date));
    expect([...days].every((d) => d < addDays(date, SLOT_WINDOW.to))).toBe(true);
    // Every booking was made before the seed date's morning.
    expect(first.appointments.every((a) => a.bookedAt.getTime() < Date.parse(`${date}T08:00:00+08:00`))).toBe(true);
  });

  it("add only the days an earlier run did not cover, with every appointment of a new slot", () => {
    const earlier = "2031-06-10";
    const later = addDays(earlier, 7);
    const topUp = buildHealth({ date: later, previousDates: [earlier] });
    const days = new Set(topUp.slots.map((slot) => day(slot.startsAt)));
    expect(Math.min(...[...days].map(Date.parse))).toBeGreaterThanOrEqual(Date.parse(addDays(earlier, 14)));
    const slotIds = new Set(topUp.slots.map((slot) => slot.id));
    expect(topUp.appointments.every((a) => slotIds.has(a.slotId))).toBe(true);
    for (const slot of topUp.slots) {
      const live = topUp.appointments.filter((a) => a.slotId === slot.id && a.status === "BOOKED").length;
      expect(live).toBe(slot.bookedCount);
    }
    // Facilities do not depend on the date.
    expect(topUp.hospitals).toEqual(buildHealth({ date: earlier, previousDates: [] }).hospitals);
  });

  it("always hold an open sports registration and an open course, whatever the day", () => {
    for (let offset = 0; offset < 98; offset += 5) {
      const date = addDays("2029-04-02", offset);
      const seedStart = Date.parse(`${date}T00:00:00+08:00`);
      const sports = buildSports({ date, previousDates: [] });
      const open = sports.events.filter(
        (e) =>
          e.registrationOpensAt.getTime() <= seedStart && e.registrationClosesAt.getTime() > seedStart + 86_400_000,
      );
      expect(open.length, date).toBeGreaterThan(0);
      const education = buildEducation({ date, previousDates: [] });
      const ahead = education.courses.filter((c) => c.startsAt.getTime() > seedStart + 7 * 86_400_000);
      expect(ahead.length, date).toBeGreaterThan(50);
    }
  });

  it("publish benefit policies in force on the seed date and for the two months after it", () => {
    const date = "2030-12-20";
    const { policies } = buildEnterprise({ date, previousDates: [] });
    const inForce = (d: string) =>
      policies.filter((p) => p.validFrom.toISOString().slice(0, 10) <= d && p.validTo.toISOString().slice(0, 10) >= d);
    expect(inForce(date)).toHaveLength(9);
    expect(inForce(addDays(date, 60))).toHaveLength(9);
    expect(policies.map((p) => p.id)).toContain("policy-2031-01");
    expect(policies.every((p) => p.createdAt.getTime() < Date.parse(`${date}T00:00:00+08:00`))).toBe(true);
  });
});

describe("the seed ledger", () => {
  let db: SubgraphDatabase | undefined;
  afterEach(async () => {
    await db?.close();
    db = undefined;
  });

  it("is empty for a new database and lists the dates recorded, oldest first, once each", async () => {
    db = await openSubgraphDatabase({ schema: "ledger" });
    expect(await readSeedLedger(db, false)).toEqual([]);
    await recordSeedRun(db, "2027-03-02");
    await recordSeedRun(db, "2027-01-05");
    await recordSeedRun(db, "2027-03-02");
    expect(await readSeedLedger(db, true)).toEqual(["2027-01-05", "2027-03-02"]);
  });

  it("counts a database that had migrations before the ledger existed as seeded for 2026-12-01", async () => {
    db = await openSubgraphDatabase({ schema: "ledger" });
    expect(await readSeedLedger(db, true)).toEqual([PRE_LEDGER_SEED_DATE]);
    expect(PRE_LEDGER_SEED_DATE).toBe("2026-12-01");
    // Only once: the ledger exists now.
    await recordSeedRun(db, "2027-01-05");
    expect(await readSeedLedger(db, true)).toEqual(["2026-12-01", "2027-01-05"]);
  });
});

describe("SEED_DATE", () => {
  it("defaults to today in Jing'an and accepts a calendar date", () => {
    const before = shanghaiDate(new Date());
    const seedDate = loadSubgraphConfig("health", 4102, KEYS).SEED_DATE;
    expect([before, shanghaiDate(new Date())]).toContain(seedDate);
    expect(loadSubgraphConfig("health", 4102, { ...KEYS, SEED_DATE: "2028-01-05" }).SEED_DATE).toBe("2028-01-05");
  });

  it("refuses anything but a calendar date, saying how to write one", () => {
    for (const value of ["2027-02-30", "05/01/2028", "tomorrow"]) {
      try {
        loadSubgraphConfig("health", 4102, { ...KEYS, SEED_DATE: value });
        expect.unreachable(`${value} was accepted`);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as ConfigError).problems).toEqual([
          "SEED_DATE: must be a calendar date written YYYY-MM-DD, e.g. 2027-03-01",
        ]);
      }
    }
  });
});
