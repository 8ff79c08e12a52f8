/**
 * The schema registry end to end over HTTP (PGlite in memory, bootstrapped with the district's subgraphs): department
 * tokens publish only their own subgraphs; a breaking change to a field an app used is refused naming the app, an
 * unused one waits for approval; a security-relevant change waits for a second person; rollback restores a version.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_SCOPES } from "../../lib/wire.ts";
import { runCli } from "../../registry/cli.ts";
import type { RegistryServer } from "../../registry/registryService.ts";
import { testTier } from "../support/database.ts";
import { gatewayCaller, signedHeaders } from "../support/envelope.ts";
import { startTestGateway } from "../support/gateway.ts";
import { startTestRegistry, type TestRegistry } from "../support/registry.ts";

const HEALTH_SDL = readFileSync(new URL("../../subgraphs/health/schema.graphql", import.meta.url), "utf8");
let testRegistry: TestRegistry;
let registry: RegistryServer;
let issuer: TestRegistry["issuer"];
let healthOfficer: string;
let educationOfficer: string;
let admin: string;
const token = (claims: Record<string, unknown>) => testRegistry.token(claims);
const call = (method: string, path: string, bearer: string | null, body?: unknown) =>
  testRegistry.call(method, path, bearer, body);

async function supergraph(): Promise<{ revision: number; sdl: string; owners: Record<string, string> }> {
  const headers = signedHeaders(
    "registry",
    { method: "GET", path: "/supergraph" },
    { principal: gatewayCaller(SYSTEM_SCOPES.registryRead) },
  );
  return (await fetch(`${registry.url}/supergraph`, { headers })).json() as Promise<{
    revision: number;
    sdl: string;
    owners: Record<string, string>;
  }>;
}

/** The field names of AppointmentSlot in a supergraph. */
function slotFields(sdl: string): string[] {
  const block = /\ntype AppointmentSlot[^{]*\{([\s\S]*?)\n\}/.exec(sdl)?.[1] ?? "";
  return [...block.matchAll(/^ {2}(\w+)[(:]/gm)].map((m) => m[1] as string);
}

beforeAll(async () => {
  testRegistry = await startTestRegistry();
  ({ registry, issuer } = testRegistry);
  healthOfficer = token({ sub: "person-officer-health" });
  educationOfficer = token({ sub: "person-officer-education", dept: "dept-education" });
  admin = token({ sub: "person-admin-security", kind: "security_admin", roles: ["security_admin"], dept: null });
  // The portal used AppointmentSlot.bookable this hour (what the gateway reports).
  const body = JSON.stringify({
    entries: [
      { coordinate: "AppointmentSlot.bookable", client: "app-portal", hour: new Date().toISOString(), count: 3 },
    ],
  });
  const recorded = await fetch(`${registry.url}/usage`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...signedHeaders(
        "registry",
        { method: "POST", path: "/usage", body },
        {
          principal: gatewayCaller(SYSTEM_SCOPES.fieldUsageWrite),
        },
      ),
    },
    body,
  });
  expect(recorded.status).toBe(204);
}, 120_000);

afterAll(async () => {
  await testRegistry?.stop();
});

describe(`schema registry (${testTier})`, () => {
  it("starts with the district's subgraphs, each owned by its department", async () => {
    const history = await call("GET", "/subgraphs/health/versions", healthOfficer);
    expect(history.status).toBe(200);
    expect(history.body.departmentId).toBe("dept-health");
    expect(history.body.versions).toMatchObject([{ version: 1, status: "ACTIVE", publishedBy: "platform:bootstrap" }]);
    expect(slotFields((await supergraph()).sdl)).toEqual(expect.arrayContaining(["bookable", "remaining"]));
  });

  it("refuses a token without a department's ownership, and callers without a token", async () => {
    const other = await call("POST", "/subgraphs/health/publish", educationOfficer, { sdl: HEALTH_SDL });
    expect(other.status).toBe(403);
    expect(other.body.errors[0].message).toContain("belongs to dept-health");
    expect((await call("POST", "/subgraphs/health/publish", null, { sdl: HEALTH_SDL })).status).toBe(401);
    expect((await call("POST", "/subgraphs/health/publish", admin, { sdl: HEALTH_SDL })).status).toBe(403);
  });

  it("refuses a breaking change to a field an app used, naming the app", async () => {
    const withoutBookable = HEALTH_SDL.replace(
      / {2}"True when a resident can book it now[^\n]*\n {2}bookable: Boolean!\n/,
      "",
    );
    expect(withoutBookable).not.toBe(HEALTH_SDL);
    const refused = await call("POST", "/subgraphs/health/publish", healthOfficer, { sdl: withoutBookable });
    expect(refused.status).toBe(422);
    expect(refused.body.errors[0].extensions.code).toBe("SCHEMA_CHECK_FAILED");
    expect(refused.body.errors[0].message).toContain("AppointmentSlot.bookable, used by app-portal");
    const change = refused.body.errors[0].extensions.report.changes.find(
      (c: { coordinate: string }) => c.coordinate === "AppointmentSlot.bookable",
    );
    expect(change).toMatchObject({ level: "BREAKING", type: "FIELD_REMOVED", usedBy: ["app-portal"] });
  }, 60_000);

  it("accepts a breaking change to an unused field, pending a security administrator's approval", async () => {
    const withoutRemaining = HEALTH_SDL.replace(/ {2}"Places left[^\n]*\n {2}remaining: Int!\n/, "");
    expect(withoutRemaining).not.toBe(HEALTH_SDL);
    const published = await call("POST", "/subgraphs/health/publish", healthOfficer, { sdl: withoutRemaining });
    expect(published.status).toBe(202);
    expect(published.body).toMatchObject({ version: 2, status: "PENDING" });
    expect(published.body.report.changes).toContainEqual(
      expect.objectContaining({ level: "BREAKING", coordinate: "AppointmentSlot.remaining", usedBy: [] }),
    );
    expect((await supergraph()).sdl).toContain("remaining");

    expect((await call("POST", "/subgraphs/health/versions/2/approve", healthOfficer)).status).toBe(403);
    const approved = await call("POST", "/subgraphs/health/versions/2/approve", admin);
    expect(approved.status).toBe(200);
    expect(slotFields((await supergraph()).sdl)).not.toContain("remaining");
  }, 120_000);

  it("holds a security-relevant change for a second person and records who published and approved", async () => {
    const current = (await call("GET", "/subgraphs/health/versions", healthOfficer)).body.versions[0];
    expect(current).toMatchObject({ version: 2, status: "ACTIVE", approvedBy: "person-admin-security" });
    const base = HEALTH_SDL.replace(/ {2}"Places left[^\n]*\n {2}remaining: Int!\n/, "");
    const unmasked = base.replace('category: "health", mask: "free-text")', 'category: "health")');
    expect(unmasked).not.toBe(base);
    const published = await call("POST", "/subgraphs/health/publish", healthOfficer, { sdl: unmasked });
    expect(published.status).toBe(202);
    expect(published.body.status).toBe("PENDING");
    expect(published.body.report.securityChanges.join("\n")).toContain("ChronicFollowUp.notes: classification");
    const adminAsPublisher = token({ sub: "person-officer-health", kind: "security_admin", roles: ["security_admin"] });
    const self = await call("POST", "/subgraphs/health/versions/3/approve", adminAsPublisher);
    expect(self.status).toBe(403);
    expect(self.body.errors[0].message).toContain("second person");
    const approved = await call("POST", "/subgraphs/health/versions/3/approve", admin);
    expect(approved.status).toBe(200);
    const history = (await call("GET", "/subgraphs/health/versions", healthOfficer)).body.versions;
    expect(history.map((v: { version: number; status: string }) => [v.version, v.status])).toEqual([
      [3, "ACTIVE"],
      [2, "SUPERSEDED"],
      [1, "SUPERSEDED"],
    ]);
    expect(history[0]).toMatchObject({ publishedBy: "person-officer-health", approvedBy: "person-admin-security" });
  }, 120_000);

  it("rolls back to an earlier version in one call, and gateways get the composed supergraph of it", async () => {
    const before = await supergraph();
    const rolledBack = await call("POST", "/subgraphs/health/rollback", healthOfficer, { version: 1 });
    expect(rolledBack.status).toBe(200);
    const after = await supergraph();
    expect(after.revision).toBeGreaterThan(before.revision);
    expect(slotFields(after.sdl)).toContain("remaining");
    expect(after.sdl).toContain('category: "health", mask: "free-text"');
    const history = (await call("GET", "/subgraphs/health/versions", healthOfficer)).body.versions;
    expect(history.find((v: { version: number }) => v.version === 1).status).toBe("ACTIVE");
    expect((await call("POST", "/subgraphs/health/rollback", healthOfficer, { version: 9 })).status).toBe(404);
  }, 60_000);

  it("serves the supergraph and takes usage only from the gateway's signed envelope", async () => {
    expect((await fetch(`${registry.url}/supergraph`)).status).toBe(401);
    const wrongScope = signedHeaders(
      "registry",
      { method: "GET", path: "/supergraph" },
      { principal: gatewayCaller(SYSTEM_SCOPES.fieldUsageWrite) },
    );
    expect((await fetch(`${registry.url}/supergraph`, { headers: wrongScope })).status).toBe(403);
    // With the owner department of every subgraph in it, for the gateway's metering.
    expect((await supergraph()).owners).toMatchObject({ health: "dept-health", catalog: "dept-data" });
  });

  it("lets a security administrator reject a pending version, which then cannot be approved", async () => {
    const unmasked = HEALTH_SDL.replace('category: "health", mask: "free-text")', 'category: "health")');
    const published = await call("POST", "/subgraphs/health/publish", healthOfficer, { sdl: unmasked });
    expect(published.body).toMatchObject({ version: 4, status: "PENDING" });
    expect((await call("POST", "/subgraphs/health/versions/4/reject", healthOfficer)).status).toBe(403);
    const rejected = await call("POST", "/subgraphs/health/versions/4/reject", admin);
    expect(rejected.body).toMatchObject({ status: "REJECTED", rejectedBy: "person-admin-security" });
    expect((await call("POST", "/subgraphs/health/versions/4/approve", admin)).status).toBe(409);
    expect((await supergraph()).sdl).toContain('category: "health", mask: "free-text"');
  }, 60_000);

  it("answers the CLI: a refused publish with its report, history with publisher and approver, a refused rollback", async () => {
    const dir = mkdtempSync(join(tmpdir(), "og-registry-"));
    const file = join(dir, "health.graphql");
    writeFileSync(
      file,
      HEALTH_SDL.replace(/ {2}"True when a resident can book it now[^\n]*\n {2}bookable: Boolean!\n/, ""),
    );
    const lines: string[] = [];
    const env = { REGISTRY_URL: registry.url, REGISTRY_TOKEN: healthOfficer };
    expect(await runCli(["publish", "health", file], env, (line) => lines.push(line))).toBe(1);
    expect(lines.join("\n")).toContain("SCHEMA_CHECK_FAILED");
    expect(lines.join("\n")).toMatch(/BREAKING\s+Field 'bookable' was removed .*\(used by app-portal\)/);
    lines.length = 0;
    expect(await runCli(["history", "health"], env, (line) => lines.push(line))).toBe(0);
    expect(lines[0]).toBe("health (owner dept-health)");
    expect(lines.find((l) => l.startsWith("v3"))).toContain("approved by person-admin-security");
    lines.length = 0;
    expect(
      await runCli(["rollback", "health", "2"], { ...env, REGISTRY_TOKEN: educationOfficer }, (l) => lines.push(l)),
    ).toBe(1);
    expect(lines[0]).toContain("403 FORBIDDEN");
  }, 60_000);

  it("delivers a published version to a gateway that loads its supergraph from the registry", async () => {
    const gateway = await startTestGateway({
      SUPERGRAPH_SOURCE: "registry",
      REGISTRY_URL: registry.url,
      REGISTRY_POLL_MS: "100",
      IDENTITY_URL: issuer.url,
      // No owners file: the owners come from the registry only.
      SUBGRAPH_OWNERS_PATH: "/nonexistent/supergraph.owners.json",
    });
    const ask = async () => {
      const response = await fetch(gateway.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ healthNotice }" }),
      });
      return ((await response.json()) as { errors?: Array<{ extensions: { code: string } }> }).errors?.[0]?.extensions
        .code;
    };
    try {
      expect(gateway.supergraphLoads()).toBe(1);
      expect(await ask()).toBe("GRAPHQL_VALIDATION_FAILED");
      const withNotice = HEALTH_SDL.replace(
        "type Query {\n",
        'type Query {\n  "A notice."\n  healthNotice: String @public\n',
      );
      const published = await call("POST", "/subgraphs/health/publish", healthOfficer, { sdl: withNotice });
      expect(published.status).toBe(201);
      expect(published.body.report.changes).toContainEqual(
        expect.objectContaining({ level: "SAFE", type: "FIELD_ADDED", coordinate: "Query.healthNotice" }),
      );
      for (let i = 0; i < 200 && gateway.supergraphLoads() < 2; i += 1) await new Promise((r) => setTimeout(r, 50));
      expect(gateway.supergraphLoads()).toBe(2);
      // Known now; the health service itself is not running in this test.
      expect(await ask()).not.toBe("GRAPHQL_VALIDATION_FAILED");
      // The fetch to health is metered against the department the registry names as its owner.
      const metrics = await (await fetch(gateway.url.replace(/\/graphql$/, "/metrics"))).text();
      expect(metrics).toMatch(/^og_gateway_usage_subgraph_fetches_total\{app="none",department="dept-health"\} [1-9]/m);
    } finally {
      await gateway.stop();
    }
  }, 60_000);

  it("learns from the gateway which app uses a field, and then refuses removing it naming that app", async () => {
    const gateway = await startTestGateway({
      REGISTRY_URL: registry.url,
      FIELD_USAGE_FLUSH_MS: "100",
      IDENTITY_URL: issuer.url,
    });
    const app = token({ sub: "app-parking-integrator", kind: "app", roles: ["app"], dept: "dept-transport" });
    try {
      await fetch(gateway.url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${app}` },
        body: JSON.stringify({ query: "{ doctors(first: 1) { totalCount } }" }),
      });
      const since = new Date(Date.now() - 3_600_000);
      let used: string[] = [];
      for (let i = 0; i < 200 && used.length === 0; i += 1) {
        await new Promise((r) => setTimeout(r, 50));
        used = (await registry.store.usage(["Query.doctors"], since)).get("Query.doctors") ?? [];
      }
      expect(used).toEqual(["app-parking-integrator"]);
      expect(
        (await registry.store.usage(["DoctorConnection.totalCount"], since)).get("DoctorConnection.totalCount"),
      ).toEqual(["app-parking-integrator"]);
      const withoutDoctors = HEALTH_SDL.replace(/ {2}"Doctors \(医生\)[^\n]*\n {2}doctors\([^\n]*\n/, "");
      expect(withoutDoctors).not.toBe(HEALTH_SDL);
      const checked = await call("POST", "/subgraphs/health/check", healthOfficer, { sdl: withoutDoctors });
      expect(checked.status).toBe(200);
      expect(checked.body.report.ok).toBe(false);
      expect(checked.body.report.problems.join(" ")).toContain("Query.doctors, used by app-parking-integrator");
    } finally {
      await gateway.stop();
    }
  }, 60_000);
});
