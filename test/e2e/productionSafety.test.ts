/**
 * Production-safe identity (issue #11, item 4): with NODE_ENV=production nothing is seeded unless asked for, start-up
 * refuses every published development secret and names it, and `npm run identity:bootstrap` creates the first security
 * administrator with a one-time password that opens nothing until it has been replaced. The services run as child
 * processes exactly as `npm start` runs them (scripts/subgraph.ts, scripts/start.ts), on OS-chosen ports and fresh
 * data folders.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadGatewayConfig } from "../../gateway/config.ts";
import { ConfigError } from "../../lib/config.ts";
import { openSubgraphDatabase } from "../../lib/db/database.ts";
import { migrate, readMigrations } from "../../lib/db/migrate.ts";
import { generateEnvelopeKeys } from "../../lib/wire.ts";
import { loadOrCreateDevKeys } from "../../scripts/devKeys.ts";
import { SEEDED_POLICIES } from "../../subgraphs/identity/access/seedPolicies.ts";
import { SEEDED_PURPOSES } from "../../subgraphs/identity/access/seedPurposes.ts";
import { bootstrapIdentity } from "../../subgraphs/identity/bootstrap.ts";
import { PrismaClient } from "../../subgraphs/identity/generated/prisma/client.ts";
import { createIdentitySubgraph } from "../../subgraphs/identity/index.ts";
import {
  DEVELOPMENT_KEY_ENCRYPTION_SECRET,
  DEVELOPMENT_PORTAL_CLIENT_SECRET,
  resolveOptions,
} from "../../subgraphs/identity/options.ts";
import { hashSecret } from "../../subgraphs/identity/passwords.ts";
import { ROLES } from "../../subgraphs/identity/roles.ts";
import { SigningKeyStore } from "../../subgraphs/identity/signingKeys.ts";
import { loadSubgraphConfig } from "../../subgraphs/kit/config.ts";
import { startSubgraph } from "../../subgraphs/kit/service.ts";
import { identityClient } from "../support/identityClient.ts";
import { startTestSubgraph } from "../support/subgraphs.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const keys = generateEnvelopeKeys();
const secret = () => randomBytes(32).toString("base64url");
/** The portal's OpenID Connect client secret of this "deployment": production refuses the development one. */
const PORTAL_SECRET = secret();
const portalClient = { secret: PORTAL_SECRET };

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function run(script: string, args: string[], env: Record<string, string>): Run {
  let output = "";
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: root,
    // Only what the test gives: nothing from the developer's shell decides the outcome.
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
  });
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** The identity service as `npm start` runs it, in production mode unless overridden. */
function identityService(dataDir: string, env: Record<string, string> = {}): Run {
  return run("scripts/subgraph.ts", ["identity"], {
    NODE_ENV: "production",
    IDENTITY_PORT: "0",
    IDENTITY_DATA_DIR: dataDir,
    ENVELOPE_PUBLIC_KEYS: keys.publicKey,
    OIDC_PORTAL_CLIENT_SECRET: PORTAL_SECRET,
    LOG_LEVEL: "info",
    ...env,
  });
}

async function listening(service: Run): Promise<string> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)\/graphql"/.exec(service.output());
    if (match?.[1]) return match[1];
    if (service.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`the identity service did not start:\n${service.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stop(service: Run): Promise<void> {
  if (service.child.exitCode === null) service.child.kill("SIGTERM");
  await service.exited;
}

/** Row counts of an identity data folder, read after the service stopped. */
async function counts(dataDir: string) {
  const db = await openSubgraphDatabase({ schema: "identity", dataDir });
  try {
    const count = async (table: string) =>
      Number((await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM "${table}"`))[0]?.n);
    return {
      people: await count("Person"),
      residents: await count("Resident"),
      apps: await count("IntegratorApp"),
      roles: await count("Role"),
      signingKeys: await count("SigningKey"),
      purposes: await count("purpose"),
    };
  } finally {
    await db.close();
  }
}

describe("production-safe identity", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "og-production-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("starts with NODE_ENV=production and no explicit seed without creating any account", async () => {
    const dataDir = join(dir, "fresh");
    const service = identityService(dataDir, { IDENTITY_KEY_ENCRYPTION_SECRET: secret() });
    try {
      const base = (await listening(service)).replace(/\/graphql$/, "");
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const login = await identityClient(base).login("admin.security", "Admin#2026", { direct: true });
      expect(login).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    } finally {
      await stop(service);
    }
    // Only what the service cannot run without: its roles and its own signing key.
    expect(await counts(dataDir)).toEqual({
      people: 0,
      residents: 0,
      apps: 0,
      roles: ROLES.length,
      signingKeys: 1,
      purposes: 0,
    });
    // The platform's roles, the enterprise (法人) role among them; a department's own come with its manifest.
    expect(ROLES.map((role) => role.name).sort()).toEqual(
      ["auditor", "enterprise", "integrator", "officer", "resident", "security_admin"].sort(),
    );
  }, 180_000);

  it("refuses to start with the development key-encryption secret, or none, and names it", async () => {
    const dataDir = join(dir, "development-secret");
    const service = identityService(dataDir, { IDENTITY_KEY_ENCRYPTION_SECRET: DEVELOPMENT_KEY_ENCRYPTION_SECRET });
    expect(await service.exited).toBe(2);
    expect(service.output()).toContain("IDENTITY_KEY_ENCRYPTION_SECRET is not set, or is the development value");
    // Refused before a signing key was stored under the published secret.
    expect((await counts(dataDir)).signingKeys).toBe(0);
    // Without the variable the development default applies, and is refused the same way.
    await expect(
      startSubgraph(createIdentitySubgraph({ production: true }), {
        port: 0,
        logLevel: "silent",
        envelopePublicKeys: [keys.publicKey],
      }),
    ).rejects.toThrow(/IDENTITY_KEY_ENCRYPTION_SECRET is not set/);
  }, 180_000);

  it("refuses to start with the development portal client secret (OIDC_PORTAL_CLIENT_SECRET) and names it", async () => {
    const service = identityService(join(dir, "development-portal-secret"), {
      IDENTITY_KEY_ENCRYPTION_SECRET: secret(),
      OIDC_PORTAL_CLIENT_SECRET: DEVELOPMENT_PORTAL_CLIENT_SECRET,
    });
    expect(await service.exited).toBe(2);
    expect(service.output()).toContain("OIDC_PORTAL_CLIENT_SECRET is not set, or is the development value");
  }, 180_000);

  it("refuses to start while an account or app has its published credentials, names each, and bootstrap disables them", async () => {
    const dataDir = join(dir, "was-seeded");
    const keyEncryptionSecret = secret();
    // A database once seeded for development: admin.security with its README password, app-portal with its secret.
    const db = await openSubgraphDatabase({ schema: "identity", dataDir });
    await migrate(db, await readMigrations(createIdentitySubgraph().migrationsDir));
    const prisma = new PrismaClient({ adapter: db.adapter });
    await prisma.person.create({
      data: {
        id: "person-000006",
        username: "admin.security",
        displayName: "沈磊",
        kind: "SECURITY_ADMIN",
        passwordHash: await hashSecret("Admin#2026"),
        createdAt: new Date(),
      },
    });
    await prisma.integratorApp.create({
      data: {
        id: "app-portal",
        name: "portal",
        clientId: "app-portal",
        clientSecretHash: await hashSecret("portal-dev-secret"),
        allowedScopes: ["graph:read"],
        ownerDepartmentId: "dept-data",
        createdAt: new Date(),
      },
    });
    await prisma.$disconnect();
    await db.close();

    const env = { IDENTITY_KEY_ENCRYPTION_SECRET: keyEncryptionSecret, OIDC_PORTAL_CLIENT_SECRET: PORTAL_SECRET };
    const refused = identityService(dataDir, env);
    expect(await refused.exited).toBe(2);
    expect(refused.output()).toContain("Account admin.security (person-000006) still has its published development");
    expect(refused.output()).toContain("Integrator app app-portal still has its published development client secret");

    const bootstrap = run(
      "scripts/identityBootstrap.ts",
      ["--username", "shen.lei", "--display-name", "沈磊", "--disable-development-accounts"],
      { NODE_ENV: "production", IDENTITY_DATA_DIR: dataDir, ...env },
    );
    expect(await bootstrap.exited, bootstrap.output()).toBe(0);
    expect(bootstrap.output()).toContain("Disabled (published development credentials): admin.security, app-portal.");
    expect(bootstrap.output()).toMatch(/one-time password: [A-Za-z2-9]{4}(-[A-Za-z2-9]{4}){3}/);

    const started = await startSubgraph(
      createIdentitySubgraph({ production: true, keyEncryptionSecret, portalClient }),
      {
        port: 0,
        dataDir,
        logLevel: "silent",
        envelopePublicKeys: [keys.publicKey],
      },
    );
    await started.stop();
  }, 240_000);

  it("refuses the development envelope keys in production: gateway, subgraphs and npm start name the variable", async () => {
    const keysDir = join(dir, "dev-keys");
    const dev = (await loadOrCreateDevKeys(keysDir)).envelope;
    const refusal = (load: () => unknown) => {
      try {
        load();
      } catch (error) {
        if (error instanceof ConfigError) return error.problems.join("\n");
        throw error;
      }
      return "started";
    };
    expect(
      refusal(() =>
        loadGatewayConfig({
          NODE_ENV: "production",
          KEYS_DIR: keysDir,
          ENVELOPE_PRIVATE_KEY: dev.privateKey,
          AUDIT_URL: "http://audit.internal",
        }),
      ),
    ).toContain("ENVELOPE_PRIVATE_KEY is the development key `npm start` created in");
    expect(
      refusal(() =>
        loadSubgraphConfig("health", 4102, {
          NODE_ENV: "production",
          KEYS_DIR: keysDir,
          ENVELOPE_PUBLIC_KEYS: `${keys.publicKey},${dev.publicKey}`,
        }),
      ),
    ).toContain("ENVELOPE_PUBLIC_KEYS trusts the development key");
    // Outside production the same keys are what `npm start` runs with.
    expect(
      refusal(() => loadSubgraphConfig("health", 4102, { KEYS_DIR: keysDir, ENVELOPE_PUBLIC_KEYS: dev.publicKey })),
    ).toBe("started");

    const withoutKeys = run("scripts/start.ts", [], { NODE_ENV: "production", KEYS_DIR: keysDir, PORT: "0" });
    expect(await withoutKeys.exited).toBe(2);
    expect(withoutKeys.output()).toContain("ENVELOPE_PRIVATE_KEY and ENVELOPE_PUBLIC_KEYS must be set");
    const withDevKeys = run("scripts/start.ts", [], {
      NODE_ENV: "production",
      KEYS_DIR: keysDir,
      ENVELOPE_PRIVATE_KEY: dev.privateKey,
      ENVELOPE_PUBLIC_KEYS: dev.publicKey,
    });
    expect(await withDevKeys.exited).toBe(2);
    expect(withDevKeys.output()).toContain("ENVELOPE_PRIVATE_KEY is the development key");
    expect(withDevKeys.output()).not.toContain("is listening");
  }, 120_000);

  it("seeds nothing in production unless SEED=true asks, and then no published credential", async () => {
    const config = (env: Record<string, string>) =>
      loadSubgraphConfig("health", 4102, { ENVELOPE_PUBLIC_KEYS: keys.publicKey, ...env }).SEED;
    expect(config({ NODE_ENV: "production" })).toBe(false);
    expect(config({ NODE_ENV: "production", SEED: "true" })).toBe(true);
    expect(config({})).toBe(true);

    const explicit = await startTestSubgraph(
      createIdentitySubgraph({ production: true, keyEncryptionSecret: secret(), portalClient }),
      { seed: true },
    );
    try {
      const admin = await explicit.prisma.person.findUniqueOrThrow({ where: { username: "admin.security" } });
      expect(admin.passwordHash).toBeNull();
      expect(await explicit.prisma.integratorApp.count()).toBe(0);
      expect(await explicit.prisma.resident.count()).toBe(60_000);
    } finally {
      await explicit.stop();
    }
  }, 180_000);

  it("bootstraps the first security admin with a one-time password that must be replaced before any token", async () => {
    const options = { production: true, keyEncryptionSecret: secret(), portalClient };
    const service = await startTestSubgraph(createIdentitySubgraph(options), { seed: false });
    try {
      const client = identityClient(service.url.replace(/\/graphql$/, ""));
      const resolved = resolveOptions(options);
      const bootstrap = (username: string) =>
        bootstrapIdentity(service.prisma, resolved, new SigningKeyStore(resolved), {
          username,
          displayName: "沈磊",
        });
      const result = await bootstrap("shen.lei");
      expect(result).toMatchObject({
        username: "shen.lei",
        purposes: SEEDED_PURPOSES.length,
        policies: SEEDED_POLICIES.length,
      });
      const changes = await service.prisma.purposeChange.findMany({
        select: { authorId: true },
        distinct: ["authorId"],
      });
      expect(changes).toEqual([{ authorId: "system:bootstrap" }]);

      const first = await client.login("shen.lei", result.temporaryPassword);
      expect(first.status).toBe(400);
      expect(first.body.error).toBe("password_change_required");
      expect(first.body.access_token).toBeUndefined();
      const weak = await client.changePassword("shen.lei", result.temporaryPassword, "short1");
      expect(weak).toMatchObject({ status: 400, body: { error: "invalid_request" } });
      const same = await client.changePassword("shen.lei", result.temporaryPassword, result.temporaryPassword);
      expect(same.status).toBe(400);
      const wrong = await client.changePassword("shen.lei", "Not-the-one-2026", "Jingan-security-2027");
      expect(wrong).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
      const changed = await client.changePassword("shen.lei", result.temporaryPassword, "Jingan-security-2027");
      expect(changed).toMatchObject({ status: 200, body: { password_changed: true } });

      expect((await client.login("shen.lei", result.temporaryPassword)).body.error).toBe("invalid_grant");
      const session = await client.login("shen.lei", "Jingan-security-2027");
      expect(session.status).toBe(200);
      const claims = JSON.parse(Buffer.from(session.body.access_token.split(".")[1], "base64url").toString());
      expect(claims).toMatchObject({ kind: "security_admin", roles: ["security_admin"], dept: "dept-data" });
      const outcomes = await service.prisma.loginAttempt.findMany({
        where: { usernameKey: "shen.lei" },
        orderBy: { id: "asc" },
        select: { outcome: true },
      });
      expect(outcomes.map((o) => o.outcome)).toEqual([
        "PASSWORD_CHANGE_REQUIRED",
        "BAD_PASSWORD",
        "PASSWORD_CHANGED",
        "BAD_PASSWORD",
        "SUCCESS",
      ]);

      await expect(bootstrap("second.admin")).rejects.toThrow(/An active security administrator exists already/);
    } finally {
      await service.stop();
    }
  }, 120_000);
});
