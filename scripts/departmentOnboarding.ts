/**
 * Departments that join through the schema registry only (docs/registry.md, "Onboarding as data"), as `npm start`
 * brings them up: a folder `subgraphs/<name>/` with a `department.json` manifest that `subgraphs/registry.ts` does not
 * list. `npm start` runs it like any subgraph, then does what the department's CI does — `registry publish` of its
 * `schema.graphql` with its manifest and routing URL, with a credential of the department — and waits until the
 * gateway serves the new supergraph revision.
 *
 * With NODE_ENV=production nothing is published: the department publishes from its own CI. Otherwise the folder's
 * `developmentAccounts.json` lists officer accounts with published passwords (like identity's own development
 * accounts); the development security administrator creates any that are missing through identity's account
 * administration (`createPerson`, then the one-time password is replaced through `POST /oauth/password`), and the
 * first of them publishes, unless `<NAME>_REGISTRY_TOKEN` gives another credential. Identity's code knows nothing of
 * the department.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { type DepartmentManifest, departmentManifestSchema } from "../lib/contracts/departmentManifest.ts";
import { JINGAN_DIVISION_IDS } from "../lib/reference/jinganDivisions.ts";
import { runCli } from "../registry/cli.ts";
import { KNOWN_ACCOUNTS } from "../subgraphs/identity/seedData.ts";

/** A subgraph folder that joins through the registry, not through `subgraphs/registry.ts`. */
export interface DepartmentFolder {
  name: string;
  dir: string;
  schemaPath: string;
  manifestPath: string;
  manifest: DepartmentManifest;
  developmentAccounts: DevelopmentAccount[];
}

const developmentAccountSchema = z
  .object({
    username: z.string().regex(/^[a-z][a-z0-9._-]{2,31}$/),
    /** Published on purpose: for laptops and demos only; never created with NODE_ENV=production. */
    password: z.string().min(8),
    displayName: z.string().min(1).max(40),
    /** The streets the officer acts on: a list, or "all" for every street of the district. */
    streetIds: z.union([z.literal("all"), z.array(z.string()).max(14)]).default([]),
  })
  .strict();
export type DevelopmentAccount = z.output<typeof developmentAccountSchema>;
const developmentAccountsSchema = z.object({ accounts: z.array(developmentAccountSchema).max(10) }).strict();

/**
 * Folders of `subgraphsDir` with an `index.ts`, a `schema.graphql` and a `department.json`, whose name is not among
 * `registered` (the code registry's subgraphs), in name order. A manifest that does not parse, or names another
 * subgraph, stops the start with the reason.
 */
export function discoverDepartmentFolders(subgraphsDir: string, registered: ReadonlySet<string>): DepartmentFolder[] {
  return readdirSync(subgraphsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !registered.has(entry.name))
    .map((entry) => join(subgraphsDir, entry.name))
    .filter((dir) => ["index.ts", "schema.graphql", "department.json"].every((file) => existsSync(join(dir, file))))
    .sort()
    .map((dir) => {
      const name = dir.slice(dir.lastIndexOf("/") + 1);
      const manifestPath = join(dir, "department.json");
      const parsed = departmentManifestSchema.safeParse(JSON.parse(readFileSync(manifestPath, "utf8")));
      if (!parsed.success) {
        throw new Error(`${manifestPath} is not a department manifest: ${parsed.error.issues.map((i) => i.message)}`);
      }
      if (parsed.data.subgraph !== name) {
        throw new Error(`${manifestPath} is the manifest of "${parsed.data.subgraph}", not of "${name}".`);
      }
      const accountsPath = join(dir, "developmentAccounts.json");
      const accounts = existsSync(accountsPath)
        ? developmentAccountsSchema.parse(JSON.parse(readFileSync(accountsPath, "utf8"))).accounts
        : [];
      return {
        name,
        dir,
        schemaPath: join(dir, "schema.graphql"),
        manifestPath,
        manifest: parsed.data,
        developmentAccounts: accounts,
      };
    });
}

export interface OnboardingOptions {
  /** The gateway's base URL (`http://127.0.0.1:4000`): tokens and account administration go through it. */
  gatewayUrl: string;
  registryUrl: string;
  /** Where the department's subgraph was started (`…/graphql`): the routing URL it publishes. */
  subgraphUrl: string;
  /** NODE_ENV=production: create no account and publish nothing. */
  production: boolean;
  /** `<NAME>_REGISTRY_TOKEN` and the like. */
  env: Record<string, string | undefined>;
  print?: (line: string) => void;
  timeoutMs?: number;
}

/** What happened: published (with the CLI's lines), or skipped with the reason. */
export type OnboardingOutcome = { published: true; lines: string[] } | { published: false; reason: string };

/** Creates the folder's development accounts when missing, then publishes the folder as its department's CI does. */
export async function onboardDepartment(
  folder: DepartmentFolder,
  options: OnboardingOptions,
): Promise<OnboardingOutcome> {
  const tokenVariable = `${folder.name.toUpperCase()}_REGISTRY_TOKEN`;
  if (options.production) {
    return { published: false, reason: `publish it from ${folder.manifest.department.id}'s CI (docs/registry.md)` };
  }
  await ensureDevelopmentAccounts(folder, options.gatewayUrl);
  let token = options.env[tokenVariable];
  const publisher = folder.developmentAccounts[0];
  if (!token && publisher) token = await passwordToken(options.gatewayUrl, publisher.username, publisher.password);
  if (!token) {
    return {
      published: false,
      reason: `no credential of ${folder.manifest.department.id}: set ${tokenVariable}, or publish from the department's CI (npm run registry -- publish ${folder.name} …)`,
    };
  }
  const before = await servedRevision(options.gatewayUrl);
  const lines: string[] = [];
  const code = await runCli(
    ["publish", folder.name, folder.schemaPath, "--url", options.subgraphUrl, "--manifest", folder.manifestPath],
    { REGISTRY_URL: options.registryUrl, REGISTRY_TOKEN: token },
    (line) => lines.push(line),
  );
  if (code !== 0) throw new Error(`registry publish ${folder.name} failed:\n${lines.join("\n")}`);
  // The gateway polls the registry: the department is served once the gateway is past the revision it had.
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while ((await servedRevision(options.gatewayUrl)) <= before) {
    if (Date.now() > deadline) throw new Error(`the gateway did not load ${folder.name}'s supergraph revision in time`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  // The CLI prints the whole change report; the outcome lines ("published … ACTIVE", "manifest: DELIVERED") are enough.
  return { published: true, lines: lines.filter((line) => /^(published|manifest)\b/.test(line)) };
}

/** The development accounts of the folder, created through identity's account administration when missing. */
async function ensureDevelopmentAccounts(folder: DepartmentFolder, gatewayUrl: string): Promise<void> {
  if (folder.developmentAccounts.length === 0) return;
  let adminToken: string | undefined;
  for (const account of folder.developmentAccounts) {
    if (await tryPasswordToken(gatewayUrl, account.username, account.password)) continue;
    adminToken ??= await developmentAdminToken(gatewayUrl);
    const created = await gatewayGraphQL(
      gatewayUrl,
      adminToken,
      `mutation CreateDepartmentOfficer($input: CreateIdentityPersonInput!) {
        createPerson(input: $input) { person { id } temporaryPassword }
      }`,
      {
        input: {
          username: account.username,
          displayName: account.displayName,
          kind: "OFFICER",
          departmentId: folder.manifest.department.id,
          streetIds: account.streetIds === "all" ? [...JINGAN_DIVISION_IDS] : account.streetIds,
        },
      },
    );
    const temporaryPassword = (created as { createPerson?: { temporaryPassword?: string } }).createPerson
      ?.temporaryPassword;
    if (!temporaryPassword) throw new Error(`identity did not create ${account.username}.`);
    const changed = await fetch(`${gatewayUrl}/oauth/password`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        username: account.username,
        password: temporaryPassword,
        new_password: account.password,
      }),
    });
    if (!changed.ok) throw new Error(`setting ${account.username}'s password failed: HTTP ${changed.status}.`);
  }
}

/** identity's development security administrator (a published development account, never in production). */
async function developmentAdminToken(gatewayUrl: string): Promise<string> {
  const admin = KNOWN_ACCOUNTS.find((account) => account.kind === "SECURITY_ADMIN");
  if (!admin) throw new Error("identity seeds no development security administrator.");
  return passwordToken(gatewayUrl, admin.username, admin.password);
}

async function tryPasswordToken(gatewayUrl: string, username: string, password: string): Promise<string | null> {
  const response = await fetch(`${gatewayUrl}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "password", username, password }),
  });
  if (!response.ok) return null;
  return ((await response.json()) as { access_token: string }).access_token;
}

async function passwordToken(gatewayUrl: string, username: string, password: string): Promise<string> {
  const token = await tryPasswordToken(gatewayUrl, username, password);
  if (!token) throw new Error(`${username} could not log in to the identity service.`);
  return token;
}

async function gatewayGraphQL(gatewayUrl: string, token: string, query: string, variables: object): Promise<unknown> {
  const response = await fetch(`${gatewayUrl}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: unknown; errors?: Array<{ message: string }> };
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join("; "));
  return body.data;
}

/** The registry revision the gateway serves, from its metrics (0 when it serves a file). */
async function servedRevision(gatewayUrl: string): Promise<number> {
  const metrics = await (await fetch(`${gatewayUrl}/metrics`)).text();
  const line = /^og_gateway_supergraph_revision(?:\{[^}]*\})? (\d+)/m.exec(metrics);
  return line ? Number(line[1]) : 0;
}
