import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { officerIn } from "../../test/rows/principals.ts";
import { TEST_SEED_DATE } from "../../test/support/seedDate.ts";
import { graphql, startTestSubgraph } from "../../test/support/subgraphs.ts";
import { encodeCursor } from "../kit/pagination.ts";
import type { SubgraphService } from "../kit/service.ts";
import type { PrismaClient } from "./generated/prisma/client.ts";
import catalogModule from "./index.ts";

let service: SubgraphService<PrismaClient>;
// An officer: the full data catalogue (every classification) is not public.
const query = (text: string, variables?: Record<string, unknown>) =>
  graphql(service.url, text, variables, {}, { principal: officerIn("dept-data") });

beforeAll(async () => {
  service = await startTestSubgraph(catalogModule, { seedDate: TEST_SEED_DATE });
});

afterAll(async () => {
  await service?.stop();
});

/** Follows `endCursor` until the list ends; returns every node and how many pages it took. */
async function walk(field: "dataResources" | "openDataList", first: number, filter: Record<string, unknown> = {}) {
  const nodes: Array<Record<string, any>> = [];
  let after: string | null = null;
  let pages = 0;
  for (;;) {
    const { body } = await query(
      `query Walk($first: Int, $after: String, $filter: DataResourceFilter) {
         list: ${field}(first: $first, after: $after, filter: $filter) {
           totalCount
           pageInfo { hasNextPage endCursor }
           edges { cursor node { id name classification openStatus openConditions streetId: street { id } } }
         }
       }`,
      { filter, first, after },
    );
    expect(body.errors).toBeUndefined();
    const page = body.data.list;
    pages += 1;
    nodes.push(...page.edges.map((edge: { node: unknown }) => edge.node));
    if (!page.pageInfo.hasNextPage) return { nodes, pages, totalCount: page.totalCount as number, last: page };
    after = page.pageInfo.endCursor;
    if (pages > 100) throw new Error("pagination never ended");
  }
}

describe("streets and departments", () => {
  it("serves the 14 streets and towns of Jing'an with their real names, in division-code order", async () => {
    const { body } = await query(
      `{ streets { id code name kind areaKm2 population officeAddress office { id kind } } }`,
    );
    expect(body.errors).toBeUndefined();
    const streets = body.data.streets;
    expect(streets.map((s: { name: string }) => s.name)).toEqual([
      "江宁路街道",
      "石门二路街道",
      "南京西路街道",
      "静安寺街道",
      "曹家渡街道",
      "天目西路街道",
      "北站街道",
      "宝山路街道",
      "共和新路街道",
      "大宁路街道",
      "彭浦新村街道",
      "临汾路街道",
      "芷江西路街道",
      "彭浦镇",
    ]);
    expect(new Set(streets.map((s: { id: string }) => s.id))).toEqual(
      new Set([
        "street-jingansi",
        "street-caojiadu",
        "street-jiangninglu",
        "street-shimenerlu",
        "street-nanjingxilu",
        "street-tianmuxilu",
        "street-beizhan",
        "street-baoshanlu",
        "street-zhijiangxilu",
        "street-gonghexinlu",
        "street-daninglu",
        "street-pengpuxincun",
        "street-linfenlu",
        "street-pengpu",
      ]),
    );
    expect(streets.filter((s: { kind: string }) => s.kind === "TOWN").map((s: { name: string }) => s.name)).toEqual([
      "彭浦镇",
    ]);
    for (const s of streets) {
      expect(s.code).toMatch(/^310106\d{3}$/);
      expect(s.officeAddress).toMatch(/^上海市静安区/);
      expect(s.office).toEqual({ id: `dept-${s.id}`, kind: "STREET_OFFICE" });
    }
    const area = streets.reduce((sum: number, s: { areaKm2: number }) => sum + s.areaKm2, 0);
    expect(area).toBeCloseTo(36.88, 1);
  });

  it("answers street(id) and department(id), and null for an unknown id", async () => {
    const { body } = await query(`{
      street(id: "street-linfenlu") { name englishName office { shortName street { id } } }
      department(id: "dept-health") { name shortName kind street { id } }
      nowhere: street(id: "street-atlantis") { id }
      nobody: department(id: "dept-nobody") { id }
    }`);
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({
      street: {
        name: "临汾路街道",
        englishName: "Linfenlu Subdistrict",
        office: { shortName: "临汾路街道办事处", street: { id: "street-linfenlu" } },
      },
      department: { name: "上海市静安区卫生健康委员会", shortName: "区卫健委", kind: "DISTRICT_BUREAU", street: null },
      nowhere: null,
      nobody: null,
    });
  });

  it("lists the departments other subgraphs reference, each owning catalogue entries", async () => {
    const { body } = await query(`{ departments { id shortName kind resourceCount } }`);
    expect(body.errors).toBeUndefined();
    const byId = new Map(body.data.departments.map((d: { id: string }) => [d.id, d]));
    expect(byId.get("dept-data")).toMatchObject({ shortName: "区大数据中心", kind: "CENTRE" });
    expect(byId.get("dept-health")).toMatchObject({ shortName: "区卫健委" });
    expect(byId.get("dept-education")).toMatchObject({ shortName: "区教育局" });
    expect(byId.get("dept-sports")).toMatchObject({ shortName: "区体育局" });
    expect(byId.get("dept-culture")).toMatchObject({ shortName: "区文化旅游局" });
    expect(byId.get("dept-transport")).toMatchObject({ shortName: "区建管委" });
    expect(byId.get("dept-admin-service")).toMatchObject({ shortName: "区行政服务中心", kind: "CENTRE" });
    expect(body.data.departments.length).toBeGreaterThanOrEqual(20);
    const total = body.data.departments.reduce((sum: number, d: { resourceCount: number }) => sum + d.resourceCount, 0);
    expect(total).toBe(await service.prisma.dataResource.count());
    for (const d of body.data.departments) expect(d.resourceCount).toBeGreaterThan(0);
  });
});

describe("the data catalogue", () => {
  it("walks a filtered list page by page: every match once, in id order, hasNextPage false at the end", async () => {
    const filter = { classification: "PUBLIC", updateFrequency: "MONTHLY" } as const;
    const { nodes, pages, totalCount, last } = await walk("dataResources", 7, filter);
    const expected = await service.prisma.dataResource.findMany({ where: filter, orderBy: { id: "asc" } });
    expect(expected.length).toBeGreaterThan(20);
    expect(nodes.map((n) => n.id)).toEqual(expected.map((r) => r.id));
    expect(new Set(nodes.map((n) => n.id)).size).toBe(nodes.length);
    expect(totalCount).toBe(expected.length);
    expect(pages).toBe(Math.ceil(expected.length / 7));
    expect(last.pageInfo.hasNextPage).toBe(false);
    expect(nodes.every((n) => n.classification === "PUBLIC")).toBe(true);
  });

  it("combines owner, street and name conditions", async () => {
    const { body } = await query(`{
      chargers: dataResources(filter: { ownerDepartmentId: "dept-transport", nameContains: "充电桩" }, first: 50) {
        totalCount nodes { name ownerDepartment { id } street { id } }
      }
      linfen: dataResources(filter: { streetId: "street-linfenlu", openStatus: OPEN }, first: 50) {
        totalCount nodes { name openStatus street { name } }
      }
    }`);
    expect(body.errors).toBeUndefined();
    // One district-wide list plus one per street and town.
    expect(body.data.chargers.totalCount).toBe(15);
    expect(body.data.chargers.nodes.filter((n: { street: unknown }) => n.street === null)).toHaveLength(1);
    for (const n of body.data.chargers.nodes) {
      expect(n.name).toContain("充电桩");
      expect(n.ownerDepartment.id).toBe("dept-transport");
    }
    expect(body.data.linfen.nodes.map((n: { name: string }) => n.name)).toContain("临汾路街道数字家园应用场景");
    for (const n of body.data.linfen.nodes)
      expect(n).toMatchObject({ openStatus: "OPEN", street: { name: "临汾路街道" } });
  });

  it("pages a department's own resources, consistent with its resourceCount", async () => {
    const page = `query($after: String) {
      department(id: "dept-health") {
        resourceCount
        resources(first: 4, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id ownerDepartment { id } } }
      }
    }`;
    const seen: string[] = [];
    let after: string | null = null;
    let resourceCount = 0;
    do {
      const { body } = await query(page, { after });
      expect(body.errors).toBeUndefined();
      const { resources } = body.data.department;
      resourceCount = body.data.department.resourceCount;
      expect(resources.totalCount).toBe(resourceCount);
      for (const node of resources.nodes) {
        expect(node.ownerDepartment.id).toBe("dept-health");
        seen.push(node.id);
      }
      after = resources.pageInfo.hasNextPage ? resources.pageInfo.endCursor : null;
    } while (after);
    expect(resourceCount).toBeGreaterThan(4);
    expect(seen).toHaveLength(resourceCount);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual(seen);
  });

  it("rejects a cursor it did not issue with INVALID_CURSOR", async () => {
    for (const after of ["not-a-cursor", encodeCursor("openDataList", "res-0001")]) {
      const { body } = await query(
        `query($after: String) { dataResources(first: 5, after: $after) { nodes { id } } }`,
        {
          after,
        },
      );
      expect(body.errors?.[0]?.extensions?.code).toBe("INVALID_CURSOR");
      expect(body.errors?.[0]?.message).toMatch(/endCursor/);
    }
  });

  it("rejects first: 0 and first: 1000 with PAGE_SIZE_OUT_OF_RANGE", async () => {
    for (const first of [0, 1000]) {
      const { body } = await query(`query($first: Int) { openDataList(first: $first) { nodes { id } } }`, { first });
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: "PAGE_SIZE_OUT_OF_RANGE", max: 100 });
    }
  });

  it("rejects an overlong name search with BAD_USER_INPUT", async () => {
    const { body } = await query(
      `query($filter: DataResourceFilter) { dataResources(filter: $filter) { totalCount } }`,
      {
        filter: { nameContains: "停".repeat(51) },
      },
    );
    expect(body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("never marks a SENSITIVE or CORE resource as open", async () => {
    const opened = await service.prisma.dataResource.count({
      where: { classification: { in: ["SENSITIVE", "CORE"] }, openStatus: { not: "NOT_OPEN" } },
    });
    expect(opened).toBe(0);
    const conditionalWithoutTerms = await service.prisma.dataResource.count({
      where: { openStatus: "CONDITIONAL", openConditions: null },
    });
    expect(conditionalWithoutTerms).toBe(0);
  });
});

describe("the open-data list (公共数据开放清单)", () => {
  it("holds every OPEN and CONDITIONAL resource and nothing NOT_OPEN", async () => {
    const { nodes, totalCount } = await walk("openDataList", 100);
    const opened = await service.prisma.dataResource.count({ where: { openStatus: { in: ["OPEN", "CONDITIONAL"] } } });
    const notOpen = await service.prisma.dataResource.count({ where: { openStatus: "NOT_OPEN" } });
    expect(notOpen).toBeGreaterThan(0);
    expect(nodes).toHaveLength(opened);
    expect(totalCount).toBe(opened);
    expect(nodes.some((n) => n.openStatus === "NOT_OPEN")).toBe(false);
    expect(nodes.some((n) => n.openStatus === "CONDITIONAL")).toBe(true);
    for (const n of nodes) expect(n.openConditions === null).toBe(n.openStatus === "OPEN");
  });

  it("matches nothing when asked for NOT_OPEN resources", async () => {
    const { body } = await query(`{ openDataList(filter: { openStatus: NOT_OPEN }) { totalCount nodes { id } } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.openDataList).toEqual({ totalCount: 0, nodes: [] });
  });
});

describe("federation", () => {
  it("resolves Street, Department and DataResource representations in order, null for unknown ids", async () => {
    const { body } = await query(
      `query($representations: [_Any!]!) {
         _entities(representations: $representations) {
           __typename
           ... on Street { id name }
           ... on Department { id shortName }
           ... on DataResource { id code ownerDepartment { id } }
         }
       }`,
      {
        representations: [
          { __typename: "Street", id: "street-pengpu" },
          { __typename: "Department", id: "dept-sports" },
          { __typename: "Street", id: "street-unknown" },
          { __typename: "Street", id: "street-jingansi" },
          { __typename: "Department", id: "dept-unknown" },
          { __typename: "DataResource", id: "res-0001" },
        ],
      },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data._entities).toEqual([
      { __typename: "Street", id: "street-pengpu", name: "彭浦镇" },
      { __typename: "Department", id: "dept-sports", shortName: "区体育局" },
      null,
      { __typename: "Street", id: "street-jingansi", name: "静安寺街道" },
      null,
      { __typename: "DataResource", id: "res-0001", code: "JA-DATA-0001", ownerDepartment: { id: "dept-data" } },
    ]);
  });

  it("resolves many representations with one query per type", async () => {
    const representations = [
      ...["street-beizhan", "street-daninglu", "street-caojiadu"].map((id) => ({ __typename: "Street", id })),
      ...["dept-health", "dept-data", "dept-culture"].map((id) => ({ __typename: "Department", id })),
    ];
    const before = service.sqlQueries();
    const { body } = await query(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Street { id } ... on Department { id } } }`,
      { r: representations },
    );
    expect(body.errors).toBeUndefined();
    expect(service.sqlQueries() - before).toBe(2);
  });

  it("publishes its SDL with @key entities through _service", async () => {
    const { body } = await query(`{ _service { sdl } }`);
    const sdl: string = body.data._service.sdl;
    for (const entity of ["Department", "Street", "DataResource"]) {
      expect(sdl).toMatch(new RegExp(`type ${entity}\\s+@key\\(fields: "id"\\)`));
    }
  });
});

describe("query cost does not grow with the page", () => {
  const listing = `query($first: Int, $after: String) {
    dataResources(first: $first, after: $after) {
      nodes { id ownerDepartment { id shortName } street { id name } }
    }
  }`;

  /** Starts at the first street-scoped resource, so both pages hop to departments and streets. */
  async function streetScopedStart(): Promise<string> {
    const { body } = await query(
      `{ dataResources(filter: { streetId: "street-jiangninglu" }, first: 1) { nodes { id } } }`,
    );
    const firstId: string = body.data.dataResources.nodes[0].id;
    return encodeCursor("dataResources", `res-${String(Number(firstId.slice(4)) - 1).padStart(4, "0")}`);
  }

  async function statementsFor(first: number, after: string) {
    const before = service.sqlQueries();
    const { body } = await query(listing, { first, after });
    expect(body.errors).toBeUndefined();
    const nodes = body.data.dataResources.nodes as Array<{
      ownerDepartment: { id: string };
      street: { id: string } | null;
    }>;
    expect(nodes).toHaveLength(first);
    return {
      statements: service.sqlQueries() - before,
      departments: new Set(nodes.map((n) => n.ownerDepartment.id)).size,
      streets: new Set(nodes.flatMap((n) => (n.street ? [n.street.id] : []))).size,
    };
  }

  it("lists 100 resources with owner and street in as many SQL statements as 10", async () => {
    const after = await streetScopedStart();
    const ten = await statementsFor(10, after);
    const hundred = await statementsFor(100, after);
    expect(ten.streets).toBeGreaterThan(1);
    expect(hundred.departments).toBeGreaterThan(1);
    expect(hundred.streets).toBe(14);
    expect(hundred.statements).toBe(ten.statements);
    // One for the page, one for the departments, one for the streets.
    expect(hundred.statements).toBe(3);
  });

  it("pages and counts every department's resources in a fixed number of statements", async () => {
    const before = service.sqlQueries();
    const { body } = await query(`{
      departments { id resourceCount resources(first: 2) { totalCount nodes { id street { id } } } }
    }`);
    expect(body.errors).toBeUndefined();
    for (const d of body.data.departments) {
      expect(d.resources.nodes.length).toBe(Math.min(2, d.resourceCount));
      expect(d.resources.totalCount).toBe(d.resourceCount);
    }
    // Departments, all their pages, all their counts, the streets of the listed resources.
    expect(service.sqlQueries() - before).toBe(4);
  });
});

describe("seed", () => {
  it("is idempotent: seeding again leaves the same rows", async () => {
    const counts = async () => ({
      departments: await service.prisma.department.count(),
      streets: await service.prisma.street.count(),
      dataResources: await service.prisma.dataResource.count(),
      dataResourceUpdates: await service.prisma.dataResourceUpdate.count(),
    });
    const before = await counts();
    const snapshot = await service.prisma.dataResource.findMany({ orderBy: { id: "asc" } });
    const summary = await catalogModule.seed(service.prisma, service.db, { date: TEST_SEED_DATE, previousDates: [] });
    expect(summary).toEqual(before);
    expect(await counts()).toEqual(before);
    expect(await service.prisma.dataResource.findMany({ orderBy: { id: "asc" } })).toEqual(snapshot);
    expect(before.streets).toBe(14);
    expect(before.dataResources).toBeGreaterThan(300);
  });
});
