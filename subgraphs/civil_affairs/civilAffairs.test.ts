/**
 * Civil affairs (区民政局), onboarded as data: the register of nursing homes (养老服务机构名录, open data) with their beds,
 * read in batched SQL; its subsidies are readable by the resident and by 区民政局 officers of the
 * resident's street only, on every path; its SDL and department.json pass the registry's checks against the
 * district's graph, and publishing them composes ElderlyCareSubsidy into the supergraph with its authorization and
 * classification marks and delivers the manifest.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DepartmentManifest } from "../../lib/contracts/departmentManifest.ts";
import { ANONYMOUS, type Principal } from "../../lib/principal.ts";
import type { ManifestDelivery } from "../../registry/delivery.ts";
import type { RegistryServer } from "../../registry/registryService.ts";
import { officerIn } from "../../test/rows/principals.ts";
import { residentPrincipal } from "../../test/support/envelope.ts";
import { startTestRegistry, type TestRegistry } from "../../test/support/registry.ts";
import { TEST_SEED_DATE } from "../../test/support/seedDate.ts";
import { graphql, startTestSubgraph } from "../../test/support/subgraphs.ts";
import type { SubgraphService } from "../kit/service.ts";
import civilAffairs from "./index.ts";
import type { CivilAffairsPrisma } from "./loaders.ts";

const SDL = readFileSync(new URL("./schema.graphql", import.meta.url), "utf8");
const MANIFEST = JSON.parse(readFileSync(new URL("./department.json", import.meta.url), "utf8")) as DepartmentManifest;

const SUBSIDY = `query S($id: ID!) { elderlyCareSubsidy(id: $id) { id kind careLevel monthlyAmountYuan householdStatus street { id } synthetic } }`;

describe("civil affairs subgraph: elderly-care subsidies under their row rule", () => {
  let service: SubgraphService<CivilAffairsPrisma>;
  beforeAll(async () => {
    service = await startTestSubgraph(civilAffairs, { seedDate: TEST_SEED_DATE });
  }, 120_000);
  afterAll(async () => {
    await service?.stop();
  });

  it("seeds synthetic subsidies, each handled by its resident's street", async () => {
    const count = await service.prisma.elderlyCareSubsidy.count();
    expect(count).toBeGreaterThan(1_000);
    expect(await service.prisma.elderlyCareSubsidy.count({ where: { synthetic: false } })).toBe(0);
  });

  it("shows a subsidy to its resident and to 区民政局 officers of the street, and to nobody else", async () => {
    const subsidy = await service.prisma.elderlyCareSubsidy.findFirstOrThrow({ orderBy: { id: "asc" } });
    const ask = async (principal: Principal) =>
      (await graphql(service.url, SUBSIDY, { id: subsidy.id }, {}, { principal })).body as any;

    const own = await ask(residentPrincipal(subsidy.residentId));
    expect(own.data.elderlyCareSubsidy).toMatchObject({ id: subsidy.id, street: { id: subsidy.streetId } });
    const officer = await ask(officerIn("dept-civil-affairs", [subsidy.streetId]));
    expect(officer.data.elderlyCareSubsidy.id).toBe(subsidy.id);

    const otherStreet = subsidy.streetId === "street-linfenlu" ? "street-caojiadu" : "street-linfenlu";
    expect((await ask(officerIn("dept-civil-affairs", [otherStreet]))).data?.elderlyCareSubsidy ?? null).toBeNull();
    expect((await ask(residentPrincipal("resident-000001"))).data?.elderlyCareSubsidy ?? null).toBeNull();
    const health = await ask(officerIn("dept-health", [subsidy.streetId]));
    expect(health.data?.elderlyCareSubsidy ?? null).toBeNull();
  }, 60_000);
});

describe("civil affairs subgraph: the register of nursing homes (养老服务机构名录) and their beds", () => {
  let service: SubgraphService<CivilAffairsPrisma>;
  beforeAll(async () => {
    service = await startTestSubgraph(civilAffairs, { seedDate: TEST_SEED_DATE });
  }, 120_000);
  afterAll(async () => {
    await service?.stop();
  });
  const anonymous = { principal: ANONYMOUS };
  const ask = async (document: string, variables?: Record<string, unknown>) => {
    const before = service.sqlQueries();
    const body = (await graphql(service.url, document, variables, {}, anonymous)).body as any;
    return { body, statements: service.sqlQueries() - before };
  };

  it("seeds the 16 homes moved from health, with beds no fuller than approved; the welfare institutes are real", async () => {
    const homes = await service.prisma.nursingHome.findMany({ orderBy: { id: "asc" } });
    expect(homes).toHaveLength(16);
    expect(homes[0]).toMatchObject({ id: "nh-0001", name: "上海市静安区第一社会福利院", kind: "WELFARE_INSTITUTE" });
    for (const home of homes) {
      expect(home.occupiedBeds).toBeGreaterThanOrEqual(0);
      expect(home.occupiedBeds).toBeLessThanOrEqual(home.beds);
      expect(home.synthetic).toBe(home.kind !== "WELFARE_INSTITUTE");
    }
    expect(homes.filter((h) => !h.synthetic).map((h) => h.name)).toEqual([
      "上海市静安区第一社会福利院",
      "上海市静安区第二社会福利院",
    ]);
  });

  it("lists homes to anyone, with available beds, narrowed by street, kind and a free bed", async () => {
    const { body } = await ask(`{
      all: nursingHomes(first: 50) { totalCount nodes { id beds occupiedBeds availableBeds street { id } } }
      pengpu: nursingHomes(filter: { streetId: "street-pengpu" }) { nodes { name } }
      small: nursingHomes(filter: { kind: COMMUNITY_CARE_HOME }) { nodes { beds } }
      free: nursingHomes(filter: { availableOnly: true }, first: 50) { nodes { availableBeds } }
    }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.all.totalCount).toBe(16);
    for (const home of body.data.all.nodes) expect(home.availableBeds).toBe(home.beds - home.occupiedBeds);
    expect(body.data.pengpu.nodes.map((h: any) => h.name)).toEqual([
      "上海市静安区第一社会福利院",
      "静安区彭浦镇第二敬老院",
    ]);
    expect(body.data.small.nodes.every((h: any) => h.beds < 50)).toBe(true);
    const withFreeBeds = body.data.all.nodes.filter((h: any) => h.availableBeds > 0).length;
    expect(body.data.free.nodes).toHaveLength(withFreeBeds);
    expect(body.data.free.nodes.every((h: any) => h.availableBeds > 0)).toBe(true);
  });

  it("refuses a name search longer than 50 characters with a coded error", async () => {
    const { body } = await ask(`{ nursingHomes(filter: { nameContains: "${"养".repeat(51)}" }) { totalCount } }`);
    expect(body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("resolves 50 Street and 20 NursingHome representations in one SQL statement each", async () => {
    const streets = [
      "street-pengpu",
      "street-jingansi",
      ...Array.from({ length: 48 }, (_, i) => `street-elsewhere-${i}`),
    ];
    const streetCost = await ask(
      `query S($representations: [_Any!]!) { _entities(representations: $representations) { ... on Street { id nursingHomes { id } } } }`,
      { representations: streets.map((id) => ({ __typename: "Street", id })) },
    );
    expect(streetCost.body.errors).toBeUndefined();
    expect(streetCost.statements).toBe(1);
    expect(streetCost.body.data._entities[0].nursingHomes.map((h: any) => h.id)).toEqual(["nh-0001", "nh-0016"]);
    expect(streetCost.body.data._entities[2].nursingHomes).toEqual([]);

    const homes = Array.from({ length: 20 }, (_, i) => `nh-${String(20 - i).padStart(4, "0")}`);
    const homeCost = await ask(
      `query H($representations: [_Any!]!) { _entities(representations: $representations) { ... on NursingHome { id name } } }`,
      { representations: homes.map((id) => ({ __typename: "NursingHome", id })) },
    );
    expect(homeCost.statements).toBe(1);
    // In the order asked; ids the register does not know are null.
    expect(homeCost.body.data._entities.slice(0, 4)).toEqual([null, null, null, null]);
    expect(homeCost.body.data._entities[4]).toMatchObject({ id: "nh-0016" });
    expect(homeCost.body.data._entities[19]).toMatchObject({ id: "nh-0001" });
  });
});

describe("civil affairs joins through the registry", () => {
  let officer: string;
  const delivered: DepartmentManifest[] = [];
  const delivery: ManifestDelivery = {
    async deliver(manifest) {
      delivered.push(manifest);
    },
  };
  let testRegistry: TestRegistry;
  let registry: RegistryServer;
  beforeAll(async () => {
    testRegistry = await startTestRegistry({ delivery });
    registry = testRegistry.registry;
    officer = testRegistry.token({ sub: "person-officer-civil", dept: "dept-civil-affairs", scopes: ["graph:read"] });
  }, 120_000);
  afterAll(async () => {
    await testRegistry?.stop();
  });

  const call = (route: string) =>
    fetch(`${registry.url}/subgraphs/civil_affairs/${route}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${officer}` },
      body: JSON.stringify({ sdl: SDL, url: "http://127.0.0.1:4111/graphql", manifest: MANIFEST }),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

  it("passes the checks: composes with the district graph, keeps the platform's rules, manifest valid", async () => {
    const checked = await call("check");
    expect(checked.status).toBe(200);
    expect(checked.body.report.problems).toEqual([]);
    expect(checked.body).toMatchObject({ manifest: "valid", report: { ok: true, violations: [] } });
  }, 120_000);

  it("is published with its manifest: ElderlyCareSubsidy in the supergraph with its marks, the manifest delivered", async () => {
    const published = await call("publish");
    expect(published.status).toBe(201);
    expect(published.body).toMatchObject({ version: 1, status: "ACTIVE", manifest: "DELIVERED" });
    expect(delivered.map((m) => m.subgraph)).toEqual(["civil_affairs"]);
    const current = await registry.store.currentSupergraph();
    const block = /\ntype ElderlyCareSubsidy[^{]*\{/.exec(current?.sdl ?? "")?.[0] ?? "";
    expect(block).toContain('@join__type(graph: CIVIL_AFFAIRS, key: "id")');
    expect(block).toContain('@policy(policies: [["civil-affairs-records"]])');
    expect(block).toContain('@classified(level: "personal", category: "welfare")');
    expect((await registry.store.subgraph("civil_affairs"))?.departmentId).toBe("dept-civil-affairs");
    // Nursing homes come from civil affairs, the one source; health only extends them by key.
    const home = /\ntype NursingHome\n[^{]*\{/.exec(current?.sdl ?? "")?.[0] ?? "";
    expect(home).toContain('@join__type(graph: CIVIL_AFFAIRS, key: "id")');
    expect(home).toContain('@join__type(graph: HEALTH, key: "id")');
    expect(current?.sdl).toMatch(
      /nursingHomes\(filter: NursingHomeFilter[^)]*\): NursingHomeConnection @join__field\(graph: CIVIL_AFFAIRS\)/,
    );
    expect(delivered[0]?.dataResources.map((r) => r.id)).toEqual(["res-0063", "res-0901"]);
  }, 120_000);
});
