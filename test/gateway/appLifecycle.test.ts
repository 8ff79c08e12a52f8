/**
 * Integrator applications from request to retirement (接入管理, issue 13), end to end in one process: the real
 * identity service (PGlite) and the real gateway over a supergraph composed from identity. A department's officer
 * requests an app, a security admin approves it, its token works at the gateway; disabling or expiry makes the
 * gateway refuse the tokens it already holds within one revocation poll; a rotated secret overlaps its successor for
 * the window given (identity's clock is injected: no sleeps); an app in trusted-documents mode runs only its
 * registered operations, by hash or by full text; operations are registered through the schema registry, which refuses
 * an invalid document and passes on identity's refusal of a non-owner.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GatewayServer } from "../../gateway/server.ts";
import { documentHash } from "../../lib/contracts/trustedDocuments.ts";
import { registerOperationFoldersAtStart } from "../../registry/operationFiles.ts";
import { composeSupergraph } from "../../scripts/composeSupergraph.ts";
import { createIdentitySubgraph } from "../../subgraphs/identity/index.ts";
import type { IdentityPrisma } from "../../subgraphs/identity/loaders.ts";
import { developmentCredentials } from "../../subgraphs/identity/productionSafety.ts";
import type { SubgraphService } from "../../subgraphs/kit/service.ts";
import { testEnvelopeKeys } from "../support/envelope.ts";
import { startTestGateway } from "../support/gateway.ts";
import { startTestRegistry, type TestRegistry } from "../support/registry.ts";
import { startTestSubgraph } from "../support/subgraphs.ts";

/** How far identity's clock runs ahead of the wall clock: moved, never slept through. */
let identityAheadMs = 0;
/** When set, identity's clock stands still at this epoch ms (the rotation test places it to the second). */
let identityFrozenAt: number | null = null;
const POLL_MS = 100;

describe("integrator app lifecycle and trusted documents", () => {
  let dir: string;
  let identity: SubgraphService<IdentityPrisma>;
  let gateway: GatewayServer;
  let testRegistry: TestRegistry;
  let base: string;
  let admin: string;
  let officer: string;
  let auditor: string;
  let otherOfficer: string;

  async function token(params: Record<string, string>) {
    const response = await fetch(`${base}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(params).toString(),
    });
    return { status: response.status, body: (await response.json()) as any };
  }
  const login = async (username: string, password: string) =>
    (await token({ grant_type: "password", username, password })).body.access_token as string;
  const appToken = (clientId: string, secret: string) =>
    token({ grant_type: "client_credentials", client_id: clientId, client_secret: secret });

  /** POSTs to the gateway; `body` is the whole GraphQL request. */
  async function post(bearer: string | null, body: Record<string, unknown>) {
    const response = await fetch(gateway.url, {
      method: "POST",
      headers: { "content-type": "application/json", ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  }
  const gql = (bearer: string, query: string, variables: Record<string, unknown> = {}) =>
    post(bearer, { query, variables });
  const codes = (answer: { body: any }) => (answer.body.errors ?? []).map((e: any) => e.extensions?.code);

  /** Repeats `probe` until it holds (the gateway's polls run every 100 ms); returns how long it took. */
  async function within(ms: number, probe: () => Promise<boolean>): Promise<number> {
    const started = Date.now();
    while (!(await probe())) {
      if (Date.now() - started > ms) throw new Error(`not within ${ms} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return Date.now() - started;
  }

  const REQUEST = `mutation ($input: RequestIntegratorAppInput!) {
    requestIntegratorApp(input: $input) { id clientId clientSecret status }
  }`;
  const APPROVE = `mutation ($id: ID!, $scopes: [String!]) {
    approveIntegratorApp(id: $id, scopes: $scopes, reason: "Reviewed with the health desk") { id status allowedScopes }
  }`;
  const ME = "query Me { me { id kind displayName } }";

  /** An officer of dept-health requests, the admin approves: the app's id and secret. */
  async function approvedApp(key: string, extra: Record<string, unknown> = {}) {
    const requested = await gql(officer, REQUEST, {
      input: { key, name: `测试应用 ${key}`, departmentId: "dept-health", requestedScopes: ["graph:read"], ...extra },
    });
    expect(requested.body.errors).toBeUndefined();
    const { id, clientSecret } = requested.body.data.requestIntegratorApp;
    const approved = await gql(admin, APPROVE, { id });
    expect(approved.body.data.approveIntegratorApp.status).toBe("ACTIVE");
    return { id: id as string, secret: clientSecret as string };
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "og-apps-"));
    const supergraphPath = join(dir, "supergraph.graphql");
    const module = createIdentitySubgraph({
      now: () => new Date(identityFrozenAt ?? Date.now() + identityAheadMs),
      supergraphPath,
      hashingBudget: { burst: 1000, perSecond: 1000 },
    });
    identity = await startTestSubgraph(module, { snapshot: true });
    base = identity.url.replace(/\/graphql$/, "");
    const composed = composeSupergraph([{ name: "identity", url: identity.url, typeDefs: module.typeDefs }]);
    if (!composed.ok) throw new Error(composed.errors.join("\n"));
    await writeFile(supergraphPath, composed.supergraphSdl);
    // The registry verifies identity's tokens and registers trusted operations at identity, signed with the envelope
    // key identity trusts (as IDENTITY_URL and ENVELOPE_PRIVATE_KEY configure it in production).
    testRegistry = await startTestRegistry({
      config: { IDENTITY_URL: base, ENVELOPE_PRIVATE_KEY: testEnvelopeKeys.privateKey },
    });
    gateway = await startTestGateway({
      SUPERGRAPH_PATH: supergraphPath,
      IDENTITY_URL: base,
      REVOCATION_POLL_MS: String(POLL_MS),
      POLICY_POLL_MS: String(POLL_MS),
    });
    [admin, officer, auditor, otherOfficer] = await Promise.all([
      login("admin.security", "Admin#2026"),
      login("officer.health", "Officer#2026"),
      login("auditor.chen", "Auditor#2026"),
      login("officer.education", "Officer#2026"),
    ]);
  });

  afterAll(async () => {
    await testRegistry?.stop();
    await gateway?.stop();
    await identity?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("a requested app gets no token until an admin approves it; then its token works at the gateway", async () => {
    const requested = await gql(officer, REQUEST, {
      input: { key: "health-kiosk", name: "医院自助机", departmentId: "dept-health", requestedScopes: ["graph:read"] },
    });
    expect(requested.body.errors).toBeUndefined();
    const { id, clientId, clientSecret, status } = requested.body.data.requestIntegratorApp;
    expect([id, clientId, status]).toEqual(["app-health-kiosk", "app-health-kiosk", "PENDING"]);

    const pending = await appToken(clientId, clientSecret);
    expect([pending.status, pending.body.error]).toEqual([401, "invalid_client"]);

    // Approval by someone who is not a security admin is refused, coded; so is approving twice.
    const byOfficer = await gql(officer, APPROVE, { id });
    expect(byOfficer.body.data?.approveIntegratorApp ?? null).toBeNull();
    expect(codes(byOfficer)).toEqual(["FIELD_NOT_AUTHORIZED"]);
    const approved = await gql(admin, APPROVE, { id });
    expect(approved.body.data.approveIntegratorApp).toEqual({ id, status: "ACTIVE", allowedScopes: ["graph:read"] });
    const again = await gql(admin, APPROVE, { id });
    expect(codes(again)).toEqual(["INVALID_STATE_TRANSITION"]);
    expect(again.body.errors[0].message).toContain("is ACTIVE");

    const issued = await appToken(clientId, clientSecret);
    expect(issued.status).toBe(200);
    expect(issued.body.scope).toBe("graph:read");
    const me = await gql(issued.body.access_token, ME);
    expect(me.body.data.me).toEqual({ id, kind: "APP", displayName: "医院自助机" });

    // Who did what, and when: the history.
    const history = await gql(
      admin,
      `query ($id: ID!) { integratorApp(id: $id) { history { kind actorId reason } } }`,
      {
        id,
      },
    );
    expect(history.body.data.integratorApp.history).toEqual([
      { kind: "REQUESTED", actorId: "person-000003", reason: null },
      { kind: "APPROVED", actorId: "person-000006", reason: "Reviewed with the health desk" },
    ]);
  });

  it("refuses requests beyond the department's scopes or for another department, and non-officers, with codes", async () => {
    const beyond = await gql(officer, REQUEST, {
      input: { key: "health-greedy", name: "x", departmentId: "dept-health", requestedScopes: ["parking:write"] },
    });
    expect(codes(beyond)).toEqual(["BAD_USER_INPUT"]);
    expect(beyond.body.errors[0].message).toContain('Scope "parking:write" cannot be granted by dept-health');
    const elsewhere = await gql(officer, REQUEST, {
      input: { key: "parking-by-health", name: "x", departmentId: "dept-transport", requestedScopes: ["graph:read"] },
    });
    expect(codes(elsewhere)).toEqual(["FORBIDDEN"]);
    const byAuditor = await gql(auditor, REQUEST, {
      input: { key: "audit-app", name: "x", departmentId: "dept-data", requestedScopes: ["graph:read"] },
    });
    expect(codes(byAuditor)).toEqual(["FORBIDDEN"]);
    const rejected = await gql(officer, REQUEST, {
      input: { key: "health-rejected", name: "x", departmentId: "dept-health", requestedScopes: ["graph:read"] },
    });
    const id = rejected.body.data.requestIntegratorApp.id;
    const reject = await gql(
      admin,
      `mutation ($id: ID!) { rejectIntegratorApp(id: $id, reason: "Not needed") { status } }`,
      {
        id,
      },
    );
    expect(reject.body.data.rejectIntegratorApp.status).toBe("REJECTED");
    const disableRejected = await gql(
      admin,
      `mutation ($id: ID!) { disableIntegratorApp(id: $id, reason: "Tidy up") { status } }`,
      { id },
    );
    expect(codes(disableRejected)).toEqual(["INVALID_STATE_TRANSITION"]);
  });

  it("refuses a disabled app's token already issued within one revocation poll, and gives it no new one", async () => {
    const app = await approvedApp("health-disabled");
    const issued = await appToken(app.id, app.secret);
    const bearer = issued.body.access_token as string;
    expect((await gql(bearer, ME)).status).toBe(200);

    const disabled = await gql(
      admin,
      `mutation ($id: ID!) { disableIntegratorApp(id: $id, reason: "Contract ended") { status disabledAt } }`,
      { id: app.id },
    );
    expect(disabled.body.data.disableIntegratorApp.status).toBe("DISABLED");
    const ms = await within(5 * POLL_MS + 2000, async () => (await gql(bearer, ME)).status === 401);
    console.info(`disabled app's token refused ${ms} ms after disableIntegratorApp (poll every ${POLL_MS} ms)`);
    const refused = await gql(bearer, ME);
    expect([refused.status, codes(refused)]).toEqual([401, ["INVALID_TOKEN"]]);
    expect((await appToken(app.id, app.secret)).status).toBe(401);

    // Enabled again: new tokens work; the one from before the disabling stays refused.
    await gql(admin, `mutation ($id: ID!) { enableIntegratorApp(id: $id, reason: "Renewed") { status } }`, {
      id: app.id,
    });
    // A token issued in a later second than the disabling. (Identity's clock only moves forward: the hashing budget
    // refills by it; and it stays within the gateway's 30 s tolerance until the last two tests.)
    identityAheadMs += 1000;
    const fresh = await appToken(app.id, app.secret);
    expect(fresh.status).toBe(200);
    await within(5 * POLL_MS + 2000, async () => (await gql(fresh.body.access_token, ME)).status === 200);
    expect((await gql(bearer, ME)).status).toBe(401);
  });

  it("runs only registered operations for a trusted-documents app: by hash or full text; others get 403", async () => {
    const app = await approvedApp("health-trusted");
    const trust = await gql(
      admin,
      `mutation ($id: ID!) { setIntegratorAppTrustedDocuments(id: $id, only: true, reason: "Public kiosk") { trustedDocumentsOnly } }`,
      { id: app.id },
    );
    expect(trust.body.data.setIntegratorAppTrustedDocuments.trustedDocumentsOnly).toBe(true);
    // Registration goes through the schema registry: checked against its current supergraph, stored at identity.
    const register = (bearer: string, documents: string[]) =>
      testRegistry.call("POST", `/apps/${app.id}/operations`, bearer, { documents });
    const invalid = await register(officer, [ME, "query Bad { me { nope } }", "query { me {"]);
    expect([invalid.status, invalid.body.errors[0].extensions.code]).toEqual([400, "TRUSTED_DOCUMENT_INVALID"]);
    const problems = invalid.body.errors[0].extensions.problems;
    expect(problems.map((p: any) => p.index)).toEqual([1, 2]);
    expect(problems[0].message).toContain('Cannot query field "nope"');
    expect(problems[1].message).toContain("Syntax");
    // An officer of another department may not register for this app (identity decides, the registry passes it on).
    const notOwner = await register(otherOfficer, [ME]);
    expect([notOwner.status, notOwner.body.errors[0].extensions.code]).toEqual([403, "FORBIDDEN"]);
    expect(await identity.prisma.trustedDocument.count({ where: { appId: app.id } })).toBe(0);

    const registered = await register(officer, [ME]);
    expect([registered.status, registered.body.registered]).toEqual([
      201,
      [{ hash: documentHash(ME), operationName: "Me" }],
    ]);

    const bearer = (await appToken(app.id, app.secret)).body.access_token as string;
    await within(5 * POLL_MS + 2000, async () => (await gql(bearer, ME)).status === 200);
    const byText = await gql(bearer, ME);
    expect(byText.body.data.me.id).toBe(app.id);
    const byHash = await post(bearer, { extensions: { persistedQuery: { version: 1, sha256Hash: documentHash(ME) } } });
    expect([byHash.status, byHash.body.data?.me?.id]).toEqual([200, app.id]);
    const both = await post(bearer, {
      query: ME,
      extensions: { persistedQuery: { version: 1, sha256Hash: documentHash(ME) } },
    });
    expect(both.status).toBe(200);

    const other = await gql(bearer, "query { me { id } }");
    expect([other.status, codes(other)]).toEqual([403, ["OPERATION_NOT_TRUSTED"]]);
    const unknownHash = await post(bearer, {
      extensions: { persistedQuery: { version: 1, sha256Hash: documentHash("query { me { id } }") } },
    });
    expect([unknownHash.status, codes(unknownHash)]).toEqual([403, ["OPERATION_NOT_TRUSTED"]]);
    const mismatched = await post(bearer, {
      query: "query { me { id } }",
      extensions: { persistedQuery: { version: 1, sha256Hash: documentHash(ME) } },
    });
    expect([mismatched.status, codes(mismatched)]).toEqual([403, ["OPERATION_NOT_TRUSTED"]]);

    // An app not in trusted-documents mode runs any valid operation, as before.
    const plain = await approvedApp("health-plain");
    const plainBearer = (await appToken(plain.id, plain.secret)).body.access_token as string;
    expect((await gql(plainBearer, "query { me { id } }")).body.data.me.id).toBe(plain.id);
  });
  it("registers an app's operation folder at start-up: the seeded admin's token in development, REGISTRY_TOKEN in production", async () => {
    const app = await approvedApp("health-folder");
    await mkdir(join(dir, "operations"));
    const FIRST = "query FolderMe { me { id } }";
    await writeFile(join(dir, "operations", "me.graphql"), FIRST);
    // identity answers /oauth/token itself here, as the gateway's proxy does at npm start; a missing folder is skipped
    const atStart = (env: Record<string, string>) =>
      registerOperationFoldersAtStart({
        root: dir,
        registryUrl: testRegistry.url,
        gatewayUrl: base,
        env: { TRUSTED_OPERATION_FOLDERS: `${app.id}=operations,app-portal=missing`, ...env },
      });
    expect(await atStart({})).toEqual([`registered 1 operation(s) from operations for ${app.id}`]);
    // In production no published password is used: only REGISTRY_TOKEN.
    await writeFile(join(dir, "operations", "kind.graphql"), "query FolderKind { me { kind } }");
    expect(await atStart({ NODE_ENV: "production" })).toEqual([
      `operations in operations not registered for ${app.id}: set REGISTRY_TOKEN`,
    ]);
    expect(await atStart({ NODE_ENV: "production", REGISTRY_TOKEN: officer })).toEqual([
      `registered 2 operation(s) from operations for ${app.id}`,
    ]);
    const stored = await identity.prisma.trustedDocument.findMany({ where: { appId: app.id } });
    expect(new Map(stored.map((d) => [d.operationName, d.registeredById]))).toEqual(
      new Map([
        ["FolderMe", "person-000006"],
        ["FolderKind", "person-000003"],
      ]),
    );
  });

  it("refuses an expired app at the token endpoint and its earlier tokens at the gateway", async () => {
    const expiresAt = new Date(Date.now() + identityAheadMs + 60_000).toISOString();
    const app = await approvedApp("health-expiring", { expiresAt });
    const issued = await appToken(app.id, app.secret);
    expect(issued.status).toBe(200);
    const bearer = issued.body.access_token as string;
    expect((await gql(bearer, ME)).status).toBe(200);

    // From here on identity's clock runs past the gateway's tolerance: only the token endpoint is asked after this.
    identityAheadMs += 61_000;
    expect((await appToken(app.id, app.secret)).status).toBe(401);
    await within(5 * POLL_MS + 2000, async () => (await gql(bearer, ME)).status === 401);
  });

  it("keeps the old secret working until the rotation's overlap ends, on identity's clock", async () => {
    const app = await approvedApp("health-rotating");
    const rotatedAt = Date.now() + identityAheadMs;
    identityFrozenAt = rotatedAt;
    const rotated = await gql(
      officer,
      `mutation ($id: ID!) { rotateAppSecret(id: $id, overlapSeconds: 600) { clientSecret previousSecretValidUntil } }`,
      { id: app.id },
    );
    expect(rotated.body.errors).toBeUndefined();
    expect(rotated.body.data.rotateAppSecret.previousSecretValidUntil).toBe(
      new Date(rotatedAt + 600_000).toISOString(),
    );
    const newSecret = rotated.body.data.rotateAppSecret.clientSecret as string;
    expect(newSecret).not.toBe(app.secret);
    try {
      expect((await appToken(app.id, app.secret)).status).toBe(200);
      expect((await appToken(app.id, newSecret)).status).toBe(200);
      identityFrozenAt = rotatedAt + 599_999;
      expect((await appToken(app.id, app.secret)).status).toBe(200);
      identityFrozenAt = rotatedAt + 600_000;
      const old = await appToken(app.id, app.secret);
      expect([old.status, old.body.error]).toEqual([401, "invalid_client"]);
      expect((await appToken(app.id, newSecret)).status).toBe(200);
    } finally {
      // Identity's clock moves only forward (the hashing budget refills by it): it carries on from here.
      identityAheadMs = (identityFrozenAt ?? rotatedAt) - Date.now();
      identityFrozenAt = null;
    }
    // Only the app's department (or an admin) rotates it.
    const byOther = await gql(otherOfficer, `mutation ($id: ID!) { rotateAppSecret(id: $id) { clientSecret } }`, {
      id: app.id,
    });
    expect(codes(byOther)).toEqual(["FORBIDDEN"]);
  });

  it("counts a published secret rotated away from as published while its overlap lasts (production start refuses it)", async () => {
    const published = async () =>
      (await developmentCredentials(identity.prisma, new Date(Date.now() + identityAheadMs))).apps.map((a) => a.id);
    expect(await published()).toContain("app-portal");
    const ROTATE = `mutation ($overlap: Int) { rotateAppSecret(id: "app-portal", overlapSeconds: $overlap) { clientId } }`;
    await gql(admin, ROTATE, { overlap: 3600 });
    expect(await published()).toContain("app-portal");
    expect((await appToken("app-portal", "portal-dev-secret")).status).toBe(200);
    // A second rotation without overlap ends the published secret at once.
    await gql(admin, ROTATE, { overlap: 0 });
    expect(await published()).not.toContain("app-portal");
    expect((await appToken("app-portal", "portal-dev-secret")).status).toBe(401);
  });
});
