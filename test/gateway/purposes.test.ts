/**
 * Purposes as data (issue #11, item 1): the identity service's purpose registry, managed by security admins with
 * history, polled by a running gateway that checks every declared purpose before anything reads it. A small foreign
 * graph stands in for the departments (it records the envelopes it receives); the registry, its administration and
 * the simulation are the real identity service's. The district graph's own "must show" cases are in
 * test/graph/authorization.test.ts.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PURPOSE_NOT_ALLOWED_MESSAGE } from "../../gateway/authorization/purposes.ts";
import type { GatewayServer } from "../../gateway/server.ts";
import { purposeRegistrySchema } from "../../lib/contracts/purposeRegistry.ts";
import { ANONYMOUS, type Principal } from "../../lib/principal.ts";
import { ENVELOPE_HEADER, SYSTEM_SCOPES } from "../../lib/wire.ts";
import { SEEDED_PURPOSES } from "../../subgraphs/identity/access/seedPurposes.ts";
import { createIdentitySubgraph } from "../../subgraphs/identity/index.ts";
import type { IdentityPrisma } from "../../subgraphs/identity/loaders.ts";
import type { SubgraphService } from "../../subgraphs/kit/service.ts";
import { gatewayCaller, openEnvelope, signedGet } from "../support/envelope.ts";
import { composeForeignSupergraph, type RunningSubgraph, startBooks, startReviews } from "../support/foreignGraph.ts";
import { startTestGateway } from "../support/gateway.ts";
import { graphql, startTestSubgraph } from "../support/subgraphs.ts";

/** The gateway's purpose-registry poller (scope identity:purposes:read). */
const PURPOSE_POLLER = gatewayCaller(SYSTEM_SCOPES.purposesRead);

import {
  districtClaims,
  es256Keys,
  publicJwk,
  signToken,
  startTestIssuer,
  type TestIssuer,
} from "../support/tokens.ts";

const admin: Principal = {
  ...ANONYMOUS,
  kind: "security_admin",
  id: "person-000006",
  roles: ["security_admin"],
  scopes: ["graph:read", "identity:read", "identity:admin", "audit:read"],
};
const auditor: Principal = { ...admin, kind: "auditor", id: "person-000007", roles: ["auditor"] };

const OFFICERS = {
  health: districtClaims({ sub: "person-000003", dept: "dept-health" }),
  education: districtClaims({
    sub: "person-000005",
    dept: "dept-education",
    scopes: ["graph:read", "catalog:read", "education:read", "clearance:sensitive"],
  }),
  windowDesk: districtClaims({
    sub: "person-000008",
    dept: "dept-admin-service",
    scopes: ["graph:read", "catalog:read", "enterprise:read", "clearance:personal"],
  }),
  sports: districtClaims({ sub: "person-000120", dept: "dept-sports", scopes: ["graph:read", "sports:read"] }),
};

describe("purposes as data", () => {
  const key = es256Keys();
  let identity: SubgraphService<IdentityPrisma>;
  let issuer: TestIssuer;
  let books: RunningSubgraph;
  let reviews: RunningSubgraph;
  let dir: string;
  let gateway: GatewayServer;
  let identityBase: string;

  beforeAll(async () => {
    // Default options: the registered module's data, so it starts from that seeded snapshot.
    identity = await startTestSubgraph(createIdentitySubgraph(), { snapshot: true });
    identityBase = identity.url.replace(/\/graphql$/, "");
    issuer = await startTestIssuer([publicJwk(key.publicKey, "k1")]);
    books = await startBooks();
    reviews = await startReviews();
    dir = await mkdtemp(join(tmpdir(), "og-purposes-"));
    await writeFile(join(dir, "supergraph.graphql"), composeForeignSupergraph(books, reviews));
    gateway = await startTestGateway({
      SUPERGRAPH_PATH: join(dir, "supergraph.graphql"),
      IDENTITY_URL: issuer.url,
      PURPOSES_URL: `${identityBase}/access/purposes`,
      POLICY_POLL_MS: "100",
    });
  }, 240_000);
  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([books?.stop(), reviews?.stop(), issuer?.stop()]);
    await identity?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const ask = async (who: object | null, headers: Record<string, string> = {}, server = gateway) => {
    const response = await fetch(server.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(who ? { authorization: `Bearer ${signToken(who, key.privateKey, "k1")}` } : {}),
        ...headers,
      },
      body: JSON.stringify({ query: "{ bookCount }" }),
    });
    return { status: response.status, body: (await response.json()) as { data?: any; errors?: any[] } };
  };
  const lastEnvelope = () => openEnvelope(books.received.at(-1)?.[ENVELOPE_HEADER]);
  const admin$ = async (document: string, variables?: Record<string, unknown>, principal: Principal = admin) =>
    (await graphql(identity.url, document, variables, {}, { principal })).body;

  it("refuses a purpose the caller may not declare with 403 PURPOSE_NOT_ALLOWED, one message whatever the reason", async () => {
    const received = books.received.length;
    const refusals = [
      // The "must show": an education officer verifying identities (a 区行政服务中心 window purpose).
      await ask(OFFICERS.education, { "x-og-purpose": "identity-verification" }),
      await ask(OFFICERS.health, { "x-og-purpose": "identity-verification" }),
      await ask(OFFICERS.windowDesk, { "x-og-purpose": "medical-treatment", "x-og-case": "WJW-2026-000123" }),
      await ask(OFFICERS.health, { "x-og-purpose": "marketing" }),
      await ask(OFFICERS.health, { "x-og-purpose": "Medical Treatment" }),
      await ask(districtClaims({ kind: "resident", roles: ["resident"], dept: null }), {
        "x-og-purpose": "medical-treatment",
      }),
      await ask(null, { "x-og-purpose": "public-health" }),
    ];
    for (const refusal of refusals) {
      expect(refusal.status).toBe(403);
      expect(refusal.body).toEqual({
        errors: [{ message: PURPOSE_NOT_ALLOWED_MESSAGE, extensions: { code: "PURPOSE_NOT_ALLOWED" } }],
      });
    }
    // The message names no purpose, so a refusal never hints at one that would be allowed.
    for (const { name } of SEEDED_PURPOSES) expect(PURPOSE_NOT_ALLOWED_MESSAGE).not.toContain(name);
    // Refused before planning: no department saw the request.
    expect(books.received.length).toBe(received);

    // The same callers without a purpose, or with their own, are served.
    expect((await ask(OFFICERS.education)).status).toBe(200);
    const own = await ask(OFFICERS.education, { "x-og-purpose": "education-service" });
    expect(own.status).toBe(200);
    expect(lastEnvelope()).toMatchObject({ purpose: "education-service", caseReference: null });
  });

  it("asks for a case reference where the purpose needs one, refuses malformed ones, and signs it into the envelope", async () => {
    const missing = await ask(OFFICERS.health, { "x-og-purpose": "medical-treatment" });
    expect(missing.status).toBe(400);
    expect(missing.body.errors?.[0].extensions.code).toBe("CASE_REFERENCE_REQUIRED");
    expect(missing.body.errors?.[0].message).toContain("x-og-case");
    for (const malformed of ["wjw-2026-1", "WJW 2026 000123", "W-1", "WJW", `WJW-${"9".repeat(70)}`, "WJW-2026-é1"]) {
      const answer = await ask(OFFICERS.health, { "x-og-purpose": "medical-treatment", "x-og-case": malformed });
      expect(answer.status, malformed).toBe(400);
      expect(answer.body.errors?.[0].extensions.code, malformed).toBe("CASE_REFERENCE_INVALID");
    }
    const orphan = await ask(OFFICERS.health, { "x-og-case": "WJW-2026-000123" });
    expect(orphan.status).toBe(400);
    expect(orphan.body.errors?.[0].extensions.code).toBe("CASE_REFERENCE_INVALID");

    const served = await ask(OFFICERS.health, { "x-og-purpose": "medical-treatment", "x-og-case": "WJW-2026-000123" });
    expect(served.status).toBe(200);
    expect(lastEnvelope()).toMatchObject({ purpose: "medical-treatment", caseReference: "WJW-2026-000123" });
    // A purpose without a case requirement may still name one; it travels (and is audited) the same way.
    expect((await ask(OFFICERS.health, { "x-og-purpose": "public-health" })).status).toBe(200);
    expect(lastEnvelope()).toMatchObject({ purpose: "public-health", caseReference: null });
  });

  it("applies an admin's registry change within a poll: a draft changes nothing, enabling opens, disabling closes", async () => {
    const declare = () => ask(OFFICERS.sports, { "x-og-purpose": "venue-safety" });
    expect((await declare()).status).toBe(403);
    const draft = await admin$(
      `mutation D($input: DraftPurposeInput!) { draftPurpose(input: $input) { purposeName version status kinds } }`,
      {
        input: {
          name: "venue-safety",
          legalBasis: "PIPL art. 13(1)(3); 大型群众性活动安全管理条例 art. 11",
          description: "Safety checks of sports venues' bookings by 区体育局 officers.",
          kinds: ["OFFICER"],
          departments: ["dept-sports"],
          requiresCase: false,
          retentionDays: 90,
          reason: "Winter events season",
        },
      },
    );
    expect(draft.errors).toBeUndefined();
    expect(draft.data.draftPurpose).toEqual({
      purposeName: "venue-safety",
      version: 1,
      status: "DRAFT",
      kinds: ["OFFICER"],
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await declare()).status).toBe(403);

    const enabled = await admin$(
      `mutation { enablePurposeVersion(name: "venue-safety", version: 1, reason: "Approved by 区体育局") { activeVersion } }`,
    );
    expect(enabled.data.enablePurposeVersion.activeVersion).toBe(1);
    await until(async () => (await declare()).status === 200);
    expect((await ask(OFFICERS.health, { "x-og-purpose": "venue-safety" })).status).toBe(403);

    await admin$(`mutation { disablePurpose(name: "venue-safety", reason: "Season over") { activeVersion } }`);
    await until(async () => (await declare()).status === 403);

    const history = await admin$(
      `{ purposeChanges(purpose: "venue-safety", first: 10) { totalCount nodes { kind version authorId reason } } }`,
      {},
      auditor,
    );
    expect(history.data.purposeChanges.nodes).toEqual([
      { kind: "DRAFTED", version: 1, authorId: "person-000006", reason: "Winter events season" },
      { kind: "ENABLED", version: 1, authorId: "person-000006", reason: "Approved by 区体育局" },
      { kind: "DISABLED", version: 1, authorId: "person-000006", reason: "Season over" },
    ]);
  });

  it("refuses every declared purpose until the registry has been read (deny by default)", async () => {
    const blind = await startTestGateway({
      SUPERGRAPH_PATH: join(dir, "supergraph.graphql"),
      IDENTITY_URL: issuer.url,
      PURPOSES_URL: `${issuer.url}/no-registry-here`,
    });
    try {
      expect((await ask(OFFICERS.health, { "x-og-purpose": "public-health" }, blind)).status).toBe(403);
      expect((await ask(OFFICERS.health, {}, blind)).status).toBe(200);
    } finally {
      await blind.stop();
    }
  });

  it("serves the registry to the gateway only, 304 while unchanged, with every seeded purpose and its legal basis", async () => {
    expect((await fetch(`${identityBase}/access/purposes`)).status).toBe(401);
    const signed = await fetch(`${identityBase}/access/purposes`, {
      headers: signedGet("identity", `${identityBase}/access/purposes`, { principal: PURPOSE_POLLER }),
    });
    // What the gateway reads: the contract both ends import, every purpose readable.
    const body = purposeRegistrySchema.parse(await signed.json());
    expect(body.purposes).not.toContain(null);
    const byName = new Map(body.purposes.map((p) => [p?.name, p]));
    for (const seeded of SEEDED_PURPOSES) {
      expect(byName.get(seeded.name)).toMatchObject({ ...seeded, version: 1 });
      expect(String(byName.get(seeded.name)?.legalBasis)).toMatch(/PIPL art\. 13/);
    }
    expect(byName.get("medical-treatment")).toMatchObject({ departments: ["dept-health"], requiresCase: true });
    expect(byName.get("identity-verification")).toMatchObject({ departments: ["dept-admin-service"] });
    const unchanged = await fetch(`${identityBase}/access/purposes?since=${body.revision}`, {
      headers: signedGet("identity", `${identityBase}/access/purposes?since=${body.revision}`, {
        principal: PURPOSE_POLLER,
      }),
    });
    expect(unchanged.status).toBe(304);
  });

  it("refuses malformed purposes and non-admins, and policies that name an unregistered purpose", async () => {
    const DRAFT = `mutation D($input: DraftPurposeInput!) { draftPurpose(input: $input) { version } }`;
    const valid = {
      name: "street-survey",
      legalBasis: "PIPL art. 13(1)(3)",
      description: "A survey.",
      kinds: ["OFFICER"],
      requiresCase: false,
      retentionDays: 30,
      reason: "test change",
    };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ name: "Street Survey" }, "input.name"],
      [{ kinds: [] }, "input.kinds"],
      [{ retentionDays: 0 }, "input.retentionDays"],
      [{ legalBasis: "" }, "input.legalBasis"],
      [{ reason: "" }, "reason"],
    ];
    for (const [change, argument] of cases) {
      const body = await admin$(DRAFT, { input: { ...valid, ...change } });
      expect(body.errors?.[0].extensions.code, argument).toBe("BAD_USER_INPUT");
      expect(body.errors?.[0].extensions.argument, argument).toBe(argument);
    }
    const byAuditor = await admin$(DRAFT, { input: valid }, auditor);
    expect(byAuditor.errors?.[0].extensions.code).toBe("FORBIDDEN");
    expect(await identity.prisma.purpose.count({ where: { name: "street-survey" } })).toBe(0);

    const policy = await admin$(
      `mutation D($input: DraftAccessPolicyInput!) { draftAccessPolicy(input: $input) { version } }`,
      {
        input: {
          name: "health-records",
          description: "x",
          reason: "test change",
          grants: [{ kinds: ["OFFICER"], purposes: ["curiosity"] }],
        },
      },
    );
    expect(policy.errors?.[0].extensions.code).toBe("POLICY_INVALID");
    expect(policy.errors?.[0].message).toContain('"curiosity", which is not in the purpose registry');
  });

  it("simulates whether a principal may declare a purpose, as the gateway decides", async () => {
    const SIMULATE = `query S($input: AccessSimulationInput!) { simulateAccess(input: $input) { purposeAllowed } }`;
    const simulate = async (departmentId: string, purpose: string | null) =>
      (
        await admin$(SIMULATE, {
          input: { principal: { kind: "OFFICER", departmentId }, operation: "{ me { id } }", purpose },
        })
      ).data.simulateAccess.purposeAllowed;
    expect(await simulate("dept-education", "identity-verification")).toBe(false);
    expect(await simulate("dept-admin-service", "identity-verification")).toBe(true);
    expect(await simulate("dept-health", "no-such-purpose")).toBe(false);
    expect(await simulate("dept-health", null)).toBeNull();
  });
});

async function until(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`not true within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
