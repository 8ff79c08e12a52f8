/**
 * Civil affairs through the gateway after it joined only through the registry: the registry delivers its manifest to
 * the real identity (policy civil-affairs-records, purpose civil-affairs-elderly-care) and catalog (res-0901); a
 * gateway loading its supergraph from the registry serves ElderlyCareSubsidy under that policy — denied without the
 * department's scope or without a purpose, the sensitive household status masked, and each read recorded by the audit
 * service. Its register of nursing homes (养老服务机构名录, open data) is served to anyone, unclassified, and reading it
 * alone writes no data-access record.
 */

import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GatewayServer } from "../../gateway/server.ts";
import type { DepartmentManifest } from "../../lib/contracts/departmentManifest.ts";
import { CATALOG_MANIFEST_PATH, createHttpManifestDelivery, IDENTITY_MANIFEST_PATH } from "../../registry/delivery.ts";
import type { RegistryServer } from "../../registry/registryService.ts";
import { testEnvelopeKeys } from "../../test/support/envelope.ts";
import { startTestGateway } from "../../test/support/gateway.ts";
import { startTestRegistry, type TestRegistry } from "../../test/support/registry.ts";
import { TEST_SEED_DATE } from "../../test/support/seedDate.ts";
import { startTestSubgraph } from "../../test/support/subgraphs.ts";
import { districtClaims, residentClaims } from "../../test/support/tokens.ts";
import type { PrismaClient as AuditPrisma } from "../audit/generated/prisma/client.ts";
import audit from "../audit/index.ts";
import catalog from "../catalog/index.ts";
import { createIdentitySubgraph } from "../identity/index.ts";
import type { SubgraphService } from "../kit/service.ts";
import civilAffairs from "./index.ts";
import type { CivilAffairsPrisma } from "./loaders.ts";

const SDL = readFileSync(new URL("./schema.graphql", import.meta.url), "utf8");
const MANIFEST = JSON.parse(readFileSync(new URL("./department.json", import.meta.url), "utf8")) as DepartmentManifest;
const QUERY = `query Subsidy($id: ID!) { elderlyCareSubsidy(id: $id) { id kind careLevel monthlyAmountYuan householdStatus } }`;

let testRegistry: TestRegistry;
let registry: RegistryServer;
/** A token the registry's and the gateway's test issuer signs. */
const token = (claims: Record<string, unknown>) => testRegistry.token(claims);
let gateway: GatewayServer;
const services: Record<string, SubgraphService<any>> = {};

beforeAll(async () => {
  const [identityService, catalogService, auditService, civilService] = await Promise.all([
    startTestSubgraph(createIdentitySubgraph(), { seedDate: TEST_SEED_DATE, snapshot: true }),
    startTestSubgraph(catalog, { seedDate: TEST_SEED_DATE }),
    startTestSubgraph(audit, { seedDate: TEST_SEED_DATE }),
    startTestSubgraph(civilAffairs, { seedDate: TEST_SEED_DATE }),
  ]);
  Object.assign(services, {
    identity: identityService,
    catalog: catalogService,
    audit: auditService,
    civil: civilService,
  });
  const base = (service: SubgraphService<any>) => service.url.replace(/\/graphql$/, "");
  testRegistry = await startTestRegistry({
    delivery: createHttpManifestDelivery({
      privateKey: testEnvelopeKeys.privateKey,
      targets: [
        { service: "identity", url: `${base(identityService)}${IDENTITY_MANIFEST_PATH}` },
        { service: "catalog", url: `${base(catalogService)}${CATALOG_MANIFEST_PATH}` },
      ],
    }),
  });
  registry = testRegistry.registry;
  // The department's one step: publish its SDL with its manifest (npm run registry -- publish … --manifest …).
  const officer = token(districtClaims({ sub: "person-officer-civil", dept: "dept-civil-affairs" }));
  const published = await fetch(`${registry.url}/subgraphs/civil_affairs/publish`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${officer}` },
    body: JSON.stringify({ sdl: SDL, url: civilService.url, manifest: MANIFEST }),
  });
  expect(published.status).toBe(201);
  gateway = await startTestGateway({
    SUPERGRAPH_SOURCE: "registry",
    REGISTRY_URL: registry.url,
    IDENTITY_URL: testRegistry.issuer.url,
    ACCESS_POLICIES_URL: `${base(identityService)}/access/policies`,
    PURPOSES_URL: `${base(identityService)}/access/purposes`,
    POLICY_POLL_MS: "250",
    AUDIT_URL: base(auditService),
  });
}, 300_000);

afterAll(async () => {
  await gateway?.stop();
  await testRegistry?.stop();
  for (const service of Object.values(services)) await service.stop().catch(() => {});
});

async function ask(id: string, bearer: string | null, purpose?: string) {
  const response = await fetch(gateway.url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...(purpose ? { "x-og-purpose": purpose } : {}),
    },
    body: JSON.stringify({ query: QUERY, variables: { id }, operationName: "Subsidy" }),
  });
  return (await response.json()) as {
    data?: { elderlyCareSubsidy: Record<string, unknown> | null } | null;
    errors?: Array<{ extensions?: { code?: string } }>;
  };
}

describe("civil affairs through the gateway, onboarded only through the registry", () => {
  it("serves a subsidy to a 区民政局 officer with the scope and purpose, masks the household status and audits it", async () => {
    const subsidy = await (services.civil!.prisma as CivilAffairsPrisma).elderlyCareSubsidy.findFirstOrThrow({
      orderBy: { id: "asc" },
    });
    const officer = (scopes: string[]) =>
      token(
        districtClaims({
          sub: "person-officer-civil",
          dept: "dept-civil-affairs",
          streets: [subsidy.streetId],
          scopes: ["graph:read", ...scopes],
        }),
      );
    const granted = officer(["civil_affairs:read", "clearance:sensitive"]);
    // The policy and purpose came from the manifest: the gateway polls them from identity.
    let answer = await ask(subsidy.id, granted, "civil-affairs-elderly-care");
    for (let i = 0; i < 100 && !answer.data?.elderlyCareSubsidy; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      answer = await ask(subsidy.id, granted, "civil-affairs-elderly-care");
    }
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.elderlyCareSubsidy).toMatchObject({
      id: subsidy.id,
      careLevel: subsidy.careLevel,
      monthlyAmountYuan: subsidy.monthlyAmountYuan,
      // Sensitive and masked: nobody holds clear view of welfare data (no clear-welfare policy).
      householdStatus: "****",
    });

    const auditPrisma = services.audit!.prisma as AuditPrisma;
    let records: Awaited<ReturnType<typeof auditPrisma.dataAccessRecord.findMany>> = [];
    for (let i = 0; i < 100 && records.length === 0; i += 1) {
      records = await auditPrisma.dataAccessRecord.findMany({ where: { operationName: "Subsidy" } });
      if (records.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(records[0]).toMatchObject({
      principalId: "person-officer-civil",
      departmentId: "dept-civil-affairs",
      purpose: "civil-affairs-elderly-care",
      subjectResidentIds: [subsidy.residentId],
    });
    expect(JSON.stringify(records[0]?.fields)).toContain("ElderlyCareSubsidy.householdStatus");

    // Without the department's scope, without a purpose, or anonymous: refused.
    const withoutScope = await ask(subsidy.id, officer(["clearance:sensitive"]), "civil-affairs-elderly-care");
    expect(withoutScope.data?.elderlyCareSubsidy ?? null).toBeNull();
    expect(withoutScope.errors?.[0]?.extensions?.code).toMatch(/NOT_AUTHORIZED|FORBIDDEN/);
    const withoutPurpose = await ask(subsidy.id, granted);
    expect(withoutPurpose.data?.elderlyCareSubsidy ?? null).toBeNull();
    const anonymous = await ask(subsidy.id, null);
    expect(anonymous.data?.elderlyCareSubsidy ?? null).toBeNull();
    expect(anonymous.errors?.length).toBeGreaterThan(0);

    // The resident reads their own subsidy.
    const own = await ask(subsidy.id, token(residentClaims(subsidy.residentId)));
    expect(own.data?.elderlyCareSubsidy).toMatchObject({ id: subsidy.id });
  }, 120_000);

  it("serves the register of nursing homes to anyone, unclassified and unaudited; a subsidy beside it is audited", async () => {
    const HOMES = `query Homes { nursingHomes(first: 20) { totalCount nodes { id name kind beds availableBeds street { id } } } }`;
    const post = (query: string, operationName: string, headers: Record<string, string> = {}) =>
      fetch(gateway.url, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ query, operationName }),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

    const anonymous = await post(HOMES, "Homes");
    expect(anonymous.status).toBe(200);
    expect(anonymous.body.errors).toBeUndefined();
    expect(anonymous.body.data.nursingHomes.totalCount).toBe(16);
    for (const home of anonymous.body.data.nursingHomes.nodes) {
      expect(home.availableBeds).toBeGreaterThanOrEqual(0);
      expect(home.availableBeds).toBeLessThanOrEqual(home.beds);
    }
    // The supergraph the registry composed: NursingHome from civil affairs, public, with no classification.
    const sdl = (await registry.store.currentSupergraph())?.sdl ?? "";
    const block = sdl.slice(
      sdl.indexOf("\ntype NursingHome\n"),
      sdl.indexOf("\n}\n", sdl.indexOf("\ntype NursingHome\n")),
    );
    expect(block).toContain('@join__type(graph: CIVIL_AFFAIRS, key: "id")');
    expect(block).toContain('@dataResource(id: "res-0063")');
    expect(block).not.toContain("@classified");

    // One operation reading both: the subsidy (classified) is audited, the homes' fields are not named in the record.
    const subsidy = await (services.civil!.prisma as CivilAffairsPrisma).elderlyCareSubsidy.findFirstOrThrow({
      orderBy: { id: "desc" },
    });
    const officer = token(
      districtClaims({
        sub: "person-officer-civil-2",
        dept: "dept-civil-affairs",
        streets: [subsidy.streetId],
        scopes: ["graph:read", "civil_affairs:read", "clearance:sensitive"],
      }),
    );
    const both = await post(
      `query HomesAndSubsidy { nursingHome(id: "nh-0001") { name beds } elderlyCareSubsidy(id: "${subsidy.id}") { id careLevel } }`,
      "HomesAndSubsidy",
      { authorization: `Bearer ${officer}`, "x-og-purpose": "civil-affairs-elderly-care" },
    );
    expect(both.body.errors).toBeUndefined();
    expect(both.body.data).toMatchObject({
      nursingHome: { name: "上海市静安区第一社会福利院" },
      elderlyCareSubsidy: { id: subsidy.id },
    });

    const auditPrisma = services.audit!.prisma as AuditPrisma;
    let records: Awaited<ReturnType<typeof auditPrisma.dataAccessRecord.findMany>> = [];
    for (let i = 0; i < 100 && records.length === 0; i += 1) {
      records = await auditPrisma.dataAccessRecord.findMany({ where: { operationName: "HomesAndSubsidy" } });
      if (records.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      principalId: "person-officer-civil-2",
      subjectResidentIds: [subsidy.residentId],
    });
    expect(JSON.stringify(records[0]?.fields)).not.toContain("NursingHome");
    // The gateway awaits the audit before a classified answer leaves; the register alone is never recorded.
    expect(await auditPrisma.dataAccessRecord.count({ where: { operationName: "Homes" } })).toBe(0);
  }, 120_000);
});
