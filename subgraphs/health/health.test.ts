import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "../../lib/principal.ts";
import { ALL_STREETS } from "../../test/rows/principals.ts";
import { seedDateTime, seedInstant, seedLocal, TEST_SEED_DATE } from "../../test/support/seedDate.ts";
import { graphql, startTestSubgraph } from "../../test/support/subgraphs.ts";
import type { SubgraphService } from "../kit/service.ts";
import { createHealthSubgraph } from "./index.ts";
import type { HealthPrisma } from "./loaders.ts";
import { countRows } from "./seed.ts";

/** Two days before the seeded schedule (the fortnight from TEST_SEED_DATE) starts, whatever today is. */
const NOW = seedInstant(-2, "10:00");
const health = createHealthSubgraph({ now: () => NOW });

let service: SubgraphService<HealthPrisma>;
let prisma: HealthPrisma;

beforeAll(async () => {
  service = await startTestSubgraph(health, { seedDate: TEST_SEED_DATE });
  prisma = service.prisma;
});

afterAll(async () => {
  await service?.stop();
});

/** The hospital front desk: an officer of 区卫健委 for the whole district, who may book for any resident. */
const frontDesk: Principal = {
  kind: "officer",
  id: "person-officer-health",
  roles: ["officer"],
  scopes: ["health:read", "health:write"],
  departmentId: "dept-health",
  streetIds: ALL_STREETS,
  residentId: null,
  sessionId: null,
  issuer: "test",
};

async function query(document: string, variables?: Record<string, unknown>, principal: Principal = frontDesk) {
  return (await graphql(service.url, document, variables, {}, { principal })).body;
}

/** Runs an operation and returns how many SQL statements it cost. */
async function sqlCost(document: string, variables?: Record<string, unknown>) {
  const before = service.sqlQueries();
  const body = await query(document, variables);
  expect(body.errors).toBeUndefined();
  return { body, statements: service.sqlQueries() - before };
}

function errorCode(body: { errors?: any[] }): string | undefined {
  return body.errors?.[0]?.extensions?.code;
}

/** A slot that only this test uses, for a seeded doctor (心内科 of 闸北区中心医院). */
async function insertSlot(id: string, fields: { startsAt: Date; capacity: number; bookedCount?: number }) {
  await prisma.appointmentSlot.create({
    data: {
      id,
      hospitalId: "hosp-0001",
      clinicId: "clinic-0001-01",
      doctorId: "doc-0001-01-1",
      startsAt: fields.startsAt,
      endsAt: new Date(fields.startsAt.getTime() + 60 * 60_000),
      capacity: fields.capacity,
      bookedCount: fields.bookedCount ?? 0,
    },
  });
}

const BOOK = /* GraphQL */ `
  mutation Book($slotId: ID!, $residentId: ID!) {
    bookAppointment(input: { slotId: $slotId, residentId: $residentId }) {
      id
      status
      resident { id }
      slot { id capacity bookedCount remaining }
    }
  }
`;

const CANCEL = /* GraphQL */ `
  mutation Cancel($appointmentId: ID!, $reason: String) {
    cancelAppointment(input: { appointmentId: $appointmentId, reason: $reason }) {
      id
      status
      cancelledAt
      cancelReason
      slot { id bookedCount remaining }
    }
  }
`;

const book = (slotId: string, residentId: string) => query(BOOK, { slotId, residentId });

describe("hospitals", () => {
  it("lists the district's 220 institutions, from tertiary hospitals to neighbourhood stations", async () => {
    const body = await query(`{
      all: hospitals { totalCount }
      centres: hospitals(filter: { kind: COMMUNITY_HEALTH_CENTRE }, first: 50) {
        totalCount
        nodes { name level street { id } department { id } }
      }
    }`);
    expect(body.data.all.totalCount).toBe(220);
    expect(body.data.centres.totalCount).toBe(14);
    const centres = body.data.centres.nodes;
    expect(new Set(centres.map((c: any) => c.street.id)).size).toBe(14);
    expect(centres.every((c: any) => c.level === "PRIMARY" && c.department.id === "dept-health")).toBe(true);
    expect(centres.map((c: any) => c.name)).toContain("静安寺街道社区卫生服务中心");
  });

  it("filters by street, kind, level, internet hospital and part of the name", async () => {
    const body = await query(`{
      zhijiang: hospitals(filter: { streetId: "street-zhijiangxilu", isInternetHospital: true }) { nodes { name } }
      tertiary: hospitals(filter: { level: TERTIARY, kind: GENERAL }) { nodes { name } }
      huashan: hospitals(filter: { nameContains: "华山医院" }) { nodes { name kind isInternetHospital } }
      stations: hospitals(filter: { streetId: "street-linfenlu", kind: COMMUNITY_HEALTH_STATION }) { totalCount }
    }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.zhijiang.nodes.map((h: any) => h.name).sort()).toEqual(["上海市中医医院", "上海市闸北区中心医院"]);
    expect(body.data.tertiary.nodes.map((h: any) => h.name)).toEqual([
      "复旦大学附属华山医院",
      "复旦大学附属华东医院",
      "上海市第十人民医院",
    ]);
    expect(body.data.huashan.nodes).toEqual([
      { name: "复旦大学附属华山医院", kind: "GENERAL", isInternetHospital: true },
    ]);
    expect(body.data.stations.totalCount).toBe(7);
  });

  it("walks every page with cursors and meets each institution once, in id order", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const body = await query(
        `query Page($after: String) {
          hospitals(first: 30, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } }
        }`,
        { after },
      );
      const page = body.data.hospitals;
      pages += 1;
      seen.push(...page.edges.map((edge: any) => edge.node.id));
      expect(page.pageInfo.endCursor).toBe(page.edges.at(-1).cursor);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(pages).toBe(8);
    expect(seen).toHaveLength(220);
    expect(new Set(seen).size).toBe(220);
    expect(seen).toEqual([...seen].sort());
  });

  it("answers a cursor from another list or a page size out of range with a coded error", async () => {
    const doctors = await query(`{ doctors(first: 1) { pageInfo { endCursor } } }`);
    const foreignCursor = doctors.data.doctors.pageInfo.endCursor;
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ["foreign cursor", { first: 5, after: foreignCursor }, "INVALID_CURSOR"],
      ["garbage cursor", { first: 5, after: "not-a-cursor" }, "INVALID_CURSOR"],
      ["zero", { first: 0 }, "PAGE_SIZE_OUT_OF_RANGE"],
      ["too many", { first: 201 }, "PAGE_SIZE_OUT_OF_RANGE"],
    ];
    for (const [, variables, code] of cases) {
      const body = await query(
        `query H($first: Int, $after: String) { hospitals(first: $first, after: $after) { nodes { id } } }`,
        variables,
      );
      expect(errorCode(body)).toBe(code);
      expect(body.errors?.[0].message).toMatch(/;/);
    }
    const doctorsTooMany = await query(`{ doctors(first: 101) { nodes { id } } }`);
    expect(errorCode(doctorsTooMany)).toBe("PAGE_SIZE_OUT_OF_RANGE");
  });

  it("returns null for an unknown hospital id", async () => {
    const body = await query(`{ hospital(id: "hosp-9999") { id } known: hospital(id: "hosp-0002") { name } }`);
    expect(body.data).toEqual({ hospital: null, known: { name: "上海市市北医院" } });
  });
});

describe("batched data access", () => {
  const DIRECTORY = /* GraphQL */ `
    query Directory($first: Int) {
      hospitals(first: $first) {
        nodes {
          id name street { id } department { id }
          clinics { id name averageConsultMinutes doctors { id name title specialty } }
        }
      }
    }
  `;

  it("lists 200 hospitals with clinics and doctors for the same number of SQL statements as 10", async () => {
    const small = await sqlCost(DIRECTORY, { first: 10 });
    const large = await sqlCost(DIRECTORY, { first: 200 });
    expect(large.body.data.hospitals.nodes).toHaveLength(200);
    const doctors = large.body.data.hospitals.nodes.flatMap((h: any) => h.clinics.flatMap((c: any) => c.doctors));
    expect(doctors.length).toBeGreaterThan(1000);
    expect(small.statements).toBe(3); // hospitals, their clinics, the clinics' doctors
    expect(large.statements).toBe(small.statements);
  });

  it("pages slots with doctor, clinic, hospital and waiting time, and nursing homes' care records, in fixed SQL", async () => {
    const SLOTS = `query S($first: Int) {
      appointmentSlots(first: $first) {
        nodes { id estimatedWaitMinutes doctor { name hospital { name } } clinic { name } hospital { id } }
      }
    }`;
    const fewSlots = await sqlCost(SLOTS, { first: 5 });
    const manySlots = await sqlCost(SLOTS, { first: 100 });
    expect(manySlots.body.data.appointmentSlots.nodes).toHaveLength(100);
    expect(manySlots.statements).toBe(fewSlots.statements);

    // Nursing homes are civil affairs'; the gateway hands health their ids as representations.
    const HOMES = `query H($representations: [_Any!]!) {
      _entities(representations: $representations) {
        ... on NursingHome {
          internetHospital { name } communityHealthCentre { name }
          followUps { doctor { name clinic { name } } }
          prescriptionRenewals { doctor { name } }
        }
      }
    }`;
    const homes = (count: number) => ({
      representations: Array.from({ length: count }, (_, i) => ({
        __typename: "NursingHome",
        id: `nh-${String(i + 1).padStart(4, "0")}`,
      })),
    });
    const fewHomes = await sqlCost(HOMES, homes(1));
    const allHomes = await sqlCost(HOMES, homes(16));
    expect(allHomes.body.data._entities).toHaveLength(16);
    expect(allHomes.statements).toBe(fewHomes.statements);
  });

  it("resolves 50 Street representations with their hospitals in one SQL statement", async () => {
    const streets = await query(`{ hospitals(first: 200) { nodes { street { id } } } }`);
    const known = [...new Set<string>(streets.data.hospitals.nodes.map((h: any) => h.street.id))];
    expect(known).toHaveLength(14);
    const ids = [...known, ...Array.from({ length: 36 }, (_, i) => `street-elsewhere-${i}`)];
    const { body, statements } = await sqlCost(
      `query Streets($representations: [_Any!]!) {
        _entities(representations: $representations) {
          ... on Street { id hospitals { id kind } centres: hospitals(kind: COMMUNITY_HEALTH_CENTRE) { name } }
        }
      }`,
      { representations: ids.map((id) => ({ __typename: "Street", id })) },
    );
    expect(statements).toBe(1);
    const entities = body.data._entities;
    expect(entities.map((e: any) => e.id)).toEqual(ids);
    const total = entities.reduce((sum: number, e: any) => sum + e.hospitals.length, 0);
    expect(total).toBe(220);
    for (const street of entities.slice(0, 14)) expect(street.centres).toHaveLength(1);
    for (const elsewhere of entities.slice(14)) expect(elsewhere).toMatchObject({ hospitals: [] });
    const jingansi = entities.find((e: any) => e.id === "street-jingansi");
    expect(jingansi.centres[0].name).toBe("静安寺街道社区卫生服务中心");
  });

  it("resolves Hospital representations in the order asked, with null for an unknown id", async () => {
    const { body, statements } = await sqlCost(
      `query H($representations: [_Any!]!) { _entities(representations: $representations) { ... on Hospital { id name } } }`,
      {
        representations: ["hosp-0003", "hosp-9999", "hosp-0001"].map((id) => ({ __typename: "Hospital", id })),
      },
    );
    expect(body.data._entities).toEqual([
      { id: "hosp-0003", name: "上海市静安区中心医院" },
      null,
      { id: "hosp-0001", name: "上海市闸北区中心医院" },
    ]);
    expect(statements).toBe(1);
  });

  it("lists a department's health facilities, narrowed by kind", async () => {
    const body = await query(
      `query D($representations: [_Any!]!) {
        _entities(representations: $representations) {
          ... on Department { id healthFacilities { id } tcm: healthFacilities(kind: TCM) { name } }
        }
      }`,
      { representations: ["dept-health", "dept-civil-affairs"].map((id) => ({ __typename: "Department", id })) },
    );
    const [healthDept, civilAffairs] = body.data._entities;
    expect(healthDept.healthFacilities).toHaveLength(218);
    expect(healthDept.tcm).toHaveLength(4);
    expect(civilAffairs.healthFacilities).toHaveLength(2);
  });
});

describe("appointment slots", () => {
  it("lists only slots with a place left that have not started when availableOnly is set", async () => {
    const body = await query(`{
      all: appointmentSlots(filter: { hospitalId: "hosp-0001" }) { totalCount }
      open: appointmentSlots(filter: { hospitalId: "hosp-0001", availableOnly: true }, first: 100) {
        totalCount
        nodes { startsAt remaining bookable hospital { id } }
      }
    }`);
    expect(body.errors).toBeUndefined();
    const { all, open } = body.data;
    expect(open.totalCount).toBeGreaterThan(0);
    expect(open.totalCount).toBeLessThan(all.totalCount);
    for (const slot of open.nodes) {
      expect(slot).toMatchObject({ bookable: true, hospital: { id: "hosp-0001" } });
      expect(slot.remaining).toBeGreaterThan(0);
      expect(new Date(slot.startsAt).getTime()).toBeGreaterThan(NOW.getTime());
    }
  });

  it("pages through a day of a clinic in time order", async () => {
    const body = await query(`{
      appointmentSlots(
        filter: { from: "${seedDateTime(0, "00:00")}", to: "${seedDateTime(1, "00:00")}" }
        first: 100
      ) { nodes { startsAt } }
    }`);
    const starts = body.data.appointmentSlots.nodes.map((s: any) => s.startsAt);
    expect(starts.length).toBeGreaterThan(0);
    expect(starts).toEqual([...starts].sort());
    expect(
      starts[0] >= seedInstant(0, "00:00").toISOString() && starts.at(-1) < seedInstant(1, "00:00").toISOString(),
    ).toBe(true);
  });

  it("estimates the wait as the booked residents times the clinic's average consultation time", async () => {
    const body = await query(`{
      appointmentSlots(first: 50) {
        nodes { bookedCount capacity remaining estimatedWaitMinutes clinic { averageConsultMinutes } }
      }
    }`);
    const slots = body.data.appointmentSlots.nodes;
    expect(slots.some((s: any) => s.estimatedWaitMinutes > 0)).toBe(true);
    for (const slot of slots) {
      expect(slot.estimatedWaitMinutes).toBe(slot.bookedCount * slot.clinic.averageConsultMinutes);
      expect(slot.remaining).toBe(slot.capacity - slot.bookedCount);
    }
  });

  it("rejects a time range that ends before it starts and a DateTime without an offset", async () => {
    const reversed = await query(`{
      appointmentSlots(filter: { from: "${seedDateTime(1, "00:00")}", to: "${seedDateTime(0, "00:00")}" }) { totalCount }
    }`);
    expect(errorCode(reversed)).toBe("BAD_USER_INPUT");
    expect(reversed.errors?.[0].message).toMatch(/must be before/);
    const noOffset = await query(
      `query S($from: DateTime) { appointmentSlots(filter: { from: $from }) { totalCount } }`,
      { from: seedLocal(0, "08:00") },
    );
    expect(errorCode(noOffset)).toBe("BAD_USER_INPUT");
    expect(noOffset.errors?.[0].message).toMatch(/offset/);
  });
});

describe("booking and cancelling", () => {
  async function firstOpenSlot(hospitalId: string) {
    const body = await query(
      `query Open($hospitalId: ID!) {
        appointmentSlots(filter: { hospitalId: $hospitalId, availableOnly: true }, first: 1) {
          nodes { id capacity bookedCount }
        }
      }`,
      { hospitalId },
    );
    return body.data.appointmentSlots.nodes[0] as { id: string; capacity: number; bookedCount: number };
  }

  it("books a place: the slot's booked count goes up by one and the appointment is readable", async () => {
    const slot = await firstOpenSlot("hosp-0002");
    const body = await book(slot.id, "resident-058001");
    expect(body.errors).toBeUndefined();
    const appointment = body.data.bookAppointment;
    expect(appointment).toMatchObject({
      status: "BOOKED",
      resident: { id: "resident-058001" },
      slot: { id: slot.id, bookedCount: slot.bookedCount + 1, remaining: slot.capacity - slot.bookedCount - 1 },
    });
    const read = await query(`query A($id: ID!) { appointment(id: $id) { id status bookedAt slot { id } } }`, {
      id: appointment.id,
    });
    expect(read.data.appointment).toMatchObject({ id: appointment.id, status: "BOOKED", slot: { id: slot.id } });
    expect(new Date(read.data.appointment.bookedAt)).toEqual(NOW);
  });

  it("refuses a full slot with SLOT_FULL and writes nothing", async () => {
    const full = await prisma.appointmentSlot.findFirst({
      where: { bookedCount: { equals: prisma.appointmentSlot.fields.capacity }, startsAt: { gt: NOW } },
    });
    expect(full).not.toBeNull();
    const appointmentsBefore = await prisma.appointment.count();
    const body = await book(full!.id, "resident-058002");
    expect(errorCode(body)).toBe("SLOT_FULL");
    expect(body.errors?.[0].message).toMatch(/choose another slot/);
    expect(await prisma.appointment.count()).toBe(appointmentsBefore);
    const after = await prisma.appointmentSlot.findUniqueOrThrow({ where: { id: full!.id } });
    expect(after.bookedCount).toBe(full!.bookedCount);
  });

  it("refuses a second booking of the same slot by the same resident with ALREADY_BOOKED", async () => {
    const slot = await firstOpenSlot("hosp-0003");
    expect((await book(slot.id, "resident-058003")).errors).toBeUndefined();
    const again = await book(slot.id, "resident-058003");
    expect(errorCode(again)).toBe("ALREADY_BOOKED");
    const after = await prisma.appointmentSlot.findUniqueOrThrow({ where: { id: slot.id } });
    expect(after.bookedCount).toBe(slot.bookedCount + 1);
  });

  it("refuses a slot that has already started with SLOT_IN_PAST", async () => {
    await insertSlot("slot-test-past", { startsAt: seedInstant(-3, "08:00"), capacity: 5 });
    const body = await book("slot-test-past", "resident-058004");
    expect(errorCode(body)).toBe("SLOT_IN_PAST");
    expect(body.errors?.[0].message).toMatch(/choose a slot that starts later/);
    expect(await prisma.appointment.count({ where: { slotId: "slot-test-past" } })).toBe(0);
  });

  it("refuses an unknown slot with NOT_FOUND_ENTITY and a blank resident with BAD_USER_INPUT", async () => {
    expect(errorCode(await book("slot-does-not-exist", "resident-058005"))).toBe("NOT_FOUND_ENTITY");
    const slot = await firstOpenSlot("hosp-0004");
    expect(errorCode(await book(slot.id, "   "))).toBe("BAD_USER_INPUT");
  });

  it("cancels once, frees the place, and answers a second cancel with APPOINTMENT_NOT_CANCELLABLE", async () => {
    const slot = await firstOpenSlot("hosp-0005");
    const booked = (await book(slot.id, "resident-058006")).data.bookAppointment;

    const cancelled = await query(CANCEL, { appointmentId: booked.id, reason: "行程有变" });
    expect(cancelled.errors).toBeUndefined();
    expect(cancelled.data.cancelAppointment).toMatchObject({
      status: "CANCELLED",
      cancelReason: "行程有变",
      cancelledAt: NOW.toISOString(),
      slot: { bookedCount: slot.bookedCount },
    });

    const twice = await query(CANCEL, { appointmentId: booked.id });
    expect(errorCode(twice)).toBe("APPOINTMENT_NOT_CANCELLABLE");
    const after = await prisma.appointmentSlot.findUniqueOrThrow({ where: { id: slot.id } });
    expect(after.bookedCount).toBe(slot.bookedCount);

    // The cancelled appointment does not block the resident from booking the same slot again.
    expect((await book(slot.id, "resident-058006")).errors).toBeUndefined();
    expect(errorCode(await query(CANCEL, { appointmentId: "appt-nope" }))).toBe("NOT_FOUND_ENTITY");
  });

  it("refuses to cancel an appointment whose slot has started", async () => {
    await insertSlot("slot-test-started", {
      startsAt: seedInstant(-2, "09:00"),
      capacity: 3,
      bookedCount: 1,
    });
    await prisma.appointment.create({
      data: {
        id: "appt-test-started",
        slotId: "slot-test-started",
        residentId: "resident-058007",
        status: "BOOKED",
        bookedAt: seedInstant(-11, "10:00"),
      },
    });
    const body = await query(CANCEL, { appointmentId: "appt-test-started" });
    expect(errorCode(body)).toBe("APPOINTMENT_NOT_CANCELLABLE");
    expect(body.errors?.[0].message).toMatch(/started/);
  });

  it("lets exactly as many of 10 simultaneous bookings succeed as there are places left", async () => {
    // Capacity 5 with 2 already booked: 3 places left.
    await insertSlot("slot-test-race", {
      startsAt: seedInstant(2, "09:00"),
      capacity: 5,
      bookedCount: 2,
    });
    await prisma.appointment.createMany({
      data: [1, 2].map((n) => ({
        id: `appt-test-race-${n}`,
        slotId: "slot-test-race",
        residentId: `resident-05900${n}`,
        status: "BOOKED" as const,
        bookedAt: seedInstant(-11, "10:00"),
      })),
    });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => book("slot-test-race", `resident-0570${pad(i)}`)),
    );
    const codes = results.map((body) => (body.errors ? errorCode(body) : "OK"));
    expect(codes.filter((code) => code === "OK")).toHaveLength(3);
    expect(codes.filter((code) => code === "SLOT_FULL")).toHaveLength(7);
    const slot = await prisma.appointmentSlot.findUniqueOrThrow({ where: { id: "slot-test-race" } });
    expect(slot.bookedCount).toBe(slot.capacity);
    expect(await prisma.appointment.count({ where: { slotId: "slot-test-race", status: "BOOKED" } })).toBe(5);
  });

  it("frees the place once when the same appointment is cancelled twice at the same time", async () => {
    await insertSlot("slot-test-cancel-race", { startsAt: seedInstant(4, "09:00"), capacity: 2 });
    const booked = (await book("slot-test-cancel-race", "resident-056002")).data.bookAppointment;
    const results = await Promise.all([1, 2, 3].map(() => query(CANCEL, { appointmentId: booked.id })));
    const codes = results.map((body) => (body.errors ? errorCode(body) : "OK"));
    expect(codes.sort()).toEqual(["APPOINTMENT_NOT_CANCELLABLE", "APPOINTMENT_NOT_CANCELLABLE", "OK"]);
    const slot = await prisma.appointmentSlot.findUniqueOrThrow({ where: { id: "slot-test-cancel-race" } });
    expect(slot.bookedCount).toBe(0);
  });

  it("lets only one of 5 simultaneous bookings of the same slot by the same resident succeed", async () => {
    await insertSlot("slot-test-twin", { startsAt: seedInstant(3, "09:00"), capacity: 5 });
    const results = await Promise.all(Array.from({ length: 5 }, () => book("slot-test-twin", "resident-056001")));
    const codes = results.map((body) => (body.errors ? errorCode(body) : "OK"));
    expect(codes.filter((code) => code === "OK")).toHaveLength(1);
    expect(codes.filter((code) => code === "ALREADY_BOOKED")).toHaveLength(4);
    const slot = await prisma.appointmentSlot.findUniqueOrThrow({ where: { id: "slot-test-twin" } });
    expect(slot.bookedCount).toBe(1);
  });
});

describe("nursing homes' medical partners (养老院+互联网医院)", () => {
  const PILOT = `{
    internetHospitalPilotHomes {
      __typename id inInternetHospitalPilot
      internetHospital { name isInternetHospital }
      communityHealthCentre { kind street { id } }
      followUps { condition scheduledAt completedAt notes resident { id } doctor { hospital { id kind } } }
      prescriptionRenewals { medication status decidedAt doctor { name } }
    }
  }`;

  it("links the four pilot homes to internet hospitals of the medical alliance, with follow-ups and renewals", async () => {
    const body = await query(PILOT);
    expect(body.errors).toBeUndefined();
    const pilot = body.data.internetHospitalPilotHomes;
    expect(pilot.map((home: any) => home.id)).toEqual(["nh-0001", "nh-0002", "nh-0003", "nh-0004"]);
    const alliance = ["上海市闸北区中心医院", "上海市市北医院", "上海市静安区中心医院"];
    for (const home of pilot) {
      expect(home.inInternetHospitalPilot).toBe(true);
      expect(alliance).toContain(home.internetHospital.name);
      expect(home.internetHospital.isInternetHospital).toBe(true);
      expect(home.communityHealthCentre.kind).toBe("COMMUNITY_HEALTH_CENTRE");
      expect(home.followUps.length).toBeGreaterThan(0);
      expect(home.followUps.every((f: any) => f.doctor.hospital.kind === "COMMUNITY_HEALTH_CENTRE")).toBe(true);
      expect(home.followUps.every((f: any) => (f.completedAt === null) === (f.notes === null))).toBe(true);
      expect(home.prescriptionRenewals.length).toBeGreaterThan(0);
      for (const renewal of home.prescriptionRenewals) {
        expect(renewal.decidedAt === null).toBe(renewal.status === "REQUESTED");
      }
    }
  });

  it("answers for any home civil affairs names: a partner centre without an internet hospital, or nothing at all", async () => {
    const body = await query(
      `query H($representations: [_Any!]!) {
        _entities(representations: $representations) {
          ... on NursingHome { id inInternetHospitalPilot internetHospital { id } communityHealthCentre { kind } followUps { id } }
        }
      }`,
      { representations: ["nh-0005", "nh-9999"].map((id) => ({ __typename: "NursingHome", id })) },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data._entities).toEqual([
      {
        id: "nh-0005",
        inInternetHospitalPilot: false,
        internetHospital: null,
        communityHealthCentre: { kind: "COMMUNITY_HEALTH_CENTRE" },
        followUps: [],
      },
      {
        id: "nh-9999",
        inInternetHospitalPilot: false,
        internetHospital: null,
        communityHealthCentre: null,
        followUps: [],
      },
    ]);
  });

  it("no longer keeps the register of nursing homes: 区民政局 owns it (one data, one source)", async () => {
    const body = await query("{ nursingHomes(first: 1) { totalCount } }");
    expect(body.errors?.[0]?.message).toMatch(/Cannot query field "nursingHomes" on type "Query"/);
  });
});

describe("seed", () => {
  it("adds nothing when run again and keeps the bookings made since", async () => {
    const open = await prisma.appointmentSlot.findFirstOrThrow({
      where: {
        hospitalId: "hosp-0006",
        startsAt: { gt: NOW },
        bookedCount: { lt: prisma.appointmentSlot.fields.capacity },
      },
      orderBy: { id: "asc" },
    });
    expect((await book(open.id, "resident-055001")).errors).toBeUndefined();
    const before = await countRows(prisma);

    const summary = await health.seed(prisma, service.db, { date: TEST_SEED_DATE, previousDates: [] });

    expect(summary).toEqual(before);
    expect(summary).toMatchObject({ hospitals: 220, nursingHomeCarePartners: 16 });
    expect(summary.appointmentSlots).toBeGreaterThan(3000);
    const after = await prisma.appointmentSlot.findUniqueOrThrow({ where: { id: open.id } });
    expect(after.bookedCount).toBe(open.bookedCount + 1);
  });
});

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

describe("who may book and cancel", () => {
  const resident = (residentId: string): Principal => ({
    ...frontDesk,
    kind: "resident",
    id: `person-${residentId}`,
    roles: ["resident"],
    departmentId: null,
    residentId,
  });
  const book = `mutation ($slotId: ID!, $residentId: ID) {
    bookAppointment(input: { slotId: $slotId, residentId: $residentId }) { id resident { id } }
  }`;
  const cancel = `mutation ($id: ID!) { cancelAppointment(input: { appointmentId: $id }) { id status } }`;
  async function openSlot() {
    const { data } = await query(`{ appointmentSlots(filter: { availableOnly: true }, first: 1) { nodes { id } } }`);
    return data.appointmentSlots.nodes[0].id as string;
  }

  it("books for the resident in the verified identity, not for one named in the request", async () => {
    const slotId = await openSlot();
    const own = await query(book, { slotId }, resident("resident-000777"));
    expect(own.data.bookAppointment.resident.id).toBe("resident-000777");
    const other = await query(book, { slotId, residentId: "resident-000778" }, resident("resident-000779"));
    expect(other.errors?.[0].extensions.code).toBe("FORBIDDEN");
  });

  it("answers another resident's appointment as not found, and lets its owner cancel it", async () => {
    const slotId = await openSlot();
    const booked = await query(book, { slotId }, resident("resident-000801"));
    const id = booked.data.bookAppointment.id;
    const stranger = await query(cancel, { id }, resident("resident-000802"));
    const missing = await query(cancel, { id: "appt-does-not-exist" }, resident("resident-000802"));
    expect(stranger.errors?.[0].extensions.code).toBe("NOT_FOUND_ENTITY");
    expect(missing.errors?.[0].extensions.code).toBe("NOT_FOUND_ENTITY");
    const owner = await query(cancel, { id }, resident("resident-000801"));
    expect(owner.data.cancelAppointment.status).toBe("CANCELLED");
  });

  it("refuses the gateway's system principal and officers of other departments", async () => {
    const slotId = await openSlot();
    const system = await graphql(service.url, book, { slotId, residentId: "resident-000900" });
    expect(system.body.errors?.[0].extensions.code).toBe("FORBIDDEN");
    const teacher = await query(
      book,
      { slotId, residentId: "resident-000900" },
      { ...frontDesk, departmentId: "dept-education" },
    );
    expect(teacher.errors?.[0].extensions.code).toBe("FORBIDDEN");
  });
});
