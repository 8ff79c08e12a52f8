/**
 * The first security administrator of an empty identity service (`npm run identity:bootstrap`): production seeds
 * nothing, so someone has to be able to log in and create the rest. The bootstrap
 *
 * 1. optionally disables accounts and apps that still have published development credentials;
 * 2. runs the production checks (refusing a published key-encryption secret or credential, naming it);
 * 3. puts the reference data in place: roles, an active signing key, and — only where none exist yet — the district's
 *    registered purposes and access policies, authored by `system:bootstrap`, so the graph is not closed to everyone;
 * 4. creates one security administrator with a one-time password (shown once): no token is issued for it until the
 *    administrator has chosen their own password (POST /oauth/password).
 *
 * It refuses when an active security administrator exists: from then on accounts are created by administrators
 * (createPerson), with the login audit and the role checks that go with it.
 */
import { ConfigError } from "../../lib/config.ts";
import { IdentityAdmin } from "./admin.ts";
import type { IdentityPrisma } from "./loaders.ts";
import type { ResolvedIdentityOptions } from "./options.ts";
import { disableDevelopmentCredentials, prepareIdentity } from "./productionSafety.ts";
import { seedAccessPolicies, seedPurposes } from "./seed.ts";
import type { SigningKeyStore } from "./signingKeys.ts";

export const BOOTSTRAP_AUTHOR = "system:bootstrap";

export interface BootstrapInput {
  username: string;
  displayName: string;
  /** The administrator's department; default `dept-data` (区大数据中心). */
  departmentId?: string;
  /** Disable active accounts and apps that still have published development credentials first. */
  disableDevelopmentAccounts?: boolean;
}

export interface BootstrapResult {
  personId: string;
  username: string;
  temporaryPassword: string;
  /** Usernames and app ids disabled because their credentials are published. */
  disabled: string[];
  purposes: number;
  policies: number;
}

export async function bootstrapIdentity(
  prisma: IdentityPrisma,
  options: ResolvedIdentityOptions,
  keys: SigningKeyStore,
  input: BootstrapInput,
): Promise<BootstrapResult> {
  const now = options.now();
  const disabled = input.disableDevelopmentAccounts ? await disableDevelopmentCredentials(prisma, now) : [];
  await prepareIdentity(prisma, options, keys);

  const existing = await prisma.person.findFirst({
    where: { status: "ACTIVE", roles: { some: { roleName: "security_admin" } } },
    select: { username: true },
  });
  if (existing) {
    throw new ConfigError([
      `An active security administrator exists already (${existing.username}): further accounts are created by an administrator with createPerson, not by the bootstrap.`,
    ]);
  }
  await seedPurposes(prisma, now, BOOTSTRAP_AUTHOR);
  await seedAccessPolicies(prisma, now, BOOTSTRAP_AUTHOR);
  let created: Awaited<ReturnType<IdentityAdmin["createPerson"]>>;
  try {
    created = await new IdentityAdmin(prisma, options).createPerson({
      username: input.username,
      displayName: input.displayName,
      kind: "SECURITY_ADMIN",
      departmentId: input.departmentId ?? "dept-data",
      streetIds: [],
    });
  } catch (error) {
    // The admin's validation errors are written for GraphQL callers; here they are configuration problems.
    throw new ConfigError([(error as Error).message]);
  }
  const [purposes, policies] = await Promise.all([prisma.purpose.count(), prisma.accessPolicy.count()]);
  return {
    personId: created.person.id,
    username: created.person.username,
    temporaryPassword: created.temporaryPassword,
    disabled,
    purposes,
    policies,
  };
}
