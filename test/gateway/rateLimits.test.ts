/**
 * Rate limits and quotas at the gateway (docs/limits.md): request rates per app, per user and per anonymous address,
 * the daily cost budget of an app, the proxied token endpoints, the answers over a limit (429, Retry-After,
 * RateLimit-*, coded errors), what each limit does with its store down, and the decisions on /metrics.
 *
 * The memory tier runs always; the Redis tier (and two gateways sharing one limit) with OG_TEST_REDIS_URL, which CI
 * sets. Each gateway of the Redis tier gets a key prefix of its own test run, so runs never share counters.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GatewayOptions, GatewayServer } from "../../gateway/server.ts";
import { composeForeignSupergraph, type RunningSubgraph, startBooks, startReviews } from "../support/foreignGraph.ts";
import { startTestGateway } from "../support/gateway.ts";
import {
  districtClaims,
  es256Keys,
  publicJwk,
  signToken,
  startTestIssuer,
  type TestIssuer,
} from "../support/tokens.ts";

const redisUrl = process.env.OG_TEST_REDIS_URL;
const runPrefix = `og:test:rate-limit:${randomBytes(6).toString("hex")}:`;
let gatewayCount = 0;

const key = es256Keys();
let issuer: TestIssuer;
let books: RunningSubgraph;
let reviews: RunningSubgraph;
let dir: string;
const gateways: GatewayServer[] = [];

const appToken = (appId: string) =>
  signToken(
    districtClaims({ sub: appId, kind: "app", roles: ["integrator"], dept: "dept-health", streets: [], sid: null }),
    key.privateKey,
    "k1",
  );

interface Answer {
  status: number;
  headers: Headers;
  body: { data?: any; errors?: Array<{ message: string; extensions: Record<string, unknown> }> };
}

async function post(gateway: GatewayServer, query: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(gateway.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Answer["body"] };
}

const asApp = (appId: string) => ({ authorization: `Bearer ${appToken(appId)}` });
const CHEAP = "{ bookCount }";
/** What anyone may ask without a token. */
const PUBLIC = "{ __typename }";

/** A port nothing listens on: Redis "down". */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function gatewayWith(
  env: Record<string, string>,
  options: GatewayOptions & { redis?: string; prefix?: string } = {},
): Promise<GatewayServer> {
  gatewayCount += 1;
  const gateway = await startTestGateway(
    {
      SUPERGRAPH_PATH: join(dir, "supergraph.graphql"),
      IDENTITY_URL: issuer.url,
      ...(options.redis
        ? { REDIS_URL: options.redis, RATE_LIMIT_KEY_PREFIX: options.prefix ?? `${runPrefix}${gatewayCount}:` }
        : {}),
      ...env,
    },
    { now: options.now },
  );
  gateways.push(gateway);
  return gateway;
}

const limits = (rules: object) => ({ RATE_LIMITS: JSON.stringify(rules) });

beforeAll(async () => {
  issuer = await startTestIssuer([publicJwk(key.publicKey, "k1")]);
  dir = await mkdtemp(join(tmpdir(), "og-rate-limits-"));
  books = await startBooks();
  reviews = await startReviews();
  await writeFile(join(dir, "supergraph.graphql"), composeForeignSupergraph(books, reviews));
});

afterAll(async () => {
  await Promise.all(gateways.map((gateway) => gateway.stop()));
  await Promise.all([books?.stop(), reviews?.stop(), issuer?.stop()]);
  await rm(dir, { recursive: true, force: true });
});

const stores: Array<[string, string | undefined, boolean]> = [
  ["memory", undefined, true],
  ["redis", redisUrl, Boolean(redisUrl)],
];

for (const [storeName, redis, available] of stores) {
  describe.skipIf(!available)(`rate limits and quotas, counted in ${storeName}`, () => {
    it("answers an app over its request rate with 429, Retry-After, RateLimit-* and RATE_LIMITED naming the limit", async () => {
      const gateway = await gatewayWith(limits({ apps: { "app-busy": { rate: { requests: 3, perSeconds: 60 } } } }), {
        redis,
      });
      const remaining: Array<string | null> = [];
      for (let i = 0; i < 3; i += 1) {
        const answer = await post(gateway, CHEAP, asApp("app-busy"));
        expect(answer.status).toBe(200);
        expect(answer.headers.get("ratelimit-limit")).toBe("3");
        remaining.push(answer.headers.get("ratelimit-remaining"));
      }
      expect(remaining).toEqual(["2", "1", "0"]);

      const refused = await post(gateway, CHEAP, asApp("app-busy"));
      expect(refused.status).toBe(429);
      const retryAfter = Number(refused.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(refused.headers.get("ratelimit-limit")).toBe("3");
      expect(refused.headers.get("ratelimit-remaining")).toBe("0");
      expect(refused.headers.get("ratelimit-reset")).toBe(String(retryAfter));
      expect(refused.headers.get("ratelimit-policy")).toBe("3;w=60");
      expect(refused.body.data).toBeUndefined();
      expect(refused.body.errors).toEqual([
        {
          message: `Too many requests: the limit "app:app-busy" for each app allows 3 requests per 60 seconds. Retry after ${retryAfter} seconds.`,
          extensions: { code: "RATE_LIMITED", limit: "requests", max: 3, retryAfterSeconds: retryAfter },
        },
      ]);

      // Another app has its own count.
      expect((await post(gateway, CHEAP, asApp("app-quiet"))).status).toBe(200);

      const metrics = await (await fetch(gateway.url.replace(/\/graphql$/, "/metrics"))).text();
      expect(metrics).toMatch(
        /^og_gateway_rate_limit_decisions_total\{limit="requests",tier="app:app-busy",decision="limited",store="primary"\} 1$/m,
      );
      expect(metrics).toMatch(
        /^og_gateway_rate_limit_decisions_total\{limit="requests",tier="app:app-busy",decision="allowed",store="primary"\} 3$/m,
      );
    });

    it("spends an app's daily cost budget, refuses past it with QUOTA_EXCEEDED, and resets at the next Asia/Shanghai day", async () => {
      // 23:59:00 in Shanghai: the budget resets in 60 seconds.
      let now = Date.parse("2026-12-05T23:59:00+08:00");
      const gateway = await gatewayWith(limits({ tiers: { app: { dailyCost: 3 } } }), { redis, now: () => now });
      const app = asApp(`app-budget-${storeName}`);

      expect((await post(gateway, CHEAP, app)).status).toBe(200);
      expect((await post(gateway, CHEAP, app)).status).toBe(200);
      // An operation that costs more than is left is refused and not charged: the cheap one after it still fits.
      const expensive = await post(gateway, "{ books { title } }", app);
      expect(expensive.status).toBe(429);
      expect(expensive.body.errors?.[0]?.extensions).toMatchObject({
        code: "QUOTA_EXCEEDED",
        limit: "dailyCost",
        max: 3,
      });
      expect(expensive.body.errors?.[0]?.message).toMatch(
        /^The daily cost budget "app" \(3 per Asia\/Shanghai day, for each app\) has 1 left, and this operation's estimated cost is \d+\. It resets at 2026-12-06T00:00:00\+08:00, in 60 seconds/,
      );
      expect(expensive.headers.get("retry-after")).toBe("60");
      expect(expensive.headers.get("ratelimit-policy")).toBe("3;w=86400");
      expect(expensive.headers.get("ratelimit-remaining")).toBe("1");
      expect((await post(gateway, CHEAP, app)).status).toBe(200);

      const spent = await post(gateway, CHEAP, app);
      expect(spent.status).toBe(429);
      expect(spent.body.errors?.[0]?.extensions.code).toBe("QUOTA_EXCEEDED");
      expect(spent.body.errors?.[0]?.message).toContain("has 0 left");

      // Two minutes later it is the 6th in Shanghai: a fresh budget.
      now += 120_000;
      expect((await post(gateway, CHEAP, app)).status).toBe(200);
    });

    it("limits anonymous callers per client address, as the trusted proxy reports it", async () => {
      const gateway = await gatewayWith(
        {
          ...limits({ tiers: { anonymous: { rate: { requests: 2, perSeconds: 60 } } } }),
          TRUSTED_PROXIES: "127.0.0.1",
        },
        { redis },
      );
      const from = (address: string) => ({ "x-forwarded-for": address });
      expect((await post(gateway, PUBLIC, from("203.0.113.7"))).status).toBe(200);
      expect((await post(gateway, PUBLIC, from("203.0.113.7"))).status).toBe(200);
      const refused = await post(gateway, PUBLIC, from("203.0.113.7"));
      expect(refused.status).toBe(429);
      expect(refused.body.errors?.[0]?.message).toMatch(/^Too many requests: the limit "anonymous" for each address/);
      // Another address behind the same proxy is counted on its own.
      expect((await post(gateway, PUBLIC, from("203.0.113.8"))).status).toBe(200);
      // A refused token counts against its address too: guessing tokens is limited like anything else.
      const guess = { ...from("203.0.113.9"), authorization: "Bearer not.a-real.token" };
      expect((await post(gateway, PUBLIC, guess)).status).toBe(401);
      expect((await post(gateway, PUBLIC, guess)).status).toBe(401);
      expect((await post(gateway, PUBLIC, guess)).status).toBe(429);
    });

    it("limits the proxied token endpoints per client address, before the identity service sees the request", async () => {
      const gateway = await gatewayWith(limits({ oauth: { requests: 2, perSeconds: 60 } }), { redis });
      const token = () =>
        fetch(gateway.url.replace(/\/graphql$/, "/oauth/token"), {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: "grant_type=password&username=someone&password=guess",
        });
      // The stand-in issuer has no token endpoint (404): what matters is that the gateway forwarded the request.
      expect((await token()).status).toBe(404);
      expect((await token()).status).toBe(404);
      const refused = await token();
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(refused.headers.get("ratelimit-limit")).toBe("2");
      const body = (await refused.json()) as Record<string, string>;
      expect(body.error).toBe("slow_down");
      expect(body.code).toBe("RATE_LIMITED");
      expect(body.error_description).toMatch(/the token endpoints' limit for each address allows 2 requests per 60/);
      // GraphQL requests from the same address have their own limit.
      expect((await post(gateway, PUBLIC)).status).toBe(200);
    });
  });
}

describe.skipIf(!redisUrl)("rate limits shared by gateway replicas", () => {
  it("counts one app's requests to two gateways against one limit", async () => {
    const prefix = `${runPrefix}shared:`;
    const env = limits({ apps: { "app-replicated": { rate: { requests: 4, perSeconds: 60 } } } });
    const first = await gatewayWith(env, { redis: redisUrl, prefix });
    const second = await gatewayWith(env, { redis: redisUrl, prefix });
    const app = asApp("app-replicated");
    const statuses: number[] = [];
    for (const gateway of [first, second, first, second, first, second]) {
      statuses.push((await post(gateway, CHEAP, app)).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
  });

  it("shares one app's daily cost budget between two gateways", async () => {
    const prefix = `${runPrefix}shared-budget:`;
    const env = limits({ apps: { "app-budgeted": { dailyCost: 2 } } });
    const first = await gatewayWith(env, { redis: redisUrl, prefix });
    const second = await gatewayWith(env, { redis: redisUrl, prefix });
    const app = asApp("app-budgeted");
    expect((await post(first, CHEAP, app)).status).toBe(200);
    expect((await post(second, CHEAP, app)).status).toBe(200);
    expect((await post(first, CHEAP, app)).body.errors?.[0]?.extensions.code).toBe("QUOTA_EXCEEDED");
  });
});

describe("with Redis down (REDIS_URL pointing at a closed port)", () => {
  const strict = limits({ tiers: { app: { rate: { requests: 2, perSeconds: 60 }, dailyCost: 1_000 } } });

  it("memory (the default): each gateway counts in its own memory, the insurance limiter, and still limits", async () => {
    const gateway = await gatewayWith(strict, { redis: `redis://127.0.0.1:${await closedPort()}` });
    const app = asApp("app-insured");
    expect((await post(gateway, CHEAP, app)).status).toBe(200);
    expect((await post(gateway, CHEAP, app)).status).toBe(200);
    const refused = await post(gateway, CHEAP, app);
    expect(refused.status).toBe(429);
    expect(refused.body.errors?.[0]?.extensions.code).toBe("RATE_LIMITED");
    const metrics = await (await fetch(gateway.url.replace(/\/graphql$/, "/metrics"))).text();
    expect(metrics).toMatch(
      /^og_gateway_rate_limit_decisions_total\{limit="requests",tier="app",decision="limited",store="insurance"\} 1$/m,
    );
  });

  it("open: requests go through uncounted", async () => {
    const gateway = await gatewayWith(
      { ...strict, RATE_LIMIT_FALLBACKS: "requests=open,dailyCost=open" },
      { redis: `redis://127.0.0.1:${await closedPort()}` },
    );
    for (let i = 0; i < 5; i += 1) {
      const answer = await post(gateway, CHEAP, asApp("app-open"));
      expect(answer.status).toBe(200);
      expect(answer.headers.get("ratelimit-limit")).toBeNull();
    }
  });

  it("closed: 503 RATE_LIMIT_UNAVAILABLE with Retry-After, never a 500 — for the request rate and for the budget", async () => {
    const down = `redis://127.0.0.1:${await closedPort()}`;
    const closed = await gatewayWith({ ...strict, RATE_LIMIT_FALLBACKS: "requests=closed" }, { redis: down });
    const refused = await post(closed, CHEAP, asApp("app-closed"));
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("5");
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: "RATE_LIMIT_UNAVAILABLE", limit: "requests" });
    expect(refused.body.errors?.[0]?.message).toMatch(/request rate limit cannot be checked/);

    const budgetClosed = await gatewayWith(
      { ...strict, RATE_LIMIT_FALLBACKS: "requests=open,dailyCost=closed" },
      { redis: down },
    );
    const noBudget = await post(budgetClosed, CHEAP, asApp("app-closed"));
    expect(noBudget.status).toBe(503);
    expect(noBudget.body.errors?.[0]?.extensions).toMatchObject({ code: "RATE_LIMIT_UNAVAILABLE", limit: "dailyCost" });
    // Anonymous callers have no budget: nothing to check, so they are answered.
    expect((await post(budgetClosed, PUBLIC)).status).toBe(200);
  });
});
