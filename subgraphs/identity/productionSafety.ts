/**
 * Production-safe identity (统一用户管理): in production mode the service starts with nothing this repository publishes.
 *
 * - The key-encryption secret and the portal's OpenID Connect client secret must be set and must not be the
 *   development values in options.ts.
 * - No active account may still have its published development password (README, docs/identity.md), and no active
 *   integrator app its published client secret — whoever read the README could log in as them.
 * - New passwords and secrets must be hashed at the production cost, never at the one `npm test` sets.
 *
 * Each problem is named; start-up stops with all of them at once. `npm run identity:bootstrap --
 * --disable-development-accounts` disables such accounts and apps (the way out when a production database was ever
 * seeded for development). Also here: the reference rows every start needs (roles) whether or not it seeds.
 */
import { ConfigError } from "../../lib/config.ts";
import type { IdentityPrisma } from "./loaders.ts";
import {
  DEVELOPMENT_KEY_ENCRYPTION_SECRET,
  DEVELOPMENT_PORTAL_CLIENT_SECRET,
  type ResolvedIdentityOptions,
} from "./options.ts";
import { currentHashCost, PRODUCTION_HASH_COST, verifySecret } from "./passwords.ts";
import { ROLES } from "./roles.ts";
import { KNOWN_ACCOUNTS, KNOWN_APPS } from "./seedData.ts";
import type { SigningKeyStore } from "./signingKeys.ts";

/** Active accounts and apps whose password or client secret is the published development one. */
export async function developmentCredentials(
  prisma: IdentityPrisma,
  now: Date,
): Promise<{ accounts: Array<{ id: string; username: string }>; apps: Array<{ id: string }> }> {
  const [people, apps] = await Promise.all([
    prisma.person.findMany({
      where: { id: { in: KNOWN_ACCOUNTS.map((a) => a.id) }, status: "ACTIVE", passwordHash: { not: null } },
      select: { id: true, username: true, passwordHash: true },
    }),
    prisma.integratorApp.findMany({
      where: { id: { in: KNOWN_APPS.map((a) => a.id) }, status: "ACTIVE" },
      select: { id: true, clientSecretHash: true, previousSecretHash: true, previousSecretUntil: true },
    }),
  ]);
  const accounts: Array<{ id: string; username: string }> = [];
  for (const person of people) {
    const known = KNOWN_ACCOUNTS.find((a) => a.id === person.id && a.username === person.username);
    if (known && (await verifySecret(known.password, person.passwordHash))) accounts.push(person);
  }
  const published: Array<{ id: string }> = [];
  for (const app of apps) {
    const known = KNOWN_APPS.find((a) => a.id === app.id);
    if (!known) continue;
    // A secret rotated away from still works during its overlap window (apps/appLifecycle.ts): still published.
    const previous = app.previousSecretUntil && app.previousSecretUntil > now ? app.previousSecretHash : null;
    if (
      (await verifySecret(known.secret, app.clientSecretHash)) ||
      (previous !== null && (await verifySecret(known.secret, previous)))
    ) {
      published.push({ id: app.id });
    }
  }
  return { accounts, apps: published };
}

/**
 * The published development values among the options themselves (no database needed): the key-encryption secret and
 * the portal's OpenID Connect client secret, one sentence each naming the variable to set.
 */
export function developmentSecretProblems(
  options: Pick<ResolvedIdentityOptions, "keyEncryptionSecret" | "portalClient">,
): string[] {
  const problems: string[] = [];
  if (options.keyEncryptionSecret === DEVELOPMENT_KEY_ENCRYPTION_SECRET) {
    problems.push(
      "IDENTITY_KEY_ENCRYPTION_SECRET is not set, or is the development value published in " +
        "subgraphs/identity/options.ts: set a secret of your own (at least 32 random characters) for the signing keys.",
    );
  }
  if (options.portalClient.secret === DEVELOPMENT_PORTAL_CLIENT_SECRET) {
    problems.push(
      `OIDC_PORTAL_CLIENT_SECRET is not set, or is the development value "${DEVELOPMENT_PORTAL_CLIENT_SECRET}" published in ` +
        "the README and subgraphs/identity/options.ts: set a secret of your own (at least 16 random characters) for the " +
        "portal's OpenID Connect client app-portal-web, and give the portal the same one.",
    );
  }
  return problems;
}

/** Every published secret this instance would run with, one sentence each naming it. */
export async function productionProblems(prisma: IdentityPrisma, options: ResolvedIdentityOptions): Promise<string[]> {
  const problems = developmentSecretProblems(options);
  if (currentHashCost().n < PRODUCTION_HASH_COST.n) {
    problems.push(
      `Passwords would be hashed at the test cost (scrypt N = ${currentHashCost().n}), which only \`npm test\` sets ` +
        `(useTestHashCost in subgraphs/identity/passwords.ts): production hashes at N = ${PRODUCTION_HASH_COST.n}.`,
    );
  }
  const { accounts, apps } = await developmentCredentials(prisma, options.now());
  for (const account of accounts) {
    problems.push(
      `Account ${account.username} (${account.id}) still has its published development password (docs/identity.md): ` +
        "disable it with `npm run identity:bootstrap -- --disable-development-accounts`, or reset it outside production.",
    );
  }
  for (const app of apps) {
    problems.push(
      `Integrator app ${app.id} still has its published development client secret: disable it with ` +
        "`npm run identity:bootstrap -- --disable-development-accounts` and register the app again.",
    );
  }
  return problems;
}

/** Disables the active accounts and apps that still have their published development credentials. */
export async function disableDevelopmentCredentials(prisma: IdentityPrisma, now: Date): Promise<string[]> {
  const { accounts, apps } = await developmentCredentials(prisma, now);
  await prisma.$transaction([
    prisma.person.updateMany({
      where: { id: { in: accounts.map((a) => a.id) }, status: "ACTIVE" },
      data: { status: "DISABLED", disabledAt: now },
    }),
    // disabledAt: the gateways refuse the tokens these apps already hold (apps on /oauth/revoked-sessions).
    prisma.integratorApp.updateMany({
      where: { id: { in: apps.map((a) => a.id) } },
      data: { status: "DISABLED", disabledAt: now },
    }),
  ]);
  return [...accounts.map((a) => a.username), ...apps.map((a) => a.id)];
}

/**
 * The identity service's start-up step (the kit's `prepare`): in production, refuse to start with a published
 * secret; always, the roles and an active signing key (which also proves the configured secret opens it).
 */
export async function prepareIdentity(
  prisma: IdentityPrisma,
  options: ResolvedIdentityOptions,
  keys: SigningKeyStore,
): Promise<void> {
  if (options.production) {
    const problems = await productionProblems(prisma, options);
    if (problems.length > 0) throw new ConfigError(problems);
  }
  await prisma.role.createMany({
    data: ROLES.map((role) => ({ name: role.name, description: role.description, scopes: role.scopes })),
    skipDuplicates: true,
  });
  await keys.ensureActiveKey(prisma, options.now());
}
