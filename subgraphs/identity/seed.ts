/**
 * Writes the identity seed (`seedData.ts`). Idempotent: rows are written with `insertRows` (existing keys skipped), so
 * a second run adds nothing and never overwrites what happened since (new passwords, roles, disabled accounts).
 *
 * The known accounts and applications get their (public, development-only) passwords hashed here, and only when their
 * row does not exist yet: scrypt is deliberately slow, and a re-run must stay fast and change nothing. In production
 * (an explicit SEED=true) they get none: the accounts have no password and the apps are not created. The first signing
 * key is created when there is none.
 */

import type { SubgraphDatabase } from "../../lib/db/database.ts";
import { insertRows } from "../kit/insertRows.ts";
import type { SeedSummary } from "../kit/module.ts";
import { readPrismaModels } from "../kit/prismaModels.ts";
import type { SeedOptions } from "../kit/seedCalendar.ts";
import { PolicyStore } from "./access/policyStore.ts";
import { PurposeStore } from "./access/purposeStore.ts";
import { SEED_AUTHOR, SEEDED_POLICIES } from "./access/seedPolicies.ts";
import { SEEDED_PURPOSES } from "./access/seedPurposes.ts";
import { seedRateLimitTiers } from "./limits/seedRateLimits.ts";
import type { IdentityPrisma } from "./loaders.ts";
import { hashSecret } from "./passwords.ts";
import {
  buildResidents,
  buildSeedData,
  KNOWN_ACCOUNTS,
  KNOWN_APPS,
  RESIDENT_COUNT,
  seedCreatedAt,
} from "./seedData.ts";
import type { SigningKeyStore } from "./signingKeys.ts";

const models = readPrismaModels(new URL("../../prisma/identity/schema.prisma", import.meta.url));

export async function seed(
  prisma: IdentityPrisma,
  db: SubgraphDatabase,
  keys: SigningKeyStore,
  now: Date,
  options: SeedOptions & { publishedCredentials?: boolean },
): Promise<SeedSummary> {
  const data = buildSeedData(options.date);
  const publishedCredentials = options.publishedCredentials ?? true;

  const knownIds = KNOWN_ACCOUNTS.map((a) => a.id);
  const existing = new Set(
    (await prisma.person.findMany({ where: { id: { in: knownIds } }, select: { id: true } })).map((p) => p.id),
  );
  const hashes = new Map<string, string>();
  // Production seeds the people without the passwords this repository publishes: a security admin issues them.
  for (const account of publishedCredentials ? KNOWN_ACCOUNTS : []) {
    if (!existing.has(account.id)) hashes.set(account.id, await hashSecret(account.password));
  }

  await insertRows(db, models.get("Role"), data.roles);
  await insertRows(
    db,
    models.get("Person"),
    data.people.map((person) => ({ ...person, passwordHash: hashes.get(person.id) ?? null })),
  );
  await insertRows(db, models.get("PersonRole"), data.personRoles);
  await insertRows(db, models.get("OfficerMembership"), data.memberships);
  if ((await prisma.resident.count()) < RESIDENT_COUNT) await insertResidents(db, options.date);

  const existingApps = new Set(
    (
      await prisma.integratorApp.findMany({ where: { id: { in: KNOWN_APPS.map((a) => a.id) } }, select: { id: true } })
    ).map((a) => a.id),
  );
  // Apps are only seeded with their published client secrets, so production seeds none.
  for (const app of publishedCredentials ? KNOWN_APPS : []) {
    if (existingApps.has(app.id)) continue;
    await insertRows(db, models.get("IntegratorApp"), [
      {
        id: app.id,
        name: app.name,
        clientId: app.id,
        clientSecretHash: await hashSecret(app.secret),
        allowedScopes: app.allowedScopes,
        ownerDepartmentId: app.ownerDepartmentId,
        status: "ACTIVE",
        createdAt: seedCreatedAt(options.date),
      },
    ]);
  }

  await keys.ensureActiveKey(prisma, now);
  await seedPurposes(prisma, now);
  await seedAccessPolicies(prisma, now);
  await seedRateLimitTiers(prisma, now);
  return countRows(prisma);
}

/**
 * The district's registered purposes, drafted and enabled through the store security admins use (authored by
 * `system:seed`); purposes that exist already are left as the admins made them. Before the policies, which name them.
 */
export async function seedPurposes(prisma: IdentityPrisma, now: Date, author = SEED_AUTHOR): Promise<void> {
  const store = new PurposeStore(prisma);
  const existing = new Set((await prisma.purpose.findMany({ select: { name: true } })).map((p) => p.name));
  for (const purpose of SEEDED_PURPOSES) {
    if (existing.has(purpose.name)) continue;
    const reason = "Initial district purpose (seed).";
    const draft = await store.draft(author, { ...purpose, reason }, now);
    await store.enable(author, purpose.name, draft.version, reason, now);
  }
}

/**
 * The district's initial access policies, drafted and enabled through the same store security admins use (so they
 * are in the history, authored by `system:seed`). Policies that exist already are left as the admins made them.
 */
export async function seedAccessPolicies(prisma: IdentityPrisma, now: Date, author = SEED_AUTHOR): Promise<void> {
  const store = new PolicyStore(prisma);
  const existing = new Set((await prisma.accessPolicy.findMany({ select: { name: true } })).map((p) => p.name));
  for (const policy of SEEDED_POLICIES) {
    if (existing.has(policy.name)) continue;
    const reason = "Initial district policy (seed).";
    const draft = await store.draft(author, { ...policy, reason }, now);
    await store.enable(author, policy.name, draft.version, reason, now);
  }
}

/** Residents per INSERT: one JSON parameter each, so no bind-parameter limit applies. */
const RESIDENT_BATCH_SIZE = 10_000;

/**
 * The 60,000 residents go in as JSON expanded by PostgreSQL (json_populate_recordset): several times faster than
 * multi-row INSERTs on PGlite, which matters on every test start. ON CONFLICT DO NOTHING keeps it idempotent
 * like `insertRows`; `seed` skips it altogether when every resident is in place.
 */
async function insertResidents(db: SubgraphDatabase, date: string): Promise<void> {
  const residents = buildResidents(date);
  for (let start = 0; start < residents.length; start += RESIDENT_BATCH_SIZE) {
    await db.query(
      `INSERT INTO "Resident" ("id", "name", "idNumber", "phone", "streetId", "personId", "synthetic")
       SELECT "id", "name", "idNumber", "phone", "streetId", "personId", "synthetic"
       FROM json_populate_recordset(NULL::"Resident", $1::json)
       ON CONFLICT DO NOTHING`,
      [JSON.stringify(residents.slice(start, start + RESIDENT_BATCH_SIZE))],
    );
  }
}

export async function countRows(prisma: IdentityPrisma): Promise<SeedSummary> {
  const [people, roles, personRoles, officerMemberships, residents, integratorApps, signingKeys] = await Promise.all([
    prisma.person.count(),
    prisma.role.count(),
    prisma.personRole.count(),
    prisma.officerMembership.count(),
    prisma.resident.count(),
    prisma.integratorApp.count(),
    prisma.signingKey.count(),
  ]);
  return { people, roles, personRoles, officerMemberships, residents, integratorApps, signingKeys };
}
