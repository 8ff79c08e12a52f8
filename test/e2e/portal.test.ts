/**
 * The portal in a real browser (issue 15, docs/portal.md), on the README's one command: `scripts/start.ts` as a child
 * process (which builds the portal when portal/dist is missing or stale), on this file's ports (5200–5229) and fresh
 * data folders, and headless Debian chromium driven by playwright-core.
 *
 * Each role signs in through single sign-on (the provider's login form, code + PKCE) and uses its main page:
 * a resident sees their records from several departments and who accessed their data; an enterprise user sees its
 * 免申即享 grants with reasons; a developer registers an app and runs a query in the bundled explorer; a security
 * admin drafts, simulates and enables a policy; an auditor verifies the audit chain.
 *
 * Throughout: every request the browser makes goes to the platform's own origin (others are aborted and fail the
 * test), no token is kept in localStorage or sessionStorage, and axe-core finds no serious or critical violation on
 * each role's main page. Each main page is saved to docs/screenshots/<role>.png (shown in the README).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ensurePortalBuilt } from "../../scripts/buildPortal.ts";
import { departmentEnvironment } from "../support/startEnvironment.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const GATEWAY_PORT = 5200;
const ORIGIN = `http://127.0.0.1:${GATEWAY_PORT}`;
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const axeSource = await readFile(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const JWT = /eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}/;

interface Visit {
  context: BrowserContext;
  page: Page;
  foreign: string[];
}

describe.skipIf(!existsSync(CHROMIUM))("the portal in a browser (one-command start, chromium)", () => {
  let child: ChildProcess;
  let output = "";
  let dataDir: string;
  let browser: Browser;
  const visits: Visit[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "og-portal-e2e-"));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(GATEWAY_PORT),
      PUBLIC_ORIGIN: ORIGIN,
      CITY_PARKING_PLATFORM_PORT: String(GATEWAY_PORT + 21),
      REGISTRY_PORT: String(GATEWAY_PORT + 20),
      REGISTRY_DATA_DIR: join(dataDir, "registry"),
      LOG_LEVEL: "warn",
      ...departmentEnvironment(GATEWAY_PORT + 1, dataDir),
    };
    delete env.DATABASE_URL;
    // Built first, so that the build does not compete with the first seeding for the CPU (start.ts then finds it fresh).
    expect(await ensurePortalBuilt(() => {})).not.toBe("failed");
    // A loaded machine can make a department miss start.ts's readiness wait (180 s) while it seeds from scratch: then
    // once more, on the same (now partly seeded) folders.
    for (let attempt = 1; attempt <= 2; attempt++) {
      output = "";
      child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], { cwd: root, env });
      child.stdout?.on("data", (chunk) => {
        output += chunk;
      });
      child.stderr?.on("data", (chunk) => {
        output += chunk;
      });
      const deadline = Date.now() + 440_000;
      while (!/Jing'an One Graph is running\./.test(output) && child.exitCode === null && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      if (output.includes("is running") || !/did not become ready/.test(output)) break;
      await new Promise((resolve) => (child.exitCode === null ? child.once("exit", resolve) : resolve(null)));
    }
    if (!output.includes("is running")) throw new Error(`npm start did not come up:\n${output.slice(-3000)}`);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
  }, 940_000);

  afterAll(async () => {
    await browser?.close();
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  /** A fresh browser profile; any request off the platform's origin is aborted and remembered. */
  async function visit(): Promise<Visit> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "zh-CN" });
    const foreign: string[] = [];
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith(`${ORIGIN}/`) || url.startsWith("data:") || url.startsWith("blob:")) {
        return route.continue();
      }
      foreign.push(url);
      return route.abort();
    });
    context.on("request", (request) => {
      const url = request.url();
      if (!(url.startsWith(`${ORIGIN}/`) || url.startsWith("data:") || url.startsWith("blob:"))) foreign.push(url);
    });
    const page = await context.newPage();
    const entry = { context, page, foreign };
    visits.push(entry);
    return entry;
  }

  afterEach(async () => {
    for (const { context, page, foreign } of visits.splice(0)) {
      expect(foreign, "requests to hosts other than the platform's own").toEqual([]);
      if (!page.isClosed()) await expectNoStoredToken(page);
      await context.close();
    }
  });

  async function expectNoStoredToken(page: Page) {
    const stored = await page.evaluate(() => {
      const all: Record<string, string> = {};
      type WebStorage = { length: number; key(i: number): string | null; getItem(key: string): string | null };
      const { localStorage, sessionStorage } = globalThis as unknown as Record<string, WebStorage>;
      for (const storage of [localStorage, sessionStorage] as WebStorage[]) {
        for (let i = 0; i < storage.length; i++) {
          const key = storage.key(i) as string;
          all[key] = storage.getItem(key) ?? "";
        }
      }
      return all;
    });
    for (const [key, value] of Object.entries(stored)) {
      expect(`${key}=${value}`, "a token in web storage").not.toMatch(JWT);
      expect(key.toLowerCase()).not.toMatch(/token/);
    }
  }

  /** The provider's login form (and consent page, if asked), then back on the portal signed in. */
  async function signIn(page: Page, username: string, password: string) {
    await page.goto(`${ORIGIN}/portal/`);
    await page.getByRole("main").getByRole("button", { name: "登录" }).click();
    await page.waitForURL(/\/oidc\/interaction\//);
    await page.getByLabel(/用户名/).fill(username);
    await page.getByLabel(/密码/).fill(password);
    await page.locator('form button[type="submit"], form input[type="submit"]').first().click();
    await page.waitForURL(/\/portal\/(#.*)?$/, { timeout: 30_000 });
    await expect.poll(() => page.getByTestId("signed-in-as").textContent()).toContain("(");
    await expectNoStoredToken(page);
  }

  async function expectAccessible(page: Page) {
    await page.evaluate(axeSource);
    // Runs in the page (a browser realm: `globalThis` is the window there, where axe-core put itself).
    const violations = await page.evaluate(async () => {
      const { axe, document: page } = globalThis as unknown as {
        axe: { run: (context: unknown, options: object) => Promise<{ violations: unknown[] }> };
        document: unknown;
      };
      const results = await axe.run(page, { resultTypes: ["violations"] });
      return (results.violations as Array<{ id: string; impact: string; help: string; nodes: unknown[] }>).map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        count: v.nodes.length,
      }));
    });
    const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(serious, JSON.stringify(violations, null, 2)).toEqual([]);
  }

  async function screenshot(page: Page, role: string) {
    await mkdir(join(root, "docs/screenshots"), { recursive: true });
    await page.screenshot({ path: join(root, "docs/screenshots", `${role}.png`) });
  }

  /** A password-grant token for seeding what the browser should then see (server side, never in the browser). */
  async function passwordToken(username: string, password: string): Promise<string> {
    const response = await fetch(`${ORIGIN}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "password", username, password }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { access_token: string }).access_token;
  }

  async function graph(token: string, query: string, variables: object = {}, headers: Record<string, string> = {}) {
    const response = await fetch(`${ORIGIN}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}`, ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data?: any; errors?: unknown[] };
  }

  it("prints the portal's URL and serves it on the gateway's origin", async () => {
    expect(output).toContain(`portal       ${ORIGIN}/portal/`);
    const page = await fetch(`${ORIGIN}/portal/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect((await fetch(`${ORIGIN}/portal/../package.json`)).status).toBe(404);
  });

  it("a resident signs in and sees their records from several departments and who accessed their data", async () => {
    // zhang.wei books a doctor's appointment (health) and parks (parking) the way any front end would; his seed
    // already holds a course enrolment (education) and a cultural registration (culture).
    const resident = await passwordToken("zhang.wei", "Resident#2026");
    const slots = await graph(
      resident,
      "query Slots($from: DateTime) { appointmentSlots(filter: { availableOnly: true, from: $from }, first: 20) { nodes { id } } }",
      { from: new Date(Date.now() + 3_600_000).toISOString() },
    );
    const slotIds: string[] = (slots.data?.appointmentSlots?.nodes ?? []).map((slot: { id: string }) => slot.id);
    expect(slotIds.length, JSON.stringify(slots)).toBeGreaterThan(0);
    // The first open slot he does not hold already (a slot stays open for others after he booked it).
    let appointmentId: string | undefined;
    for (const slotId of slotIds) {
      const booked = await graph(
        resident,
        "mutation Book($input: BookAppointmentInput!) { bookAppointment(input: $input) { id } }",
        { input: { slotId } },
      );
      appointmentId = booked.data?.bookAppointment?.id;
      if (appointmentId) break;
    }
    expect(appointmentId).toBeTruthy();
    const parked = await graph(
      resident,
      "mutation Park($input: StartParkingSessionInput!) { startParkingSession(input: $input) { id } }",
      { input: { facilityId: "pf-0001", plate: `沪A${String(Date.now()).slice(-5)}` } },
    );
    expect(parked.errors, JSON.stringify(parked.errors)).toBeUndefined();
    // An officer reads that appointment for a declared purpose: an access he should then see, with its purpose.
    const officer = await passwordToken("officer.health", "Officer#2026");
    const read = await graph(
      officer,
      "query FollowUp($id: ID!) { appointment(id: $id) { status resident { name } } }",
      { id: appointmentId },
      { "x-og-purpose": "public-health" },
    );
    expect(read.errors, JSON.stringify(read.errors)).toBeUndefined();

    const { page } = await visit();
    await signIn(page, "zhang.wei", "Resident#2026");
    await expect.poll(() => page.url()).toContain("#/resident");
    await expect.poll(() => page.getByTestId("resident-summary").textContent()).toContain("张伟");
    const departmentsWithRecords: string[] = [];
    for (const table of [
      "appointments",
      "enrolments",
      "court-bookings",
      "event-registrations",
      "culture-registrations",
      "parking-sessions",
      "window-appointments",
    ]) {
      const rows = await page.getByTestId(table).locator("tbody tr").allTextContents();
      if (rows.length > 0 && !(rows.length === 1 && /^(暂无|None)$/.test(rows[0]?.trim() ?? ""))) {
        departmentsWithRecords.push(table);
      }
    }
    expect(departmentsWithRecords, "tables with records").toEqual(
      expect.arrayContaining(["appointments", "parking-sessions", "enrolments"]),
    );
    const accesses = page.getByTestId("data-accesses").locator("tbody tr");
    await expect
      .poll(() => accesses.allTextContents())
      .toEqual(expect.arrayContaining([expect.stringContaining("public-health")]));
    await expectAccessible(page);
    await screenshot(page, "resident");

    // A reload forgets the token (it lived in memory) and signs in again silently against the provider's session.
    await page.reload();
    await expect.poll(() => page.getByTestId("signed-in-as").textContent(), { timeout: 30_000 }).toContain("resident");
    await expect.poll(() => page.url()).toContain("#/resident");
    // English on request.
    await page.getByRole("button", { name: "切换到英文" }).click();
    await expect
      .poll(() => page.getByRole("heading", { level: 1 }).textContent())
      .toBe("My records across departments");
  });

  it("an enterprise user sees its 免申即享 grants with the reason for each", async () => {
    const { page } = await visit();
    await signIn(page, "ent.yiyuan", "Enterprise#2026");
    await expect.poll(() => page.url()).toContain("#/enterprise");
    await expect.poll(() => page.getByTestId("enterprise-summary").textContent()).toBeTruthy();
    const grants = page.getByTestId("benefit-grants").locator("tbody tr");
    await expect
      .poll(async () => (await grants.allTextContents()).filter((t) => t.trim() !== "暂无").length)
      .toBeGreaterThan(0);
    // Every grant shows at least one reason.
    const reasonCounts = await page
      .getByTestId("benefit-grants")
      .locator("tbody tr")
      .evaluateAll((rows) => rows.map((row) => row.querySelectorAll("li").length));
    expect(
      reasonCounts.every((n) => n > 0),
      JSON.stringify(reasonCounts),
    ).toBe(true);
    await expect.poll(() => page.getByTestId("bundled-services").locator("tbody tr").count()).toBeGreaterThan(0);
    await expectAccessible(page);
    await screenshot(page, "enterprise");
  });

  it("a developer registers an app, sees its credentials and approval status, and runs a query in the explorer", async () => {
    const { page } = await visit();
    await signIn(page, "officer.health", "Officer#2026");
    await expect.poll(() => page.url()).toContain("#/developer");
    await expect.poll(() => page.getByTestId("subgraphs").locator("tbody tr").count()).toBeGreaterThanOrEqual(7);
    await expect.poll(() => page.getByTestId("departments").locator("tbody tr").count()).toBeGreaterThan(10);
    await expectAccessible(page);
    await screenshot(page, "developer");

    await page.getByLabel(/应用标识/).fill(`clinic-queue-${String(Date.now()).slice(-6)}`);
    await page.getByLabel("应用名称").fill("门诊候诊大屏");
    await page.getByRole("button", { name: "提交" }).click();
    await expect.poll(() => page.getByTestId("app-status").textContent()).toBe("PENDING");
    await expect.poll(() => page.getByTestId("credentials").textContent()).toContain("client_secret");
    // Its trusted operations: registered for the app, listed with their hashes.
    await page.getByRole("button", { name: "登记" }).click();
    await expect
      .poll(() => page.getByTestId("trusted-operations").locator("tbody tr").allTextContents())
      .toEqual([expect.stringMatching(/^StreetNames[0-9a-f]{64}$/)]);

    // The explorer: GraphiQL from the bundle, querying as the signed-in officer.
    await page.getByRole("link", { name: "图探索器" }).first().click();
    await expect.poll(() => page.url()).toContain("#/explorer");
    const run = page.locator(".graphiql-execute-button");
    await run.waitFor({ timeout: 60_000 });
    // The editor holds the default operation once it is ready; run it then.
    await expect
      .poll(() => page.locator(".graphiql-query-editor").textContent(), { timeout: 60_000 })
      .toContain("street-linfenlu");
    await run.click();
    await expect
      .poll(() => page.locator(".graphiql-response").textContent(), { timeout: 30_000 })
      .toContain("临汾路街道");
    await expect.poll(() => page.locator(".graphiql-response").textContent()).toContain("OFFICER");
    await screenshot(page, "explorer");
  });

  it("a security admin drafts a policy version, sees its difference, simulates it, and enables it with approval", async () => {
    const { page } = await visit();
    await signIn(page, "admin.security", "Admin#2026");
    await expect.poll(() => page.url()).toContain("#/security");
    await expect.poll(() => page.getByTestId("policies").locator("tbody tr").count()).toBeGreaterThan(0);
    await expectAccessible(page);
    await screenshot(page, "security");

    const grants = page.getByLabel(/授权规则/);
    const before = JSON.parse(await grants.inputValue()) as Array<Record<string, unknown>>;
    const changed = [...before, { kinds: ["AUDITOR"] }];
    await grants.fill(JSON.stringify(changed, null, 2));
    await page.getByLabel("理由", { exact: true }).fill("审计员需查看（演示）");
    await page.getByRole("button", { name: "起草新版本" }).click();
    await expect.poll(() => page.getByTestId("draft-status").textContent()).toMatch(/v\d+: DRAFT/);
    await expect.poll(() => page.getByTestId("policy-diff").textContent()).toMatch(/^\+\s+"AUDITOR"/m);

    await page.getByRole("button", { name: "模拟" }).click();
    await expect.poll(() => page.getByTestId("simulation").locator("tbody tr").count()).toBeGreaterThan(0);

    await page.getByLabel(/审批意见/).fill("安全委员会 2026-12 批准");
    await page.getByRole("button", { name: "审批并启用" }).click();
    await expect.poll(() => page.getByTestId("enabled").textContent()).toMatch(/ v\d+$/);
  });

  it("an auditor searches the audit trail and verifies the chain", async () => {
    const { page } = await visit();
    await signIn(page, "auditor.chen", "Auditor#2026");
    await expect.poll(() => page.url()).toContain("#/audit");
    await expect.poll(() => page.getByTestId("audit-trail").locator("tbody tr").count()).toBeGreaterThan(0);
    await page.getByRole("button", { name: "校验审计链" }).click();
    await expect.poll(() => page.getByTestId("chain-verification").getAttribute("data-intact")).toBe("true");
    await expect.poll(() => page.getByTestId("chain-verification").textContent()).toContain("审计链完整");
    await page.getByLabel("居民 ID").fill("resident-000001");
    await page.getByRole("button", { name: "查询" }).click();
    await expect
      .poll(() => page.getByTestId("audit-trail").locator("tbody tr").allTextContents())
      .toEqual(expect.arrayContaining([expect.stringContaining("resident-000001")]));
    await expectAccessible(page);
    await screenshot(page, "auditor");
  });
});
