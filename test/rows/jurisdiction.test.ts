/**
 * Jurisdiction (属地管理) and the enterprise register, the facts docs/authorization.md promises:
 * - an officer of 临汾路 cannot read a resident of another street, act for one, or receive one in a mutation result —
 *   with health asking the identity service's register over its key-protected route, as in a deployment;
 * - a resident sees no enterprise register field through any path (the enterprise subgraph's roots, `Street.enterprises`,
 *   every record's `enterprise`, `_entities`, and the catalog's `Enterprise` with its datasets).
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import catalog from "../../subgraphs/catalog/index.ts";
import enterprise from "../../subgraphs/enterprise/index.ts";
import health from "../../subgraphs/health/index.ts";
import { createIdentitySubgraph } from "../../subgraphs/identity/index.ts";
import { seededResidentStreet } from "../../subgraphs/identity/seedData.ts";
import { httpResidentDirectory, RESIDENT_DIRECTORY_PATH } from "../../subgraphs/kit/residentDirectory.ts";
import type { SubgraphService } from "../../subgraphs/kit/service.ts";
import { graphql, startTestSubgraph } from "../support/subgraphs.ts";
import { officerIn, residentPrincipal } from "./principals.ts";

const LINFEN = "street-linfenlu";
const linfenDesk = officerIn("dept-health", [LINFEN]);
/** Seeded residents by their registered street. */
const residentsOf = (street: string, count: number, skip = 0) => {
  const found: string[] = [];
  for (let n = 1; found.length < count + skip; n++) {
    const id = `resident-${String(n).padStart(6, "0")}`;
    if (seededResidentStreet(id) === street) found.push(id);
  }
  return found.slice(skip);
};

describe("an officer of 临汾路 reaches only residents of 临汾路", () => {
  let identity: SubgraphService;
  let healthService: SubgraphService<any>;
  let directoryKey: string;
  let linfenSlot: string;
  const [localResident] = residentsOf(LINFEN, 1, 5);
  const [otherResident] = residentsOf("street-jingansi", 1, 5);

  beforeAll(async () => {
    directoryKey = randomBytes(32).toString("base64url");
    // The directory key guards a route and changes no data: the registered module's seeded snapshot fits.
    identity = await startTestSubgraph(createIdentitySubgraph({ residentDirectoryKey: directoryKey }), {
      snapshot: true,
    });
    healthService = await startTestSubgraph(health, {
      residentDirectory: httpResidentDirectory({
        url: identity.url.replace(/\/graphql$/, RESIDENT_DIRECTORY_PATH),
        key: directoryKey,
      }),
    });
    const [slot] = await healthService.db.query<{ id: string }>(
      `SELECT s.id FROM "AppointmentSlot" s JOIN "Hospital" h ON h.id = s."hospitalId"
       WHERE h."streetId" = $1 AND s."startsAt" > now() + interval '1 day' AND s."bookedCount" < s.capacity
       ORDER BY s.id LIMIT 1`,
      [LINFEN],
    );
    linfenSlot = slot!.id;
  }, 600_000);
  afterAll(async () => {
    await healthService?.stop();
    await identity?.stop();
  });

  const ask = (service: SubgraphService<any>, query: string, variables: Record<string, unknown>) =>
    graphql(service.url, query, variables, {}, { principal: linfenDesk }).then((r) => r.body);
  const RESIDENT = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Resident { id } } }`;

  it("cannot read a resident of another street: identity and health answer null, as for no resident at all", async () => {
    const who = (id: string) => ({ r: [{ __typename: "Resident", id }] });
    const identityAnswer = await ask(
      identity,
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Resident { id name street { id } } } }`,
      who(otherResident!),
    );
    expect(identityAnswer).toEqual({ data: { _entities: [null] } });
    expect(seededResidentStreet(otherResident!)).not.toBe(LINFEN);
    expect(await ask(healthService, RESIDENT, who(otherResident!))).toEqual({ data: { _entities: [null] } });
    expect(await ask(healthService, RESIDENT, who("resident-999999"))).toEqual({ data: { _entities: [null] } });
    // Their own street's resident, through the same routes.
    expect((await ask(healthService, RESIDENT, who(localResident!))).data._entities).toEqual([{ id: localResident }]);
    const local = await ask(
      identity,
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Resident { street { id } } } }`,
      who(localResident!),
    );
    expect(local.data._entities).toEqual([{ street: { id: LINFEN } }]);
  });

  it("cannot act for a resident of another street: the booking is refused and nothing is written", async () => {
    const BOOK = `mutation ($slotId: ID!, $residentId: ID) {
      bookAppointment(input: { slotId: $slotId, residentId: $residentId }) { id resident { id } }
    }`;
    const before = await healthService.prisma.appointment.count();
    const refused = await ask(healthService, BOOK, { slotId: linfenSlot, residentId: otherResident });
    expect(refused.data).toBeNull();
    expect(refused.errors?.[0].extensions.code).toBe("FORBIDDEN");
    expect(refused.errors?.[0].message).toMatch(/registered in your jurisdiction \(street-linfenlu\)/);
    expect(JSON.stringify(refused)).not.toContain('"resident":');
    expect(await healthService.prisma.appointment.count()).toBe(before);
    // The same desk books for a resident of 临汾路 and receives them in the result.
    const booked = await ask(healthService, BOOK, { slotId: linfenSlot, residentId: localResident });
    expect(booked.errors).toBeUndefined();
    expect(booked.data.bookAppointment.resident).toEqual({ id: localResident });
  });

  it("never receives a resident of another street in a mutation result", async () => {
    // An appointment at a 临汾路 hospital of a resident registered elsewhere: the desk cannot cancel it (missing to
    // them), so no result names the resident.
    const visits = await healthService.db.query<{ id: string; residentId: string }>(
      `SELECT a.id, a."residentId" FROM "Appointment" a
       JOIN "AppointmentSlot" s ON s.id = a."slotId" JOIN "Hospital" h ON h.id = s."hospitalId"
       WHERE h."streetId" = $1 AND a.status = 'BOOKED' AND s."startsAt" > now() ORDER BY a.id LIMIT 200`,
      [LINFEN],
    );
    const visitor = visits.find((visit) => seededResidentStreet(visit.residentId) !== LINFEN)!;
    expect(visitor).toBeDefined();
    const cancelled = await ask(
      healthService,
      `mutation ($id: ID!) { cancelAppointment(input: { appointmentId: $id }) { id resident { id } } }`,
      { id: visitor.id },
    );
    expect(cancelled.data).toBeNull();
    expect(cancelled.errors?.[0].extensions.code).toBe("NOT_FOUND_ENTITY");
    expect(JSON.stringify(cancelled)).not.toContain(visitor.residentId);
    // And reading it by id answers null, like a missing appointment.
    const read = await ask(healthService, `query ($id: ID!) { appointment(id: $id) { id } }`, { id: visitor.id });
    expect(read).toEqual({ data: { appointment: null } });
  });

  it("refuses the register to callers without the directory key, and answers streets only", async () => {
    const url = identity.url.replace(/\/graphql$/, RESIDENT_DIRECTORY_PATH);
    const post = (key: string | null, body: unknown) =>
      fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
        body: JSON.stringify(body),
      });
    expect((await post(null, { ids: [localResident] })).status).toBe(401);
    expect((await post("x".repeat(43), { ids: [localResident] })).status).toBe(401);
    expect((await post(directoryKey, { ids: "resident-000001" })).status).toBe(400);
    expect((await post(directoryKey, { ids: Array(501).fill(localResident) })).status).toBe(400);
    const answer = await post(directoryKey, { ids: [localResident, "resident-999999"] });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ streets: { [localResident!]: LINFEN } });
  });
});

describe("a resident sees no enterprise register field through any path", () => {
  let enterpriseService: SubgraphService<any>;
  let catalogService: SubgraphService<any>;
  const resident = residentPrincipal("resident-000001");
  const REGISTER = "name creditCode legalRepresentative annualRevenueWan employeeCount registeredCapitalWan address";

  beforeAll(async () => {
    enterpriseService = await startTestSubgraph(enterprise);
    catalogService = await startTestSubgraph(catalog);
  }, 600_000);
  afterAll(async () => {
    await enterpriseService?.stop();
    await catalogService?.stop();
  });

  const ask = (service: SubgraphService<any>, query: string, variables: Record<string, unknown> = {}) =>
    graphql(service.url, query, variables, {}, { principal: resident }).then((r) => r.body);

  it("answers every enterprise path with null, an empty list or a refusal, never a register value", async () => {
    const [someEnterprise] = await enterpriseService.db.query<{ id: string; streetId: string }>(
      `SELECT id, "streetId" FROM "Enterprise" ORDER BY id LIMIT 1`,
    );
    const [grant] = await enterpriseService.db.query<{ id: string }>(
      `SELECT id FROM "BenefitGrant" ORDER BY id LIMIT 1`,
    );
    const [dataset] = await catalogService.db.query<{ id: string }>(
      `SELECT id FROM "DataResource" WHERE "enterpriseId" IS NOT NULL ORDER BY id LIMIT 1`,
    );
    const answers = [
      await ask(enterpriseService, `{ enterprises(first: 5) { nodes { ${REGISTER} } totalCount } }`),
      await ask(enterpriseService, `query ($id: ID!) { enterprise(id: $id) { ${REGISTER} } }`, {
        id: someEnterprise!.id,
      }),
      await ask(
        enterpriseService,
        `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Street { enterprises(first: 5) { nodes { ${REGISTER} } totalCount } } } }`,
        { r: [{ __typename: "Street", id: someEnterprise!.streetId }] },
      ),
      await ask(
        enterpriseService,
        `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Enterprise { ${REGISTER} } } }`,
        { r: [{ __typename: "Enterprise", id: someEnterprise!.id }] },
      ),
      await ask(
        enterpriseService,
        `query ($r: [_Any!]!) { _entities(representations: $r) { ... on BenefitGrant { enterprise { ${REGISTER} } } } }`,
        { r: [{ __typename: "BenefitGrant", id: grant!.id }] },
      ),
      await ask(
        catalogService,
        `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Enterprise { id datasets { id openStatus } } } }`,
        { r: [{ __typename: "Enterprise", id: someEnterprise!.id }] },
      ),
      await ask(
        catalogService,
        `query ($r: [_Any!]!) { _entities(representations: $r) { ... on DataResource { enterprise { id } } } }`,
        { r: [{ __typename: "DataResource", id: dataset!.id }] },
      ),
    ];
    for (const answer of answers) {
      const text = JSON.stringify(answer.data ?? null);
      for (const field of REGISTER.split(" ")) expect(text).not.toMatch(new RegExp(`"${field}":(?!null)`));
      expect(text).not.toContain(someEnterprise!.id);
      for (const error of answer.errors ?? []) expect(["FORBIDDEN"]).toContain(error.extensions.code);
    }
    // The same paths answer an officer (the control: the rows exist).
    const officer = officerIn("dept-market");
    const street = await graphql(
      enterpriseService.url,
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Street { enterprises(first: 1) { nodes { legalRepresentative } } } } }`,
      { r: [{ __typename: "Street", id: someEnterprise!.streetId }] },
      {},
      { principal: officer },
    );
    expect(street.body.data._entities[0].enterprises.nodes[0].legalRepresentative).toEqual(expect.any(String));
  });

  it("shows NOT_OPEN datasets of an enterprise only to holders of catalog:read, as dataResources does", async () => {
    const [restricted] = await catalogService.db.query<{ id: string; enterpriseId: string }>(
      `SELECT id, "enterpriseId" FROM "DataResource" WHERE "enterpriseId" IS NOT NULL AND "openStatus" = 'NOT_OPEN' ORDER BY id LIMIT 1`,
    );
    expect(restricted).toBeDefined();
    const DATASETS = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Enterprise { datasets { id openStatus } } } }`;
    const r = [{ __typename: "Enterprise", id: restricted!.enterpriseId }];
    const reader = officerIn("dept-data");
    const withScope = await graphql(catalogService.url, DATASETS, { r }, {}, { principal: reader });
    expect(withScope.body.data._entities[0].datasets.map((d: any) => d.id)).toContain(restricted!.id);
    const noScope = await graphql(
      catalogService.url,
      DATASETS,
      { r },
      {},
      { principal: { ...reader, scopes: reader.scopes.filter((s) => s !== "catalog:read") } },
    );
    const shown = noScope.body.data._entities[0].datasets;
    expect(shown.map((d: any) => d.id)).not.toContain(restricted!.id);
    expect(shown.every((d: any) => d.openStatus !== "NOT_OPEN")).toBe(true);
  });
});
