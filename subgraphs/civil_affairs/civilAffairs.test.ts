/**
 * Civil affairs (区民政局), onboarded as data: its subsidies are readable by the resident and by 区民政局 officers of the
 * resident's street only, on every path; its SDL and department.json pass the registry's checks against the
 * district's graph, and publishing them composes ElderlyCareSubsidy into the supergraph with its authorization and
 * classification marks and delivers the manifest.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DepartmentManifest } from "../../lib/contracts/departmentManifest.ts";
import type { Principal } from "../../lib/principal.ts";
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
  }, 120_000);
});
