/**
 * A department manifest published through the registry reaches the real identity and catalog services over their
 * signed routes: identity creates the department's roles, purposes and policies and gives its officers the declared
 * scopes; catalog creates or updates its entries with history. A catalogue entry of another department is refused by
 * catalog itself (409 MANIFEST_NOT_OWNED), and an unsigned delivery never reaches either.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DepartmentManifestInput } from "../../lib/contracts/departmentManifest.ts";
import { SYSTEM_SCOPES } from "../../lib/wire.ts";
import { CATALOG_MANIFEST_PATH, createHttpManifestDelivery, IDENTITY_MANIFEST_PATH } from "../../registry/delivery.ts";
import type { RegistryServer } from "../../registry/registryService.ts";
import type { PrismaClient as CatalogPrisma } from "../../subgraphs/catalog/generated/prisma/client.ts";
import catalogModule from "../../subgraphs/catalog/index.ts";
import { createIdentitySubgraph } from "../../subgraphs/identity/index.ts";
import type { IdentityPrisma } from "../../subgraphs/identity/loaders.ts";
import type { SubgraphService } from "../../subgraphs/kit/service.ts";
import { gatewayCaller, signedHeaders, testEnvelopeKeys } from "../support/envelope.ts";
import { startTestRegistry, type TestRegistry } from "../support/registry.ts";
import { TEST_SEED_DATE } from "../support/seedDate.ts";
import { startTestSubgraph } from "../support/subgraphs.ts";

const manifest: DepartmentManifestInput = {
  manifestVersion: 1,
  subgraph: "elder_care",
  department: { id: "dept-civil-affairs", name: "区民政局" },
  scopes: [{ name: "elder_care:read", description: "Read elder-care records of the officer's jurisdiction." }],
  roles: [{ name: "elder_care_assessor", description: "Assesses care needs.", scopes: ["elder_care:read"] }],
  officerScopes: ["elder_care:read", "clearance:personal"],
  policies: [
    {
      name: "elder-care-records",
      description: "Care subsidies: the resident, or civil-affairs officers with a purpose.",
      rule: {
        anyOf: [
          { kinds: ["resident"] },
          { kinds: ["officer"], departments: ["dept-civil-affairs"], purposes: ["elder-care-service"] },
        ],
      },
    },
  ],
  purposes: [
    {
      name: "elder-care-service",
      legalBasis: "PIPL art. 13(1)(3); 老年人权益保障法",
      description: "Granting and paying elderly-care subsidies.",
      kinds: ["officer"],
      departments: ["dept-civil-affairs"],
      requiresCase: false,
      retentionDays: 1825,
    },
  ],
  dataResources: [
    {
      id: "res-0063",
      name: "养老服务机构名录",
      description: "养老院的地址、床位(核定与空余)与服务内容。",
      authoritativeSource: "静安区养老服务平台",
      classification: "PUBLIC",
      openStatus: "OPEN",
      updateFrequency: "DAILY",
      format: "接口(API)",
      fieldCount: 12,
      keywords: ["养老院", "床位"],
    },
    {
      id: "res-0901",
      name: "养老服务补贴发放记录",
      description: "经评估符合条件的老年人养老服务补贴的核定与发放。",
      authoritativeSource: "静安区养老服务平台",
      classification: "SENSITIVE",
      openStatus: "NOT_OPEN",
      updateFrequency: "MONTHLY",
      format: "接口(API)",
      fieldCount: 9,
      keywords: ["养老服务补贴"],
    },
  ],
};

const SDL = `type Query {
  "Elder-care notices."
  elderCareNotice: String @public
}
`;

let officer: string;
let testRegistry: TestRegistry;
let registry: RegistryServer;
let identity: SubgraphService<IdentityPrisma>;
let catalog: SubgraphService<CatalogPrisma>;

beforeAll(async () => {
  [identity, catalog] = await Promise.all([
    startTestSubgraph(createIdentitySubgraph(), { seedDate: TEST_SEED_DATE, snapshot: true }),
    startTestSubgraph(catalogModule, { seedDate: TEST_SEED_DATE }),
  ]);
  // Tokens come from the test issuer; manifests go to the identity and catalog services under test, signed with the
  // envelope key they trust (as ENVELOPE_PRIVATE_KEY, IDENTITY_URL and CATALOG_URL configure it).
  testRegistry = await startTestRegistry({
    delivery: createHttpManifestDelivery({
      privateKey: testEnvelopeKeys.privateKey,
      targets: [
        { service: "identity", url: identity.url.replace(/\/graphql$/, IDENTITY_MANIFEST_PATH) },
        { service: "catalog", url: catalog.url.replace(/\/graphql$/, CATALOG_MANIFEST_PATH) },
      ],
    }),
  });
  registry = testRegistry.registry;
  officer = testRegistry.token({ sub: "person-officer-civil", dept: "dept-civil-affairs" });
}, 240_000);

afterAll(async () => {
  await testRegistry?.stop();
  await identity?.stop();
  await catalog?.stop();
});

describe("delivering a department manifest to identity and catalog", () => {
  it("applies roles, officer scopes, purposes and policies at identity, and the entries at catalog", async () => {
    // An officer of the department before it was onboarded: no department scopes yet.
    const now = new Date();
    await identity.prisma.person.create({
      data: {
        id: "person-civil-test",
        username: "civil.test",
        displayName: "民政测试",
        kind: "OFFICER",
        createdAt: now,
        membership: { create: { departmentId: "dept-civil-affairs", streetIds: ["street-jiangninglu"], scopes: [] } },
      },
    });
    const published = await fetch(`${registry.url}/subgraphs/elder_care/publish`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${officer}` },
      body: JSON.stringify({ sdl: SDL, url: "http://127.0.0.1:4111/graphql", manifest }),
    });
    expect(published.status).toBe(201);
    expect(await published.json()).toMatchObject({ status: "ACTIVE", manifest: "DELIVERED" });

    expect(await identity.prisma.role.findUnique({ where: { name: "elder_care_assessor" } })).toMatchObject({
      scopes: ["elder_care:read"],
    });
    const membership = await identity.prisma.officerMembership.findUnique({ where: { personId: "person-civil-test" } });
    expect(membership?.scopes).toEqual(["elder_care:read", "clearance:personal"]);
    expect((await identity.prisma.purpose.findUnique({ where: { name: "elder-care-service" } }))?.activeVersion).toBe(
      1,
    );
    expect(
      (await identity.prisma.accessPolicy.findUnique({ where: { name: "elder-care-records" } }))?.activeVersion,
    ).toBe(1);
    const history = await identity.prisma.accessPolicyChange.findMany({ where: { policyName: "elder-care-records" } });
    expect(history.map((c) => [c.kind, c.authorId])).toEqual([
      ["DRAFTED", "registry:dept-civil-affairs"],
      ["ENABLED", "registry:dept-civil-affairs"],
    ]);

    const homes = await catalog.prisma.dataResource.findUniqueOrThrow({ where: { id: "res-0063" } });
    expect(homes).toMatchObject({ updateFrequency: "DAILY", ownerDepartmentId: "dept-civil-affairs" });
    const subsidies = await catalog.prisma.dataResource.findUniqueOrThrow({ where: { id: "res-0901" } });
    expect(subsidies).toMatchObject({ classification: "SENSITIVE", ownerDepartmentId: "dept-civil-affairs" });
    expect(subsidies.code).toMatch(/^JA-CIVIL-\d{4}$/);
    const updates = await catalog.prisma.dataResourceUpdate.findMany({
      where: { resourceId: { in: ["res-0063", "res-0901"] }, kind: "ENTRY_CHANGED" },
    });
    expect(updates.map((u) => u.actorId)).toEqual(["registry:dept-civil-affairs", "registry:dept-civil-affairs"]);
  }, 120_000);

  it("delivers the same manifest again without changing anything", async () => {
    const before = await catalog.prisma.dataResourceUpdate.count();
    const changesBefore = await identity.prisma.purposeChange.count();
    const again = await fetch(`${registry.url}/subgraphs/elder_care/publish`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${officer}` },
      body: JSON.stringify({ sdl: SDL, manifest }),
    });
    expect(again.status).toBe(201);
    expect(await catalog.prisma.dataResourceUpdate.count()).toBe(before);
    expect(await identity.prisma.purposeChange.count()).toBe(changesBefore);
  }, 120_000);

  it("is refused by identity when it would take over a platform role or a purpose or policy it did not create", async () => {
    const hostile = {
      ...manifest,
      subgraph: "minors",
      department: { id: "dept-sports", name: "区体育局" },
      scopes: [],
      roles: [],
      officerScopes: [],
      purposes: [],
      dataResources: [],
      policies: [
        {
          name: "minors-data",
          description: "Taken over, to be withdrawn later.",
          rule: { anyOf: [{ kinds: ["officer"], departments: ["dept-sports"] }] },
        },
      ],
    };
    const body = JSON.stringify(hostile);
    const path = "/access/department-manifests";
    const answer = await fetch(`${identity.url.replace(/\/graphql$/, "")}${path}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...signedHeaders(
          "identity",
          { method: "POST", path, body },
          { principal: gatewayCaller(SYSTEM_SCOPES.manifestDeliver) },
        ),
      },
      body,
    });
    expect(answer.status).toBe(409);
    expect(((await answer.json()) as any).errors[0].message).toContain(
      "policy minors-data exists already and was not created by this department's manifest",
    );
    expect((await identity.prisma.accessPolicy.findUnique({ where: { name: "minors-data" } }))?.activeVersion).toBe(1);
    const security = {
      ...hostile,
      subgraph: "security",
      policies: [],
      roles: [{ name: "security_admin", description: "Taken over.", scopes: ["graph:read"] }],
    };
    const roleBody = JSON.stringify(security);
    const refused = await fetch(`${identity.url.replace(/\/graphql$/, "")}${path}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...signedHeaders(
          "identity",
          { method: "POST", path, body: roleBody },
          { principal: gatewayCaller(SYSTEM_SCOPES.manifestDeliver) },
        ),
      },
      body: roleBody,
    });
    expect(refused.status).toBe(409);
    expect((await identity.prisma.role.findUniqueOrThrow({ where: { name: "security_admin" } })).scopes).toContain(
      "identity:admin",
    );
  }, 60_000);

  it("is refused by catalog for another department's entry, and by both without the registry's envelope", async () => {
    const foreign = {
      ...manifest,
      dataResources: [{ ...(manifest.dataResources?.[0] as object), id: "res-0011" }],
    };
    const body = JSON.stringify(foreign);
    const base = catalog.url.replace(/\/graphql$/, "");
    const signed = await fetch(`${base}/catalog/department-manifests`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...signedHeaders(
          "catalog",
          { method: "POST", path: "/catalog/department-manifests", body },
          { principal: gatewayCaller(SYSTEM_SCOPES.manifestDeliver) },
        ),
      },
      body,
    });
    expect(signed.status).toBe(409);
    expect(((await signed.json()) as any).errors[0].extensions.code).toBe("MANIFEST_NOT_OWNED");
    expect((await catalog.prisma.dataResource.findUniqueOrThrow({ where: { id: "res-0011" } })).ownerDepartmentId).toBe(
      "dept-health",
    );
    const unsigned = await fetch(`${base}/catalog/department-manifests`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    expect(unsigned.status).toBe(401);
    const wrongScope = await fetch(`${identity.url.replace(/\/graphql$/, "")}/access/department-manifests`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...signedHeaders(
          "identity",
          { method: "POST", path: "/access/department-manifests", body },
          { principal: gatewayCaller(SYSTEM_SCOPES.auditWrite) },
        ),
      },
      body,
    });
    expect(wrongScope.status).toBe(403);
  }, 60_000);
});
