/**
 * Resource management as data (issue 14): rate limits that security admins manage in the identity service — hot, with
 * history, default tiers per principal kind seeded — polled by a running gateway, and metering of every app's and
 * department's usage, exported on /metrics and queryable in the graph (an app its own only). A small foreign graph
 * stands in for the departments; the rules, their administration, the usage store and its row rule are the real
 * identity service's.
 *
 * The memory tier runs always; with OG_TEST_REDIS_URL the gateway counts in Redis under a key prefix of this run.
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GatewayServer } from "../../gateway/server.ts";
import { LIMITED_KINDS } from "../../lib/contracts/principal.ts";
import { errorCodes } from "../../lib/errors.ts";
import { DEFAULT_TIERS } from "../../lib/limits/rateLimitRules.ts";
import { ANONYMOUS, type Principal } from "../../lib/principal.ts";
import { SYSTEM_SCOPES } from "../../lib/wire.ts";
import { createIdentitySubgraph } from "../../subgraphs/identity/index.ts";
import { pruneUsage } from "../../subgraphs/identity/limits/usageStore.ts";
import type { IdentityPrisma } from "../../subgraphs/identity/loaders.ts";
import type { SubgraphService } from "../../subgraphs/kit/service.ts";
import { gatewayCaller, signedGet, signedHeaders } from "../support/envelope.ts";
import { composeForeignSupergraph, type RunningSubgraph, startBooks, startReviews } from "../support/foreignGraph.ts";
import { startTestGateway } from "../support/gateway.ts";
import { graphql, startTestSubgraph } from "../support/subgraphs.ts";
import {
  districtClaims,
  es256Keys,
  publicJwk,
  signToken,
  startTestIssuer,
  type TestIssuer,
} from "../support/tokens.ts";

const redisUrl = process.env.OG_TEST_REDIS_URL;
/** This run's keys only (branch h14m), so concurrent runs and other tests never share counters. */
const keyPrefix = `og-test-h14m-limits-data:${randomUUID()}:`;

const admin: Principal = {
  ...ANONYMOUS,
  kind: "security_admin",
  id: "person-000006",
  roles: ["security_admin"],
  scopes: ["graph:read", "identity:read", "identity:admin", "audit:read"],
};
const auditor: Principal = { ...admin, kind: "auditor", id: "person-000007", roles: ["auditor"] };
const officer: Principal = {
  ...ANONYMOUS,
  kind: "officer",
  id: "person-000003",
  roles: ["officer"],
  scopes: ["graph:read"],
  departmentId: "dept-health",
};
const appPrincipal = (id: string, departmentId: string): Principal => ({
  ...ANONYMOUS,
  kind: "app",
  id,
  scopes: ["graph:read"],
  departmentId,
});
const PORTAL = appPrincipal("app-portal", "dept-data");
const PARKING = appPrincipal("app-parking-integrator", "dept-transport");

const appClaims = (app: Principal) =>
  districtClaims({ sub: app.id, kind: "app", roles: [], scopes: app.scopes, dept: app.departmentId, streets: [] });

const SET = `mutation S($input: SetRateLimitInput!) {
  setRateLimit(input: $input) { scope subject revision limits { rate { requests perSeconds } dailyCost dailyCostInherited } }
}`;
const USAGE = `query U($filter: UsageFilter!) {
  usage(filter: $filter) { start appId departmentId requests errors cost subgraphFetches classifiedFields }
}`;

describe.each([
  { tier: "memory", redis: undefined as string | undefined },
  ...(redisUrl ? [{ tier: "Redis", redis: redisUrl }] : []),
])("resources as data ($tier)", ({ redis }) => {
  const key = es256Keys();
  let identity: SubgraphService<IdentityPrisma>;
  let issuer: TestIssuer;
  let books: RunningSubgraph;
  let reviews: RunningSubgraph;
  let dir: string;
  let gateway: GatewayServer;
  let identityBase: string;
  let supergraphPath: string;

  const gatewayEnv = (): Record<string, string> => ({
    SUPERGRAPH_PATH: supergraphPath,
    IDENTITY_URL: issuer.url,
    RATE_LIMITS_SOURCE: "identity",
    RATE_LIMITS_URL: `${identityBase}/access/rate-limits`,
    USAGE_URL: `${identityBase}/usage/records`,
    // Flushed by the test (flushUsage), never by the clock.
    USAGE_FLUSH_MS: "600000",
    POLICY_POLL_MS: "100",
    ...(redis ? { REDIS_URL: redis, RATE_LIMIT_KEY_PREFIX: `${keyPrefix}gateway:` } : {}),
  });

  beforeAll(async () => {
    const identityModule = createIdentitySubgraph();
    // Default options change no data: the registered module's seeded snapshot fits.
    identity = await startTestSubgraph(identityModule, { snapshot: true });
    identityBase = identity.url.replace(/\/graphql$/, "");
    issuer = await startTestIssuer([publicJwk(key.publicKey, "k1")]);
    books = await startBooks();
    reviews = await startReviews();
    dir = await mkdtemp(join(tmpdir(), "og-limits-data-"));
    supergraphPath = join(dir, "supergraph.graphql");
    // Identity is part of the graph, so admins and apps reach the API through the gateway too.
    await writeFile(
      supergraphPath,
      composeForeignSupergraph(books, reviews, {
        extra: [{ name: "identity", url: identity.url, typeDefs: identityModule.typeDefs }],
      }),
    );
    // Who owns each subgraph, published beside the supergraph (npm run compose writes the district's): books belongs
    // to the culture bureau here, reviews to no department.
    await writeFile(join(dir, "supergraph.owners.json"), JSON.stringify({ books: "dept-culture" }));
    gateway = await startTestGateway(gatewayEnv());
  }, 240_000);
  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([books?.stop(), reviews?.stop(), issuer?.stop()]);
    await identity?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const ask = async (
    who: object | null,
    query = "{ bookCount }",
    server = gateway,
    variables?: Record<string, unknown>,
  ) => {
    const response = await fetch(server.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(who ? { authorization: `Bearer ${signToken(who, key.privateKey, "k1")}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as { data?: any; errors?: any[] },
    };
  };
  const as = async (principal: Principal, document: string, variables?: Record<string, unknown>) =>
    graphql(identity.url, document, variables, {}, { principal });
  const setLimit = (input: Record<string, unknown>, principal: Principal = admin) =>
    as(principal, SET, { input: { reason: "Load test of the portal", ...input } });

  it("seeds a default tier per principal kind as rules with history, and serves them to the gateway only", async () => {
    const listed = await as(
      auditor,
      `{ rateLimits(scope: TIER) { revision rules { subject limits { rate { requests perSeconds } dailyCost dailyCostInherited } } } }`,
    );
    expect(listed.body.errors).toBeUndefined();
    const bySubject = new Map(listed.body.data.rateLimits.rules.map((rule: any) => [rule.subject, rule.limits]));
    for (const kind of LIMITED_KINDS) {
      expect(bySubject.get(kind), kind).toEqual({
        rate: DEFAULT_TIERS[kind].rate,
        dailyCost: DEFAULT_TIERS[kind].dailyCost,
        dailyCostInherited: false,
      });
    }
    const history = await as(auditor, `{ rateLimitChanges(scope: TIER, subject: "app") { nodes { kind authorId } } }`);
    expect(history.body.data.rateLimitChanges.nodes).toEqual([{ kind: "SET", authorId: "system:seed" }]);

    const url = `${identityBase}/access/rate-limits`;
    expect((await fetch(url)).status).toBe(401);
    const wrongScope = await fetch(url, {
      headers: signedGet("identity", url, { principal: gatewayCaller(SYSTEM_SCOPES.policiesRead) }),
    });
    expect(wrongScope.status).toBe(403);
    const signed = await fetch(url, {
      headers: signedGet("identity", url, { principal: gatewayCaller(SYSTEM_SCOPES.rateLimitsRead) }),
    });
    const body = (await signed.json()) as { revision: number; rules: { tiers: Record<string, unknown> } };
    expect(body.rules.tiers.app).toEqual({ rate: { requests: 600, perSeconds: 60 }, dailyCost: 2_000_000 });
    const since = `${url}?since=${body.revision}`;
    const unchanged = await fetch(since, {
      headers: signedGet("identity", since, { principal: gatewayCaller(SYSTEM_SCOPES.rateLimitsRead) }),
    });
    expect(unchanged.status).toBe(304);
  });

  it("applies an admin's new limit at the next poll: over it, 429 with Retry-After and RateLimit-* headers", async () => {
    // The identity service's tiers are in force, not the test's RATE_LIMITS setting (a million a minute).
    const before = await ask(appClaims(PORTAL));
    expect(before.status).toBe(200);
    expect(before.headers.get("ratelimit-limit")).toBe("600");
    expect(before.headers.get("ratelimit-policy")).toBe("600;w=60");

    const set = await setLimit({ scope: "APP", subject: "app-portal", rate: { requests: 3, perSeconds: 60 } });
    expect(set.body.errors).toBeUndefined();
    expect(set.body.data.setRateLimit).toMatchObject({
      scope: "APP",
      subject: "app-portal",
      limits: { rate: { requests: 3, perSeconds: 60 }, dailyCost: null, dailyCostInherited: true },
    });
    // Nothing changes until the gateway polls; one poll applies the new revision, no restart.
    expect(await gateway.refreshRateLimits()).toBe(set.body.data.setRateLimit.revision);

    const answers = [];
    for (let i = 0; i < 4; i += 1) answers.push(await ask(appClaims(PORTAL)));
    const refused = answers.find((answer) => answer.status === 429);
    expect(refused, "one of four requests over a limit of 3 is refused").toBeDefined();
    if (!refused) return;
    // In memory the changed limit counts afresh, in Redis it goes on in the same key: 3 or 2 allowed.
    expect(answers.filter((answer) => answer.status === 200).length).toBeGreaterThanOrEqual(redis ? 2 : 3);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    expect(refused.headers.get("ratelimit-limit")).toBe("3");
    expect(refused.headers.get("ratelimit-remaining")).toBe("0");
    expect(refused.headers.get("ratelimit-policy")).toBe("3;w=60");
    expect(refused.body.errors?.[0].extensions).toMatchObject({ code: "RATE_LIMITED", limit: "requests", max: 3 });
    expect(refused.body.errors?.[0].message).toContain('"app:app-portal"');
    // Another app keeps its tier.
    const other = await ask(appClaims(PARKING));
    expect(other.status).toBe(200);
    expect(other.headers.get("ratelimit-limit")).toBe("600");
  });

  it("keeps every revision in the history, with the rule before and after, author and reason", async () => {
    const raised = await setLimit({
      scope: "APP",
      subject: "app-portal",
      rate: { requests: 1000, perSeconds: 60 },
      dailyCost: null,
      reason: "Portal launch week",
    });
    expect(raised.body.errors).toBeUndefined();
    expect(await gateway.refreshRateLimits()).toBe(raised.body.data.setRateLimit.revision);
    const served = await ask(appClaims(PORTAL));
    expect(served.status).toBe(200);
    expect(served.headers.get("ratelimit-limit")).toBe("1000");

    const history = await as(
      auditor,
      `{ rateLimitChanges(scope: APP, subject: "app-portal", first: 10) { totalCount nodes { id kind authorId reason
          limits { rate { requests perSeconds } dailyCost dailyCostInherited } previous { rate { requests } } } } }`,
    );
    expect(history.body.errors).toBeUndefined();
    const nodes = history.body.data.rateLimitChanges.nodes;
    expect(nodes.map(({ id: _id, ...node }: any) => node)).toEqual([
      {
        kind: "SET",
        authorId: "person-000006",
        reason: "Load test of the portal",
        limits: { rate: { requests: 3, perSeconds: 60 }, dailyCost: null, dailyCostInherited: true },
        previous: null,
      },
      {
        kind: "SET",
        authorId: "person-000006",
        reason: "Portal launch week",
        limits: { rate: { requests: 1000, perSeconds: 60 }, dailyCost: null, dailyCostInherited: false },
        previous: { rate: { requests: 3 } },
      },
    ]);
    expect(nodes[1].id).toBeGreaterThan(nodes[0].id);

    // Clearing returns the app to its tier, at the next poll.
    const cleared = await as(
      admin,
      `mutation { clearRateLimit(scope: APP, subject: "app-portal", reason: "Launch over") { id kind previous { rate { requests } } } }`,
    );
    expect(cleared.body.data.clearRateLimit).toMatchObject({ kind: "CLEARED", previous: { rate: { requests: 1000 } } });
    // This time nobody asks the gateway to poll: its own poll (every POLICY_POLL_MS) applies the change.
    await until(async () => (await ask(appClaims(PORTAL))).headers.get("ratelimit-limit") === "600");
  });

  it("refuses non-admins with FORBIDDEN (403) and invalid limits with a coded 4xx naming the field; nothing is written", async () => {
    const changes = await identity.prisma.rateLimitChange.count();
    for (const principal of [auditor, officer, PORTAL]) {
      const refused = await setLimit(
        { scope: "TIER", subject: "app", rate: { requests: 1, perSeconds: 1 } },
        principal,
      );
      expect(refused.body.errors?.[0].extensions.code, principal.kind).toBe("FORBIDDEN");
      expect(refused.body.data?.setRateLimit ?? null).toBeNull();
    }
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [
        { scope: "APP", subject: "app-portal", rate: { requests: 0, perSeconds: 60 } },
        "BAD_USER_INPUT",
        "input.rate.requests",
      ],
      [
        { scope: "APP", subject: "app-portal", rate: { requests: 5, perSeconds: 86_401 } },
        "BAD_USER_INPUT",
        "input.rate.perSeconds",
      ],
      [{ scope: "APP", subject: "app-portal", dailyCost: -1 }, "BAD_USER_INPUT", "input.dailyCost"],
      [{ scope: "APP", subject: "app-portal" }, "BAD_USER_INPUT", "input.rate"],
      [{ scope: "TIER", subject: "robot", rate: { requests: 5, perSeconds: 60 } }, "BAD_USER_INPUT", "input.subject"],
      [
        { scope: "APP", subject: "app-nobody", rate: { requests: 5, perSeconds: 60 } },
        "NOT_FOUND_ENTITY",
        "input.subject",
      ],
      [
        { scope: "ROLE", subject: "no_such_role", rate: { requests: 5, perSeconds: 60 } },
        "NOT_FOUND_ENTITY",
        "input.subject",
      ],
      [
        { scope: "APP", subject: "app-portal", rate: { requests: 5, perSeconds: 60 }, reason: "" },
        "BAD_USER_INPUT",
        "reason",
      ],
    ];
    for (const [input, code, argument] of cases) {
      expect(errorCodes[code as keyof typeof errorCodes].status, code).toBeGreaterThanOrEqual(400);
      const refused = await setLimit(input);
      expect(refused.body.errors?.[0].extensions.code, argument).toBe(code);
      expect(refused.body.errors?.[0].extensions.argument, argument).toBe(argument);
    }
    expect(await identity.prisma.rateLimitChange.count()).toBe(changes);
  });

  it("falls back to the RATE_LIMITS setting while the identity service cannot be read", async () => {
    const blind = await startTestGateway({
      ...gatewayEnv(),
      RATE_LIMITS_URL: `${issuer.url}/no-rate-limits-here`,
      RATE_LIMITS: JSON.stringify({ tiers: { app: { rate: { requests: 7, perSeconds: 60 } } } }),
      RATE_LIMIT_KEY_PREFIX: `${keyPrefix}blind:`,
    });
    try {
      expect(await blind.refreshRateLimits()).toBe(0);
      const answer = await ask(appClaims(PARKING), "{ bookCount }", blind);
      expect(answer.status).toBe(200);
      expect(answer.headers.get("ratelimit-limit")).toBe("7");
    } finally {
      await blind.stop();
    }
  });

  it("meters requests, errors, cost and subgraph fetches per app and department; an app reads only its own usage", async () => {
    const window = {
      from: new Date(Date.now() - 3_600_000).toISOString(),
      to: new Date(Date.now() + 3_600_000).toISOString(),
    };
    const totalOf = async (principal: Principal, filter: Record<string, unknown> = {}) => {
      await gateway.flushUsage();
      const answer = await as(principal, USAGE, { filter: { ...window, granularity: "HOUR", ...filter } });
      expect(answer.body.errors).toBeUndefined();
      const rows = answer.body.data.usage as Array<Record<string, any>>;
      const sum = (name: string, department?: string) =>
        rows
          .filter((row) => department === undefined || row.departmentId === department)
          .reduce((total, row) => total + Number(row[name]), 0);
      return {
        rows,
        requests: sum("requests"),
        errors: sum("errors"),
        cost: sum("cost"),
        subgraphFetches: sum("subgraphFetches"),
        fetchesOf: (department: string) => sum("subgraphFetches", department),
        requestsOf: (department: string) => sum("requests", department),
      };
    };
    const before = await totalOf(PARKING);
    for (let i = 0; i < 5; i += 1) expect((await ask(appClaims(PARKING))).status).toBe(200);
    expect((await ask(appClaims(PARKING), "{ bookCount ")).status).toBe(400);
    const after = await totalOf(PARKING);
    expect(after.requests - before.requests).toBe(6);
    expect(after.errors - before.errors).toBe(1);
    expect(after.subgraphFetches - before.subgraphFetches).toBe(5);
    expect(after.cost - before.cost).toBeGreaterThanOrEqual(5);
    // An app's usage is its own: its requests under its owner department, the subgraph fetches under the department
    // owning the subgraph that served them (books: the culture bureau).
    expect(after.rows.length).toBeGreaterThan(0);
    for (const row of after.rows) expect(row.appId).toBe("app-parking-integrator");
    expect(after.requestsOf("dept-transport") - before.requestsOf("dept-transport")).toBe(6);
    expect(after.fetchesOf("dept-culture") - before.fetchesOf("dept-culture")).toBe(5);
    expect(after.fetchesOf("dept-transport") - before.fetchesOf("dept-transport")).toBe(0);

    // Another app's usage is refused, not answered empty; people other than admins and auditors are refused too.
    const others = await as(PARKING, USAGE, { filter: { ...window, appId: "app-portal" } });
    expect(others.body.errors?.[0].extensions.code).toBe("FORBIDDEN");
    const byOfficer = await as(officer, USAGE, { filter: window });
    expect(byOfficer.body.errors?.[0].extensions.code).toBe("FORBIDDEN");
    // Admins and auditors read every app's.
    const all = await totalOf(auditor);
    const apps = new Set(all.rows.map((row) => row.appId));
    expect(apps).toContain("app-portal");
    expect(apps).toContain("app-parking-integrator");
    const portalOnly = await totalOf(admin, { appId: "app-portal", granularity: "DAY" });
    for (const row of portalOnly.rows) expect(row.appId).toBe("app-portal");
    // Refused requests (429 above) count as requests with errors.
    expect(portalOnly.errors).toBeGreaterThanOrEqual(1);

    // The same totals on /metrics, per app and department (never per person).
    const metrics = await (await fetch(gateway.url.replace(/\/graphql$/, "/metrics"))).text();
    const line = metrics
      .split("\n")
      .find((l) =>
        l.startsWith('og_gateway_usage_requests_total{app="app-parking-integrator",department="dept-transport"}'),
      );
    expect(Number(line?.split(" ").at(-1))).toBeGreaterThanOrEqual(6);
    expect(metrics).toMatch(
      /og_gateway_usage_subgraph_fetches_total\{app="app-parking-integrator",department="dept-culture"\} [1-9]/,
    );
    const revision = await gateway.refreshRateLimits();
    expect(metrics).toMatch(new RegExp(`og_gateway_rate_limit_rules_revision ${revision}\\b`));
  });

  it("serves the same API through the one graph: admins change limits, others are refused, an app reads its usage", async () => {
    const adminClaims = districtClaims({
      sub: admin.id,
      kind: "security_admin",
      roles: ["security_admin"],
      scopes: admin.scopes,
      dept: null,
      streets: [],
    });
    const input = { scope: "ROLE", subject: "officer", rate: { requests: 250, perSeconds: 60 }, reason: "Desk hours" };
    const set = await ask(adminClaims, SET, gateway, { input });
    expect(set.status).toBe(200);
    expect(set.body.errors).toBeUndefined();
    expect(set.body.data.setRateLimit).toMatchObject({ scope: "ROLE", subject: "officer" });

    // An officer is stopped at the gateway by @requiresScopes(identity:admin): identity never sees the request.
    const changes = await identity.prisma.rateLimitChange.count();
    const byOfficer = await ask(districtClaims({ sub: officer.id }), SET, gateway, { input });
    expect(byOfficer.body.data?.setRateLimit ?? null).toBeNull();
    expect(byOfficer.body.errors?.[0].extensions.code).toBe("FIELD_NOT_AUTHORIZED");
    expect(await identity.prisma.rateLimitChange.count()).toBe(changes);

    const window = {
      from: new Date(Date.now() - 3_600_000).toISOString(),
      to: new Date(Date.now() + 3_600_000).toISOString(),
    };
    await gateway.flushUsage();
    const own = await ask(appClaims(PARKING), USAGE, gateway, { filter: window });
    expect(own.body.errors).toBeUndefined();
    expect(own.body.data.usage.length).toBeGreaterThan(0);
    for (const row of own.body.data.usage) expect(row.appId).toBe("app-parking-integrator");
    const others = await ask(appClaims(PARKING), USAGE, gateway, { filter: { ...window, appId: "app-portal" } });
    expect(others.body.data?.usage ?? null).toBeNull();
    expect(others.body.errors?.[0].extensions.code).toBe("FORBIDDEN");
  });

  it("adds a usage batch once even when re-sent, and only from the gateway", async () => {
    const url = `${identityBase}/usage/records`;
    const minute = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 120_000).toISOString();
    const batch = {
      flushId: randomUUID(),
      rows: [
        {
          minute,
          appId: "app-reseller-test",
          departmentId: "dept-data",
          requests: 11,
          errors: 2,
          cost: 300,
          subgraphFetches: 9,
          classifiedFields: 4,
        },
      ],
    };
    const post = (body: unknown, scope: string = SYSTEM_SCOPES.usageWrite) => {
      const bytes = Buffer.from(JSON.stringify(body));
      return fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...signedHeaders(
            "identity",
            { method: "POST", path: "/usage/records", body: bytes },
            {
              principal: gatewayCaller(scope as never),
            },
          ),
        },
        body: bytes,
      });
    };
    expect(
      (await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).status,
    ).toBe(401);
    expect((await post(batch, SYSTEM_SCOPES.auditWrite)).status).toBe(403);
    expect(await (await post(batch)).json()).toEqual({ added: 1 });
    expect(await (await post(batch)).json()).toEqual({ added: 0 });
    const bad = await post({ flushId: randomUUID(), rows: [{ ...batch.rows[0], requests: -1 }] });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("rows.0.requests");
    const ancient = await post({
      flushId: randomUUID(),
      rows: [{ ...batch.rows[0], minute: new Date(Date.parse(minute) - 401 * 86_400_000).toISOString() }],
    });
    expect(ancient.status).toBe(400);
    expect(await ancient.text()).toContain("rows.0.minute");

    // Usage past its retention is pruned (two range deletes), and flush ids after a week.
    await identity.db.query(`INSERT INTO usage_minute VALUES ($1, 'app-reseller-test', 'dept-data', 1, 0, 1, 1, 0)`, [
      new Date(Date.now() - 401 * 86_400_000 - 60_000 * 7).toISOString().replace(/\d\d\.\d{3}Z$/, "00.000Z"),
    ]);
    expect(await pruneUsage(identity.db, new Date())).toMatchObject({ minutes: 1 });
    expect(await identity.prisma.usageMinute.count({ where: { appId: "app-reseller-test" } })).toBe(1);

    const read = await as(auditor, USAGE, {
      filter: {
        from: minute,
        to: new Date(Date.parse(minute) + 60_000).toISOString(),
        appId: "app-reseller-test",
        granularity: "MINUTE",
      },
    });
    expect(read.body.data.usage).toEqual([
      {
        start: minute,
        appId: "app-reseller-test",
        departmentId: "dept-data",
        requests: 11,
        errors: 2,
        cost: 300,
        subgraphFetches: 9,
        classifiedFields: 4,
      },
    ]);
  });
});

async function until(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`not true within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
