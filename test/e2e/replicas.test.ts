/**
 * Several replicas, one system (issue 17): the subgraphs and the registry once on PostgreSQL, two gateway replicas on
 * Redis behind the small load balancer (scripts/replicas/), all real processes. Through the balancer and each replica
 * directly it shows: a policy change applies on both within 5 s; a rate limit is one limit across them; the audit
 * chain stays one and verifies; a registry publish reloads both; a rolling restart under load loses no request.
 *
 * PostgreSQL at OG_TEST_DATABASE_URL (an admin URL; default postgresql://postgres@127.0.0.1:5432/postgres): a fresh
 * database `<OG_TEST_DATABASE_PREFIX, og_test>_replicas_<random>`, dropped afterwards. Redis at OG_TEST_REDIS_URL
 * (default redis://127.0.0.1:6379/1), under a key prefix of its own. Every wait is a poll until a deadline.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { root } from "../../scripts/benchSupport.ts";
import { type ReplicaSystem, startReplicaSystem } from "../../scripts/replicas/system.ts";
import { subgraphModules } from "../../subgraphs/registry.ts";

const ADMIN_DATABASE_URL = process.env.OG_TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const REDIS_URL = process.env.OG_TEST_REDIS_URL ?? "redis://127.0.0.1:6379/1";
const DATABASE_NAME = `${process.env.OG_TEST_DATABASE_PREFIX ?? "og_test"}_replicas_${randomBytes(4).toString("hex")}`;
/** What "applies on both replicas" must take at most (issue 17). */
const PROPAGATION_BUDGET_MS = 5_000;

async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve) => {
          const server = createServer();
          server.listen(0, "127.0.0.1", () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/** Polls `check` until it returns a value other than undefined, or fails naming `what` at the deadline. */
async function until<T>(what: string, deadlineMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what}: not within ${deadlineMs} ms${last ? ` (last error: ${(last as Error).message})` : ""}`);
}

interface Answer {
  status: number;
  headers: Headers;
  body: { data?: any; errors?: Array<{ message: string; extensions?: { code?: string } }> };
}

async function gql(url: string, query: string, token?: string, variables?: Record<string, unknown>): Promise<Answer> {
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(30_000),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Answer["body"] };
}

/** A mutation or query that must succeed. */
async function ok(url: string, query: string, token?: string, variables?: Record<string, unknown>) {
  const answer = await gql(url, query, token, variables);
  expect(answer.body.errors, JSON.stringify(answer.body.errors)).toBeUndefined();
  expect(answer.status).toBe(200);
  return answer.body.data;
}

/** One sample of a gateway's /metrics, by metric name (and an optional label filter on the line). */
async function metric(origin: string, name: string): Promise<number | undefined> {
  const text = await (await fetch(`${origin}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? undefined : Number(line.split(" ").at(-1));
}

const codeOf = (answer: Answer) => answer.body.errors?.[0]?.extensions?.code;

describe("two gateway replicas behind a load balancer, on PostgreSQL and Redis", () => {
  let system: ReplicaSystem;
  let keysDir: string;
  let databaseUrl: string;
  let lb: string;
  const tokens: Record<string, string> = {};
  const origins = () => system.replicas.map((replica) => replica.origin);

  async function login(username: string, password: string): Promise<string> {
    const response = await fetch(`${system.balancer.origin}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "password", username, password }),
    });
    const body = (await response.json()) as { access_token?: string };
    expect(response.status, JSON.stringify(body)).toBe(200);
    return body.access_token as string;
  }

  /** Waits until every replica reports `name` at least `atLeast`; answers the ms each replica took. */
  async function everyReplicaReaches(name: string, atLeast: number, since: number): Promise<number[]> {
    return Promise.all(
      origins().map((origin) =>
        until(`${origin} ${name} ≥ ${atLeast}`, PROPAGATION_BUDGET_MS * 4, async () =>
          ((await metric(origin, name)) ?? -1) >= atLeast ? Date.now() - since : undefined,
        ),
      ),
    );
  }

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${DATABASE_NAME}`);
    await admin.end();
    const url = new URL(ADMIN_DATABASE_URL);
    url.pathname = `/${DATABASE_NAME}`;
    databaseUrl = url.toString();
    keysDir = await mkdtemp(join(tmpdir(), "og-replicas-keys-"));
    const ports = await freePorts(5 + subgraphModules.length);
    system = await startReplicaSystem({
      databaseUrl,
      redisUrl: REDIS_URL,
      ports: {
        balancer: ports[0] as number,
        gateways: [ports[1] as number, ports[2] as number],
        registry: ports[3] as number,
        platform: ports[4] as number,
        subgraphs: Object.fromEntries(subgraphModules.map((m, i) => [m.name, ports[5 + i] as number])),
      },
      keysDir,
      env: { LOG_LEVEL: "warn" },
      gatewayEnv: {
        RATE_LIMIT_KEY_PREFIX: `og:test:${DATABASE_NAME}:`,
        REGISTRY_POLL_MS: "1000",
        POLICY_POLL_MS: "1000",
      },
    });
    lb = system.url;
    tokens.admin = await login("admin.security", "Admin#2026");
    tokens.resident = await login("zhang.wei", "Resident#2026");
    tokens.limited = await login("li.na", "Resident#2026");
    tokens.officer = await login("officer.health", "Officer#2026");
    tokens.load = await login("officer.education", "Officer#2026");
  }, 600_000);

  afterAll(async () => {
    await system?.stop();
    if (keysDir) await rm(keysDir, { recursive: true, force: true });
    const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${DATABASE_NAME} WITH (FORCE)`);
    await admin.end();
  }, 120_000);

  it("serves the graph through the balancer and through each replica", async () => {
    const query = `{ street(id: "street-linfenlu") { name } }`;
    for (const url of [lb, ...system.replicas.map((replica) => replica.url)]) {
      expect(await ok(url, query)).toEqual({ street: { name: "临汾路街道" } });
    }
  });

  it("applies a policy change on both replicas within 5 s", async () => {
    const own = `{ me { resident { name } } }`;
    const name = async (url: string) => {
      const answer = await gql(url, own, tokens.resident);
      return { name: answer.body.data?.me?.resident?.name as string | null, code: codeOf(answer) };
    };
    for (const replica of system.replicas) expect((await name(replica.url)).name).toBe("张伟");
    const before = await metric(origins()[0] as string, "og_gateway_access_policy_revision");
    const { accessPolicy } = await ok(
      lb,
      `{ accessPolicy(name: "resident-identity") { activeVersion } }`,
      tokens.admin,
    );

    const disableSent = Date.now();
    await ok(
      lb,
      `mutation { disableAccessPolicy(name: "resident-identity", reason: "Replica test: switched off") { activeVersion } }`,
      tokens.admin,
    );
    // The change is made when the mutation returns; the budget counts from there (docs/authorization.md).
    const disabledAt = Date.now();
    const denied = await Promise.all(
      system.replicas.map((replica) =>
        until(`${replica.name} denies the resident's name`, PROPAGATION_BUDGET_MS * 4, async () => {
          const seen = await name(replica.url);
          return seen.name === null && seen.code === "FIELD_NOT_AUTHORIZED" ? Date.now() - disabledAt : undefined;
        }),
      ),
    );
    const enableSent = Date.now();
    await ok(
      lb,
      `mutation ($version: Int!) { enableAccessPolicyVersion(name: "resident-identity", version: $version, reason: "Replica test: back on") { activeVersion } }`,
      tokens.admin,
      { version: accessPolicy.activeVersion },
    );
    const enabledAt = Date.now();
    const allowed = await Promise.all(
      system.replicas.map((replica) =>
        until(`${replica.name} shows the resident's name again`, PROPAGATION_BUDGET_MS * 4, async () =>
          (await name(replica.url)).name === "张伟" ? Date.now() - enabledAt : undefined,
        ),
      ),
    );
    // Both replicas now apply the same policy-set revision, two changes on.
    const revisions = await Promise.all(origins().map((o) => metric(o, "og_gateway_access_policy_revision")));
    expect(revisions[0]).toBe(revisions[1]);
    expect(revisions[0]).toBeGreaterThanOrEqual((before ?? 0) + 2);
    console.log(
      `policy propagation, from the mutation's answer (from sending it): disable applied on the replicas after ` +
        `${denied.map((ms) => `${ms} ms (${ms + disabledAt - disableSent} ms)`).join(", ")}; enable after ` +
        `${allowed.map((ms) => `${ms} ms (${ms + enabledAt - enableSent} ms)`).join(", ")} ` +
        `(budget ${PROPAGATION_BUDGET_MS} ms, POLICY_POLL_MS 1000)`,
    );
    for (const ms of [...denied, ...allowed]) expect(ms).toBeLessThan(PROPAGATION_BUDGET_MS);
  });

  it("counts one rate limit across both replicas (Redis)", async () => {
    const set = await ok(
      lb,
      `mutation { setRateLimit(input: { scope: USER, subject: "person-000002", rate: { requests: 1, perSeconds: 60 },
        reason: "Replica test: one request a minute" }) { revision } }`,
      tokens.admin,
    );
    const setAt = Date.now();
    const took = await everyReplicaReaches("og_gateway_rate_limit_rules_revision", set.setRateLimit.revision, setAt);
    const [a, b] = system.replicas as [ReplicaSystem["replicas"][0], ReplicaSystem["replicas"][0]];
    const first = await gql(a.url, "{ me { displayName } }", tokens.limited);
    expect(first.status).toBe(200);
    expect(first.headers.get("ratelimit-limit")).toBe("1");
    expect(first.headers.get("ratelimit-remaining")).toBe("0");
    const second = await gql(b.url, "{ me { displayName } }", tokens.limited);
    expect(second.status).toBe(429);
    expect(codeOf(second)).toBe("RATE_LIMITED");
    expect(second.headers.get("ratelimit-limit")).toBe("1");
    expect(second.headers.get("ratelimit-remaining")).toBe("0");
    expect(second.headers.get("ratelimit-policy")).toBe("1;w=60");
    expect(Number(second.headers.get("retry-after"))).toBeGreaterThan(0);
    console.log(
      `rate limit: rule applied on the replicas after ${took.join(", ")} ms; 1st request on ${a.name} 200, 2nd on ${b.name} 429`,
    );
    await ok(
      lb,
      `mutation { clearRateLimit(scope: USER, subject: "person-000002", reason: "Replica test over") { id } }`,
      tokens.admin,
    );
  });

  it("keeps one audit chain that verifies after classified reads through both replicas", async () => {
    for (const url of [lb, ...system.replicas.map((replica) => replica.url), lb]) {
      const { me } = await ok(url, "{ me { resident { name idNumberMasked } } }", tokens.resident);
      expect(me.resident.name).toBe("张伟");
    }
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "scripts/auditVerify.ts", "--database-url", databaseUrl, "--json"],
      { cwd: root },
    );
    const verification = JSON.parse(stdout) as { intact: boolean; checkedRecords: number; firstBreak: unknown };
    expect(verification.intact).toBe(true);
    expect(verification.firstBreak).toBeNull();
    // The policy test's reads and these (at least 4 + 4 per replica) are in the one chain.
    expect(verification.checkedRecords).toBeGreaterThanOrEqual(8);
    console.log(`audit chain: intact, ${verification.checkedRecords} records checked (npm run audit:verify)`);
  });

  it("reloads both replicas on a registry publish", async () => {
    const ask = async (url: string) => codeOf(await gql(url, "{ healthNotice }"));
    for (const replica of system.replicas) expect(await ask(replica.url)).toBe("GRAPHQL_VALIDATION_FAILED");
    const before = await Promise.all(origins().map((o) => metric(o, "og_gateway_supergraph_revision")));
    expect(before[0]).toBe(before[1]);
    const sdl = readFileSync(join(root, "subgraphs/health/schema.graphql"), "utf8").replace(
      "type Query {\n",
      'type Query {\n  "A notice."\n  healthNotice: String @public\n',
    );
    const publishSent = Date.now();
    const response = await fetch(`${system.registryUrl}/subgraphs/health/publish`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${tokens.officer}` },
      body: JSON.stringify({ sdl }),
    });
    const published = (await response.json()) as { status: string };
    expect(response.status, JSON.stringify(published)).toBe(201);
    expect(published.status).toBe("ACTIVE");
    const publishedAt = Date.now();
    const took = await everyReplicaReaches("og_gateway_supergraph_revision", (before[0] ?? 0) + 1, publishedAt);
    // The same supergraph on both, and the new field known to both.
    const infos = await Promise.all(
      origins().map(async (o) => {
        const text = await (await fetch(`${o}/metrics`)).text();
        return text.split("\n").find((l) => l.startsWith("og_gateway_supergraph_info{"));
      }),
    );
    expect(infos[0]).toBeDefined();
    expect(infos[0]).toBe(infos[1]);
    for (const replica of system.replicas) expect(await ask(replica.url)).not.toBe("GRAPHQL_VALIDATION_FAILED");
    console.log(
      `registry publish (checks and composition: ${publishedAt - publishSent} ms): both replicas serve the new ` +
        `supergraph ${took.join(", ")} ms after its answer (REGISTRY_POLL_MS 1000)`,
    );
  });

  it("loses no request during a rolling restart under load (SIGTERM one replica at a time)", async () => {
    // The load's own principal may send as much as it likes (a rule as data, shared by both replicas).
    const set = await ok(
      lb,
      `mutation { setRateLimit(input: { scope: USER, subject: "person-000005", rate: { requests: 1000000, perSeconds: 60 },
        dailyCost: null, reason: "Replica test: rolling restart load" }) { revision } }`,
      tokens.admin,
    );
    await everyReplicaReaches("og_gateway_rate_limit_rules_revision", set.setRateLimit.revision, Date.now());

    const query = `{ street(id: "street-linfenlu") { name } }`;
    let sent = 0;
    const failures: string[] = [];
    let running = true;
    const worker = async () => {
      while (running) {
        sent += 1;
        try {
          const answer = await gql(lb, query, tokens.load);
          if (answer.status !== 200 || answer.body.data?.street?.name !== "临汾路街道") {
            failures.push(`${answer.status} ${JSON.stringify(answer.body.errors ?? answer.body)}`);
          }
        } catch (error) {
          failures.push((error as Error).message);
        }
      }
    };
    const workers = Array.from({ length: 4 }, worker);
    const exits: string[] = [];
    try {
      await until("load running", 60_000, async () => (sent >= 20 ? true : undefined));
      for (const replica of system.replicas) {
        const answered = () =>
          system.balancer.stats().upstreams.find((u) => u.origin === replica.origin)?.answered ?? 0;
        const exit = await replica.stop();
        expect(exit.code).toBe(0);
        exits.push(`${replica.name} exited ${exit.code} ${exit.ms} ms after SIGTERM`);
        await replica.start();
        // Back in the balancer's rotation, and the new process answering load.
        const answeredBefore = answered();
        await until(`${replica.name} answering through the balancer`, 60_000, async () =>
          answered() > answeredBefore ? true : undefined,
        );
      }
      const afterRestart = sent;
      await until("more load after the restarts", 60_000, async () => (sent >= afterRestart + 20 ? true : undefined));
    } finally {
      running = false;
      await Promise.all(workers);
    }
    const stats = system.balancer.stats();
    console.log(
      `rolling restart: ${sent} requests through the balancer, ${failures.length} failed; ` +
        `${exits.join("; ")}; sent on after a refusal or SHUTTING_DOWN: ${stats.upstreams.map((u) => `${u.retriedElsewhere} from ${u.origin}`).join(", ")}`,
    );
    expect(failures).toEqual([]);
    expect(stats.failed).toBe(0);
  });
});
