import { describe, expect, it } from "vitest";
import { ANONYMOUS } from "../../lib/principal.ts";
import { seedInstant } from "../../test/support/seedDate.ts";
import {
  CULTURE_OFFICER,
  cancelAs,
  codes,
  errorCode,
  insertProgramme,
  NOW,
  prisma,
  query,
  REGISTER,
  register,
  resident,
  snapshot,
  useCultureSubgraph,
} from "./cultureTestbed.ts";

useCultureSubgraph();

describe("registering and cancelling", () => {
  it("gives a place while places remain, then waiting-list positions in order", async () => {
    const id = await insertProgramme({ capacity: 2, waitlistCapacity: 3 });
    const bodies = [];
    for (const n of [1, 2, 3, 4]) bodies.push(await register(id, `resident-05000${n}`));
    expect(bodies.every((b) => b.errors === undefined)).toBe(true);
    const results = bodies.map((b) => b.data.registerForCultureProgramme);
    expect(results.map((r) => [r.status, r.waitlistPosition])).toEqual([
      ["REGISTERED", null],
      ["REGISTERED", null],
      ["WAITLISTED", 1],
      ["WAITLISTED", 2],
    ]);
    expect(results[0]).toMatchObject({ resident: { id: "resident-050001" }, registeredAt: NOW.toISOString() });
    expect(results[3].programme).toEqual({
      id,
      registeredCount: 2,
      remaining: 0,
      waitlistedCount: 2,
      availability: "WAITLIST",
    });
    const mine = await query(
      `{ _entities(representations: [{ __typename: "Resident", id: "resident-050003" }]) {
        ... on Resident { cultureRegistrations(status: WAITLISTED) { programme { id } waitlistPosition } }
      } }`,
      undefined,
      resident("resident-050003"),
    );
    expect(mine.data._entities[0].cultureRegistrations).toContainEqual({ programme: { id }, waitlistPosition: 1 });
  });

  it("refuses with CAPACITY_REACHED when places and waiting list are full, writing nothing", async () => {
    const id = await insertProgramme({ capacity: 1, waitlistCapacity: 1 });
    expect((await register(id, "resident-050011")).errors).toBeUndefined();
    expect((await register(id, "resident-050012")).errors).toBeUndefined();
    const before = await snapshot(id);
    const body = await register(id, "resident-050013");
    expect(errorCode(body)).toBe("CAPACITY_REACHED");
    expect(body.errors?.[0].message).toMatch(/all 1 places and all 1 waiting-list places are taken/);
    expect(await snapshot(id)).toEqual(before);
    const read = await query(`query P($id: ID!) { cultureProgramme(id: $id) { availability } }`, { id });
    expect(read.data.cultureProgramme.availability).toBe("FULL");
  });

  it("refuses a programme that has started with DATE_IN_PAST, writing nothing", async () => {
    const id = await insertProgramme({
      capacity: 10,
      waitlistCapacity: 2,
      startsAt: seedInstant(0, "07:30"),
    });
    const before = await snapshot(id);
    const body = await register(id, "resident-050021");
    expect(errorCode(body)).toBe("DATE_IN_PAST");
    expect(body.errors?.[0].message).toMatch(/Choose one that starts later/);
    expect(await snapshot(id)).toEqual(before);
    const read = await query(`query P($id: ID!) { cultureProgramme(id: $id) { availability } }`, { id });
    expect(read.data.cultureProgramme.availability).toBe("CLOSED");
  });

  it("refuses a second live registration of the same resident with BOOKING_OVERLAP, placed or waiting", async () => {
    const id = await insertProgramme({ capacity: 1, waitlistCapacity: 5 });
    expect((await register(id, "resident-050031")).errors).toBeUndefined();
    expect((await register(id, "resident-050032")).data.registerForCultureProgramme.status).toBe("WAITLISTED");
    const before = await snapshot(id);
    for (const residentId of ["resident-050031", "resident-050032"]) {
      const again = await register(id, residentId);
      expect(errorCode(again)).toBe("BOOKING_OVERLAP");
      expect(again.errors?.[0].message).toMatch(/cancel it before registering again/);
    }
    expect(await snapshot(id)).toEqual(before);
  });

  it("refuses an unknown programme, a malformed resident id, strangers and residents acting for others", async () => {
    const id = await insertProgramme({ capacity: 5, waitlistCapacity: 1 });
    const before = await snapshot(id);
    expect(errorCode(await register("prog-does-not-exist", "resident-050041"))).toBe("NOT_FOUND_ENTITY");
    const malformed = await query(REGISTER, { programmeId: id, residentId: "张三" }, CULTURE_OFFICER);
    expect(errorCode(malformed)).toBe("BAD_USER_INPUT");
    const unnamed = await query(REGISTER, { programmeId: id }, CULTURE_OFFICER);
    expect(errorCode(unnamed)).toBe("BAD_USER_INPUT");
    const otherResident = await query(
      REGISTER,
      { programmeId: id, residentId: "resident-050042" },
      resident("resident-050041"),
    );
    expect(errorCode(otherResident)).toBe("FORBIDDEN");
    const healthOfficer = { ...CULTURE_OFFICER, departmentId: "dept-health" };
    for (const principal of [healthOfficer, undefined]) {
      const body = await query(REGISTER, { programmeId: id, residentId: "resident-050043" }, principal);
      expect(errorCode(body)).toBe("FORBIDDEN");
      expect(body.errors?.[0].message).toMatch(/区文化旅游局/);
    }
    // Anonymous callers are told to log in (the kit's shield), before anything is looked up.
    const anonymous = await query(REGISTER, { programmeId: id, residentId: "resident-050043" }, ANONYMOUS);
    expect(errorCode(anonymous)).toBe("AUTHENTICATION_REQUIRED");
    expect(await snapshot(id)).toEqual(before);
  });

  it("lets a 区文化旅游局 officer register a named resident at the front desk", async () => {
    const id = await insertProgramme({ capacity: 3, waitlistCapacity: 1 });
    const body = await query(REGISTER, { programmeId: id, residentId: "resident-050051" }, CULTURE_OFFICER);
    expect(body.errors).toBeUndefined();
    expect(body.data.registerForCultureProgramme).toMatchObject({
      status: "REGISTERED",
      resident: { id: "resident-050051" },
    });
  });

  it("gives a freed place to the head of the waiting list and moves everyone behind up one", async () => {
    const id = await insertProgramme({ capacity: 2, waitlistCapacity: 5 });
    const regs: Record<string, string> = {};
    for (const n of [1, 2, 3, 4, 5]) {
      const residentId = `resident-05006${n}`;
      regs[residentId] = (await register(id, residentId)).data.registerForCultureProgramme.id;
    }
    const body = await cancelAs(regs["resident-050061"]!, resident("resident-050061"));
    expect(body.errors).toBeUndefined();
    expect(body.data.cancelCultureRegistration).toEqual({
      registration: {
        id: regs["resident-050061"],
        status: "CANCELLED",
        cancelledAt: NOW.toISOString(),
        waitlistPosition: null,
      },
      // The promoted registration is another resident's: the canceller does not see it (row rules).
      promoted: null,
      programme: { registeredCount: 2, waitlistedCount: 2, remaining: 0 },
    });
    const promoted = await prisma.cultureRegistration.findUniqueOrThrow({ where: { id: regs["resident-050063"]! } });
    expect(promoted).toMatchObject({ status: "REGISTERED", promotedAt: NOW, waitlistPosition: null });
    const waiting = await prisma.cultureRegistration.findMany({
      where: { programmeId: id, status: "WAITLISTED" },
      orderBy: { waitlistPosition: "asc" },
    });
    expect(waiting.map((r) => [r.residentId, r.waitlistPosition])).toEqual([
      ["resident-050064", 1],
      ["resident-050065", 2],
    ]);

    // Leaving the waiting list closes the gap too, and frees no place.
    const left = await cancelAs(regs["resident-050064"]!, resident("resident-050064"));
    expect(left.data.cancelCultureRegistration).toMatchObject({
      promoted: null,
      programme: { registeredCount: 2, waitlistedCount: 1 },
    });
    const last = await prisma.cultureRegistration.findUniqueOrThrow({ where: { id: regs["resident-050065"] } });
    expect(last.waitlistPosition).toBe(1);

    // A withdrawal with nobody waiting frees the place; the resident may register again later.
    await cancelAs(regs["resident-050065"]!, resident("resident-050065"));
    const freed = await cancelAs(regs["resident-050062"]!, resident("resident-050062"));
    expect(freed.data.cancelCultureRegistration).toMatchObject({
      promoted: null,
      programme: { registeredCount: 1, waitlistedCount: 0, remaining: 1 },
    });
    const again = await register(id, "resident-050062");
    expect(again.data.registerForCultureProgramme.status).toBe("REGISTERED");
  });

  it("refuses to cancel twice, an attended registration, or after the start, and writes nothing", async () => {
    const id = await insertProgramme({ capacity: 3, waitlistCapacity: 1 });
    const reg = (await register(id, "resident-050071")).data.registerForCultureProgramme.id;
    expect((await cancelAs(reg, resident("resident-050071"))).errors).toBeUndefined();
    let before = await snapshot(id);
    const twice = await cancelAs(reg, resident("resident-050071"));
    expect(errorCode(twice)).toBe("INVALID_STATE_TRANSITION");
    expect(twice.errors?.[0].message).toMatch(/already cancelled/);
    expect(await snapshot(id)).toEqual(before);

    const attended = await prisma.cultureRegistration.findFirstOrThrow({ where: { status: "ATTENDED" } });
    const attendedBody = await cancelAs(attended.id, CULTURE_OFFICER);
    expect(errorCode(attendedBody)).toBe("INVALID_STATE_TRANSITION");

    const started = await insertProgramme({
      capacity: 3,
      waitlistCapacity: 1,
      startsAt: seedInstant(0, "07:00"),
    });
    await prisma.cultureProgramme.update({ where: { id: started }, data: { registeredCount: 1 } });
    await prisma.cultureRegistration.create({
      data: {
        id: "creg-test-started",
        programmeId: started,
        residentId: "resident-050072",
        status: "REGISTERED",
        registeredAt: seedInstant(-6, "10:00"),
      },
    });
    before = await snapshot(started);
    const late = await cancelAs("creg-test-started", resident("resident-050072"));
    expect(errorCode(late)).toBe("DATE_IN_PAST");
    expect(late.errors?.[0].message).toMatch(/Contact the venue/);
    expect(await snapshot(started)).toEqual(before);
  });

  it("hides another resident's registration behind NOT_FOUND_ENTITY and lets a culture officer cancel it", async () => {
    const id = await insertProgramme({ capacity: 3, waitlistCapacity: 1 });
    const reg = (await register(id, "resident-050081")).data.registerForCultureProgramme.id;
    const before = await snapshot(id);
    const stranger = await cancelAs(reg, resident("resident-050082"));
    expect(errorCode(stranger)).toBe("NOT_FOUND_ENTITY");
    expect(errorCode(await cancelAs("creg-does-not-exist", resident("resident-050082")))).toBe("NOT_FOUND_ENTITY");
    expect(errorCode(await cancelAs(reg, ANONYMOUS))).toBe("AUTHENTICATION_REQUIRED");
    expect(await snapshot(id)).toEqual(before);
    const desk = await cancelAs(reg, CULTURE_OFFICER);
    expect(desk.data.cancelCultureRegistration.registration.status).toBe("CANCELLED");
  });

  it("gives exactly k of N simultaneous registrations a place and the rest gap-free waiting-list positions", async () => {
    const id = await insertProgramme({ capacity: 3, waitlistCapacity: 20 });
    const residents = Array.from({ length: 12 }, (_, i) => `resident-0501${String(i).padStart(2, "0")}`);
    const results = await Promise.all(residents.map((r) => register(id, r)));
    expect(codes(results)).toEqual(residents.map(() => "OK"));
    const rows = results.map((b) => b.data.registerForCultureProgramme);
    expect(rows.filter((r) => r.status === "REGISTERED")).toHaveLength(3);
    const positions = rows.filter((r) => r.status === "WAITLISTED").map((r) => r.waitlistPosition);
    expect(positions.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const programme = await prisma.cultureProgramme.findUniqueOrThrow({ where: { id } });
    expect(programme).toMatchObject({ registeredCount: 3, waitlistedCount: 9 });

    // Three simultaneous withdrawals of places promote the three heads of the waiting list, once each.
    const placed = rows.filter((r) => r.status === "REGISTERED");
    const heads = rows.filter((r) => r.status === "WAITLISTED" && r.waitlistPosition <= 3).map((r) => r.id);
    // At the front desk: a 区文化旅游局 officer sees whom each withdrawal promoted (a resident would see null).
    const cancels = await Promise.all(placed.map((r) => cancelAs(r.id, CULTURE_OFFICER)));
    expect(codes(cancels)).toEqual(["OK", "OK", "OK"]);
    const promoted = cancels.map((b) => b.data.cancelCultureRegistration.promoted.id);
    expect(promoted.sort()).toEqual(heads.sort());
    const waiting = await prisma.cultureRegistration.findMany({
      where: { programmeId: id, status: "WAITLISTED" },
      orderBy: { waitlistPosition: "asc" },
    });
    expect(waiting.map((r) => r.waitlistPosition)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await prisma.cultureProgramme.findUniqueOrThrow({ where: { id } })).toMatchObject({
      registeredCount: 3,
      waitlistedCount: 6,
    });
  });

  it("turns away everyone beyond places and waiting list when many register at once", async () => {
    const id = await insertProgramme({ capacity: 2, waitlistCapacity: 3 });
    const residents = Array.from({ length: 10 }, (_, i) => `resident-0502${String(i).padStart(2, "0")}`);
    const results = await Promise.all(residents.map((r) => register(id, r)));
    const outcome = results.map((b) => b.data?.registerForCultureProgramme?.status ?? errorCode(b));
    expect(outcome.filter((s) => s === "REGISTERED")).toHaveLength(2);
    expect(outcome.filter((s) => s === "WAITLISTED")).toHaveLength(3);
    expect(outcome.filter((s) => s === "CAPACITY_REACHED")).toHaveLength(5);
    expect(await prisma.cultureRegistration.count({ where: { programmeId: id } })).toBe(5);
  });

  it("lets only one of 5 simultaneous registrations of the same resident through", async () => {
    const id = await insertProgramme({ capacity: 5, waitlistCapacity: 5 });
    const results = await Promise.all(Array.from({ length: 5 }, () => register(id, "resident-050301")));
    const outcome = codes(results);
    expect(outcome.filter((c) => c === "OK")).toHaveLength(1);
    expect(outcome.filter((c) => c === "BOOKING_OVERLAP")).toHaveLength(4);
    expect(await prisma.cultureProgramme.findUniqueOrThrow({ where: { id } })).toMatchObject({
      registeredCount: 1,
      waitlistedCount: 0,
    });
  });

  it("frees a place once when the same registration is cancelled three times at once", async () => {
    const id = await insertProgramme({ capacity: 1, waitlistCapacity: 3 });
    const reg = (await register(id, "resident-050401")).data.registerForCultureProgramme.id;
    for (const n of [2, 3]) await register(id, `resident-05040${n}`);
    const results = await Promise.all([1, 2, 3].map(() => cancelAs(reg, resident("resident-050401"))));
    expect(codes(results).sort()).toEqual(["INVALID_STATE_TRANSITION", "INVALID_STATE_TRANSITION", "OK"]);
    const rows = await prisma.cultureRegistration.findMany({
      where: { programmeId: id },
      orderBy: { residentId: "asc" },
    });
    expect(rows.map((r) => [r.residentId, r.status, r.waitlistPosition])).toEqual([
      ["resident-050401", "CANCELLED", null],
      ["resident-050402", "REGISTERED", null],
      ["resident-050403", "WAITLISTED", 1],
    ]);
  });
});
