import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { operationNamed } from "../../scripts/benchOperations.ts";
import { STREET_IDS } from "../../subgraphs/identity/roles.ts";
import { testTier } from "../support/database.ts";
import { type DistrictGraph, startDistrictGraph } from "../support/districtGraph.ts";
import { graphql } from "../support/subgraphs.ts";
import { districtClaims, residentClaims } from "../support/tokens.ts";

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const BACKGROUND = new Set(["identity", "audit"]);

/** SQL statements per subgraph and gateway fetches per subgraph spent by one operation (as an officer). */
async function cost(graph: DistrictGraph, query: string, claims: object = districtClaims()) {
  const sqlBefore = Object.fromEntries(Object.entries(graph.subgraphs).map(([n, s]) => [n, s.sqlQueries()]));
  const fetchesBefore = graph.gateway.fetchStats();
  const { status, body } = await graphql(graph.gateway.url, query, undefined, bearer(graph.token(claims)));
  expect(status).toBe(200);
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  const fetchesAfter = graph.gateway.fetchStats();
  return {
    body,
    // identity and audit also answer the gateway's own background traffic (policy polls, audit batches).
    sql: Object.fromEntries(
      Object.entries(graph.subgraphs)
        .filter(([n]) => !BACKGROUND.has(n))
        .map(([n, s]) => [n, s.sqlQueries() - sqlBefore[n]!]),
    ),
    fetches: Object.fromEntries(
      Object.entries(fetchesAfter).map(([n, s]) => [n, s.fetches - (fetchesBefore[n]?.fetches ?? 0)]),
    ),
  };
}

describe(`one graph over catalog and health (${testTier})`, () => {
  let graph: DistrictGraph;
  // Eight subgraphs migrate and seed in this one process (PGlite runs on its thread): minutes on a busy 2-core runner.
  beforeAll(async () => {
    graph = await startDistrictGraph();
  }, 480_000);
  afterAll(async () => {
    await graph?.stop();
  });

  it("answers one street with its hospitals (health) and its data resources and departments (catalog) in one request", async () => {
    const { body, fetches } = await cost(
      graph,
      `{ street(id: "street-linfenlu") {
           name kind population
           hospitals(kind: COMMUNITY_HEALTH_CENTRE) { name department { name shortName } }
           resources(first: 3) { nodes { code ownerDepartment { shortName } } }
         } }`,
    );
    const street = body.data.street;
    expect(street.name).toBe("临汾路街道");
    expect(street.hospitals).toEqual([
      { name: "临汾路街道社区卫生服务中心", department: { name: "上海市静安区卫生健康委员会", shortName: "区卫健委" } },
    ]);
    expect(street.resources.nodes).toHaveLength(3);
    expect(fetches.catalog).toBeGreaterThan(0);
    expect(fetches.health).toBeGreaterThan(0);
  });

  it("lists 200 hospitals with street and department at the same SQL and fetch cost as 10", async () => {
    const list = (n: number) => `{ hospitals(first: ${n}) { nodes { name street { name } department { name } } } }`;
    const ten = await cost(graph, list(10));
    const twoHundred = await cost(graph, list(200));
    expect(ten.body.data.hospitals.nodes).toHaveLength(10);
    expect(twoHundred.body.data.hospitals.nodes).toHaveLength(200);
    expect(twoHundred.body.data.hospitals.nodes.every((h: any) => h.street.name && h.department.name)).toBe(true);
    expect(twoHundred.sql).toEqual(ten.sql);
    expect(twoHundred.fetches).toEqual(ten.fetches);
    // One page query in health; streets and departments each one batched query in catalog.
    expect(twoHundred.sql.health).toBeLessThanOrEqual(2);
    expect(twoHundred.sql.catalog).toBeLessThanOrEqual(2);
    expect(twoHundred.fetches.health).toBe(1);
    expect(twoHundred.fetches.catalog).toBeLessThanOrEqual(2);
  });

  it("lets anonymous callers read public fields and asks them to log in for the rest", async () => {
    const open = await graphql(graph.gateway.url, `{ street(id: "street-linfenlu") { name hospitals { name } } }`);
    expect(open.status).toBe(200);
    expect(open.body.data.street.hospitals.length).toBeGreaterThan(0);
    const closed = await graphql(
      graph.gateway.url,
      `{ street(id: "street-linfenlu") { name resources { totalCount } } }`,
    );
    expect(closed.status).toBe(401);
    expect(closed.body.errors?.[0].extensions.code).toBe("AUTHENTICATION_REQUIRED");
    expect(closed.body.errors?.[0].message).toContain("Street.resources");
  });

  it("books and cancels an appointment through the gateway as the logged-in resident, with coded errors", async () => {
    const slots = await graphql(
      graph.gateway.url,
      `{ appointmentSlots(filter: { availableOnly: true }, first: 1) { nodes { id remaining } } }`,
    );
    const slot = slots.body.data.appointmentSlots.nodes[0];
    const resident = bearer(graph.token(residentClaims("resident-000042")));
    const book = `mutation ($slotId: ID!) { bookAppointment(input: { slotId: $slotId }) { id status resident { id } slot { id remaining } } }`;
    const anonymous = await graphql(graph.gateway.url, book, { slotId: slot.id });
    expect(anonymous.status).toBe(401);
    const booked = await graphql(graph.gateway.url, book, { slotId: slot.id }, resident);
    expect(booked.body.data.bookAppointment.resident).toEqual({ id: "resident-000042" });
    expect(booked.body.data.bookAppointment).toMatchObject({
      status: "BOOKED",
      slot: { remaining: slot.remaining - 1 },
    });
    const again = await graphql(graph.gateway.url, book, { slotId: slot.id }, resident);
    expect(again.body.errors?.[0].extensions.code).toBe("ALREADY_BOOKED");
    const unknown = await graphql(graph.gateway.url, book, { slotId: "slot-does-not-exist" }, resident);
    expect(unknown.body.errors?.[0].extensions.code).toBe("NOT_FOUND_ENTITY");
  });

  it("answers 'my street' from six departments in one request, at a fetch cost that does not grow with the street", async () => {
    // The operation `npm run bench` measures as "my street": what it measures is checked here.
    const { body, fetches } = await cost(graph, operationNamed("my street").query);
    const street = body.data.street;
    expect(street.name).toBe("临汾路街道");
    expect(street.hospitals).toEqual([{ name: "临汾路街道社区卫生服务中心" }]);
    for (const list of ["schools", "fitnessPoints", "cultureVenues", "parkingFacilities"]) {
      expect(street[list].length, list).toBeGreaterThan(0);
    }
    expect(street.enterprises.totalCount).toBeGreaterThan(0);
    for (const subgraph of ["catalog", "health", "education", "sports", "culture", "parking", "enterprise"]) {
      expect(fetches[subgraph], subgraph).toBe(1);
    }
  });

  it("answers 'a resident's week' for the logged-in resident from five departments, and refuses other callers", async () => {
    const query = `query MyWeek {
      me { resident { id
        appointments { id status slot { startsAt doctor { name } hospital { name } } }
        courseEnrolments { status course { title } }
        courtBookings { startsAt court { name } }
        sportsEventRegistrations { status event { name } }
        cultureRegistrations { status programme { title } }
        parkingSessions { plate facility { name } }
      } }
    }`;
    // A resident whose seeded records span the departments.
    const residentId = "resident-000042";
    const { status, body } = await graphql(
      graph.gateway.url,
      query,
      undefined,
      bearer(graph.token(residentClaims(residentId))),
    );
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const week = body.data.me.resident;
    expect(week.id).toBe(residentId);
    for (const list of [
      "appointments",
      "courseEnrolments",
      "courtBookings",
      "sportsEventRegistrations",
      "cultureRegistrations",
      "parkingSessions",
    ]) {
      expect(Array.isArray(week[list]), list).toBe(true);
    }
    const records = [
      "appointments",
      "courseEnrolments",
      "courtBookings",
      "sportsEventRegistrations",
      "cultureRegistrations",
      "parkingSessions",
    ]
      .map((list) => week[list].length)
      .reduce((a, b) => a + b, 0);
    expect(records).toBeGreaterThan(0);

    // An officer of another department reaching the resident through a booking sees no appointments.
    const teacher = await graphql(
      graph.gateway.url,
      `{ appointment(id: "${week.appointments[0]?.id ?? "appt-000001"}") { resident { appointments { id } } } }`,
      undefined,
      bearer(graph.token(districtClaims({ dept: "dept-education", sub: "person-officer-education" }))),
    );
    expect(JSON.stringify(teacher.body)).not.toMatch(/"appointments":\[\{/);
  });

  it("answers 'an enterprise's dossier' with applications, benefit grants and catalogued datasets", async () => {
    const { body } = await cost(
      graph,
      `query Dossier {
        enterprise(id: "ent-000001") {
          name creditCode street { name }
          applications { status bundledService { name } timeline { status at } }
          benefitGrants { amount policy { name } reasons { field operator actual } }
          datasets { code name classification ownerDepartment { shortName } }
        }
      }`,
      // Applications and grants are for the enterprise departments (policy enterprise-records).
      districtClaims({
        dept: "dept-admin-service",
        scopes: ["graph:read", "catalog:read", "enterprise:read", "clearance:personal"],
        streets: [...STREET_IDS],
      }),
    );
    const dossier = body.data.enterprise;
    expect(dossier.name).toMatch(/公司|企业|中心|店/);
    expect(dossier.datasets.length).toBeGreaterThan(0);
    expect(dossier.datasets[0].code).toMatch(/^JA-ENT-/);
    expect(Array.isArray(dossier.applications)).toBe(true);
    expect(Array.isArray(dossier.benefitGrants)).toBe(true);
  });

  it("lets a department maintain its catalogue entry through the gateway, refuses another's with a coded 403, and serves school grounds from education", async () => {
    // The district's databases may be kept between runs: change the field to a value it does not have yet.
    const current = (await cost(graph, `{ dataResource(id: "res-0011") { fieldCount } }`)).body.data.dataResource;
    const fieldCount = (current.fieldCount % 100) + 1;
    const update = `mutation { updateDataResource(input: { id: "res-0011", fieldCount: ${fieldCount}, note: "增加诊疗科目" }) {
      fieldCount lastUpdatedAt updates(first: 1) { kind department { shortName } changes { field to } } } }`;
    const { body } = await cost(graph, update);
    expect(body.data.updateDataResource).toMatchObject({
      fieldCount,
      updates: [
        {
          kind: "ENTRY_CHANGED",
          department: { shortName: "区卫健委" },
          changes: [{ field: "fieldCount", to: String(fieldCount) }],
        },
      ],
    });
    const education = districtClaims({ sub: "person-officer-education", dept: "dept-education" });
    const refused = await graphql(graph.gateway.url, update, undefined, bearer(graph.token(education)));
    expect(refused.body.errors?.[0].extensions?.code).toBe("DATA_RESOURCE_NOT_OWNED");
    expect(refused.body.data?.updateDataResource ?? null).toBeNull();

    const grounds = await cost(
      graph,
      `{ street(id: "street-linfenlu") { schoolSportsGrounds { name school { name street { name } } } } }`,
    );
    const list = grounds.body.data.street.schoolSportsGrounds;
    expect(list.length).toBeGreaterThan(0);
    for (const ground of list) expect(ground.school.street.name).toBe("临汾路街道");
    expect(grounds.fetches.education).toBeGreaterThan(0);
    expect(grounds.fetches.sports ?? 0).toBe(0);
  });

  it("refuses first: 1000000 before any department is asked, naming the page-size limit", async () => {
    const before = graph.gateway.fetchStats().health?.fetches ?? 0;
    const { status, body } = await graphql(graph.gateway.url, "{ hospitals(first: 1000000) { nodes { name } } }");
    expect(status).toBe(400);
    expect(body.errors?.[0].extensions).toMatchObject({
      code: "OPERATION_LIMIT_EXCEEDED",
      limit: "pageSize",
      max: 500,
      measured: 1_000_000,
    });
    expect(graph.gateway.fetchStats().health?.fetches ?? 0).toBe(before);
  });

  it("gives partial data with a masked error when a department's service is down", async () => {
    await graph.subgraphs.health!.stop();
    const { body } = await graphql(
      graph.gateway.url,
      `{ street(id: "street-jingansi") { name hospitals { name } } streets { name } }`,
    );
    expect(body.data.street).toEqual({ name: "静安寺街道", hospitals: null });
    expect(body.data.streets).toHaveLength(14);
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0].extensions).toEqual({ code: "SUBGRAPH_UNAVAILABLE", subgraph: "health" });
    expect(JSON.stringify(body)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|http:\/\//);
  });
});
