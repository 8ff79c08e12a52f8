import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "../../lib/principal.ts";
// Department-wide officers: the whole district is their jurisdiction.
import { officerIn as officerOf, residentPrincipal } from "../../test/rows/principals.ts";
import { seedDateTime, seedDay, seedInstant, TEST_SEED_DATE } from "../../test/support/seedDate.ts";
import { graphql, startTestSubgraph } from "../../test/support/subgraphs.ts";
import type { SubgraphService } from "../kit/service.ts";
import { planTransition } from "./applicationWorkflow.ts";
import { evaluateCriteria } from "./benefitCriteria.ts";
import { enterpriseFacts, policyCriteria } from "./benefitMatching.ts";
import { createEnterpriseSubgraph } from "./index.ts";
import type { EnterprisePrisma } from "./loaders.ts";
import { countRows } from "./seed.ts";

/** The policy edition in force on the seed date; the seed also publishes next year's (in force from 1 January). */
const EDITION = Number(TEST_SEED_DATE.slice(0, 4));
const policy = (n: number, edition = EDITION) => `policy-${edition}-${String(n).padStart(2, "0")}`;

/** The day before the window schedule (the three weeks from the seed date) starts, after the seeded history. */
const NOW = seedInstant(-1, "10:00");
const enterprise = createEnterpriseSubgraph({ now: () => NOW });

let service: SubgraphService<EnterprisePrisma>;
let prisma: EnterprisePrisma;

beforeAll(async () => {
  service = await startTestSubgraph(enterprise, { seedDate: TEST_SEED_DATE });
  prisma = service.prisma;
});

afterAll(async () => {
  await service?.stop();
});

/** An officer at the centre's comprehensive window (综合窗口), who acts for enterprises and residents. */
const windowDesk = officerOf("dept-admin-service");

async function query(document: string, variables?: Record<string, unknown>, principal: Principal = windowDesk) {
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

/** Follows `pageInfo.endCursor` to the end of a list and returns every node id. */
async function walk(list: string, args: string, pageSize: number): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let after: string | null = null;
  let pages = 0;
  for (;;) {
    const body = await query(
      `query Page($after: String) {
        ${list}(${args ? `${args}, ` : ""}first: ${pageSize}, after: $after) {
          edges { cursor node { id } } pageInfo { hasNextPage endCursor }
        }
      }`,
      { after },
    );
    expect(body.errors).toBeUndefined();
    const page = body.data[list];
    pages += 1;
    ids.push(...page.edges.map((edge: any) => edge.node.id));
    if (page.edges.length > 0) expect(page.pageInfo.endCursor).toBe(page.edges.at(-1).cursor);
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  return { ids, pages };
}

function expectSortedUnique(ids: string[]) {
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids).toEqual([...ids].sort());
}

const representations = (typename: string, ids: string[]) => ids.map((id) => ({ __typename: typename, id }));
const entIds = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => `ent-${String(from + i).padStart(6, "0")}`);

describe("enterprises", () => {
  it("lists the district's 3,000 enterprises, clustered where its industries are", async () => {
    const body = await query(`{
      all: enterprises { totalCount }
      shibei: enterprises(filter: { parkId: "park-shibei" }, first: 100) {
        totalCount nodes { industrySection street { id } park { name street { id } } }
      }
      suhewan: enterprises(filter: { parkId: "park-suhewan", industryCode: "J" }) { totalCount }
      esports: enterprises(filter: { parkId: "park-daning-esports" }, first: 100) { nodes { industryCode street { id } } }
    }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.all.totalCount).toBe(3000);
    expect(body.data.shibei.totalCount).toBeGreaterThan(350);
    for (const firm of body.data.shibei.nodes) {
      expect(["I", "M"]).toContain(firm.industrySection);
      expect(firm).toMatchObject({
        street: { id: "street-pengpu" },
        park: { name: "市北高新技术服务业园区", street: { id: "street-pengpu" } },
      });
    }
    expect(body.data.suhewan.totalCount).toBeGreaterThan(100);
    for (const firm of body.data.esports.nodes) {
      expect(["R90", "I64"]).toContain(firm.industryCode);
      expect(firm.street.id).toBe("street-daninglu");
    }
  });

  it("filters by street, industry division or section, size class, high-tech status and part of the name", async () => {
    const body = await query(`{
      daning: enterprises(filter: { streetId: "street-daninglu", sizeClass: SMALL }, first: 100) {
        nodes { street { id } sizeClass }
      }
      software: enterprises(filter: { industryCode: "I65", isHighTech: true }, first: 100) {
        totalCount nodes { industryCode industryName isHighTech }
      }
      section: enterprises(filter: { industryCode: "i" }) { totalCount }
      blockchain: enterprises(filter: { nameContains: "区块链" }, first: 100) { totalCount nodes { name park { id } } }
      shops: enterprises(filter: { nameContains: "静安区" }, first: 100) { nodes { isIndividualBusiness creditCode } }
    }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.daning.nodes.length).toBeGreaterThan(0);
    for (const firm of body.data.daning.nodes)
      expect(firm).toEqual({ street: { id: "street-daninglu" }, sizeClass: "SMALL" });
    expect(body.data.software.totalCount).toBeGreaterThan(50);
    for (const firm of body.data.software.nodes) {
      expect(firm).toEqual({ industryCode: "I65", industryName: "软件和信息技术服务业", isHighTech: true });
    }
    expect(body.data.section.totalCount).toBeGreaterThan(body.data.software.totalCount);
    expect(body.data.blockchain.totalCount).toBeGreaterThan(10);
    for (const firm of body.data.blockchain.nodes) {
      expect(firm.name).toContain("区块链");
      expect(firm.park.id).toBe("park-shibei-blockchain");
    }
    // Individual businesses (个体工商户) are named after the district and carry entity kind 2 in their code.
    expect(body.data.shops.nodes.length).toBeGreaterThan(10);
    for (const shop of body.data.shops.nodes) expect(shop).toMatchObject({ isIndividualBusiness: true });
    expect(body.data.shops.nodes.every((shop: any) => shop.creditCode.startsWith("92310106"))).toBe(true);
  });

  it("finds an enterprise by its credit code and names the right check character of a mistyped one", async () => {
    const known = await prisma.enterprise.findUniqueOrThrow({ where: { id: "ent-000042" } });
    const found = await query(
      `query C($code: String) { enterprises(filter: { creditCode: $code }) { nodes { id } } }`,
      {
        code: known.creditCode.toLowerCase(),
      },
    );
    expect(found.data.enterprises.nodes).toEqual([{ id: "ent-000042" }]);
    const wrong = known.creditCode.slice(0, 17) + (known.creditCode[17] === "1" ? "2" : "1");
    const body = await query(`query C($code: String) { enterprises(filter: { creditCode: $code }) { nodes { id } } }`, {
      code: wrong,
    });
    expect(errorCode(body)).toBe("BAD_USER_INPUT");
    expect(body.errors?.[0].message).toBe(
      `The check character of "${wrong}" should be ${known.creditCode[17]}, not ${wrong[17]}; check the code for a typing error.`,
    );
  });

  it("walks all 3,000 enterprises with cursors and meets each once, in id order", async () => {
    const { ids, pages } = await walk("enterprises", "", 100);
    expect(pages).toBe(30);
    expect(ids).toHaveLength(3000);
    expectSortedUnique(ids);
  });

  it("answers a foreign cursor, a garbage cursor or a page size out of range with a coded error", async () => {
    const other = await query(`{ bundledServices(first: 1) { pageInfo { endCursor } } }`);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ first: 5, after: other.data.bundledServices.pageInfo.endCursor }, "INVALID_CURSOR"],
      [{ first: 5, after: "not-a-cursor" }, "INVALID_CURSOR"],
      [{ first: 0 }, "PAGE_SIZE_OUT_OF_RANGE"],
      [{ first: 101 }, "PAGE_SIZE_OUT_OF_RANGE"],
    ];
    for (const [variables, code] of cases) {
      const body = await query(
        `query E($first: Int, $after: String) { enterprises(first: $first, after: $after) { nodes { id } } }`,
        variables,
      );
      expect(errorCode(body)).toBe(code);
    }
    for (const list of ["serviceApplications", "benefitPolicies", "benefitGrants", "bundledServices"]) {
      expect(errorCode(await query(`{ ${list}(first: 101) { nodes { id } } }`))).toBe("PAGE_SIZE_OUT_OF_RANGE");
    }
    expect(errorCode(await query(`{ windowSlots(first: 201) { nodes { id } } }`))).toBe("PAGE_SIZE_OUT_OF_RANGE");
    const badIndustry = await query(`{ enterprises(filter: { industryCode: "软件" }) { totalCount } }`);
    expect(errorCode(badIndustry)).toBe("BAD_USER_INPUT");
  });

  it("returns null for an unknown enterprise and resolves Enterprise representations in order", async () => {
    const body = await query(`{ enterprise(id: "ent-999999") { id } known: enterprise(id: "ent-000001") { id } }`);
    expect(body.data).toEqual({ enterprise: null, known: { id: "ent-000001" } });
    const { body: entities, statements } = await sqlCost(
      `query E($r: [_Any!]!) { _entities(representations: $r) { ... on Enterprise { id } } }`,
      { r: representations("Enterprise", ["ent-000003", "ent-009999", "ent-000001"]) },
    );
    expect(entities.data._entities).toEqual([{ id: "ent-000003" }, null, { id: "ent-000001" }]);
    expect(statements).toBe(1);
  });
});

describe("batched data access", () => {
  const ENTERPRISE_GRAPH = /* GraphQL */ `
    query E($r: [_Any!]!) {
      _entities(representations: $r) {
        ... on Enterprise {
          id park { name } street { id }
          applications {
            id status currentItem { name department { id } }
            bundledService { name materials items { name } }
            timeline { sequence status department { id } serviceItem { name bundledService { id } } }
            allowedNextStatuses
          }
          benefitGrants { amount policy { name issuingDepartment { id } } run { id evaluatedCount } reasons { description } }
          windowAppointments { id slot { startsAt window { name } } window { id } bundledService { id } }
        }
      }
    }
  `;

  it("resolves 500 enterprises with applications, timelines, grants and appointments for the same SQL as 10", async () => {
    // Ten enterprises that have every kind of record, so that the small request walks every hop too.
    const rich = await prisma.enterprise.findMany({
      where: {
        applications: { some: { currentItemId: { not: null } } },
        grants: { some: {} },
        windowAppointments: { some: {} },
      },
      select: { id: true },
      orderBy: { id: "asc" },
      take: 10,
    });
    expect(rich).toHaveLength(10);
    const small = await sqlCost(ENTERPRISE_GRAPH, {
      r: representations(
        "Enterprise",
        rich.map((e) => e.id),
      ),
    });
    const large = await sqlCost(ENTERPRISE_GRAPH, { r: representations("Enterprise", entIds(101, 500)) });
    const entities = large.body.data._entities;
    expect(entities).toHaveLength(500);
    expect(entities.flatMap((e: any) => e.applications).length).toBeGreaterThan(300);
    expect(entities.flatMap((e: any) => e.benefitGrants).length).toBeGreaterThan(100);
    expect(entities.flatMap((e: any) => e.windowAppointments).length).toBeGreaterThan(50);
    expect(large.statements).toBe(small.statements);
    // enterprises; their applications, grants and appointments; timelines; all items and all bundles (reference
    // data, once); the grants' policies and runs; the appointments' slots; all windows.
    expect(large.statements).toBe(11);
  });

  it("resolves 500 applications, grants and appointments with their hops for the same SQL as 10", async () => {
    // Each list mixes its kinds of row from the start (in review or not, enterprise or resident), so that the ten of
    // the small request walk every hop the 500 do.
    const [inReview, settled, grants, forEnterprises, forResidents] = await Promise.all([
      prisma.serviceApplication.findMany({ where: { currentItemId: { not: null } }, select: { id: true }, take: 250 }),
      prisma.serviceApplication.findMany({ where: { currentItemId: null }, select: { id: true }, take: 250 }),
      prisma.benefitGrant.findMany({ select: { id: true }, orderBy: { id: "asc" }, take: 500 }),
      prisma.windowAppointment.findMany({ where: { enterpriseId: { not: null } }, select: { id: true }, take: 250 }),
      prisma.windowAppointment.findMany({ where: { residentId: { not: null } }, select: { id: true }, take: 250 }),
    ]);
    const interleave = (a: Array<{ id: string }>, b: Array<{ id: string }>) => a.flatMap((row, i) => [row, b[i]!]);
    const applications = interleave(inReview, settled);
    const appointments = interleave(forEnterprises, forResidents);
    // [type, ids, selection, statements]
    const cases: Array<[string, string[], string, number]> = [
      [
        "ServiceApplication",
        applications.map((a) => a.id),
        `... on ServiceApplication { enterprise { name } bundledService { items { name } } currentItem { name } timeline { serviceItem { name } } allowedNextStatuses }`,
        5, // applications, enterprises, timelines, all bundles, all items
      ],
      [
        "BenefitGrant",
        grants.map((g) => g.id),
        `... on BenefitGrant { enterprise { name } policy { name grantCount matchingRuns { id } } run { grantedCount policy { id } } }`,
        6, // grants, enterprises, policies, grant counts, runs per policy, runs
      ],
      [
        "WindowAppointment",
        appointments.map((a) => a.id),
        `... on WindowAppointment { slot { window { name } } window { services { name } } enterprise { name } resident { id } bundledService { name } }`,
        // appointments, slots, enterprises, all windows, all bundles; residents' appointments resolve after the one
        // batched register lookup (jurisdiction), so their hops batch in a second wave: one more, whatever the size.
        6,
      ],
    ];
    for (const [typename, ids, selection, expected] of cases) {
      expect(ids).toHaveLength(500);
      const document = `query E($r: [_Any!]!) { _entities(representations: $r) { ${selection} } }`;
      const small = await sqlCost(document, { r: representations(typename, ids.slice(0, 10)) });
      const large = await sqlCost(document, { r: representations(typename, ids) });
      expect(large.body.data._entities.every((entity: unknown) => entity !== null)).toBe(true);
      expect({ typename, small: small.statements, large: large.statements }).toEqual({
        typename,
        small: expected,
        large: expected,
      });
    }
  });

  it("pages window slots and applications with their hops for the same SQL at 10 and at full page size", async () => {
    const SLOTS = `query S($first: Int) { windowSlots(first: $first) { nodes { window { name services { id } } remaining } } }`;
    const fewSlots = await sqlCost(SLOTS, { first: 10 });
    const manySlots = await sqlCost(SLOTS, { first: 200 });
    expect(manySlots.body.data.windowSlots.nodes).toHaveLength(200);
    expect(manySlots.statements).toBe(fewSlots.statements);
    const APPS = `query A($first: Int) {
      serviceApplications(first: $first) { nodes { enterprise { street { id } } timeline { department { id } } } }
    }`;
    const fewApps = await sqlCost(APPS, { first: 10 });
    const manyApps = await sqlCost(APPS, { first: 100 });
    expect(manyApps.statements).toBe(fewApps.statements);
  });

  it("resolves 50 Street representations with a page of enterprises each in three SQL statements", async () => {
    const streets = await prisma.enterprise.groupBy({ by: ["streetId"], _count: { _all: true } });
    expect(streets).toHaveLength(14);
    const ids = [...streets.map((s) => s.streetId), ...Array.from({ length: 36 }, (_, i) => `street-elsewhere-${i}`)];
    const { body, statements } = await sqlCost(
      `query S($r: [_Any!]!) {
        _entities(representations: $r) {
          ... on Street { id enterprises(first: 5) { totalCount nodes { id street { id } } pageInfo { hasNextPage } } }
        }
      }`,
      { r: representations("Street", ids) },
    );
    expect(statements).toBe(3); // page ids per street (window function), the rows, the counts
    const entities = body.data._entities;
    expect(entities.map((e: any) => e.id)).toEqual(ids);
    const total = entities.reduce((sum: number, e: any) => sum + e.enterprises.totalCount, 0);
    expect(total).toBe(3000);
    for (const street of entities.slice(0, 14)) {
      expect(street.enterprises.nodes).toHaveLength(5);
      expect(street.enterprises.nodes.every((n: any) => n.street.id === street.id)).toBe(true);
    }
    for (const elsewhere of entities.slice(14)) {
      expect(elsewhere.enterprises).toEqual({ totalCount: 0, nodes: [], pageInfo: { hasNextPage: false } });
    }
  });

  it("walks one street's enterprises with cursors to exactly the street's list", async () => {
    const ids: string[] = [];
    let after: string | null = null;
    for (;;) {
      const body = await query(
        `query S($r: [_Any!]!, $after: String) {
          _entities(representations: $r) { ... on Street { enterprises(first: 40, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } } }
        }`,
        { r: representations("Street", ["street-daninglu"]), after },
      );
      const page = body.data._entities[0].enterprises;
      ids.push(...page.nodes.map((n: any) => n.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    const expected = await prisma.enterprise.findMany({
      where: { streetId: "street-daninglu" },
      select: { id: true },
      orderBy: { id: "asc" },
    });
    expect(ids).toEqual(expected.map((e) => e.id));
    expect(ids.length).toBeGreaterThan(100);
  });

  it("lists a department's items in bundles and a resident's window appointments, 50 representations in one statement each", async () => {
    const departments = ["dept-market", "dept-public-security", "dept-human-resources", "dept-sports"];
    const ids = [...departments, ...Array.from({ length: 46 }, (_, i) => `dept-none-${i}`)];
    const { body, statements } = await sqlCost(
      `query D($r: [_Any!]!) { _entities(representations: $r) { ... on Department { id serviceItems { name bundledService { id } } } } }`,
      { r: representations("Department", ids) },
    );
    expect(statements).toBe(2); // all items, all bundles: reference data
    const [market, police, hr, sports] = body.data._entities;
    expect(market.serviceItems.map((i: any) => i.name)).toContain("食品经营许可");
    expect(police.serviceItems.map((i: any) => i.name)).toContain("公章刻制备案");
    expect(hr.serviceItems.length).toBeGreaterThan(3);
    expect(sports.serviceItems).toEqual([{ name: "高危险性体育项目经营许可", bundledService: { id: "svc-open-gym" } }]);
    expect(body.data._entities.slice(4).every((d: any) => d.serviceItems.length === 0)).toBe(true);

    const residents = await prisma.windowAppointment.findMany({
      where: { residentId: { not: null } },
      distinct: ["residentId"],
      select: { residentId: true },
      take: 50,
    });
    expect(residents).toHaveLength(50);
    const residentCost = await sqlCost(
      `query R($r: [_Any!]!) { _entities(representations: $r) { ... on Resident { id windowAppointments { id resident { id } } } } }`,
      {
        r: representations(
          "Resident",
          residents.map((r) => r.residentId!),
        ),
      },
    );
    expect(residentCost.statements).toBe(1);
    for (const resident of residentCost.body.data._entities) {
      expect(resident.windowAppointments.length).toBeGreaterThan(0);
      expect(resident.windowAppointments.every((a: any) => a.resident.id === resident.id)).toBe(true);
    }
  });
});

describe("bundled services (一件事)", () => {
  it("bundles several departments' items with one set of materials and a promise far below the statutory limits", async () => {
    const body = await query(`{
      bundledServices(first: 20) {
        totalCount
        nodes { id name promisedDays statutoryDaysTotal materials items { sequence name statutoryTimeLimitDays materials department { id } } }
      }
      restaurant: bundledService(id: "svc-open-restaurant") { name items { department { id } } }
      byDepartment: bundledServices(filter: { departmentId: "dept-culture" }) { nodes { id } }
      named: bundledServices(filter: { nameContains: "开办" }) { totalCount }
      missing: bundledService(id: "svc-nope") { id }
    }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.bundledServices.totalCount).toBe(8);
    for (const bundle of body.data.bundledServices.nodes) {
      expect(bundle.items.length).toBeGreaterThanOrEqual(3);
      expect(bundle.items.map((i: any) => i.sequence)).toEqual(bundle.items.map((_: unknown, i: number) => i + 1));
      expect(bundle.promisedDays).toBeLessThan(bundle.statutoryDaysTotal);
      const union = new Set(bundle.items.flatMap((i: any) => i.materials));
      expect(bundle.materials).toHaveLength(union.size);
    }
    const opening = body.data.bundledServices.nodes.find((b: any) => b.id === "svc-open-business");
    expect(opening.name).toBe("开办企业一件事");
    expect(opening.items.map((i: any) => i.department.id)).toEqual([
      "dept-market",
      "dept-public-security",
      "dept-human-resources",
      "dept-medical-insurance",
    ]);
    expect(body.data.restaurant.name).toBe("餐饮店开办一件事");
    expect(body.data.byDepartment.nodes).toEqual([{ id: "svc-open-bookstore" }]);
    expect(body.data.named.totalCount).toBe(5);
    expect(body.data.missing).toBeNull();
    const { ids, pages } = await walk("bundledServices", "", 3);
    expect(pages).toBe(3);
    expect(ids).toHaveLength(8);
    expectSortedUnique(ids);
  });
});

const SUBMIT = /* GraphQL */ `
  mutation Submit($enterpriseId: ID!, $serviceId: ID!, $materials: [String!]!) {
    submitApplication(input: { enterpriseId: $enterpriseId, serviceId: $serviceId, materials: $materials }) {
      id status submittedAt allowedNextStatuses timeline { sequence status department { id } }
    }
  }
`;

const ADVANCE = /* GraphQL */ `
  mutation Advance($id: ID!, $to: ServiceApplicationStatus!, $note: String) {
    advanceApplication(input: { applicationId: $id, toStatus: $to, note: $note }) {
      id status allowedNextStatuses currentItem { id name }
      timeline { sequence status at note department { id } serviceItem { id name } }
    }
  }
`;

async function materialsOf(serviceId: string): Promise<string[]> {
  const body = await query(`query M($id: ID!) { bundledService(id: $id) { materials } }`, { id: serviceId });
  return body.data.bundledService.materials;
}

async function submitted(enterpriseId: string, serviceId = "svc-open-business"): Promise<string> {
  const body = await query(SUBMIT, { enterpriseId, serviceId, materials: await materialsOf(serviceId) });
  expect(body.errors).toBeUndefined();
  return body.data.submitApplication.id;
}

/** Takes the next step as an officer of the department holding the application, as the workflow requires. */
async function advance(id: string, to: string, note?: string) {
  const held = await query(`query H($id: ID!) { serviceApplication(id: $id) { handledBy { id } } }`, { id });
  const holder = held.data.serviceApplication?.handledBy?.id ?? "dept-admin-service";
  return query(ADVANCE, { id, to, note }, officerOf(holder));
}

describe("applications (一件事申请)", () => {
  it("filters by enterprise, status and service, and walks a service's applications with cursors", async () => {
    const body = await query(`{
      all: serviceApplications { totalCount }
      returned: serviceApplications(filter: { status: RETURNED_FOR_CORRECTION }, first: 100) {
        totalCount nodes { status currentItem { id } timeline { status note } }
      }
      hiring: serviceApplications(filter: { serviceId: "svc-hire", status: IN_REVIEW }, first: 100) {
        nodes { bundledService { id } status currentItem { bundledService { id } } }
      }
      one: serviceApplications(filter: { enterpriseId: "ent-000002" }) { nodes { enterprise { id } } }
      november: serviceApplications(filter: { submittedFrom: "${seedDateTime(-30, "00:00")}", submittedTo: "${seedDateTime(0, "00:00")}" }, first: 100) {
        nodes { submittedAt }
      }
    }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.all.totalCount).toBeGreaterThan(2500);
    expect(body.data.returned.totalCount).toBeGreaterThan(0);
    for (const application of body.data.returned.nodes) {
      expect(application.status).toBe("RETURNED_FOR_CORRECTION");
      expect(application.timeline.at(-1).note).toBeTruthy();
    }
    expect(body.data.hiring.nodes.length).toBeGreaterThan(0);
    for (const application of body.data.hiring.nodes) {
      expect(application).toEqual({
        bundledService: { id: "svc-hire" },
        status: "IN_REVIEW",
        currentItem: { bundledService: { id: "svc-hire" } },
      });
    }
    expect(body.data.one.nodes.every((a: any) => a.enterprise.id === "ent-000002")).toBe(true);
    for (const application of body.data.november.nodes) {
      expect(
        application.submittedAt >= seedInstant(-30, "00:00").toISOString() &&
          application.submittedAt < seedInstant(0, "00:00").toISOString(),
      ).toBe(true);
    }
    const deregistrations = await prisma.serviceApplication.count({ where: { bundledServiceId: "svc-deregister" } });
    const { ids } = await walk("serviceApplications", `filter: { serviceId: "svc-deregister" }`, 50);
    expect(ids).toHaveLength(deregistrations);
    expectSortedUnique(ids);
  });

  it("seeds timelines that follow the workflow: one step at a time, in order, ending at the application's status", async () => {
    const applications = await prisma.serviceApplication.findMany({
      include: { events: { orderBy: { sequence: "asc" } } },
      orderBy: { id: "asc" },
      take: 400,
    });
    const items = await prisma.serviceItem.findMany({ orderBy: [{ bundledServiceId: "asc" }, { sequence: "asc" }] });
    const statuses = new Set<string>();
    for (const application of applications) {
      const bundle = items.filter((item) => item.bundledServiceId === application.bundledServiceId);
      const events = application.events;
      expect(events[0]).toMatchObject({ sequence: 1, status: "SUBMITTED" });
      let state = { status: events[0]!.status, currentItemId: null as string | null };
      for (const [i, event] of events.entries()) {
        expect(event.sequence).toBe(i + 1);
        if (i === 0) continue;
        expect(event.at.getTime()).toBeGreaterThan(events[i - 1]!.at.getTime());
        const plan = planTransition(state, event.status, bundle);
        expect(plan.ok).toBe(true);
        if (plan.ok) {
          expect(event.departmentId).toBe(plan.transition.departmentId);
          state = { status: plan.transition.status, currentItemId: plan.transition.currentItemId };
        }
      }
      expect(application).toMatchObject({
        status: state.status,
        currentItemId: state.currentItemId,
        version: events.length,
      });
      statuses.add(application.status);
    }
    expect([...statuses].sort()).toEqual(
      ["ACCEPTED", "APPROVED", "COMPLETED", "IN_REVIEW", "REJECTED", "RETURNED_FOR_CORRECTION", "SUBMITTED"].filter(
        (s) => statuses.has(s),
      ),
    );
    expect(statuses.has("COMPLETED") && statuses.has("IN_REVIEW")).toBe(true);
  });

  it("submits an application with the bundle's materials and starts its timeline", async () => {
    const materials = await materialsOf("svc-open-restaurant");
    const body = await query(SUBMIT, { enterpriseId: "ent-000010", serviceId: "svc-open-restaurant", materials });
    expect(body.errors).toBeUndefined();
    expect(body.data.submitApplication).toMatchObject({
      status: "SUBMITTED",
      submittedAt: NOW.toISOString(),
      allowedNextStatuses: ["ACCEPTED", "RETURNED_FOR_CORRECTION", "REJECTED"],
      timeline: [{ sequence: 1, status: "SUBMITTED", department: { id: "dept-admin-service" } }],
    });
    const read = await query(`query A($id: ID!) { serviceApplication(id: $id) { enterprise { id } materials } }`, {
      id: body.data.submitApplication.id,
    });
    expect(read.data.serviceApplication).toEqual({ enterprise: { id: "ent-000010" }, materials });
  });

  it("refuses missing materials, an unknown enterprise or an unknown service and writes nothing", async () => {
    const before = [await prisma.serviceApplication.count(), await prisma.applicationEvent.count()];
    const materials = await materialsOf("svc-open-business");
    const missing = await query(SUBMIT, {
      enterpriseId: "ent-000011",
      serviceId: "svc-open-business",
      materials: materials.filter((m) => m !== "公司章程" && m !== "银行开户信息"),
    });
    expect(errorCode(missing)).toBe("BAD_USER_INPUT");
    expect(missing.errors?.[0].message).toBe(
      "开办企业一件事 needs 2 more materials: 公司章程、银行开户信息. Add them to input.materials and submit again.",
    );
    expect(errorCode(await query(SUBMIT, { enterpriseId: "ent-999999", serviceId: "svc-hire", materials }))).toBe(
      "NOT_FOUND_ENTITY",
    );
    expect(errorCode(await query(SUBMIT, { enterpriseId: "ent-000011", serviceId: "svc-nope", materials }))).toBe(
      "NOT_FOUND_ENTITY",
    );
    expect([await prisma.serviceApplication.count(), await prisma.applicationEvent.count()]).toEqual(before);
  });

  it("moves an application through every item to completion, each step by the acting department, in order", async () => {
    const id = await submitted("ent-000012");
    expect((await advance(id, "ACCEPTED")).data.advanceApplication.allowedNextStatuses).toEqual(["IN_REVIEW"]);
    const reviewed: string[] = [];
    for (let i = 0; i < 4; i++) {
      const body = await advance(id, "IN_REVIEW");
      expect(body.errors).toBeUndefined();
      reviewed.push(body.data.advanceApplication.currentItem.name);
    }
    expect(reviewed).toEqual(["企业设立登记", "公章刻制备案", "单位社会保险登记", "单位医疗保险登记"]);
    expect((await advance(id, "APPROVED")).errors).toBeUndefined();
    const done = (await advance(id, "COMPLETED", "营业执照与印章已在综合窗口领取。")).data.advanceApplication;
    expect(done.status).toBe("COMPLETED");
    expect(done.allowedNextStatuses).toEqual([]);
    expect(done.currentItem).toBeNull();
    expect(done.timeline.map((e: any) => [e.sequence, e.status, e.department.id, e.serviceItem?.name ?? null])).toEqual(
      [
        [1, "SUBMITTED", "dept-admin-service", null],
        [2, "ACCEPTED", "dept-admin-service", null],
        // Each step by the department holding the application: the window dispatches to the first item, each
        // department passes it on to the next, the last one approves, the window completes.
        [3, "IN_REVIEW", "dept-admin-service", "企业设立登记"],
        [4, "IN_REVIEW", "dept-market", "公章刻制备案"],
        [5, "IN_REVIEW", "dept-public-security", "单位社会保险登记"],
        [6, "IN_REVIEW", "dept-human-resources", "单位医疗保险登记"],
        [7, "APPROVED", "dept-medical-insurance", "单位医疗保险登记"],
        [8, "COMPLETED", "dept-admin-service", null],
      ],
    );
    expect(done.timeline.at(-1).note).toBe("营业执照与印章已在综合窗口领取。");
  });

  it("refuses a transition the workflow does not allow, naming the allowed ones, and writes nothing", async () => {
    const id = await submitted("ent-000013");
    const events = () => prisma.applicationEvent.count({ where: { applicationId: id } });
    const skip = await advance(id, "APPROVED");
    expect(errorCode(skip)).toBe("INVALID_STATE_TRANSITION");
    expect(skip.errors?.[0].message).toBe(
      `Application "${id}": The application is SUBMITTED; it can move to ACCEPTED, RETURNED_FOR_CORRECTION or REJECTED, not APPROVED.`,
    );
    await advance(id, "ACCEPTED");
    await advance(id, "IN_REVIEW");
    const early = await advance(id, "APPROVED");
    expect(errorCode(early)).toBe("INVALID_STATE_TRANSITION");
    expect(early.errors?.[0].message).toMatch(
      /reviewing item 1 of 4, 企业设立登记\); it can move to IN_REVIEW, RETURNED_FOR_CORRECTION or REJECTED, not APPROVED/,
    );
    const noNote = await advance(id, "REJECTED");
    expect(errorCode(noNote)).toBe("BAD_USER_INPUT");
    expect(await events()).toBe(3);
    expect((await advance(id, "REJECTED", "拟用名称与已登记企业名称近似，不予登记。")).errors).toBeUndefined();
    const final = await advance(id, "SUBMITTED");
    expect(errorCode(final)).toBe("INVALID_STATE_TRANSITION");
    expect(final.errors?.[0].message).toMatch(/is REJECTED, a final status/);
    expect(await events()).toBe(4);
    expect(errorCode(await advance("app-nope", "ACCEPTED"))).toBe("NOT_FOUND_ENTITY");
  });

  it("returns an application for correction and resumes review at the item that returned it", async () => {
    const id = await submitted("ent-000014");
    await advance(id, "ACCEPTED");
    await advance(id, "IN_REVIEW");
    await advance(id, "IN_REVIEW");
    const returned = await advance(id, "RETURNED_FOR_CORRECTION", "印章刻制申请表缺少法定代表人签字。");
    expect(returned.data.advanceApplication).toMatchObject({
      status: "RETURNED_FOR_CORRECTION",
      allowedNextStatuses: ["SUBMITTED"],
      currentItem: { name: "公章刻制备案" },
    });
    expect(returned.data.advanceApplication.timeline.at(-1)).toMatchObject({
      department: { id: "dept-public-security" },
      serviceItem: { name: "公章刻制备案" },
    });
    await advance(id, "SUBMITTED", "已补正。");
    await advance(id, "ACCEPTED");
    const resumed = await advance(id, "IN_REVIEW");
    expect(resumed.data.advanceApplication.timeline.at(-1)).toMatchObject({
      status: "IN_REVIEW",
      serviceItem: { name: "公章刻制备案" },
      department: { id: "dept-admin-service" },
    });
    const held = await query(`query H($id: ID!) { serviceApplication(id: $id) { handledBy { id } } }`, { id });
    expect(held.data.serviceApplication.handledBy).toEqual({ id: "dept-public-security" });
  });

  it("lets only an officer of the department holding the application take its next step, and writes nothing otherwise", async () => {
    const id = await submitted("ent-000016");
    const events = () => prisma.applicationEvent.count({ where: { applicationId: id } });
    const byMarket = await query(ADVANCE, { id, to: "ACCEPTED" }, officerOf("dept-market"));
    expect(errorCode(byMarket)).toBe("FORBIDDEN");
    expect(byMarket.errors?.[0].message).toBe(
      `Only an officer (role officer) of dept-admin-service may move application "${id}" on now; the caller is an officer of dept-market.`,
    );
    await advance(id, "ACCEPTED");
    await advance(id, "IN_REVIEW");
    // 企业设立登记 is under review: 区市场监管局 decides, not the window and not the police.
    for (const department of ["dept-admin-service", "dept-public-security"]) {
      expect(errorCode(await query(ADVANCE, { id, to: "IN_REVIEW" }, officerOf(department)))).toBe("FORBIDDEN");
    }
    const resident = await query(ADVANCE, { id, to: "IN_REVIEW" }, residentPrincipal("resident-000123"));
    expect(errorCode(resident)).toBe("FORBIDDEN");
    expect(await events()).toBe(3);
    expect((await query(ADVANCE, { id, to: "IN_REVIEW" }, officerOf("dept-market"))).errors).toBeUndefined();
    expect(await events()).toBe(4);
  });

  it("takes submissions only from the centre's officers", async () => {
    const before = await prisma.serviceApplication.count();
    const materials = await materialsOf("svc-hire");
    for (const principal of [residentPrincipal("resident-000123"), officerOf("dept-market")]) {
      const body = await query(SUBMIT, { enterpriseId: "ent-000017", serviceId: "svc-hire", materials }, principal);
      expect(errorCode(body)).toBe("FORBIDDEN");
    }
    expect(await prisma.serviceApplication.count()).toBe(before);
  });

  it("lets exactly one of 5 simultaneous transitions of the same application through", async () => {
    const id = await submitted("ent-000015");
    const results = await Promise.all(Array.from({ length: 5 }, () => advance(id, "ACCEPTED")));
    const codes = results.map((body) => (body.errors ? errorCode(body) : "OK"));
    expect(codes.filter((code) => code === "OK")).toHaveLength(1);
    expect(codes.filter((code) => code === "INVALID_STATE_TRANSITION")).toHaveLength(4);
    const events = await prisma.applicationEvent.findMany({
      where: { applicationId: id },
      orderBy: { sequence: "asc" },
    });
    expect(events.map((e) => e.status)).toEqual(["SUBMITTED", "ACCEPTED"]);
  });
});

const RUN = /* GraphQL */ `
  mutation Run($policyId: ID!) {
    runBenefitMatching(input: { policyId: $policyId }) {
      id evaluatedCount eligibleCount grantedCount startedAt finishedAt policy { id }
    }
  }
`;

const CREATE_POLICY = /* GraphQL */ `
  mutation Create($input: CreateBenefitPolicyInput!) {
    createBenefitPolicy(input: $input) { id name criteria amount validFrom validTo issuingDepartment { id } grantCount }
  }
`;

/** An officer of 区商务委, which issues the test policies. */
const commerceDesk = officerOf("dept-commerce");

function policyInput(criteria: unknown, overrides: Record<string, unknown> = {}) {
  return {
    input: {
      name: "测试政策",
      description: "测试用免申即享政策。",
      criteria,
      amount: 8_000,
      validFrom: `${EDITION}-01-01`,
      validTo: `${EDITION}-12-31`,
      issuingDepartmentId: "dept-commerce",
      ...overrides,
    },
  };
}

describe("benefit policies granted without application (免申即享)", () => {
  it("seeds this year's nine policies, each matched once over every enterprise, and next year's, not yet run", async () => {
    const body = await query(`{
      benefitPolicies(first: 100) {
        totalCount nodes { id name validFrom validTo amount grantCount matchingRuns { id evaluatedCount eligibleCount grantedCount } }
      }
      shibei: benefitGrants(filter: { policyId: "${policy(1)}" }, first: 100) {
        totalCount nodes { amount enterprise { park { id } isHighTech industryCode } reasons { path field operator expected actual negated description } }
      }
    }`);
    expect(body.errors).toBeUndefined();
    const policies = body.data.benefitPolicies.nodes;
    // The seed date's two months reach into next year: its calendar-year editions are published, not yet in force.
    expect(policies.map((p: any) => p.id)).toEqual([
      ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => policy(n)),
      ...[1, 2, 3, 4, 5, 6, 8, 9].map((n) => policy(n, EDITION + 1)),
    ]);
    expect(policies[0]).toMatchObject({
      name: `${EDITION}年度市北高新数据产业专项扶持`,
      validFrom: `${EDITION}-01-01`,
      validTo: `${EDITION}-12-31`,
    });
    for (const inForce of policies.filter((p: any) => p.validFrom <= seedDay(0))) {
      expect(inForce.matchingRuns).toEqual([
        {
          id: `run-seed-${inForce.id}`,
          evaluatedCount: 3000,
          eligibleCount: inForce.grantCount,
          grantedCount: inForce.grantCount,
        },
      ]);
      expect(inForce.grantCount).toBeGreaterThan(0);
    }
    for (const next of policies.filter((p: any) => p.validFrom > seedDay(0))) {
      expect(next).toMatchObject({ validFrom: `${EDITION + 1}-01-01`, matchingRuns: [], grantCount: 0 });
    }
    expect(body.data.shibei.totalCount).toBeGreaterThan(50);
    for (const grant of body.data.shibei.nodes) {
      expect(grant.amount).toBe(200_000);
      expect(grant.reasons.map((r: any) => r.path)).toEqual(["criteria.all[0]", "criteria.all[1]", "criteria.all[2]"]);
      const [industry, park, highTech] = grant.reasons;
      expect(JSON.parse(industry.actual)).toBe(grant.enterprise.industryCode);
      expect(park).toMatchObject({
        field: "parkId",
        operator: "in",
        expected: '["park-shibei","park-shibei-blockchain"]',
      });
      expect(JSON.parse(park.actual)).toBe(grant.enterprise.park.id);
      expect(highTech).toEqual({
        path: "criteria.all[2]",
        field: "isHighTech",
        operator: "eq",
        expected: "true",
        actual: "true",
        negated: false,
        description: "isHighTech true = true",
      });
    }
  });

  it("grants exactly the enterprises the criteria select", async () => {
    for (const policyId of [policy(3), policy(4), policy(9)]) {
      const policy = await prisma.benefitPolicy.findUniqueOrThrow({ where: { id: policyId } });
      const criteria = policyCriteria(policy);
      const enterprises = await prisma.enterprise.findMany();
      const eligible = enterprises
        .filter((e) => evaluateCriteria(criteria, enterpriseFacts(e)).eligible)
        .map((e) => e.id);
      const grants = await prisma.benefitGrant.findMany({ where: { policyId }, orderBy: { enterpriseId: "asc" } });
      expect(grants.map((g) => g.enterpriseId)).toEqual(eligible.sort());
    }
  });

  it("refuses invalid criteria with the path of each problem and stores nothing", async () => {
    const before = await prisma.benefitPolicy.count();
    const body = await query(
      CREATE_POLICY,
      policyInput(
        { all: [{ field: "industryCode", in: ["I64", "I65"] }, { field: "employeeCount", lte: "300" }, { any: [] }] },
        { validTo: `${EDITION - 1}-12-31` },
      ),
      commerceDesk,
    );
    expect(errorCode(body)).toBe("BAD_USER_INPUT");
    expect(body.errors?.[0].message).toBe(
      "The policy was not created: input.validTo must not be before validFrom; input.criteria.all[1].lte must be a number (employeeCount is a number); input.criteria.all[2].any must be a list of 1 to 20 criteria. Correct these and send it again.",
    );
    expect(body.errors?.[0].extensions.problems).toHaveLength(3);
    expect(await prisma.benefitPolicy.count()).toBe(before);
  });

  it("runs matching over all 3,000 enterprises in a fixed handful of SQL statements, and a second run grants nothing", async () => {
    const created = await query(
      CREATE_POLICY,
      policyInput({
        all: [
          { field: "sizeClass", in: ["MICRO", "SMALL"] },
          { field: "foundedOn", lt: `${EDITION}-01-01` },
        ],
      }),
      commerceDesk,
    );
    expect(created.errors).toBeUndefined();
    const policyId = created.data.createBenefitPolicy.id;
    expect(created.data.createBenefitPolicy).toMatchObject({
      grantCount: 0,
      issuingDepartment: { id: "dept-commerce" },
    });

    const first = await sqlCost(RUN, { policyId });
    const run = first.body.data.runBenefitMatching;
    expect(run).toMatchObject({ evaluatedCount: 3000, startedAt: NOW.toISOString(), policy: { id: policyId } });
    expect(run.grantedCount).toBe(run.eligibleCount);
    expect(run.grantedCount).toBeGreaterThan(1000);
    // policy, granted so far, 3 batches of 1 000 enterprises, the run, ≤ 3 batches of grants, plus the transaction.
    expect(first.statements).toBeLessThanOrEqual(12);

    const grantsBefore = await prisma.benefitGrant.count();
    const second = await sqlCost(RUN, { policyId });
    expect(second.body.data.runBenefitMatching).toMatchObject({
      evaluatedCount: 3000,
      eligibleCount: run.eligibleCount,
      grantedCount: 0,
    });
    expect(second.statements).toBeLessThanOrEqual(first.statements);
    expect(await prisma.benefitGrant.count()).toBe(grantsBefore);
    const policy = await query(
      `query P($id: ID!) { benefitPolicy(id: $id) { grantCount matchingRuns { grantedCount } } }`,
      {
        id: policyId,
      },
    );
    expect(policy.data.benefitPolicy.grantCount).toBe(run.grantedCount);
    expect(policy.data.benefitPolicy.matchingRuns.map((r: any) => r.grantedCount).sort()).toEqual(
      [0, run.grantedCount].sort(),
    );
  });

  it("grants each enterprise once when two runs of the same policy start together", async () => {
    const created = await query(CREATE_POLICY, policyInput({ field: "industryCode", eq: "H62" }), commerceDesk);
    const policyId = created.data.createBenefitPolicy.id;
    const runs = await Promise.all([query(RUN, { policyId }), query(RUN, { policyId })]);
    expect(runs.every((body) => body.errors === undefined)).toBe(true);
    const granted = runs.map((body) => body.data.runBenefitMatching.grantedCount);
    const eligible = runs[0]!.data.runBenefitMatching.eligibleCount;
    expect(granted.reduce((a, b) => a + b, 0)).toBe(eligible);
    expect(await prisma.benefitGrant.count({ where: { policyId } })).toBe(eligible);
  });

  it("lets only the issuing department write a policy, and it or the centre run one", async () => {
    const policies = await prisma.benefitPolicy.count();
    const wrong = await query(CREATE_POLICY, policyInput({ field: "isHighTech", eq: true }), officerOf("dept-science"));
    expect(errorCode(wrong)).toBe("FORBIDDEN");
    expect(wrong.errors?.[0].message).toMatch(
      /^Only an officer \(role officer\) of dept-commerce may create a benefit policy/,
    );
    expect(await prisma.benefitPolicy.count()).toBe(policies);
    const runs = await prisma.benefitMatchingRun.count();
    for (const principal of [residentPrincipal("resident-000123"), officerOf("dept-market")]) {
      expect(errorCode(await query(RUN, { policyId: policy(1) }, principal))).toBe("FORBIDDEN");
    }
    expect(await prisma.benefitMatchingRun.count()).toBe(runs);
    // policy-001 is issued by 区科委: its officers may run it (nothing new to grant).
    const science = await query(RUN, { policyId: policy(1) }, officerOf("dept-science"));
    expect(science.data.runBenefitMatching).toMatchObject({ grantedCount: 0, evaluatedCount: 3000 });
  });

  it("refuses to run an unknown policy or one that is not in force, and writes no run", async () => {
    const expired = await query(
      CREATE_POLICY,
      policyInput(
        { field: "isHighTech", eq: true },
        { validFrom: `${EDITION - 1}-01-01`, validTo: `${EDITION - 1}-12-31` },
      ),
      commerceDesk,
    );
    const runs = await prisma.benefitMatchingRun.count();
    const body = await query(RUN, { policyId: expired.data.createBenefitPolicy.id });
    expect(errorCode(body)).toBe("BAD_USER_INPUT");
    expect(body.errors?.[0].message).toContain(
      `is valid from ${EDITION - 1}-01-01 to ${EDITION - 1}-12-31, so it cannot grant anything on ${seedDay(-1)}`,
    );
    expect(errorCode(await query(RUN, { policyId: "policy-nope" }))).toBe("NOT_FOUND_ENTITY");
    expect(await prisma.benefitMatchingRun.count()).toBe(runs);
  });

  it("explains why an enterprise is or is not eligible, without granting", async () => {
    const grant = await prisma.benefitGrant.findFirstOrThrow({ where: { policyId: policy(6) } });
    const outsider = await prisma.enterprise.findFirstOrThrow({ where: { industryCode: "H62", parkId: null } });
    const body = await query(
      `query E($p: ID!, $yes: ID!, $no: ID!) {
        yes: benefitEligibility(policyId: $p, enterpriseId: $yes) { eligible reasons { description } failures { path } grant { id } }
        no: benefitEligibility(policyId: $p, enterpriseId: $no) { eligible reasons { path } failures { path field description } grant { id } }
        none: benefitEligibility(policyId: "policy-nope", enterpriseId: $no) { eligible }
      }`,
      { p: policy(6), yes: grant.enterpriseId, no: outsider.id },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.yes).toMatchObject({ eligible: true, failures: [], grant: { id: grant.id } });
    expect(body.data.yes.reasons).toHaveLength(3);
    expect(body.data.no).toMatchObject({ eligible: false, reasons: [], grant: null });
    expect(body.data.no.failures.map((f: any) => f.path)).toContain("criteria.all[0]");
    expect(body.data.no.failures[0].description).toBe("industryCode H62 in [L72, M74]");
    expect(body.data.none).toBeNull();
  });

  it("filters policies and grants, and walks a policy's grants with cursors", async () => {
    const body = await query(`{
      development: benefitPolicies(filter: { issuingDepartmentId: "dept-development" }) { nodes { id } }
      nextJune: benefitPolicies(filter: { inForceOn: "${EDITION + 1}-06-01" }) { nodes { id } }
      mine: benefitGrants(filter: { enterpriseId: "ent-000002" }) { nodes { enterprise { id } policy { id } } }
      badDate: benefitPolicies(filter: { inForceOn: "June" }) { totalCount }
    }`);
    // This year's editions, and next year's, published ahead of the new year.
    expect(body.data.development.nodes).toEqual(
      [policy(5), policy(8), policy(5, EDITION + 1), policy(8, EDITION + 1)].map((id) => ({ id })),
    );
    // Next June: every policy of next year's edition, and this year's catering relief, which runs July to June.
    expect(body.data.nextJune.nodes).toEqual(
      [policy(7), ...[1, 2, 3, 4, 5, 6, 8, 9].map((n) => policy(n, EDITION + 1))].map((id) => ({ id })),
    );
    expect(body.data.mine.nodes.every((g: any) => g.enterprise.id === "ent-000002")).toBe(true);
    expect(body.errors?.[0]).toMatchObject({ path: ["badDate"], extensions: { code: "BAD_USER_INPUT" } });
    const grants = await prisma.benefitGrant.count({ where: { policyId: policy(4) } });
    const { ids } = await walk("benefitGrants", `filter: { policyId: "${policy(4)}" }`, 20);
    expect(ids).toHaveLength(grants);
    expectSortedUnique(ids);
  });
});

const BOOK = /* GraphQL */ `
  mutation Book($input: BookWindowAppointmentInput!) {
    bookWindowAppointment(input: $input) {
      id status startsAt enterprise { id } resident { id } bundledService { id }
      window { id kind } slot { id bookedCount remaining }
    }
  }
`;

const CANCEL = /* GraphQL */ `
  mutation Cancel($id: ID!, $reason: String) {
    cancelWindowAppointment(input: { appointmentId: $id, reason: $reason }) {
      id status cancelledAt cancelReason slot { bookedCount }
    }
  }
`;

const book = (input: Record<string, unknown>) => query(BOOK, { input });

/** A slot no seeded booking touched, so that its places are the test's to take. */
async function emptySlot(windowId: string, dayFrom: string) {
  return prisma.windowSlot.findFirstOrThrow({
    where: { windowId, bookedCount: 0, startsAt: { gte: new Date(dayFrom) } },
    orderBy: { id: "asc" },
  });
}

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

describe("seed", () => {
  it("adds nothing when run again, runs no matching twice and keeps what happened since", async () => {
    const before = await countRows(prisma);
    const summary = await enterprise.seed(prisma, service.db, { date: TEST_SEED_DATE, previousDates: [] });
    expect(summary).toEqual(before);
    expect(summary).toMatchObject({ enterprises: 3000, bundledServices: 8, benefitPolicies: expect.any(Number) });
    expect(summary.applicationEvents).toBeGreaterThan(15_000);
    expect(summary.windowSlots).toBe(15 * 11 * 11);
    expect(await prisma.benefitMatchingRun.count({ where: { id: { startsWith: "run-seed-" } } })).toBe(9);
  });
});
