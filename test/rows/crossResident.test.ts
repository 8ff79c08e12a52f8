/**
 * Row rules end to end at the subgraph: resident A's appointment, court booking, enrolment and parking session are
 * invisible to resident B on every route — root by id, `_entities`, the nested `Resident` list, and the lists B may
 * read — and answer exactly like a missing id. Officers see only their department's records of residents registered in
 * their streets, at facilities in their streets.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "../../lib/principal.ts";
import education from "../../subgraphs/education/index.ts";
import health from "../../subgraphs/health/index.ts";
import { seededResidentStreet } from "../../subgraphs/identity/seedData.ts";
import type { PrismaLike, SubgraphModule } from "../../subgraphs/kit/module.ts";
import type { SubgraphService } from "../../subgraphs/kit/service.ts";
import parking from "../../subgraphs/parking/index.ts";
import sports from "../../subgraphs/sports/index.ts";
import { graphql, startTestSubgraph } from "../support/subgraphs.ts";
import { officerIn, residentPrincipal } from "./principals.ts";

/** A seeded record with its owner and the street of the facility where it happens. */
interface Row {
  id: string;
  residentId: string;
  streetId: string;
}

interface RecordKind {
  label: string;
  module: SubgraphModule<any, any>;
  departmentId: string;
  typename: string;
  /** The Resident field listing the records, e.g. appointments. */
  residentField: string;
  /** A root by-id field, when the schema has one. */
  rootField?: string;
  /** Seeded rows with owner and street, in id order. */
  rows(prisma: any): Promise<Row[]>;
}

const KINDS: RecordKind[] = [
  {
    label: "appointment",
    module: health,
    departmentId: "dept-health",
    typename: "Appointment",
    residentField: "appointments",
    rootField: "appointment",
    rows: async (prisma) =>
      (
        await prisma.appointment.findMany({
          take: 400,
          orderBy: { id: "asc" },
          include: { slot: { include: { clinic: { include: { hospital: true } } } } },
        })
      ).map((a: any) => ({ id: a.id, residentId: a.residentId, streetId: a.slot.clinic.hospital.streetId })),
  },
  {
    label: "court booking",
    module: sports,
    departmentId: "dept-sports",
    typename: "SportsCourtBooking",
    residentField: "courtBookings",
    rows: async (prisma) =>
      (
        await prisma.courtBooking.findMany({
          take: 400,
          orderBy: { id: "asc" },
          include: { court: { include: { venue: true } } },
        })
      ).map((b: any) => ({ id: b.id, residentId: b.residentId, streetId: b.court.venue.streetId })),
  },
  {
    label: "enrolment",
    module: education,
    departmentId: "dept-education",
    typename: "CourseEnrolment",
    residentField: "courseEnrolments",
    rows: async (prisma) =>
      (await prisma.enrolment.findMany({ orderBy: { id: "asc" }, include: { course: true } })).map((e: any) => ({
        id: e.id,
        residentId: e.residentId,
        streetId: e.course.streetId,
      })),
  },
  {
    label: "parking session",
    module: parking,
    departmentId: "dept-transport",
    typename: "ParkingSession",
    residentField: "parkingSessions",
    rootField: "parkingSession",
    rows: async (prisma) =>
      (await prisma.parkingSession.findMany({ take: 400, orderBy: { id: "asc" }, include: { facility: true } })).map(
        (s: any) => ({ id: s.id, residentId: s.residentId, streetId: s.facility.streetId }),
      ),
  },
];

for (const kind of KINDS) {
  describe(`row rules: ${kind.label}`, () => {
    let service: SubgraphService<PrismaLike>;
    let rows: Row[];
    /** Resident A's record; B is another resident with records of their own. */
    let record: Row;
    let residentA: Principal;
    let residentB: Principal;

    beforeAll(async () => {
      service = await startTestSubgraph(kind.module);
      rows = await kind.rows(service.prisma);
      record = rows[0]!;
      const other = rows.find((row) => row.residentId !== record.residentId)!;
      residentA = residentPrincipal(record.residentId);
      residentB = residentPrincipal(other.residentId);
    });
    afterAll(async () => {
      await service?.stop();
    });

    const ask = async (query: string, variables: Record<string, unknown>, principal: Principal) =>
      (await graphql(service.url, query, variables, {}, { principal })).body;

    const byEntities = (id: string, principal: Principal) =>
      ask(
        `query ($r: [_Any!]!) { _entities(representations: $r) { ... on ${kind.typename} { id } } }`,
        { r: [{ __typename: kind.typename, id }] },
        principal,
      );

    const residentList = (residentId: string, principal: Principal) =>
      ask(
        `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Resident { ${kind.residentField} { id } } } }`,
        { r: [{ __typename: "Resident", id: residentId }] },
        principal,
      );

    it("shows the owner their record through _entities and their own list", async () => {
      expect((await byEntities(record.id, residentA)).data._entities).toEqual([{ id: record.id }]);
      const own = await residentList(record.residentId, residentA);
      expect(own.errors).toBeUndefined();
      expect(own.data._entities[0][kind.residentField].map((r: any) => r.id)).toContain(record.id);
    });

    it("answers another resident through _entities exactly like a missing id: null, no error", async () => {
      const denied = await byEntities(record.id, residentB);
      const missing = await byEntities(`${record.id}-does-not-exist`, residentB);
      expect(denied).toEqual({ data: { _entities: [null] } });
      expect(denied).toEqual(missing);
    });

    if (kind.rootField) {
      it(`answers another resident's ${kind.rootField}(id) exactly like a missing id`, async () => {
        const query = `query ($id: ID!) { ${kind.rootField}(id: $id) { id } }`;
        expect((await ask(query, { id: record.id }, residentA)).data[kind.rootField!]).toEqual({ id: record.id });
        const denied = await ask(query, { id: record.id }, residentB);
        const missing = await ask(query, { id: "no-such-record" }, residentB);
        expect(denied).toEqual({ data: { [kind.rootField!]: null } });
        expect(denied).toEqual(missing);
      });
    }

    it("hides another resident (null) and leaves A's record out of B's own list", async () => {
      // Resident A is hidden from B by the Resident row rule: null, exactly like a resident who does not exist.
      const nested = await residentList(record.residentId, residentB);
      expect(nested).toEqual({ data: { _entities: [null] } });
      const ownB = await residentList(residentB.residentId!, residentB);
      expect(ownB.errors).toBeUndefined();
      expect(ownB.data._entities[0][kind.residentField].map((r: any) => r.id)).not.toContain(record.id);
    });

    it("lets officers of the department see records of their streets' residents at their streets' facilities only", async () => {
      const street = record.streetId;
      const home = seededResidentStreet(record.residentId)!;
      const local = officerIn(kind.departmentId, [...new Set([street, home])]);
      const reach = new Set(local.streetIds);
      const elsewhere = rows.find((row) => !reach.has(row.streetId))!;
      expect((await byEntities(record.id, local)).data._entities).toEqual([{ id: record.id }]);
      expect((await byEntities(elsewhere.id, local)).data._entities).toEqual([null]);
      // A record at one of the officer's facilities, of a resident who lives outside the officer's streets.
      const visitor = rows.find((row) => reach.has(row.streetId) && !reach.has(seededResidentStreet(row.residentId)!));
      if (visitor) expect((await byEntities(visitor.id, local)).data._entities).toEqual([null]);
      // Through the nested list of a resident of their streets: only records at their streets' facilities.
      const listed = await residentList(record.residentId, local);
      expect(listed.errors).toBeUndefined();
      for (const { id } of listed.data._entities[0][kind.residentField]) {
        expect(reach.has(rows.find((row) => row.id === id)?.streetId ?? street)).toBe(true);
      }
      // A resident who lives outside the officer's streets is out of reach: null, like one who does not exist.
      const outsider = rows.find((row) => !reach.has(seededResidentStreet(row.residentId)!))!;
      expect(await residentList(outsider.residentId, local)).toEqual({ data: { _entities: [null] } });
      // The whole district sees both; an empty jurisdiction none; another department's officer none.
      expect((await byEntities(elsewhere.id, officerIn(kind.departmentId))).data._entities).toEqual([
        { id: elsewhere.id },
      ]);
      expect((await byEntities(record.id, officerIn(kind.departmentId, []))).data._entities).toEqual([null]);
      expect((await byEntities(record.id, officerIn("dept-culture"))).data._entities).toEqual([null]);
    });
  });
}
