/**
 * Login abuse that cannot turn lockout into a weapon (issue #11, item 5): throttling per account and per address with
 * backoff, locks that never keep the owner out of an address they logged in from before, unlocks by security admins in
 * the login log, and one scrypt budget per client address shared by password logins and client credentials. One
 * identity service with an injected clock; no sleeps. The latency of a login under a flood is measured by
 * `npm run bench:login` (scripts/loginUnderFlood.ts), not here.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ANONYMOUS, type Principal, systemPrincipal } from "../../lib/principal.ts";
import { SYSTEM_SCOPES } from "../../lib/wire.ts";
import { signedHeaders } from "../../test/support/envelope.ts";
import { IDENTITY_PROXY, identityClient } from "../../test/support/identityClient.ts";
import { IDENTITY_SEED_FAMILY, IDENTITY_SEED_INSTANT, TEST_SEED_DATE } from "../../test/support/seedDate.ts";
import { graphql, startTestSubgraph } from "../../test/support/subgraphs.ts";
import type { SubgraphService } from "../kit/service.ts";
import { createHashingBudget } from "./hashingBudget.ts";
import { createIdentitySubgraph } from "./index.ts";
import type { IdentityPrisma } from "./loaders.ts";
import { assessLogin, LOGIN_LIMITS, lockedUntil } from "./loginThrottle.ts";

// The identity family's seed clock: this file starts from the run's shared identity snapshot (seedDate.ts).
let clock = IDENTITY_SEED_INSTANT;
const advance = (seconds: number) => {
  clock = new Date(clock.getTime() + seconds * 1000);
};

let service: SubgraphService<IdentityPrisma>;
let prisma: IdentityPrisma;
let client: ReturnType<typeof identityClient>;

beforeAll(async () => {
  service = await startTestSubgraph(createIdentitySubgraph({ now: () => clock }), {
    seedDate: TEST_SEED_DATE,
    snapshot: IDENTITY_SEED_FAMILY,
  });
  prisma = service.prisma;
  client = identityClient(service.url.replace(/\/graphql$/, ""));
});
afterAll(async () => {
  await service?.stop();
});

const login = (username: string, password: string, ip: string) => client.login(username, password, { ip });
let addressCounter = 0;
/** A documentation-range address nobody has used yet. */
const freshAddress = () => `198.18.${Math.floor(addressCounter / 250)}.${(addressCounter++ % 250) + 1}`;

const admin: Principal = {
  ...ANONYMOUS,
  kind: "security_admin",
  id: "person-000006",
  roles: ["security_admin"],
  scopes: ["graph:read", "identity:read", "identity:admin", "audit:read"],
  sessionId: "sid-admin-console",
};
const auditor: Principal = { ...admin, kind: "auditor", id: "person-000007", roles: ["auditor"] };
const gql = async (document: string, variables?: Record<string, unknown>, principal: Principal = admin) =>
  (await graphql(service.url, document, variables, {}, { principal })).body;

describe("throttling and lockout", () => {
  it("slows down after 5 failures, locks unknown addresses out after 10, and refuses even the right password from them", async () => {
    const ip = "203.0.113.7";
    const username = "officer.education";
    const start = clock;
    for (let i = 1; i <= 5; i++) {
      expect((await login(username, `wrong-guess-${i}`, ip)).body.error).toBe("invalid_grant");
    }
    const sixth = await login(username, "wrong-guess-6", ip);
    expect(sixth.status).toBe(429);
    expect(sixth.body.error).toBe("slow_down");
    expect(sixth.headers.get("retry-after")).toBe("1");

    // Waiting as told lets one more guess through each time; the wait doubles: 1, 2, 4, 8, 16 seconds.
    for (let failures = 5; failures < 10; failures++) {
      const wait = 2 ** (failures - 5);
      advance(wait - 0.5);
      expect((await login(username, "wrong-guess-early", ip)).status).toBe(429);
      advance(0.5);
      const guess = await login(username, `wrong-guess-${failures + 1}`, ip);
      expect(guess).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    }

    const locked = await login(username, "Officer#2026", freshAddress());
    expect(locked.status).toBe(423);
    expect(locked.body.error).toBe("account_locked");
    expect(Number(locked.headers.get("retry-after"))).toBe(30 * 60);

    advance(30 * 60 - 10);
    expect((await login(username, "Officer#2026", freshAddress())).status).toBe(423);
    advance(10);
    expect((await login(username, "Officer#2026", freshAddress())).status).toBe(200);

    const outcomes = await prisma.loginAttempt.groupBy({
      by: ["outcome"],
      where: { usernameKey: username, at: { gte: start } },
      _count: true,
    });
    expect(Object.fromEntries(outcomes.map((o) => [o.outcome, o._count]))).toEqual({
      BAD_PASSWORD: 10,
      THROTTLED: 6,
      LOCKED: 2,
      SUCCESS: 1,
    });
  });

  it("throttles one client address guessing across many usernames", async () => {
    const ip = "198.51.100.9";
    for (let i = 1; i <= 5; i++) await login(`spray.${i}`, "Password123", ip);
    const sixth = await login("li.na", "Resident#2026", ip);
    expect(sixth.status).toBe(429);
    expect(sixth.headers.get("retry-after")).toBe("1");
    expect((await login("li.na", "Resident#2026", "198.51.100.10")).status).toBe(200);
  });

  it("takes the client address from the envelope the gateway signed, never from x-forwarded-for", async () => {
    await client.login("ghost.forwarded", "x-password-1", {
      ip: "203.0.113.50",
      headers: { "x-forwarded-for": "203.0.113.77" },
    });
    await client.login("ghost.direct", "x-password-2", {
      direct: true,
      headers: { "x-forwarded-for": "203.0.113.51" },
    });
    const rows = await prisma.loginAttempt.findMany({
      where: { usernameKey: { in: ["ghost.forwarded", "ghost.direct"] } },
      orderBy: { username: "asc" },
      select: { username: true, clientIp: true },
    });
    expect(rows).toEqual([
      { username: "ghost.direct", clientIp: "127.0.0.1" },
      { username: "ghost.forwarded", clientIp: "203.0.113.50" },
    ]);
  });

  it("refuses a replayed, moved, altered or wrongly scoped proxy envelope with 401/403 and a code, checking nothing", async () => {
    const base = service.url.replace(/\/graphql$/, "");
    const form = (username: string) =>
      new URLSearchParams({ grant_type: "password", username, password: "x-password-3" }).toString();
    const send = async (path: string, body: string, headers: Record<string, string>) => {
      const response = await fetch(`${base}${path}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
        body,
      });
      return { status: response.status, code: ((await response.json()) as any).errors?.[0]?.extensions?.code };
    };
    const sign = (path: string, body: string, principal = IDENTITY_PROXY) =>
      signedHeaders("identity", { method: "POST", path, body }, { principal, clientAddress: "203.0.113.60" });

    const envelope = sign("/oauth/token", form("ghost.replayed"));
    expect((await send("/oauth/token", form("ghost.replayed"), envelope)).status).toBe(400);
    expect(await send("/oauth/token", form("ghost.replayed"), envelope)).toEqual({
      status: 401,
      code: "ENVELOPE_REPLAYED",
    });
    expect(await send("/oauth/token", form("ghost.moved"), sign("/oauth/password", form("ghost.moved")))).toEqual({
      status: 401,
      code: "ENVELOPE_NOT_BOUND",
    });
    expect(await send("/oauth/token", form("ghost.altered"), sign("/oauth/token", form("ghost.original")))).toEqual({
      status: 401,
      code: "ENVELOPE_NOT_BOUND",
    });
    const readiness = systemPrincipal("gateway-readiness", [SYSTEM_SCOPES.readiness]);
    expect(
      await send("/oauth/token", form("ghost.scoped"), sign("/oauth/token", form("ghost.scoped"), readiness)),
    ).toEqual({ status: 403, code: "ENVELOPE_SCOPE_MISSING" });
    const attempts = await prisma.loginAttempt.count({
      where: { usernameKey: { in: ["ghost.moved", "ghost.altered", "ghost.original", "ghost.scoped"] } },
    });
    expect(attempts).toBe(0);
    expect(await prisma.loginAttempt.count({ where: { usernameKey: "ghost.replayed" } })).toBe(1);
  });

  it("decides from failure times and whether the address is known (pure rules)", () => {
    const t0 = new Date("2026-12-01T00:00:00Z");
    const at = (s: number) => new Date(t0.getTime() + s * 1000);
    const nine = Array.from({ length: 9 }, (_, i) => at(i * 60));
    const twenty = Array.from({ length: 20 }, () => t0);
    const history = (overrides: Partial<Parameters<typeof assessLogin>[0]>) => ({
      accountFailures: [],
      addressFailures: [],
      pairFailures: [],
      knownAddress: false,
      ...overrides,
    });
    expect(lockedUntil(nine)).toBeNull();
    // Ten failures spread over more than 15 minutes never lock.
    expect(lockedUntil([...nine, at(15 * 60 + 1)])).toBeNull();
    expect(lockedUntil([...nine, at(15 * 60)])).toEqual(at(15 * 60 + 30 * 60));
    expect(assessLogin(history({ accountFailures: nine.slice(0, 4) }), at(241))).toEqual({ state: "open" });
    expect(assessLogin(history({ accountFailures: twenty }), t0)).toEqual({ state: "locked", retryAfterSeconds: 1800 });
    // The delay stops growing at 300 seconds (address-only failures never lock).
    expect(assessLogin(history({ addressFailures: twenty }), t0)).toEqual({
      state: "throttled",
      retryAfterSeconds: 300,
    });
    // A known address: the account's lock and the address's other failures do not apply; its own failures slow it.
    expect(assessLogin(history({ accountFailures: twenty, addressFailures: twenty, knownAddress: true }), t0)).toEqual({
      state: "open",
    });
    expect(assessLogin(history({ pairFailures: twenty, knownAddress: true }), t0)).toEqual({
      state: "throttled",
      retryAfterSeconds: 300,
    });
  });
});

describe("the owner stays in", () => {
  it("after 1,000 failed logins for admin.security from one address, the admin still logs in from a known address", async () => {
    const office = "192.0.2.60";
    expect((await login("admin.security", "Admin#2026", office)).status).toBe(200);
    const attacker = "203.0.113.66";
    const statuses = new Map<number, number>();
    for (let i = 0; i < 1000; i++) {
      advance(1);
      const answer = await login("admin.security", `Guess-${i}-2026`, attacker);
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    }
    // Every attempt failed: 10 real guesses, the rest refused by the backoff, then the lock, without a password check.
    expect(Object.fromEntries(statuses)).toEqual({ 400: 10, 429: expect.any(Number), 423: expect.any(Number) });
    expect((statuses.get(429) ?? 0) + (statuses.get(423) ?? 0)).toBe(990);
    expect((await login("admin.security", "Admin#2026", attacker)).status).toBe(423);
    expect((await login("admin.security", "Admin#2026", freshAddress())).status).toBe(423);

    const owner = await login("admin.security", "Admin#2026", office);
    expect(owner.status).toBe(200);
    expect(owner.body.access_token).toEqual(expect.any(String));
  }, 180_000);

  it("slows a known address down on its own failures for the account, and never locks it", async () => {
    const office = "192.0.2.61";
    expect((await login("officer.linfen", "Officer#2026", office)).status).toBe(200);
    let failures = 0;
    while (failures < LOGIN_LIMITS.lockAfterFailures + 2) {
      const answer = await login("officer.linfen", "Not-it-2026", office);
      expect(answer.status).not.toBe(423);
      if (answer.status === 400) failures += 1;
      else advance(Number(answer.headers.get("retry-after")));
    }
    // Elsewhere the account is locked now; from the office the right password works after the backoff.
    expect((await login("officer.linfen", "Officer#2026", freshAddress())).status).toBe(423);
    const slowed = await login("officer.linfen", "Officer#2026", office);
    expect(slowed.status).toBe(429);
    advance(Number(slowed.headers.get("retry-after")));
    expect((await login("officer.linfen", "Officer#2026", office)).status).toBe(200);
  });

  it("lets a security admin unlock an account, recorded in the login log with the admin and the reason", async () => {
    for (let i = 0; i < LOGIN_LIMITS.lockAfterFailures; i++) {
      advance(20); // past the account's backoff, so every guess is checked
      expect((await login("auditor.chen", `Guess-${i}-2026`, freshAddress())).status).toBe(400);
    }
    expect((await login("auditor.chen", "Auditor#2026", freshAddress())).status).toBe(423);

    const UNLOCK = `mutation U($personId: ID!, $reason: String!) {
      unlockAccount(personId: $personId, reason: $reason) { person { id username } wasLocked lockedUntil } }`;
    expect((await gql(UNLOCK, { personId: "person-000007", reason: "x" })).errors?.[0].extensions.code).toBe(
      "BAD_USER_INPUT",
    );
    expect((await gql(UNLOCK, { personId: "person-999999", reason: "Phone call" })).errors?.[0].extensions.code).toBe(
      "NOT_FOUND_ENTITY",
    );
    expect(
      (await gql(UNLOCK, { personId: "person-000007", reason: "Self-service" }, auditor)).errors?.[0].extensions.code,
    ).toBe("FORBIDDEN");
    expect((await login("auditor.chen", "Auditor#2026", freshAddress())).status).toBe(423);

    const unlocked = await gql(UNLOCK, { personId: "person-000007", reason: "陈慧 called the service desk" });
    expect(unlocked.errors).toBeUndefined();
    expect(unlocked.data.unlockAccount).toMatchObject({
      person: { id: "person-000007", username: "auditor.chen" },
      wasLocked: true,
      lockedUntil: expect.any(String),
    });
    expect((await login("auditor.chen", "Auditor#2026", freshAddress())).status).toBe(200);

    const log = await gql(
      `{ loginAttempts(filter: { username: "auditor.chen", outcome: UNLOCKED }) { nodes { outcome actor { id } note clientIp } } }`,
      {},
      auditor,
    );
    expect(log.data.loginAttempts.nodes).toEqual([
      {
        outcome: "UNLOCKED",
        actor: { id: "person-000006" },
        note: "陈慧 called the service desk",
        clientIp: "session:sid-admin-console",
      },
    ]);
  });
});

describe("the hashing budget per client address", () => {
  it("answers a client_credentials flood with 429 and Retry-After, running no check, while a normal login completes", async () => {
    const flood = "198.51.100.200";
    const before = service.sqlQueries();
    const [answers, normal] = await Promise.all([
      Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          client.clientCredentials("app-portal", `guessed-secret-${i}`, { ip: flood }),
        ),
      ),
      login("zhang.wei", "Resident#2026", "192.0.2.77"),
    ]);
    expect(normal.status).toBe(200);
    expect(normal.body.access_token).toEqual(expect.any(String));
    const refused = answers.filter((a) => a.status === 429);
    const checked = answers.filter((a) => a.status === 401);
    // The burst (10 checks) was spent on the first requests; the rest were refused without scrypt.
    expect(checked).toHaveLength(10);
    expect(refused).toHaveLength(30);
    for (const answer of refused) {
      expect(answer.body.error).toBe("slow_down");
      expect(Number(answer.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    }
    // Refusals cost no database work either: only the 10 checked requests and the one login touched the database.
    const afterFlood = service.sqlQueries();
    await Promise.all(
      Array.from({ length: 20 }, () => client.clientCredentials("app-portal", "guessed-again", { ip: flood })),
    );
    expect(service.sqlQueries()).toBe(afterFlood);
    expect(afterFlood).toBeGreaterThan(before);
  });

  it("is shared by password logins and client credentials, and refills with time", async () => {
    const shared = "198.51.100.201";
    for (let i = 0; i < 10; i++) await client.clientCredentials("app-portal", "portal-dev-secret", { ip: shared });
    const rows = await prisma.loginAttempt.count({ where: { clientIp: shared } });
    const refused = await login("li.na", "Resident#2026", shared);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toBe("slow_down");
    expect(refused.headers.get("retry-after")).toBe("1");
    // Refused before any database work: not even a login-log row.
    expect(await prisma.loginAttempt.count({ where: { clientIp: shared } })).toBe(rows);
    advance(1); // two checks regained per second
    expect((await login("li.na", "Resident#2026", shared)).status).toBe(200);
    expect((await client.clientCredentials("app-portal", "portal-dev-secret", { ip: shared })).status).toBe(200);
    expect((await client.clientCredentials("app-portal", "portal-dev-secret", { ip: shared })).status).toBe(429);
  });
});

describe("the hashing budget's rules", () => {
  const granted = async (budget: ReturnType<typeof createHashingBudget>, address: string) =>
    "value" in (await budget.run(address, async () => true));

  it("grants a burst, refills at its rate, says how long to wait once per episode, and forgets old addresses", async () => {
    let now = 0;
    const budget = createHashingBudget({ burst: 3, perSecond: 0.5, maxAddresses: 2, now: () => now });
    for (let i = 0; i < 3; i++) expect(await granted(budget, "a")).toBe(true);
    expect((await budget.run("a", async () => true)).decision).toEqual({
      granted: false,
      retryAfterSeconds: 2,
      firstRefusal: true,
    });
    expect((await budget.run("a", async () => true)).decision).toMatchObject({ firstRefusal: false });
    now = 1_000;
    expect((await budget.run("a", async () => true)).decision).toMatchObject({ retryAfterSeconds: 1 });
    now = 2_000;
    expect(await granted(budget, "a")).toBe(true);
    for (let i = 0; i < 3; i++) expect(await granted(budget, "b")).toBe(true);
    // A third address pushes out the least recently used one ("a"), which starts afresh: memory stays bounded.
    await budget.run("c", async () => true);
    expect(await granted(budget, "b")).toBe(false);
    for (let i = 0; i < 3; i++) expect(await granted(budget, "a")).toBe(true);
    expect(() => createHashingBudget({ burst: 0 })).toThrow(/burst/);
  });

  it("runs one address's checks one after another, and other addresses' beside them", async () => {
    const budget = createHashingBudget({ burst: 10 });
    const running = new Map<string, number>();
    const most = new Map<string, number>();
    let together = 0;
    const check = (address: string) => async () => {
      running.set(address, (running.get(address) ?? 0) + 1);
      most.set(address, Math.max(most.get(address) ?? 0, running.get(address) ?? 0));
      together = Math.max(
        together,
        [...running.values()].reduce((a, b) => a + b, 0),
      );
      await new Promise((resolve) => setTimeout(resolve, 5));
      running.set(address, (running.get(address) ?? 1) - 1);
    };
    await Promise.all([
      ...Array.from({ length: 5 }, () => budget.run("flood", check("flood"))),
      budget.run("owner", check("owner")),
      budget
        .run("flood", async () => {
          throw new Error("a failed check does not block the next");
        })
        .catch(() => undefined),
      budget.run("flood", check("flood")),
    ]);
    expect(most.get("flood")).toBe(1);
    expect(together).toBe(2);
  });
});

describe("the login audit", () => {
  /** Runs an operation and returns how many SQL statements it cost. */
  async function sqlCost(document: string, variables: Record<string, unknown>, principal: Principal) {
    const before = service.sqlQueries();
    const body = await gql(document, variables, principal);
    expect(body.errors).toBeUndefined();
    return { body, statements: service.sqlQueries() - before };
  }

  it("lists the login audit for auditors, filtered and paged, with the person hop batched", async () => {
    const ATTEMPTS = `query A($filter: LoginAttemptFilter, $first: Int, $after: String) {
      loginAttempts(filter: $filter, first: $first, after: $after) {
        totalCount
        nodes { id username clientIp outcome at person { id username } }
        pageInfo { hasNextPage endCursor }
      }
    }`;
    const locked = await gql(ATTEMPTS, { filter: { username: "OFFICER.EDUCATION", outcome: "LOCKED" } }, auditor);
    expect(locked.data.loginAttempts.totalCount).toBe(2);
    expect(locked.data.loginAttempts.nodes[0]).toMatchObject({
      outcome: "LOCKED",
      person: { id: "person-000005", username: "officer.education" },
    });
    const fromIp = await gql(ATTEMPTS, { filter: { clientIp: "198.51.100.9" } }, auditor);
    expect(fromIp.data.loginAttempts.nodes.map((n: any) => n.outcome)).toEqual([
      "UNKNOWN_USER",
      "UNKNOWN_USER",
      "UNKNOWN_USER",
      "UNKNOWN_USER",
      "UNKNOWN_USER",
      "THROTTLED",
    ]);

    const total = await prisma.loginAttempt.count();
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = (await gql(ATTEMPTS, { first: 40, after }, auditor)).data.loginAttempts;
      seen.push(...page.nodes.map((n: any) => n.at));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(total);
    expect(seen).toEqual([...seen].sort());

    const small = await sqlCost(ATTEMPTS, { first: 10 }, auditor);
    const large = await sqlCost(ATTEMPTS, { first: 100 }, auditor);
    expect(large.body.data.loginAttempts.nodes.length).toBeGreaterThan(50);
    expect(large.statements).toBe(small.statements);
    expect(small.statements).toBe(3); // page, count, people

    const backwards = await gql(
      ATTEMPTS,
      { filter: { from: "2026-12-02T00:00:00+08:00", to: "2026-12-01T00:00:00+08:00" } },
      auditor,
    );
    expect(backwards.errors?.[0].extensions.code).toBe("BAD_USER_INPUT");
  });
});
