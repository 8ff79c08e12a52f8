/**
 * Trusted operations through the registry (docs/registry.md, "Trusted operations"), with the real identity service
 * keeping them: a document is checked against the registry's current supergraph and refused with a coded 400 naming
 * each problem; an officer of another department is refused by identity (403); a registered operation is what the
 * gateway polls; a publish that would break it is refused naming the app; the CLI registers `.graphql` files the
 * same way (the start-up folder hook: test/gateway/appLifecycle.test.ts).
 */
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { documentHash } from "../../lib/contracts/trustedDocuments.ts";
import { runCli } from "../../registry/cli.ts";
import { createHttpTrustedOperationStore } from "../../registry/trustedOperations.ts";
import { createIdentitySubgraph } from "../../subgraphs/identity/index.ts";
import type { IdentityPrisma } from "../../subgraphs/identity/loaders.ts";
import type { SubgraphService } from "../../subgraphs/kit/service.ts";
import { testEnvelopeKeys } from "../support/envelope.ts";
import { startTestRegistry, type TestRegistry } from "../support/registry.ts";
import { TEST_SEED_DATE } from "../support/seedDate.ts";
import { startTestSubgraph } from "../support/subgraphs.ts";

const SLOTS = "query PortalSlots { appointmentSlots(first: 5) { nodes { id remaining } } }";
const HEALTH_SDL = readFileSync(new URL("../../subgraphs/health/schema.graphql", import.meta.url), "utf8");

let identity: SubgraphService<IdentityPrisma>;
let testRegistry: TestRegistry;
let dir: string;
/** Officers of the portal app's department (dept-data) and of another one; a resident. */
let dataOfficer: string;
let educationOfficer: string;
let resident: string;

const register = (bearer: string, documents: string[], appId = "app-portal") =>
  testRegistry.call("POST", `/apps/${appId}/operations`, bearer, { documents });
const refusal = (answer: { status: number; body: any }) => [answer.status, answer.body?.errors?.[0]?.extensions?.code];

beforeAll(async () => {
  identity = await startTestSubgraph(createIdentitySubgraph(), { seedDate: TEST_SEED_DATE, snapshot: true });
  testRegistry = await startTestRegistry({
    operations: createHttpTrustedOperationStore({
      identityUrl: identity.url.replace(/\/graphql$/, ""),
      privateKey: testEnvelopeKeys.privateKey,
    }),
  });
  dataOfficer = testRegistry.token({ sub: "person-officer-data", dept: "dept-data" });
  educationOfficer = testRegistry.token({ sub: "person-officer-education", dept: "dept-education" });
  resident = testRegistry.token({ sub: "person-resident-1", kind: "resident", roles: ["resident"], dept: null });
  dir = await mkdtemp(join(tmpdir(), "og-operations-"));
}, 240_000);

afterAll(async () => {
  await testRegistry?.stop();
  await identity?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("registering trusted operations through the registry", () => {
  it("refuses documents that do not parse, are anonymous, repeat a name or do not validate, naming each (400)", async () => {
    const answer = await register(dataOfficer, [
      SLOTS,
      "query Bad { appointmentSlots(first: 1) { nodes { nope } } }",
      "query { me { id } }",
      "query Twice { me { id } } query Twice { me { kind } }",
      "query Broken { me {",
      "query PortalSlots { me { id } }",
    ]);
    expect(refusal(answer)).toEqual([400, "TRUSTED_DOCUMENT_INVALID"]);
    const problems = answer.body.errors[0].extensions.problems as Array<{ index: number; message: string }>;
    expect(problems.map((p) => p.index)).toEqual([1, 2, 3, 4, 5]);
    expect(problems[0]?.message).toContain('Cannot query field "nope" on type "AppointmentSlot"');
    expect(problems[1]?.message).toContain("anonymous");
    expect(problems[2]?.message).toContain('There can be only one operation named "Twice"');
    expect(problems[3]?.message).toContain("Syntax");
    expect(problems[4]?.message).toContain("Operation name PortalSlots is also used by document 0");
    expect(await identity.prisma.trustedDocument.count({ where: { appId: "app-portal" } })).toBe(0);
  });

  it("refuses a person who may not manage the app: another department's officer (identity), a resident (registry)", async () => {
    const other = await register(educationOfficer, [SLOTS]);
    expect(refusal(other)).toEqual([403, "FORBIDDEN"]);
    expect(other.body.errors[0].message).toContain("dept-data");
    expect(refusal(await register(resident, [SLOTS]))).toEqual([403, "FORBIDDEN"]);
    expect(refusal(await register(dataOfficer, [SLOTS], "app-nobody"))).toEqual([404, "NOT_FOUND_ENTITY"]);
    expect((await register("", [SLOTS])).status).toBe(401);
    expect(await identity.prisma.trustedDocument.count({ where: { appId: "app-portal" } })).toBe(0);
  });

  it("registers a valid operation for an officer of the app's department, stored at identity by its hash", async () => {
    const answer = await register(dataOfficer, [SLOTS]);
    expect(answer.status).toBe(201);
    expect(answer.body.registered).toEqual([{ hash: documentHash(SLOTS), operationName: "PortalSlots" }]);
    const stored = await identity.prisma.trustedDocument.findMany({ where: { appId: "app-portal" } });
    expect(stored.map((d) => [d.hash, d.document, d.registeredById])).toEqual([
      [documentHash(SLOTS), SLOTS, "person-officer-data"],
    ]);
    // Registering it again changes nothing.
    expect((await register(dataOfficer, [SLOTS])).status).toBe(201);
    expect(await identity.prisma.trustedDocument.count({ where: { appId: "app-portal" } })).toBe(1);
  });

  it("refuses a publish that removes a field a registered operation uses, naming the app", async () => {
    const healthOfficer = testRegistry.token({ sub: "person-officer-health" });
    const withoutRemaining = HEALTH_SDL.replace(/ {2}"Places left[^\n]*\n {2}remaining: Int!\n/, "");
    expect(withoutRemaining).not.toBe(HEALTH_SDL);
    const check = await testRegistry.call("POST", "/subgraphs/health/check", healthOfficer, { sdl: withoutRemaining });
    expect(check.body.report.ok).toBe(false);
    const published = await testRegistry.call("POST", "/subgraphs/health/publish", healthOfficer, {
      sdl: withoutRemaining,
    });
    expect(refusal(published)).toEqual([422, "SCHEMA_CHECK_FAILED"]);
    expect(published.body.errors[0].message).toContain(
      "Registered operation PortalSlots of app app-portal would break",
    );
    expect(published.body.errors[0].extensions.report.brokenOperations).toEqual([
      expect.objectContaining({ appId: "app-portal", operationName: "PortalSlots", hash: documentHash(SLOTS) }),
    ]);
    // A field no registered operation uses may go (breaking and unused: it waits for approval).
    const withoutBookable = HEALTH_SDL.replace(
      / {2}"True when a resident can book it now[^\n]*\n {2}bookable: Boolean!\n/,
      "",
    );
    const unused = await testRegistry.call("POST", "/subgraphs/health/check", healthOfficer, { sdl: withoutBookable });
    expect([unused.body.report.ok, unused.body.report.brokenOperations]).toEqual([true, []]);
  }, 60_000);

  it("registers a folder's .graphql files from the command line, printing each hash", async () => {
    const folder = join(dir, "cli");
    await mkdir(folder);
    const ME = "query PortalMe { me { id displayName } }";
    await writeFile(join(folder, "me.graphql"), ME);
    await writeFile(join(folder, "notes.txt"), "not an operation");
    const lines: string[] = [];
    const env = { REGISTRY_URL: testRegistry.url, REGISTRY_TOKEN: dataOfficer };
    expect(await runCli(["operations", "register", "app-portal", folder], env, (l) => lines.push(l))).toBe(0);
    expect(lines[0]).toBe(`${documentHash(ME)}  PortalMe  ${join(folder, "me.graphql")}`);
    await writeFile(join(folder, "bad.graphql"), "query Bad { me { nope } }");
    lines.length = 0;
    expect(await runCli(["operations", "register", "app-portal", folder], env, (l) => lines.push(l))).toBe(1);
    expect(lines.join("\n")).toContain("400 TRUSTED_DOCUMENT_INVALID");
    expect(lines.join("\n")).toContain(`${join(folder, "bad.graphql")}: Cannot query field "nope"`);
  });
});
