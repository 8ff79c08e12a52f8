/**
 * The README's promise, as a new user meets it: `npm start` brings up every subgraph and the gateway with seed
 * data and prints the URLs; the graph answers across departments; civil affairs, which joins only through the schema
 * registry, is published with its manifest and served from the registry's supergraph; Ctrl-C stops everything.
 * Runs the real script as a child process, on spare ports and fresh data folders (or a fresh PostgreSQL database).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import civilAffairs from "../../subgraphs/civil_affairs/index.ts";
import { subgraphModules as codeModules } from "../../subgraphs/registry.ts";
import { createTestDatabase, type TestDatabase, testTier } from "../support/database.ts";
import { departmentEnvironment } from "../support/startEnvironment.ts";
import { graphql } from "../support/subgraphs.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const GATEWAY_PORT = 4700;
// Civil affairs is not in subgraphs/registry.ts: npm start finds its folder and department.json.
const subgraphModules = [...codeModules, civilAffairs];

describe(`npm start (${testTier})`, () => {
  let child: ChildProcess;
  let output = "";
  let dataDir: string;
  let database: TestDatabase;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "og-start-"));
    database = await createTestDatabase();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(GATEWAY_PORT),
      CITY_PARKING_PLATFORM_PORT: String(GATEWAY_PORT + 90),
      REGISTRY_PORT: String(GATEWAY_PORT + 80),
      REGISTRY_DATA_DIR: join(dataDir, "registry"),
      LOG_LEVEL: "warn",
      ...departmentEnvironment(GATEWAY_PORT + 1, dataDir),
    };
    if (database.url) env.DATABASE_URL = database.url;
    child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], { cwd: root, env });
    child.stdout?.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr?.on("data", (chunk) => {
      output += chunk;
    });
    const deadline = Date.now() + 440_000;
    while (!/Jing'an One Graph is running\.|exited/.test(output) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }, 460_000);

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill("SIGKILL");
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("prints the URLs of the gateway and every subgraph", () => {
    expect(output).toContain(`GraphQL      http://127.0.0.1:${GATEWAY_PORT}/graphql`);
    for (const module of subgraphModules) expect(output).toContain(module.title);
  });

  it("answers a street across departments with seeded data through the gateway", async () => {
    const { status, body } = await graphql(
      `http://127.0.0.1:${GATEWAY_PORT}/graphql`,
      `{ street(id: "street-linfenlu") { name hospitals(kind: COMMUNITY_HEALTH_CENTRE) { name } } }`,
    );
    expect(status).toBe(200);
    expect(body).toEqual({
      data: { street: { name: "临汾路街道", hospitals: [{ name: "临汾路街道社区卫生服务中心" }] } },
    });
    const ready = await fetch(`http://127.0.0.1:${GATEWAY_PORT}/readyz`);
    expect(ready.status).toBe(200);
  });

  it("lets a seeded resident log in through the gateway and see only masked personal numbers", async () => {
    const gateway = `http://127.0.0.1:${GATEWAY_PORT}`;
    const login = await fetch(`${gateway}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "password", username: "zhang.wei", password: "Resident#2026" }),
    });
    if (login.status !== 200) console.error(await login.clone().text(), output.slice(-3000));
    expect(login.status).toBe(200);
    const tokens = (await login.json()) as { access_token: string; refresh_token: string; token_type: string };
    expect(tokens.token_type).toBe("Bearer");
    const me = await graphql(
      `${gateway}/graphql`,
      "{ me { kind displayName resident { id name idNumberMasked phoneMasked street { name } } } }",
      undefined,
      { authorization: `Bearer ${tokens.access_token}` },
    );
    expect(me.status).toBe(200);
    const resident = me.body.data.me.resident;
    expect(me.body.data.me.kind).toBe("RESIDENT");
    expect(resident.id).toBe("resident-000001");
    expect(resident.idNumberMasked).toMatch(/^310\*{11}\d{3}[\dX]$/);
    expect(resident.phoneMasked).toMatch(/^1\d{2}\*{4}\d{4}$/);
    expect(JSON.stringify(me.body)).not.toMatch(/\d{17}[\dX]|1\d{10}/);

    const anonymous = await graphql(`${gateway}/graphql`, "{ me { displayName } }");
    expect(anonymous.body).toEqual({ data: { me: null } });
    const wrong = await fetch(`${gateway}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "password", username: "zhang.wei", password: "wrong" }),
    });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { error: string }).error).toBe("invalid_grant");
  });

  it("publishes civil affairs to the registry with its manifest and serves its nursing homes through the gateway", async () => {
    expect(output).toMatch(
      /civil_affairs +published to the registry by 区民政局 \(manifest: DELIVERED; published civil_affairs v1: ACTIVE\)/,
    );
    const gateway = `http://127.0.0.1:${GATEWAY_PORT}/graphql`;
    const { status, body } = await graphql(
      gateway,
      `{
        nursingHomes(first: 20) { totalCount nodes { id name beds availableBeds inInternetHospitalPilot internetHospital { name } } }
        street(id: "street-pengpu") { nursingHomes { name } }
      }`,
    );
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.nursingHomes.totalCount).toBe(16);
    // The register from civil affairs, the 养老院+互联网医院 pilot from health, in one answer.
    const pilot = body.data.nursingHomes.nodes.filter((home: any) => home.inInternetHospitalPilot);
    expect(pilot).toHaveLength(4);
    for (const home of pilot) expect(home.internetHospital.name).toMatch(/医院$/);
    expect(body.data.street.nursingHomes.map((home: any) => home.name)).toContain("上海市静安区第一社会福利院");

    // The seeded civil-affairs officer (created through identity's administration, not its code) reads a subsidy under
    // the manifest's policy and purpose, with the sensitive household status masked.
    const login = await fetch(`http://127.0.0.1:${GATEWAY_PORT}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "password", username: "officer.civil", password: "Officer#2026" }),
    });
    expect(login.status).toBe(200);
    const { access_token } = (await login.json()) as { access_token: string };
    const subsidy = `{ nursingHome(id: "nh-0001") { name } elderlyCareSubsidy(id: "ecs-000001") { id careLevel householdStatus } }`;
    const asOfficer = (purpose?: string) =>
      graphql(gateway, subsidy, undefined, {
        authorization: `Bearer ${access_token}`,
        ...(purpose ? { "x-og-purpose": purpose } : {}),
      });
    let granted = await asOfficer("civil-affairs-elderly-care");
    // The policy and purpose reached identity with the manifest; the gateway polls them.
    for (let i = 0; i < 60 && !granted.body.data?.elderlyCareSubsidy; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      granted = await asOfficer("civil-affairs-elderly-care");
    }
    expect(granted.body.errors).toBeUndefined();
    expect(granted.body.data).toMatchObject({
      nursingHome: { name: "上海市静安区第一社会福利院" },
      elderlyCareSubsidy: { id: "ecs-000001", householdStatus: "****" },
    });
    const withoutPurpose = await asOfficer();
    expect(withoutPurpose.body.data.elderlyCareSubsidy).toBeNull();
    expect(withoutPurpose.body.data.nursingHome).toEqual({ name: "上海市静安区第一社会福利院" });
  });

  it("runs the schema registry with the district's subgraphs registered", async () => {
    expect(output).toContain(`registry     http://127.0.0.1:${GATEWAY_PORT + 80}`);
    const health = await fetch(`http://127.0.0.1:${GATEWAY_PORT + 80}/healthz`);
    expect(health.status).toBe(200);
    // Its supergraph is for the gateway alone.
    expect((await fetch(`http://127.0.0.1:${GATEWAY_PORT + 80}/supergraph`)).status).toBe(401);
  });

  it("stops every service on SIGTERM", async () => {
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    await expect(fetch(`http://127.0.0.1:${GATEWAY_PORT}/healthz`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${GATEWAY_PORT + 1}/healthz`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${GATEWAY_PORT + 80}/healthz`)).rejects.toThrow();
  });
});
