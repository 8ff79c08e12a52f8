import { describe, expect, it } from "vitest";
import { officerIn as officerOf, residentPrincipal } from "../../test/rows/principals.ts";
import { seedDateTime } from "../../test/support/seedDate.ts";
import { graphql } from "../../test/support/subgraphs.ts";
import {
  BOOK,
  book,
  CANCEL,
  emptySlot,
  entIds,
  errorCode,
  expectSortedUnique,
  NOW,
  prisma,
  query,
  representations,
  service,
  useEnterpriseSubgraph,
  walk,
} from "./enterpriseTestbed.ts";

useEnterpriseSubgraph();

describe("window appointments (综合窗口预约)", () => {
  it("lists the centre's windows and their bookable slots, in time order, filtered by window, service and time", async () => {
    const body = await query(`{
      serviceWindows { id kind servesResidents handlesEveryService services { id } }
      open: windowSlots(filter: { availableOnly: true, windowId: "window-07" }, first: 200) {
        totalCount nodes { startsAt remaining bookable window { id } }
      }
      forDeregister: windowSlots(filter: { serviceId: "svc-deregister", from: "${seedDateTime(0, "09:00")}", to: "${seedDateTime(0, "09:30")}" }) {
        nodes { window { id } }
      }
    }`);
    expect(body.errors).toBeUndefined();
    const windows = body.data.serviceWindows;
    expect(windows).toHaveLength(11);
    expect(windows.filter((w: any) => w.kind === "GENERAL")).toHaveLength(6);
    expect(
      windows
        .find((w: any) => w.id === "window-09")
        .services.map((s: any) => s.id)
        .sort(),
    ).toEqual(["svc-change", "svc-deregister"]);
    expect(windows.find((w: any) => w.id === "window-01")).toMatchObject({
      handlesEveryService: true,
      servesResidents: true,
    });
    expect(windows.find((w: any) => w.id === "window-01").services).toHaveLength(8);
    expect(body.data.open.totalCount).toBeGreaterThan(0);
    for (const slot of body.data.open.nodes) {
      expect(slot).toMatchObject({ bookable: true, window: { id: "window-07" } });
      expect(slot.remaining).toBeGreaterThan(0);
    }
    const starts = body.data.open.nodes.map((s: any) => s.startsAt);
    expect(starts).toEqual([...starts].sort());
    // 6 general windows, the assistance desk and the change/deregistration window take deregistrations.
    expect(body.data.forDeregister.nodes.map((s: any) => s.window.id).sort()).toEqual([
      "window-01",
      "window-02",
      "window-03",
      "window-04",
      "window-05",
      "window-06",
      "window-09",
      "window-11",
    ]);
    const unknown = await query(`{ windowSlots(filter: { serviceId: "svc-nope" }) { totalCount } }`);
    expect(errorCode(unknown)).toBe("BAD_USER_INPUT");
    const day = await walk(
      "windowSlots",
      `filter: { from: "${seedDateTime(1, "00:00")}", to: "${seedDateTime(2, "00:00")}" }`,
      50,
    );
    expect(day.ids).toHaveLength(11 * 11);
    expectSortedUnique(day.ids);
  });

  it("books a place at a chosen window for an enterprise and one at a general window for a resident", async () => {
    const slot = await emptySlot("window-02", seedDateTime(9, "00:00"));
    const body = await book({
      enterpriseId: "ent-000020",
      windowId: "window-02",
      startsAt: slot.startsAt.toISOString(),
    });
    expect(body.errors).toBeUndefined();
    expect(body.data.bookWindowAppointment).toMatchObject({
      status: "BOOKED",
      enterprise: { id: "ent-000020" },
      resident: null,
      window: { id: "window-02", kind: "GENERAL" },
      slot: { id: slot.id, bookedCount: 1, remaining: slot.capacity - 1 },
    });
    const resident = await book({
      residentId: "resident-004321",
      windowId: "window-02",
      startsAt: slot.startsAt.toISOString(),
    });
    expect(resident.data.bookWindowAppointment).toMatchObject({
      resident: { id: "resident-004321" },
      slot: { bookedCount: 2 },
    });
    const read = await query(
      `query R($r: [_Any!]!) { _entities(representations: $r) { ... on Resident { windowAppointments { id window { id } } } } }`,
      { r: representations("Resident", ["resident-004321"]) },
    );
    expect(read.data._entities[0].windowAppointments).toContainEqual({
      id: resident.data.bookWindowAppointment.id,
      window: { id: "window-02" },
    });
  });

  it("chooses a specialised window for a service when no window is named", async () => {
    const slot = await emptySlot("window-09", seedDateTime(14, "00:00"));
    const body = await book({
      enterpriseId: "ent-000021",
      serviceId: "svc-deregister",
      startsAt: slot.startsAt.toISOString(),
    });
    expect(body.errors).toBeUndefined();
    expect(body.data.bookWindowAppointment).toMatchObject({
      window: { id: "window-09", kind: "DOMAIN" },
      bundledService: { id: "svc-deregister" },
    });
  });

  it("refuses a past time, a full slot, a double booking and malformed requests, and writes nothing", async () => {
    const countAll = () => prisma.windowAppointment.count();
    const before = await countAll();
    const past = await book({
      enterpriseId: "ent-000022",
      windowId: "window-01",
      startsAt: seedDateTime(-1, "09:00"),
    });
    expect(errorCode(past)).toBe("DATE_IN_PAST");
    const full = await prisma.windowSlot.findFirstOrThrow({
      where: { windowId: "window-01", bookedCount: { equals: prisma.windowSlot.fields.capacity } },
    });
    const fullBody = await book({
      enterpriseId: "ent-000022",
      windowId: "window-01",
      startsAt: full.startsAt.toISOString(),
    });
    expect(errorCode(fullBody)).toBe("CAPACITY_REACHED");
    expect(fullBody.errors?.[0].message).toMatch(/are booked; choose another time/);
    expect((await prisma.windowSlot.findUniqueOrThrow({ where: { id: full.id } })).bookedCount).toBe(full.capacity);

    const slot = await emptySlot("window-03", seedDateTime(15, "00:00"));
    expect(
      (await book({ enterpriseId: "ent-000023", windowId: "window-03", startsAt: slot.startsAt.toISOString() })).errors,
    ).toBeUndefined();
    const afterFirst = await countAll();
    const twice = await book({
      enterpriseId: "ent-000023",
      windowId: "window-04",
      startsAt: slot.startsAt.toISOString(),
    });
    expect(errorCode(twice)).toBe("ALREADY_BOOKED");

    const at = slot.startsAt.toISOString();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ windowId: "window-03", startsAt: at }, "BAD_USER_INPUT"],
      [
        { enterpriseId: "ent-000024", residentId: "resident-000001", windowId: "window-03", startsAt: at },
        "BAD_USER_INPUT",
      ],
      [{ enterpriseId: "ent-000024", startsAt: at }, "BAD_USER_INPUT"],
      [{ residentId: "someone", windowId: "window-03", startsAt: at }, "BAD_USER_INPUT"],
      [{ residentId: "resident-000002", windowId: "window-07", startsAt: at }, "BAD_USER_INPUT"],
      [{ enterpriseId: "ent-000024", windowId: "window-09", serviceId: "svc-hire", startsAt: at }, "BAD_USER_INPUT"],
      [{ enterpriseId: "ent-999999", windowId: "window-03", startsAt: at }, "NOT_FOUND_ENTITY"],
      [{ enterpriseId: "ent-000024", windowId: "window-99", startsAt: at }, "NOT_FOUND_ENTITY"],
      [{ enterpriseId: "ent-000024", serviceId: "svc-nope", startsAt: at }, "NOT_FOUND_ENTITY"],
      [{ enterpriseId: "ent-000024", windowId: "window-03", startsAt: seedDateTime(15, "12:15") }, "NOT_FOUND_ENTITY"],
    ];
    for (const [input, code] of cases) expect({ input, code: errorCode(await book(input)) }).toEqual({ input, code });
    expect(await countAll()).toBe(afterFirst);
    expect(afterFirst).toBe(before + 1);
  });

  it("lets a resident book and cancel for themselves only, and refuses callers who are not at the centre", async () => {
    const slot = await emptySlot("window-01", seedDateTime(10, "00:00"));
    const startsAt = slot.startsAt.toISOString();
    const me = residentPrincipal("resident-007001");
    const mine = await query(BOOK, { input: { windowId: "window-01", startsAt } }, me);
    expect(mine.errors).toBeUndefined();
    expect(mine.data.bookWindowAppointment).toMatchObject({ resident: { id: "resident-007001" }, enterprise: null });
    const forOther = await query(
      BOOK,
      { input: { residentId: "resident-007002", windowId: "window-01", startsAt } },
      me,
    );
    expect(errorCode(forOther)).toBe("FORBIDDEN");
    const forFirm = await query(BOOK, { input: { enterpriseId: "ent-000030", windowId: "window-01", startsAt } }, me);
    expect(errorCode(forFirm)).toBe("FORBIDDEN");
    const system = await graphql(service.url, BOOK, {
      input: { residentId: "resident-007003", windowId: "window-01", startsAt },
    });
    expect(errorCode(system.body)).toBe("FORBIDDEN");
    const otherDesk = await query(
      BOOK,
      { input: { enterpriseId: "ent-000030", windowId: "window-01", startsAt } },
      officerOf("dept-market"),
    );
    expect(errorCode(otherDesk)).toBe("FORBIDDEN");

    const id = mine.data.bookWindowAppointment.id;
    const stranger = await query(CANCEL, { id }, residentPrincipal("resident-007002"));
    expect(stranger.errors?.[0]).toMatchObject({ extensions: { code: "NOT_FOUND_ENTITY" } });
    const firmAppointment = await prisma.windowAppointment.findFirstOrThrow({ where: { enterpriseId: { not: null } } });
    expect(errorCode(await query(CANCEL, { id: firmAppointment.id }, me))).toBe("NOT_FOUND_ENTITY");
    const own = await query(CANCEL, { id }, me);
    expect(own.data.cancelWindowAppointment.status).toBe("CANCELLED");
  });

  it("lets exactly as many of 10 simultaneous bookings succeed as there are places", async () => {
    const slot = await emptySlot("window-05", seedDateTime(16, "00:00"));
    expect(slot.capacity).toBe(3);
    const results = await Promise.all(
      entIds(300, 10).map((enterpriseId) =>
        book({ enterpriseId, windowId: "window-05", startsAt: slot.startsAt.toISOString() }),
      ),
    );
    const codes = results.map((body) => (body.errors ? errorCode(body) : "OK"));
    expect(codes.filter((code) => code === "OK")).toHaveLength(3);
    expect(codes.filter((code) => code === "CAPACITY_REACHED")).toHaveLength(7);
    const after = await prisma.windowSlot.findUniqueOrThrow({ where: { id: slot.id } });
    expect(after.bookedCount).toBe(3);
    expect(await prisma.windowAppointment.count({ where: { slotId: slot.id, status: "BOOKED" } })).toBe(3);
  });

  it("lets only one of 5 simultaneous bookings by the same enterprise at the same time succeed", async () => {
    const slot = await emptySlot("window-06", seedDateTime(17, "00:00"));
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        book({ enterpriseId: "ent-000400", serviceId: "svc-hire", startsAt: slot.startsAt.toISOString() }),
      ),
    );
    const codes = results.map((body) => (body.errors ? errorCode(body) : "OK"));
    expect(codes.filter((code) => code === "OK")).toHaveLength(1);
    expect(codes.filter((code) => code === "ALREADY_BOOKED")).toHaveLength(4);
    const taken = await prisma.windowSlot.aggregate({
      where: { startsAt: slot.startsAt },
      _sum: { bookedCount: true },
    });
    const appointments = await prisma.windowAppointment.count({ where: { startsAt: slot.startsAt, status: "BOOKED" } });
    expect(taken._sum.bookedCount).toBe(appointments);
  });

  it("cancels once, frees the place, and refuses a second or simultaneous cancel", async () => {
    const slot = await emptySlot("window-08", seedDateTime(17, "00:00"));
    const booked = (
      await book({ enterpriseId: "ent-000500", windowId: "window-08", startsAt: slot.startsAt.toISOString() })
    ).data.bookWindowAppointment;
    const results = await Promise.all([1, 2, 3].map(() => query(CANCEL, { id: booked.id, reason: "改为网上办理" })));
    const codes = results.map((body) => (body.errors ? errorCode(body) : "OK"));
    expect(codes.sort()).toEqual(["APPOINTMENT_NOT_CANCELLABLE", "APPOINTMENT_NOT_CANCELLABLE", "OK"]);
    const ok = results.find((body) => !body.errors)!.data.cancelWindowAppointment;
    expect(ok).toMatchObject({
      status: "CANCELLED",
      cancelReason: "改为网上办理",
      cancelledAt: NOW.toISOString(),
      slot: { bookedCount: 0 },
    });
    expect((await prisma.windowSlot.findUniqueOrThrow({ where: { id: slot.id } })).bookedCount).toBe(0);
    expect(errorCode(await query(CANCEL, { id: "wappt-nope" }))).toBe("NOT_FOUND_ENTITY");
    // The cancelled appointment does not stop the enterprise from booking the same time again.
    expect(
      (await book({ enterpriseId: "ent-000500", windowId: "window-08", startsAt: slot.startsAt.toISOString() })).errors,
    ).toBeUndefined();
  });
});
