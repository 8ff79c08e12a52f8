import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditRecordInput } from "../../lib/contracts/auditRecord.ts";
import type { Principal } from "../../lib/principal.ts";
import { systemPrincipal } from "../../lib/principal.ts";
import { ENVELOPE_HEADER, SYSTEM_SCOPES } from "../../lib/wire.ts";
import { gatewayCaller, officerOf, residentPrincipal, signedHeaders } from "../../test/support/envelope.ts";
import { seedDateTime, seedInstant, TEST_SEED_DATE } from "../../test/support/seedDate.ts";
import { graphql, startTestSubgraph } from "../../test/support/subgraphs.ts";
import type { SubgraphService } from "../kit/service.ts";
import type { PrismaClient } from "./generated/prisma/client.ts";
import auditModule from "./index.ts";
import { seed } from "./seed.ts";
import { SEED_RECORD_COUNT } from "./seedData.ts";
import { verifyChain } from "./verifyChain.ts";

let service: SubgraphService<PrismaClient>;
let base: string;

const auditor: Principal = { ...officerOf("dept-data"), kind: "auditor", id: "person-000007", roles: ["auditor"] };
const securityAdmin: Principal = { ...auditor, kind: "security_admin", id: "person-000006", roles: ["security_admin"] };
const zhangWei = residentPrincipal("resident-000001");
const liNa = residentPrincipal("resident-000002");
const healthOfficer = officerOf("dept-health");

const as = (principal: Principal, text: string, variables?: Record<string, unknown>) =>
  graphql(service.url, text, variables, {}, { principal });

const code = (body: { errors?: any[] }) => body.errors?.[0]?.extensions?.code;

function record(overrides: Partial<AuditRecordInput> = {}): AuditRecordInput {
  return {
    recordId: randomUUID(),
    occurredAt: new Date().toISOString(),
    requestId: `req-${randomUUID()}`,
    principal: { id: "person-000003", kind: "officer", departmentId: "dept-health" },
    applicationId: null,
    purpose: "medical-treatment",
    operationName: "ResidentAppointments",
    operationHash: "a".repeat(64),
    fields: [{ coordinate: "Resident.name", level: "SENSITIVE", category: "personal.identity", decision: "allowed" }],
    subjectResidentIds: ["resident-000123"],
    policyVersion: "test-policy-1",
    ...overrides,
  };
}

/** Envelope headers for one body's exact text. */
type Signer = (body: string) => Record<string, string>;

const AUDIT_WRITER = gatewayCaller(SYSTEM_SCOPES.auditWrite);
/** As the gateway's audit writer signs: POST /audit/records, these bytes, scope audit:write. */
const asWriter: Signer = (body) =>
  signedHeaders("audit", { method: "POST", path: "/audit/records", body }, { principal: AUDIT_WRITER });

async function post(body: unknown, sign: Signer | Record<string, string> = asWriter) {
  const text = JSON.stringify(body);
  const response = await fetch(`${base}/audit/records`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(typeof sign === "function" ? sign(text) : sign) },
    body: text,
  });
  return { status: response.status, body: (await response.json()) as any };
}

beforeAll(async () => {
  service = await startTestSubgraph(auditModule, { seedDate: TEST_SEED_DATE });
  base = service.url.replace(/\/graphql$/, "");
});

afterAll(async () => {
  await service?.stop();
});

describe("seed", () => {
  it("appends the historical records through the chain, once: seeding again changes nothing", async () => {
    expect(await service.prisma.dataAccessRecord.count()).toBeGreaterThanOrEqual(SEED_RECORD_COUNT);
    const before = await service.prisma.dataAccessRecord.count();
    await seed(service.prisma, service.db, { date: TEST_SEED_DATE, previousDates: [] });
    expect(await service.prisma.dataAccessRecord.count()).toBe(before);
    const verification = await verifyChain(service.db);
    expect(verification.intact).toBe(true);
    expect(verification.checkedRecords).toBe(before);
  });
});

describe("POST /audit/records", () => {
  it("appends a batch signed by the gateway and answers how many records were appended", async () => {
    const before = await service.prisma.dataAccessRecord.count();
    const { status, body } = await post({ records: [record(), record(), record()] });
    expect(status).toBe(200);
    expect(body).toMatchObject({ appended: 3, duplicates: 0 });
    expect(await service.prisma.dataAccessRecord.count()).toBe(before + 3);
  });

  it("never appends a re-sent batch twice (record ids are unique), nor a record repeated within a batch", async () => {
    const batch = [record(), record()];
    expect((await post({ records: batch })).body).toMatchObject({ appended: 2, duplicates: 0 });
    const before = await service.prisma.dataAccessRecord.count();
    expect((await post({ records: [...batch, batch[0]] })).body).toMatchObject({ appended: 0, duplicates: 3 });
    expect(await service.prisma.dataAccessRecord.count()).toBe(before);
    expect((await verifyChain(service.db)).intact).toBe(true);
  });

  it("refuses writers other than the gateway: no envelope, a forged one, another audience, a non-system principal", async () => {
    expect((await post({ records: [record()] }, {})).status).toBe(401);
    expect((await post({ records: [record()] }, { "x-og-envelope": "v2.forged.e30.AAAA" })).status).toBe(401);
    const healthAudience: Signer = (body) =>
      signedHeaders("health", { method: "POST", path: "/audit/records", body }, { principal: AUDIT_WRITER });
    expect((await post({ records: [record()] }, healthAudience)).status).toBe(401);
    const asOfficer = await post({ records: [record()] }, (body) =>
      signedHeaders("audit", { method: "POST", path: "/audit/records", body }, { principal: healthOfficer }),
    );
    expect(asOfficer.status).toBe(403);
    expect(asOfficer.body.errors[0].extensions.code).toBe("ENVELOPE_SCOPE_MISSING");
  });

  it("refuses the readiness probe's envelope: moved from its probe, and even when signed for this route", async () => {
    const before = await service.prisma.dataAccessRecord.count();
    const readiness = systemPrincipal("gateway-readiness", [SYSTEM_SCOPES.readiness]);
    // What the gateway's readiness probe sends to a subgraph, taken and put on the ingest route.
    const probe = signedHeaders(
      "audit",
      { method: "POST", path: "/graphql", body: JSON.stringify({ query: "{ __typename }" }) },
      { principal: readiness, purpose: "readiness-probe" },
    );
    const moved = await post({ records: [record()] }, probe);
    expect(moved.status).toBe(401);
    expect(moved.body.errors[0].extensions.code).toBe("ENVELOPE_NOT_BOUND");
    // The same principal signed for exactly this request still lacks audit:write.
    const bound = await post({ records: [record()] }, (body) =>
      signedHeaders("audit", { method: "POST", path: "/audit/records", body }, { principal: readiness }),
    );
    expect(bound.status).toBe(403);
    expect(bound.body.errors[0].extensions.code).toBe("ENVELOPE_SCOPE_MISSING");
    expect(await service.prisma.dataAccessRecord.count()).toBe(before);
  });

  it("refuses a replayed delivery and a batch changed under a valid envelope, appending nothing of them", async () => {
    const first = { records: [record()] };
    const text = JSON.stringify(first);
    const headers = asWriter(text);
    expect((await post(first, headers)).status).toBe(200);
    const before = await service.prisma.dataAccessRecord.count();
    const replay = await post(first, headers);
    expect(replay.status).toBe(401);
    expect(replay.body.errors[0].extensions.code).toBe("ENVELOPE_REPLAYED");
    const swapped = await post({ records: [record()] }, asWriter(text));
    expect(swapped.status).toBe(401);
    expect(swapped.body.errors[0].extensions.code).toBe("ENVELOPE_NOT_BOUND");
    expect(headers[ENVELOPE_HEADER]).toMatch(/^v2\./);
    expect(await service.prisma.dataAccessRecord.count()).toBe(before);
  });

  it("refuses a malformed batch whole, naming the problem, and appends nothing of it", async () => {
    const before = await service.prisma.dataAccessRecord.count();
    const bad = record({
      fields: [{ coordinate: "Resident.name", level: "L", category: "c", decision: "shown" as any }],
    });
    const { status, body } = await post({ records: [record(), bad] });
    expect(status).toBe(400);
    expect(body.errors[0].extensions.code).toBe("BAD_USER_INPUT");
    expect(body.errors[0].message).toContain("records.1.fields.0.decision");
    expect((await post({ records: [record({ requestId: "nul\u0000byte" })] })).status).toBe(400);
    expect((await post({ records: [] })).status).toBe(400);
    expect(await service.prisma.dataAccessRecord.count()).toBe(before);
  });

  it("answers only POST", async () => {
    const response = await fetch(`${base}/audit/records`, {
      headers: signedHeaders("audit", { method: "GET", path: "/audit/records" }, { principal: AUDIT_WRITER }),
    });
    expect(response.status).toBe(405);
  });
});

describe("the auditors' trail", () => {
  const TRAIL = `query Trail($filter: DataAccessRecordFilter, $first: Int, $after: String) {
    dataAccessRecords(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { id sequence occurredAt principalId principalKind purpose operationName subjectResidentIds
              department { id } fields { coordinate level category decision } prevHash hash }
    }
  }`;

  it("lets auditors and security administrators page through the trail in chain order", async () => {
    const first = await as(auditor, TRAIL, { first: 10 });
    expect(first.body.errors).toBeUndefined();
    const page = first.body.data.dataAccessRecords;
    expect(page.nodes).toHaveLength(10);
    expect(page.nodes.map((n: any) => Number(n.sequence))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(page.nodes[1].prevHash).toBe(page.nodes[0].hash);
    const next = await as(securityAdmin, TRAIL, { first: 10, after: page.pageInfo.endCursor });
    expect(next.body.data.dataAccessRecords.nodes[0].sequence).toBe("11");
  });

  it("filters by subject, caller, operation and time", async () => {
    const mine = await as(auditor, TRAIL, { filter: { subjectResidentId: "resident-000001" }, first: 100 });
    const nodes = mine.body.data.dataAccessRecords.nodes;
    expect(nodes.length).toBeGreaterThan(5);
    expect(nodes.every((n: any) => n.subjectResidentIds.includes("resident-000001"))).toBe(true);

    const byOfficer = await as(auditor, TRAIL, {
      filter: { principalId: "person-000005", operationName: "EnrolmentCheck" },
      first: 100,
    });
    const officerNodes = byOfficer.body.data.dataAccessRecords.nodes;
    expect(officerNodes.length).toBeGreaterThan(0);
    expect(
      officerNodes.every((n: any) => n.principalId === "person-000005" && n.department.id === "dept-education"),
    ).toBe(true);
    expect(officerNodes[0].fields).toContainEqual({
      coordinate: "Resident.idNumberMasked",
      level: "CORE",
      category: "personal.identity",
      decision: "DENIED",
    });

    const october = await as(auditor, TRAIL, {
      // The seeded accesses start two months before the seed date: its first month.
      filter: { from: seedDateTime(-61, "00:00"), to: seedDateTime(-30, "00:00") },
      first: 100,
    });
    const times = october.body.data.dataAccessRecords.nodes.map((n: any) => Date.parse(n.occurredAt));
    expect(times.length).toBeGreaterThan(10);
    expect(
      times.every((t: number) => t >= seedInstant(-61, "00:00").getTime() && t < seedInstant(-30, "00:00").getTime()),
    ).toBe(true);
  });

  it("refuses officers, residents and anonymous callers", async () => {
    expect(code((await as(healthOfficer, TRAIL, { first: 1 })).body)).toBe("FORBIDDEN");
    expect(code((await as(zhangWei, TRAIL, { first: 1 })).body)).toBe("FORBIDDEN");
    const anonymous: Principal = { ...zhangWei, kind: "anonymous", id: null, roles: [], residentId: null };
    expect((await as(anonymous, TRAIL, { first: 1 })).body.data.dataAccessRecords).toBeNull();
    const verification = await as(healthOfficer, "{ auditChainVerification { intact } }");
    expect(code(verification.body)).toBe("FORBIDDEN");
  });

  it("verifies the chain for auditors in the graph", async () => {
    const { body } = await as(
      auditor,
      "{ auditChainVerification { intact checkedRecords startSequence startsAtCheckpoint headSequence headHash firstBreak { sequence } } }",
    );
    expect(body.errors).toBeUndefined();
    const verification = body.data.auditChainVerification;
    expect(verification).toMatchObject({
      intact: true,
      startSequence: "0",
      startsAtCheckpoint: false,
      firstBreak: null,
    });
    expect(verification.checkedRecords).toBe(await service.prisma.dataAccessRecord.count());
    expect(verification.headSequence).toBe(String(verification.checkedRecords));
  });
});

describe("who accessed my data (Resident.dataAccesses)", () => {
  const ACCESSES = `query Accesses($reps: [_Any!]!, $first: Int, $after: String) {
    _entities(representations: $reps) {
      ... on Resident {
        id
        dataAccesses(first: $first, after: $after) {
          totalCount
          pageInfo { hasNextPage endCursor }
          nodes { id occurredAt accessorKind accessorDepartment { id } application purpose fields { coordinate decision } }
        }
      }
    }
  }`;
  const residents = (...ids: string[]) => ids.map((id) => ({ __typename: "Resident", id }));

  it("shows a resident who accessed their data, newest first, without naming the officer", async () => {
    const { body } = await as(zhangWei, ACCESSES, { reps: residents("resident-000001"), first: 5 });
    expect(body.errors).toBeUndefined();
    const accesses = body.data._entities[0].dataAccesses;
    expect(accesses.totalCount).toBeGreaterThan(5);
    expect(accesses.nodes).toHaveLength(5);
    const times = accesses.nodes.map((n: any) => Date.parse(n.occurredAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(accesses.nodes.some((n: any) => n.accessorKind === "OFFICER" && n.accessorDepartment?.id)).toBe(true);
    expect(JSON.stringify(accesses)).not.toContain("person-000003");

    const all: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 20; pages++) {
      const page: any = (await as(zhangWei, ACCESSES, { reps: residents("resident-000001"), first: 4, after })).body
        .data._entities[0].dataAccesses;
      all.push(...page.nodes.map((n: any) => n.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(all).toHaveLength(accesses.totalCount);
    expect(new Set(all).size).toBe(all.length);
  });

  it("shows a resident's accesses to the resident themself and to auditors, to nobody else", async () => {
    // Another resident is hidden from 李娜 by the Resident row rule: null, like a resident who does not exist.
    const others = await as(liNa, ACCESSES, { reps: residents("resident-000001"), first: 1 });
    expect(others.body).toEqual({ data: { _entities: [null] } });
    // An officer reaches the resident only within their streets, and never their access log.
    const officer = await as(healthOfficer, ACCESSES, { reps: residents("resident-000001"), first: 1 });
    expect(officer.body.data._entities[0]?.dataAccesses ?? null).toBeNull();
    if (officer.body.data._entities[0]) expect(code(officer.body)).toBe("FORBIDDEN");
    const byAuditor = await as(auditor, ACCESSES, { reps: residents("resident-000001"), first: 1 });
    expect(byAuditor.body.errors).toBeUndefined();
    expect(byAuditor.body.data._entities[0].dataAccesses.nodes).toHaveLength(1);
  });

  it("costs the same number of SQL statements for 10 residents as for 500", async () => {
    const statements = async (count: number) => {
      const ids = Array.from({ length: count }, (_, i) => `resident-${String(i + 1).padStart(6, "0")}`);
      const before = service.sqlQueries();
      const { body } = await as(auditor, ACCESSES, { reps: residents(...ids), first: 3 });
      expect(body.errors).toBeUndefined();
      expect(body.data._entities).toHaveLength(count);
      return service.sqlQueries() - before;
    };
    const small = await statements(10);
    const large = await statements(500);
    expect(small).toBeLessThanOrEqual(2);
    expect(large).toBe(small);
  });
});
