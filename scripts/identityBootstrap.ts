/**
 * `npm run identity:bootstrap -- --username <name> --display-name <name> [--department dept-data]
 *   [--disable-development-accounts]`: creates the first security administrator of an identity service that has none
 * (production seeds no account), with a one-time password printed once. See subgraphs/identity/bootstrap.ts.
 *
 * The identity database is the one the service uses: IDENTITY_DATABASE_URL or DATABASE_URL (PostgreSQL, schema
 * `identity`), else the embedded PGlite folder IDENTITY_DATA_DIR or DATA_DIR (default .data/pglite/identity).
 * IDENTITY_KEY_ENCRYPTION_SECRET, OIDC_PORTAL_CLIENT_SECRET and NODE_ENV as for the service (production refuses the
 * development values of both, as the service does). Exit codes: 0 created, 2 refused (the reason is
 * printed), 1 failure.
 */
import { parseArgs } from "node:util";
import { ConfigError } from "../lib/config.ts";
import { openSubgraphDatabase } from "../lib/db/database.ts";
import { migrate, readMigrations } from "../lib/db/migrate.ts";
import { bootstrapIdentity } from "../subgraphs/identity/bootstrap.ts";
import identity, { optionsFromEnvironment } from "../subgraphs/identity/index.ts";
import type { IdentityPrisma } from "../subgraphs/identity/loaders.ts";
import { resolveOptions } from "../subgraphs/identity/options.ts";
import { SigningKeyStore } from "../subgraphs/identity/signingKeys.ts";

const USAGE =
  "Usage: npm run identity:bootstrap -- --username <username> --display-name <name> [--department dept-data] " +
  "[--disable-development-accounts]";

async function main(): Promise<number> {
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse().values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (!values.username || !values["display-name"]) {
    console.error(`Give the administrator's --username and --display-name.\n${USAGE}`);
    return 2;
  }
  const env = process.env;
  const databaseUrl = env.IDENTITY_DATABASE_URL || env.DATABASE_URL || undefined;
  const dataDir = databaseUrl ? undefined : env.IDENTITY_DATA_DIR || env.DATA_DIR || ".data/pglite/identity";
  const options = resolveOptions(optionsFromEnvironment(env));
  const db = await openSubgraphDatabase({ schema: "identity", databaseUrl, dataDir });
  let prisma: IdentityPrisma | undefined;
  try {
    await migrate(db, await readMigrations(identity.migrationsDir));
    prisma = identity.createPrisma({ adapter: db.adapter, log: [{ emit: "event", level: "query" }] });
    const result = await bootstrapIdentity(prisma, options, new SigningKeyStore(options), {
      username: values.username,
      displayName: values["display-name"],
      departmentId: values.department,
      disableDevelopmentAccounts: values["disable-development-accounts"],
    });
    const lines = [
      ...(result.disabled.length > 0
        ? [`Disabled (published development credentials): ${result.disabled.join(", ")}.`]
        : []),
      `Security administrator ${result.username} (${result.personId}) created.`,
      `Registered purposes: ${result.purposes}; access policies: ${result.policies}.`,
      "",
      `  one-time password: ${result.temporaryPassword}`,
      "",
      "It is shown this once and opens nothing by itself: POST /oauth/token answers password_change_required until",
      "the administrator chooses their own with POST /oauth/password (username, password, new_password).",
    ];
    console.log(lines.join("\n"));
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`identity:bootstrap refused:\n${error.problems.map((p) => `  - ${p}`).join("\n")}`);
      return 2;
    }
    console.error(error);
    return 1;
  } finally {
    await prisma?.$disconnect();
    await db.close();
  }
}

function parse() {
  return parseArgs({
    options: {
      username: { type: "string" },
      "display-name": { type: "string" },
      department: { type: "string" },
      "disable-development-accounts": { type: "boolean", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
}

process.exitCode = await main();
