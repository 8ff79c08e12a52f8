import { describe, expect, it } from "vitest";
import { TEST_SEED_DATE } from "../../test/support/seedDate.ts";
import {
  enterprise,
  errorCode,
  expectSortedUnique,
  prisma,
  query,
  representations,
  service,
  sqlCost,
  useEnterpriseSubgraph,
  walk,
} from "./enterpriseTestbed.ts";
import { countRows } from "./seed.ts";

useEnterpriseSubgraph();

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
