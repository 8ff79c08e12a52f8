/**
 * Two gateway processes share one limit (issue 14): two `gateway/main.ts` processes on OS-chosen ports count against
 * the same Redis; a security admin sets a small limit for an app as data in the identity service, both processes poll
 * it, and the app's requests through either process together get the 429 at the shared limit, with Retry-After and
 * RateLimit-* headers. Each process leases units of the limit (gateway/limits/leasedCounter.ts): a larger limit is
 * never exceeded across the two, and refused early by at most one lease.
 *
 * Needs real Redis: runs with OG_TEST_REDIS_URL (CI's `npm run test:e2e` step sets it), under a key prefix of this
 * run; skipped without it (a gateway without Redis counts alone, so there is nothing shared to show).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { leaseSize } from "../../gateway/limits/leasedCounter.ts";
import { ANONYMOUS, type Principal } from "../../lib/principal.ts";
import { PROJECT_ROOT } from "../../scripts/deploy/check.ts";
import { createIdentitySubgraph } from "../../subgraphs/identity/index.ts";
import type { IdentityPrisma } from "../../subgraphs/identity/loaders.ts";
import type { SubgraphService } from "../../subgraphs/kit/service.ts";
import { testEnvelopeKeys } from "../support/envelope.ts";
import { composeForeignSupergraph, type RunningSubgraph, startBooks, startReviews } from "../support/foreignGraph.ts";
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
const keyPrefix = `og:test:rate-limit-replicas:${randomUUID()}:`;

const admin: Principal = {
  ...ANONYMOUS,
  kind: "security_admin",
  id: "person-000006",
  roles: ["security_admin"],
  scopes: ["graph:read", "identity:read", "identity:admin"],
};
const SET = `mutation S($input: SetRateLimitInput!) { setRateLimit(input: $input) { revision } }`;

interface GatewayProcess {
  child: ChildProcess;
  url: string;
  metrics: string;
}

/** `node --import tsx gateway/main.ts` on port 0; resolves with the URL it logs once listening. */
function startGatewayProcess(env: Record<string, string>): Promise<GatewayProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "gateway/main.ts"], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH, NODE_ENV: "test", HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      for (const line of output.split("\n")) {
        if (!line.includes('"gateway is listening"')) continue;
        const { url } = JSON.parse(line) as { url: string };
        resolve({ child, url, metrics: url.replace(/\/graphql$/, "/metrics") });
      }
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on("exit", (code) => reject(new Error(`gateway exited with ${code}:\n${output}`)));
  });
}

describe.runIf(redisUrl)("two gateway processes on one Redis", () => {
  const key = es256Keys();
  let identity: SubgraphService<IdentityPrisma>;
  let issuer: TestIssuer;
  let books: RunningSubgraph;
  let reviews: RunningSubgraph;
  let dir: string;
  const gateways: GatewayProcess[] = [];

  beforeAll(async () => {
    identity = await startTestSubgraph(createIdentitySubgraph());
    issuer = await startTestIssuer([publicJwk(key.publicKey, "k1")]);
    books = await startBooks();
    reviews = await startReviews();
    dir = await mkdtemp(join(tmpdir(), "og-rate-limit-replicas-"));
    const supergraphPath = join(dir, "supergraph.graphql");
    await writeFile(supergraphPath, composeForeignSupergraph(books, reviews));
    const identityBase = identity.url.replace(/\/graphql$/, "");
    const env = {
      ENVELOPE_PRIVATE_KEY: testEnvelopeKeys.privateKey,
      SUPERGRAPH_PATH: supergraphPath,
      IDENTITY_URL: issuer.url,
      RATE_LIMITS_SOURCE: "identity",
      RATE_LIMITS_URL: `${identityBase}/access/rate-limits`,
      USAGE_URL: `${identityBase}/usage/records`,
      USAGE_FLUSH_MS: "600000",
      POLICY_POLL_MS: "200",
      REDIS_URL: redisUrl as string,
      RATE_LIMIT_KEY_PREFIX: keyPrefix,
    };
    gateways.push(...(await Promise.all([startGatewayProcess(env), startGatewayProcess(env)])));
  }, 300_000);

  afterAll(async () => {
    await Promise.all(
      gateways.map(
        ({ child }) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.removeAllListeners("exit");
            child.once("exit", () => resolve());
            child.kill("SIGTERM");
          }),
      ),
    );
    await Promise.all([books?.stop(), reviews?.stop(), issuer?.stop()]);
    await identity?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const appToken = (appId: string) =>
    signToken(
      districtClaims({ sub: appId, kind: "app", roles: [], dept: "dept-data", streets: [], sid: null }),
      key.privateKey,
      "k1",
    );
  const ask = async (gateway: GatewayProcess, appId: string) => {
    const response = await fetch(gateway.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${appToken(appId)}` },
      body: JSON.stringify({ query: "{ bookCount }" }),
    });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as { errors?: Array<{ message: string; extensions: Record<string, unknown> }> },
    };
  };
  /** Sets an app's rate as data and waits until both processes apply that revision. */
  const setRate = async (appId: string, requests: number) => {
    const { body } = await graphql(
      identity.url,
      SET,
      {
        input: {
          scope: "APP",
          subject: appId,
          rate: { requests, perSeconds: 60 },
          reason: "Shared-limit test (issue 14)",
        },
      },
      {},
      { principal: admin },
    );
    expect(body.errors).toBeUndefined();
    const revision = body.data.setRateLimit.revision as number;
    for (const gateway of gateways) {
      await expect
        .poll(async () => {
          const text = await (await fetch(gateway.metrics)).text();
          return Number(/^og_gateway_rate_limit_rules_revision (\d+)$/m.exec(text)?.[1] ?? 0);
        })
        .toBeGreaterThanOrEqual(revision);
    }
  };

  it("refuses an app's requests through process A and B together at the shared limit, with the headers", async () => {
    expect(new Set(gateways.map((gateway) => gateway.url)).size).toBe(2);
    await setRate("app-portal", 5);
    const [a, b] = gateways as [GatewayProcess, GatewayProcess];
    const answers = [];
    for (const gateway of [a, b, a, b, a, b, a]) answers.push(await ask(gateway, "app-portal"));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(answers[0]?.headers.get("ratelimit-policy")).toBe("5;w=60");

    for (const refused of answers.slice(5)) {
      const retryAfter = Number(refused.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(refused.headers.get("ratelimit-limit")).toBe("5");
      expect(refused.headers.get("ratelimit-remaining")).toBe("0");
      expect(refused.headers.get("ratelimit-reset")).toBe(String(retryAfter));
      expect(refused.headers.get("ratelimit-policy")).toBe("5;w=60");
      expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: "RATE_LIMITED", limit: "requests", max: 5 });
      expect(refused.body.errors?.[0]?.message).toContain('the limit "app:app-portal" for each app allows 5 requests');
    }
  });

  it("with a larger limit, leases never let the two processes together past it", async () => {
    const limit = 60;
    await setRate("app-parking-integrator", limit);
    const [a, b] = gateways as [GatewayProcess, GatewayProcess];
    let allowed = 0;
    for (let i = 0; i < limit * 2; i += 1) {
      const answer = await ask(i % 2 ? b : a, "app-parking-integrator");
      expect([200, 429]).toContain(answer.status);
      if (answer.status === 200) allowed += 1;
    }
    expect(allowed).toBeLessThanOrEqual(limit);
    // Refused early by at most the one lease the other process holds (docs/limits.md, "Leases").
    expect(allowed).toBeGreaterThanOrEqual(limit - leaseSize(1, 64, limit));
  });
});
