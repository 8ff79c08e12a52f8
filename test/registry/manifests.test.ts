/**
 * Department manifests at the registry (docs/registry.md, "Onboarding as data"): the contract and its naming rules
 * (MANIFEST_INVALID), names and catalogue entries another department owns (MANIFEST_NOT_OWNED), and delivery — a
 * publish whose delivery fails stores nothing and restores the services that took the new manifest.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DepartmentManifest, DepartmentManifestInput } from "../../lib/contracts/departmentManifest.ts";
import { createEnvelopeVerifier, generateEnvelopeKeys, SYSTEM_SCOPES } from "../../lib/wire.ts";
import { runCli } from "../../registry/cli.ts";
import { createHttpManifestDelivery, DeliveryFailure, type ManifestDelivery } from "../../registry/delivery.ts";
import { judgeManifest } from "../../registry/manifests.ts";
import type { RegistryServer } from "../../registry/registryService.ts";
import { publishedCatalogue } from "../../subgraphs/catalog/seedData.ts";
import { startTestRegistry, type TestRegistry } from "../support/registry.ts";

/** A department like civil affairs: its own scope, role, policy, purpose and two catalogue entries. */
const manifest = (overrides: Partial<DepartmentManifestInput> = {}): DepartmentManifestInput => ({
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
      description: "养老院的地址、床位与服务内容。",
      authoritativeSource: "静安区养老服务平台",
      classification: "PUBLIC",
      openStatus: "OPEN",
      updateFrequency: "MONTHLY",
      format: "接口(API)",
      servedBy: ["NursingHome"],
    },
  ],
  ...overrides,
});

const SDL = `type Query {
  "Elder-care notices (synthetic)."
  elderCareNotice: String @public
}
`;

describe("the manifest contract and its rules", () => {
  const context = {
    subgraph: "elder_care",
    departmentId: "dept-civil-affairs",
    claims: [],
    catalogue: publishedCatalogue(),
  };

  it("accepts a department's own names and entries", () => {
    expect(judgeManifest(manifest(), context)).toMatchObject({ ok: true, problems: [] });
  });

  it("refuses a manifest that does not match the contract, naming each field (MANIFEST_INVALID)", () => {
    const judged = judgeManifest({ ...manifest(), manifestVersion: 2, scopes: [{ name: "READ ALL" }] }, context);
    expect(judged.code).toBe("MANIFEST_INVALID");
    expect(judged.problems.join("\n")).toMatch(/manifestVersion/);
    expect(judged.problems.join("\n")).toMatch(/scopes\.0\.name/);
    expect(judgeManifest("not an object", context).code).toBe("MANIFEST_INVALID");
  });

  it("refuses names outside the department's namespace and grants of scopes it may not give (MANIFEST_INVALID)", () => {
    const judged = judgeManifest(
      manifest({
        scopes: [{ name: "health:read", description: "Someone else's scope." }],
        roles: [{ name: "officer", description: "The platform's role.", scopes: ["identity:admin"] }],
      }),
      context,
    );
    expect(judged.code).toBe("MANIFEST_INVALID");
    expect(judged.problems).toEqual(
      expect.arrayContaining([
        "scope health:read must be in the subgraph's namespace: elder_care:<action>.",
        "role officer must start with elder_care_.",
        "role officer grants identity:admin, which the manifest neither defines nor may grant.",
      ]),
    );
    const wrongSubgraph = judgeManifest(manifest(), { ...context, subgraph: "sports" });
    expect(wrongSubgraph.problems[0]).toContain("the manifest is for elder_care, but it was sent for sports");
  });

  it("refuses a policy granting to another department or naming a purpose it does not declare", () => {
    const judged = judgeManifest(
      manifest({
        policies: [
          {
            name: "elder-care-records",
            description: "Too wide.",
            rule: { anyOf: [{ kinds: ["officer"], departments: ["dept-health"], purposes: ["medical-treatment"] }] },
          },
        ],
      }),
      context,
    );
    expect(judged.problems).toEqual([
      "policy elder-care-records may grant only to the manifest's own department.",
      "policy elder-care-records names purpose medical-treatment, which the manifest does not declare.",
    ]);
  });

  it("refuses what another department owns (MANIFEST_NOT_OWNED): a catalogue entry, a claimed name, the department", () => {
    const healthEntry = manifest({
      dataResources: [{ ...(manifest().dataResources?.[0] as object), id: "res-0011" } as never],
    });
    const judged = judgeManifest(healthEntry, context);
    expect(judged.code).toBe("MANIFEST_NOT_OWNED");
    expect(judged.problems).toEqual(["data resource res-0011 is owned by dept-health in the catalogue."]);

    const claimed = judgeManifest(manifest(), {
      ...context,
      claims: [{ kind: "purpose", name: "elder-care-service", departmentId: "dept-health", subgraph: "health" }],
    });
    expect(claimed).toMatchObject({
      code: "MANIFEST_NOT_OWNED",
      problems: ["purpose elder-care-service belongs to dept-health (subgraph health)."],
    });

    const forOther = judgeManifest(manifest(), { ...context, departmentId: "dept-sports" });
    expect(forOther.code).toBe("MANIFEST_NOT_OWNED");
    expect(forOther.problems[0]).toContain(
      "the manifest is for dept-civil-affairs, but elder_care belongs to dept-sports",
    );
  });
});

describe("manifest delivery over signed routes", () => {
  const keys = generateEnvelopeKeys();
  const received: Array<{ service: string; manifest: DepartmentManifest }> = [];
  let failCatalog = true;
  let server: ReturnType<typeof createServer>;
  let base: string;

  beforeAll(async () => {
    const verifiers = {
      identity: createEnvelopeVerifier([keys.publicKey], "identity"),
      catalog: createEnvelopeVerifier([keys.publicKey], "catalog"),
    };
    server = createServer(async (req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      const service = (req.url ?? "").startsWith("/access") ? "identity" : "catalog";
      const checked = verifiers[service](req.headers["x-og-envelope"], {
        method: req.method ?? "POST",
        path: req.url ?? "/",
        body,
      });
      if (!checked.ok || !checked.envelope.principal.scopes.includes(SYSTEM_SCOPES.manifestDeliver)) {
        res.statusCode = 401;
        return res.end();
      }
      if (service === "catalog" && failCatalog) {
        res.statusCode = 409;
        res.setHeader("content-type", "application/json");
        return res.end(
          JSON.stringify({ errors: [{ message: "no", extensions: { code: "DATA_RESOURCE_NOT_OWNED" } }] }),
        );
      }
      received.push({ service, manifest: JSON.parse(body.toString()) });
      res.statusCode = 204;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("signs each delivery for its receiver, and restores the previous manifest where one service refused", async () => {
    const delivery = createHttpManifestDelivery({
      privateKey: keys.privateKey,
      targets: [
        { service: "identity", url: `${base}/access/department-manifests` },
        { service: "catalog", url: `${base}/catalog/department-manifests` },
      ],
    });
    const next = manifest() as DepartmentManifest;
    const failure = await delivery.deliver(next, null).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DeliveryFailure);
    expect((failure as DeliveryFailure).service).toBe("catalog");
    expect((failure as DeliveryFailure).message).toContain("409 DATA_RESOURCE_NOT_OWNED");
    // identity took the manifest, then got the empty one back: nothing is half-applied.
    expect(received.map((r) => [r.service, r.manifest.scopes.length])).toEqual([
      ["identity", 1],
      ["identity", 0],
    ]);
    failCatalog = false;
    received.length = 0;
    await delivery.deliver(next, null);
    expect(received.map((r) => r.service)).toEqual(["identity", "catalog"]);
  });
});

describe("publishing with a manifest", () => {
  let officer: string;
  const delivered: DepartmentManifest[] = [];
  let broken = false;
  const delivery: ManifestDelivery = {
    async deliver(next) {
      if (broken) throw new DeliveryFailure("identity", "identity did not answer: connect ECONNREFUSED");
      delivered.push(next);
    },
  };
  let testRegistry: TestRegistry;
  let registry: RegistryServer;

  beforeAll(async () => {
    testRegistry = await startTestRegistry({ delivery });
    registry = testRegistry.registry;
    officer = testRegistry.token({ sub: "person-officer-civil", dept: "dept-civil-affairs" });
  }, 120_000);
  afterAll(async () => {
    await testRegistry?.stop();
  });

  const publish = (body: unknown) =>
    fetch(`${registry.url}/subgraphs/elder_care/publish`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${officer}` },
      body: JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

  it("refuses an invalid manifest with 422 MANIFEST_INVALID and publishes nothing", async () => {
    const refused = await publish({ sdl: SDL, url: "http://127.0.0.1:4111/graphql", manifest: { subgraph: 1 } });
    expect(refused.status).toBe(422);
    expect(refused.body.errors[0].extensions.code).toBe("MANIFEST_INVALID");
    expect(refused.body.errors[0].extensions.problems.length).toBeGreaterThan(0);
    expect(await registry.store.subgraph("elder_care")).toBeNull();
  }, 60_000);

  it("publishes nothing when the delivery fails (502 MANIFEST_DELIVERY_FAILED)", async () => {
    broken = true;
    const refused = await publish({ sdl: SDL, url: "http://127.0.0.1:4111/graphql", manifest: manifest() });
    broken = false;
    expect(refused.status).toBe(502);
    expect(refused.body.errors[0].extensions).toMatchObject({ code: "MANIFEST_DELIVERY_FAILED", service: "identity" });
    expect(await registry.store.subgraph("elder_care")).toBeNull();
  }, 60_000);

  it("delivers the manifest, stores it with the version and claims its names for the department", async () => {
    const published = await publish({ sdl: SDL, url: "http://127.0.0.1:4111/graphql", manifest: manifest() });
    expect(published.status).toBe(201);
    expect(published.body).toMatchObject({ version: 1, status: "ACTIVE", manifest: "DELIVERED" });
    expect(delivered.map((m) => m.subgraph)).toEqual(["elder_care"]);
    expect((await registry.store.manifest("elder_care", 1))?.department.id).toBe("dept-civil-affairs");
    expect(await registry.store.claims()).toContainEqual({
      kind: "scope",
      name: "elder_care:read",
      departmentId: "dept-civil-affairs",
      subgraph: "elder_care",
    });
  }, 60_000);

  it("holds the manifest of a version waiting for approval, and delivers it when a security administrator approves", async () => {
    const admin = testRegistry.token({
      sub: "person-admin-security",
      kind: "security_admin",
      roles: ["security_admin"],
      dept: null,
    });
    // Removing a field is breaking: the version waits, and so does its manifest.
    const breaking = `type Query {\n  "Elder-care bulletins."\n  elderCareBulletin: String @public\n}\n`;
    const second = manifest({ officerScopes: ["elder_care:read"] });
    const published = await publish({ sdl: breaking, manifest: second });
    expect(published.status).toBe(202);
    expect(published.body).toMatchObject({ version: 2, status: "PENDING", manifest: "PENDING" });
    expect(delivered).toHaveLength(1);
    const approved = await fetch(`${registry.url}/subgraphs/elder_care/versions/2/approve`, {
      method: "POST",
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(approved.status).toBe(200);
    expect(delivered.map((m) => m.officerScopes)).toEqual([
      ["elder_care:read", "clearance:personal"],
      ["elder_care:read"],
    ]);
    // Rolling back to version 1 delivers version 1's manifest again.
    const rolledBack = await fetch(`${registry.url}/subgraphs/elder_care/rollback`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${officer}` },
      body: JSON.stringify({ version: 1 }),
    });
    expect(rolledBack.status).toBe(200);
    expect(delivered.at(-1)?.officerScopes).toEqual(["elder_care:read", "clearance:personal"]);
  }, 120_000);

  it("takes the manifest from the CLI (--manifest), and prints each problem of a refused one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "og-manifest-"));
    writeFileSync(join(dir, "schema.graphql"), SDL);
    writeFileSync(join(dir, "department.json"), JSON.stringify(manifest()));
    writeFileSync(
      join(dir, "bad.json"),
      JSON.stringify(manifest({ roles: [{ name: "officer", description: "x!", scopes: ["graph:read"] }] })),
    );
    const env = { REGISTRY_URL: registry.url, REGISTRY_TOKEN: officer };
    const lines: string[] = [];
    const sdlFile = join(dir, "schema.graphql");
    expect(
      await runCli(["check", "elder_care", sdlFile, "--manifest", join(dir, "department.json")], env, (l) =>
        lines.push(l),
      ),
    ).toBe(0);
    expect(lines).toEqual(expect.arrayContaining(["manifest: valid", "check passed"]));
    lines.length = 0;
    expect(
      await runCli(["check", "elder_care", "--manifest", join(dir, "bad.json"), sdlFile], env, (l) => lines.push(l)),
    ).toBe(1);
    expect(lines[0]).toContain("422 MANIFEST_INVALID");
    expect(lines).toContain("MANIFEST  role officer must start with elder_care_.");
  }, 60_000);

  it("refuses another department's subgraph claiming those names (409 MANIFEST_NOT_OWNED)", async () => {
    const sportsOfficer = testRegistry.token({ sub: "person-officer-sports", dept: "dept-sports" });
    const response = await fetch(`${registry.url}/subgraphs/sports/check`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${sportsOfficer}` },
      body: JSON.stringify({
        sdl: SDL.replace("elderCareNotice", "sportsNotice"),
        manifest: manifest({
          subgraph: "sports",
          department: { id: "dept-sports", name: "区体育局" },
          scopes: [],
          roles: [],
          officerScopes: [],
          policies: [],
          purposes: [],
          dataResources: [{ ...(manifest().dataResources?.[0] as object) } as never],
        }),
      }),
    });
    const body = (await response.json()) as any;
    expect(response.status).toBe(409);
    expect(body.errors[0].extensions.code).toBe("MANIFEST_NOT_OWNED");
    expect(body.errors[0].message).toContain("res-0063");
  }, 60_000);
});
