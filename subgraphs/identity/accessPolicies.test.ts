/**
 * Access policies as data in the identity service (授权管理): the store's versions and history, the route the gateway
 * polls, races between admins, rule validation and the simulation's matrix. The gateway side is in
 * test/gateway/authorization.test.ts and test/graph/authorization.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { policySetSchema, UNREADABLE_RULE } from "../../lib/contracts/policySet.ts";
import { ANONYMOUS, type Principal } from "../../lib/principal.ts";
import { SYSTEM_SCOPES } from "../../lib/wire.ts";
import { gatewayCaller, signedGet } from "../../test/support/envelope.ts";
import { graphql, startTestSubgraph } from "../../test/support/subgraphs.ts";
import type { SubgraphService } from "../kit/service.ts";
import { SEEDED_POLICIES } from "./access/seedPolicies.ts";
import { createIdentitySubgraph } from "./index.ts";
import type { IdentityPrisma } from "./loaders.ts";

const admin: Principal = {
  ...ANONYMOUS,
  kind: "security_admin",
  id: "person-000006",
  roles: ["security_admin"],
  scopes: ["graph:read", "identity:read", "identity:admin", "audit:read"],
};
const auditor: Principal = { ...admin, kind: "auditor", id: "person-000007", roles: ["auditor"] };

let service: SubgraphService<IdentityPrisma>;
let base: string;

beforeAll(async () => {
  // A fresh module (its own in-memory state) with the default options: the registered module's data, so it may start
  // from that seeded snapshot (test/support/pgliteSnapshots.ts).
  service = await startTestSubgraph(createIdentitySubgraph(), { snapshot: true });
  base = service.url.replace(/\/graphql$/, "");
});
afterAll(async () => {
  await service?.stop();
});

const gql = async (document: string, variables?: Record<string, unknown>, principal: Principal = admin) =>
  (await graphql(service.url, document, variables, {}, { principal })).body;

const DRAFT = `mutation D($input: DraftAccessPolicyInput!) { draftAccessPolicy(input: $input) { policyName version status } }`;
const draftOf = (name: string, reason = "a test change") => ({
  input: { name, description: "test policy", reason, grants: [{ kinds: ["OFFICER"], departments: ["dept-sports"] }] },
});

/** The gateway's policy poller: a GET signed for exactly this URL, scope identity:policies:read. */
const poll = (url: string) =>
  fetch(url, { headers: signedGet("identity", url, { principal: gatewayCaller(SYSTEM_SCOPES.policiesRead) }) });

describe("the policies the gateway polls", () => {
  it("are served only to the gateway, with every seeded policy active at version 1", async () => {
    const unsigned = await fetch(`${base}/access/policies`);
    expect(unsigned.status).toBe(401);
    expect(JSON.stringify(await unsigned.json())).not.toContain("health-records");

    const signed = await poll(`${base}/access/policies`);
    expect(signed.status).toBe(200);
    // What the gateway reads: the contract both ends import, every rule readable.
    const body = policySetSchema.parse(await signed.json());
    expect(body.policies.filter((p) => p.rule === UNREADABLE_RULE)).toEqual([]);
    expect(body.revision).toBeGreaterThan(0);
    expect(body.policies.map((p) => p.name).sort()).toEqual(SEEDED_POLICIES.map((p) => p.name).sort());
    expect(body.policies.every((p) => p.version === 1)).toBe(true);

    const unchanged = await poll(`${base}/access/policies?since=${body.revision}`);
    expect(unchanged.status).toBe(304);
    const older = await poll(`${base}/access/policies?since=${body.revision - 1}`);
    expect(older.status).toBe(200);
  });

  it("changes only when a version is enabled or disabled, and keeps every version and change", async () => {
    const revision = async () =>
      (await (await poll(`${base}/access/policies`)).json()) as {
        revision: number;
        policies: Array<{ name: string; version: number }>;
      };
    const before = await revision();
    const draft = await gql(DRAFT, draftOf("sports-pilot"));
    expect(draft.data.draftAccessPolicy).toEqual({ policyName: "sports-pilot", version: 1, status: "DRAFT" });
    expect((await revision()).policies.some((p) => p.name === "sports-pilot")).toBe(false);

    await gql(`mutation { enableAccessPolicyVersion(name: "sports-pilot", version: 1, reason: "go live") { name } }`);
    const enabled = await revision();
    expect(enabled.revision).toBeGreaterThan(before.revision);
    expect(enabled.policies.find((p) => p.name === "sports-pilot")?.version).toBe(1);

    const disabled = await gql(
      `mutation { disableAccessPolicy(name: "sports-pilot", reason: "pilot over") { activeVersion } }`,
    );
    expect(disabled.data.disableAccessPolicy.activeVersion).toBeNull();
    expect((await revision()).policies.some((p) => p.name === "sports-pilot")).toBe(false);

    const again = await gql(`mutation { disableAccessPolicy(name: "sports-pilot", reason: "twice") { name } }`);
    expect(again.errors?.[0]?.extensions.code).toBe("INVALID_STATE_TRANSITION");

    const history = await gql(
      `{ accessPolicyChanges(policy: "sports-pilot") { totalCount nodes { kind version authorId reason } } }`,
      {},
      auditor,
    );
    expect(history.data.accessPolicyChanges.nodes).toEqual([
      { kind: "DRAFTED", version: 1, authorId: "person-000006", reason: "a test change" },
      { kind: "ENABLED", version: 1, authorId: "person-000006", reason: "go live" },
      { kind: "DISABLED", version: 1, authorId: "person-000006", reason: "pilot over" },
    ]);
    const policy = await gql(
      `{ accessPolicy(name: "sports-pilot") { activeVersion versions { version status grants { kinds departments } } } }`,
    );
    expect(policy.data.accessPolicy).toEqual({
      activeVersion: null,
      versions: [{ version: 1, status: "RETIRED", grants: [{ kinds: ["OFFICER"], departments: ["dept-sports"] }] }],
    });
  });

  it("leaves exactly one version active when two admins enable different versions at once", async () => {
    await gql(DRAFT, draftOf("race-policy"));
    await gql(DRAFT, draftOf("race-policy"));
    const enable = (version: number) =>
      gql(
        `mutation { enableAccessPolicyVersion(name: "race-policy", version: ${version}, reason: "race") { activeVersion } }`,
      );
    const results = await Promise.all([enable(1), enable(2), enable(1), enable(2)]);
    expect(results.some((r) => r.data?.enableAccessPolicyVersion)).toBe(true);
    const active = await service.prisma.accessPolicyVersion.findMany({
      where: { policyName: "race-policy", status: "ACTIVE" },
    });
    expect(active).toHaveLength(1);
    const policy = await service.prisma.accessPolicy.findUniqueOrThrow({ where: { name: "race-policy" } });
    expect(policy.activeVersion).toBe(active[0]?.version);
  });

  it("refuses malformed rules, names and reasons with a coded error, storing nothing", async () => {
    const count = await service.prisma.accessPolicyVersion.count();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ grants: [{ timeWindow: { from: "25:00", to: "18:00" } }] }, "POLICY_INVALID"],
      [{ grants: [{ timeWindow: { days: [8], from: "08:00", to: "18:00" } }] }, "POLICY_INVALID"],
      [{ name: "Bad Name!" }, "BAD_USER_INPUT"],
      [{ reason: "" }, "BAD_USER_INPUT"],
    ];
    for (const [change, code] of cases) {
      const input = { ...draftOf("valid-name").input, ...change };
      const body = await gql(DRAFT, { input });
      expect(body.errors?.[0]?.extensions.code, JSON.stringify(change)).toBe(code);
    }
    expect(await service.prisma.accessPolicyVersion.count()).toBe(count);
  });

  it("lets only security admins change policies and auditors read them", async () => {
    const byAuditor = await gql(DRAFT, draftOf("auditor-policy"), auditor);
    expect(byAuditor.errors?.[0]?.extensions.code).toBe("FORBIDDEN");
    const byAnonymous = await gql(`{ accessPolicies { name } }`, {}, ANONYMOUS);
    expect(byAnonymous.data?.accessPolicies ?? null).toBeNull();
    expect((await gql(`{ accessPolicies { name } }`, {}, auditor)).data.accessPolicies.length).toBeGreaterThan(5);
  });
});

describe("the simulation", () => {
  it("prints the permission matrix of a draft: roles × the fields its policy governs", async () => {
    const draft = await gql(DRAFT, {
      input: {
        name: "parking-sessions",
        description: "Parking sessions, without the purpose for 区建管委 officers (draft).",
        reason: "what if",
        grants: [{ kinds: ["RESIDENT"] }, { kinds: ["OFFICER"], departments: ["dept-transport"] }],
      },
    });
    const version = draft.data.draftAccessPolicy.version;
    const body = await gql(
      `query S($input: AccessSimulationInput!) { simulateAccess(input: $input) {
         decisions { path coordinate allowed rule } matrix { principals rows { coordinate allowed } text } } }`,
      {
        input: {
          principal: { kind: "OFFICER", departmentId: "dept-transport", streetIds: ["street-jingansi"] },
          operation: '{ parkingSession(id: "x") { id plate } }',
          drafts: [{ name: "parking-sessions", version }],
        },
      },
    );
    expect(body.errors).toBeUndefined();
    const { decisions, matrix } = body.data.simulateAccess;
    expect(decisions).toEqual([
      { path: ["parkingSession"], coordinate: "Query.parkingSession", allowed: true, rule: null },
    ]);
    const row = matrix.rows.find((r: { coordinate: string }) => r.coordinate === "Query.parkingSession");
    const allowedFor = matrix.principals.filter((_: string, i: number) => row.allowed[i]);
    expect(allowedFor).toEqual(["resident", "officer@transport"]);
    expect(matrix.text.split("\n")[0]).toContain("officer@transport");

    // The active version still asks for a purpose: without drafts the same officer is denied.
    const active = await gql(
      `query S($input: AccessSimulationInput!) { simulateAccess(input: $input) { denied { coordinate rule reason } } }`,
      {
        input: {
          principal: { kind: "OFFICER", departmentId: "dept-transport" },
          operation: '{ parkingSession(id: "x") { id } }',
        },
      },
    );
    expect(active.data.simulateAccess.denied).toEqual([
      expect.objectContaining({ coordinate: "Query.parkingSession", rule: "@policy(parking-sessions)" }),
    ]);
    // The reason says a purpose is needed, never which one (the admin reads the policy itself for that).
    expect(active.data.simulateAccess.denied[0].reason).toContain("declaring a purpose registered for it");
    expect(active.data.simulateAccess.denied[0].reason).not.toContain("traffic-management");
  });

  it("refuses an operation that is not valid for the graph, saying why", async () => {
    const body = await gql(
      `query S($input: AccessSimulationInput!) { simulateAccess(input: $input) { policyRevision } }`,
      { input: { principal: { kind: "RESIDENT" }, operation: "{ noSuchField }" } },
    );
    expect(body.errors?.[0]?.extensions.code).toBe("BAD_USER_INPUT");
    expect(body.errors?.[0]?.message).toContain("noSuchField");
  });
});
