import { describe, expect, it } from "vitest";
import { TEST_SEED_DATE } from "../../test/support/seedDate.ts";
import { graphql } from "../../test/support/subgraphs.ts";
import {
  ANONYMOUS_PRINCIPAL,
  errorCode,
  gql,
  identity,
  officer,
  post,
  principalFor,
  principalOf,
  prisma,
  resident,
  service,
  sqlCost,
  useIdentitySubgraph,
} from "./identityTestbed.ts";
import { countRows } from "./seed.ts";
import { isValidIdNumber } from "./seedData.ts";

useIdentitySubgraph();

describe("me and residents", () => {
  const ME = /* GraphQL */ `{
    me {
      id kind displayName roles scopes mustChangePassword
      department { id }
      jurisdiction { id }
      resident { id name idNumberMasked phoneMasked street { id } }
    }
  }`;

  it("shows a resident themself with masked identity and phone numbers only", async () => {
    const response = await graphql(service.url, ME, {}, {}, { principal: resident });
    const row = await prisma.resident.findUniqueOrThrow({ where: { id: "resident-000001" } });
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data.me).toEqual({
      id: "person-000001",
      kind: "RESIDENT",
      displayName: "张伟",
      roles: ["resident"],
      scopes: ["graph:read", "resident:self"],
      mustChangePassword: false,
      department: null,
      jurisdiction: [],
      resident: {
        id: "resident-000001",
        name: "张伟",
        idNumberMasked: `${row.idNumber.slice(0, 3)}***********${row.idNumber.slice(-4)}`,
        phoneMasked: `${row.phone.slice(0, 3)}****${row.phone.slice(-4)}`,
        street: { id: "street-jingansi" },
      },
    });
    expect(response.body.data.me.resident.idNumberMasked).toMatch(/^310\*{11}[0-9]{3}[0-9X]$/);
    const text = JSON.stringify(response.body);
    expect(text).not.toContain(row.idNumber);
    expect(text).not.toContain(row.idNumber.slice(3, 14));
    expect(text).not.toContain(row.phone);
  });

  it("shows an officer their department and jurisdiction, an app its name, and nothing to anonymous callers", async () => {
    const asOfficer = await gql(ME, {}, officer);
    expect(asOfficer.data.me).toMatchObject({
      id: "person-000003",
      kind: "OFFICER",
      displayName: "王建华",
      department: { id: "dept-health" },
      resident: null,
    });
    expect(asOfficer.data.me.jurisdiction).toHaveLength(14);
    const app = await post("/oauth/token", {
      grant_type: "client_credentials",
      client_id: "app-portal",
      client_secret: "portal-dev-secret",
    });
    const asApp = await gql(`{ me { id kind displayName department { id } } }`, {}, principalOf(app.body.access_token));
    expect(asApp.data.me).toEqual({
      id: "app-portal",
      kind: "APP",
      displayName: "静安一网通办门户 (district portal)",
      department: { id: "dept-data" },
    });
    expect((await gql(`{ me { id } }`, {}, ANONYMOUS_PRINCIPAL)).data.me).toBeNull();
  });

  it("lets a resident read only their own details; anonymous callers none", async () => {
    const RESIDENTS = `query R($representations: [_Any!]!) { _entities(representations: $representations) { ... on Resident { id name phoneMasked } } }`;
    const representations = ["resident-000001", "resident-000002"].map((id) => ({ __typename: "Resident", id }));
    const own = await gql(RESIDENTS, { representations }, resident);
    expect(own.data._entities[0]).toMatchObject({ id: "resident-000001", name: "张伟" });
    // Another resident answers exactly like one who does not exist (the Resident row rule).
    expect(own.data._entities[1]).toBeNull();
    expect(own.errors).toBeUndefined();
    const anonymous = await gql(RESIDENTS, { representations }, ANONYMOUS_PRINCIPAL);
    expect(anonymous.data._entities).toEqual([null, null]);
    const asOfficer = await gql(RESIDENTS, { representations }, officer);
    expect(asOfficer.errors).toBeUndefined();
    expect(asOfficer.data._entities[1].name).toBe("李娜");
  });

  it("shows an officer only the residents of their streets: 临汾路 reads 李娜 (临汾路), not 张伟 (静安寺)", async () => {
    const RESIDENTS = `query R($representations: [_Any!]!) { _entities(representations: $representations) { ... on Resident { id name street { id } } } }`;
    const representations = ["resident-000001", "resident-000002", "resident-999999"].map((id) => ({
      __typename: "Resident",
      id,
    }));
    const linfen = await principalFor("officer.linfen", "Officer#2026");
    expect(linfen.streetIds).toEqual(["street-linfenlu"]);
    const seen = await gql(RESIDENTS, { representations }, linfen);
    expect(seen.errors).toBeUndefined();
    // Another street's resident answers exactly like one who does not exist.
    expect(seen.data._entities).toEqual([
      null,
      { id: "resident-000002", name: "李娜", street: { id: "street-linfenlu" } },
      null,
    ]);
    // No jurisdiction, no resident; anonymous callers none either.
    for (const principal of [{ ...linfen, streetIds: [] }, ANONYMOUS_PRINCIPAL]) {
      expect((await gql(RESIDENTS, { representations }, principal)).data._entities).toEqual([null, null, null]);
    }
    // An auditor reaches residents (to audit who accessed their data), never their identity.
    const auditor = { ...linfen, kind: "auditor" as const, roles: ["auditor"], departmentId: null, streetIds: [] };
    const audited = await gql(RESIDENTS, { representations }, auditor);
    expect(audited.data._entities[1]).toEqual({ id: "resident-000002", name: null, street: null });
    expect(errorCode(audited)).toBe("FORBIDDEN");
  });

  it("resolves Resident representations in the order asked, with null for unknown ids", async () => {
    const ids = ["resident-060000", "resident-060001", "resident-000002", "resident-999999"];
    const { body, statements } = await sqlCost(
      `query R($representations: [_Any!]!) { _entities(representations: $representations) { ... on Resident { id street { id } } } }`,
      { representations: ids.map((id) => ({ __typename: "Resident", id })) },
      officer,
    );
    expect(body.data._entities.map((e: any) => e?.id ?? null)).toEqual([
      "resident-060000",
      null,
      "resident-000002",
      null,
    ]);
    expect(statements).toBe(1);
  });

  it("resolves 500 Residents with the same number of SQL statements as 10", async () => {
    const document = `query R($representations: [_Any!]!) {
      _entities(representations: $representations) { ... on Resident { id name idNumberMasked phoneMasked street { id } } }
    }`;
    const reps = (n: number, offset: number) =>
      Array.from({ length: n }, (_, i) => ({
        __typename: "Resident",
        id: `resident-${String(offset + i * 97).padStart(6, "0")}`,
      }));
    const small = await sqlCost(document, { representations: reps(10, 1000) }, officer);
    const large = await sqlCost(document, { representations: reps(500, 3) }, officer);
    expect(large.body.data._entities.every((e: any) => e?.name && e.street.id.startsWith("street-"))).toBe(true);
    expect(small.statements).toBe(1);
    expect(large.statements).toBe(small.statements);
  });

  it("holds all 60,000 residents with unique, valid GB 11643 identity numbers and Jing'an area codes", async () => {
    const rows = await prisma.resident.findMany({ select: { idNumber: true, phone: true, streetId: true } });
    expect(rows).toHaveLength(60_000);
    expect(rows.every((row) => isValidIdNumber(row.idNumber))).toBe(true);
    expect(rows.every((row) => /^310(106|108)/.test(row.idNumber))).toBe(true);
    expect(new Set(rows.map((row) => row.idNumber)).size).toBe(60_000);
    expect(new Set(rows.map((row) => row.phone)).size).toBe(60_000);
    expect(rows.every((row) => /^1[3-9][0-9]{9}$/.test(row.phone))).toBe(true);
    const perStreet = new Map<string, number>();
    for (const row of rows) perStreet.set(row.streetId, (perStreet.get(row.streetId) ?? 0) + 1);
    expect(perStreet.size).toBe(14);
    // Pengpu town (彭浦镇) is the most populous, Tianmuxilu among the least.
    expect(perStreet.get("street-pengpu")).toBeGreaterThan(perStreet.get("street-tianmuxilu")! * 3);
  });
});
describe("seed", () => {
  it("is idempotent: a second run adds nothing, keeps every password hash and the signing keys", async () => {
    const before = await countRows(prisma);
    const hashes = await prisma.person.findMany({ select: { id: true, passwordHash: true }, orderBy: { id: "asc" } });
    const summary = await identity.seed(prisma, service.db, { date: TEST_SEED_DATE, previousDates: [] });
    expect(summary).toEqual(before);
    expect(await prisma.person.findMany({ select: { id: true, passwordHash: true }, orderBy: { id: "asc" } })).toEqual(
      hashes,
    );
    expect(summary).toMatchObject({ residents: 60_000, roles: 6 });
  });
});
