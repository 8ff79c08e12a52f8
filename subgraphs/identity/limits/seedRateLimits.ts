/**
 * The default tier of every principal kind (anonymous, resident, officer, security_admin, auditor, app), written as
 * rate-limit rules through the store security admins use (authored by `system:seed`), so the tiers in force are data
 * an admin can read and change, with their history from the start. A tier that was ever set or cleared is left as
 * the admins made it.
 */
import { DEFAULT_TIERS, LIMITED_KINDS } from "../../../lib/limits/rateLimitRules.ts";
import { SEED_AUTHOR } from "../access/seedPolicies.ts";
import type { IdentityPrisma } from "../loaders.ts";
import { RateLimitStore } from "./rateLimitStore.ts";

export async function seedRateLimitTiers(prisma: IdentityPrisma, now: Date, author = SEED_AUTHOR): Promise<void> {
  const touched = new Set(
    (
      await prisma.rateLimitChange.findMany({
        where: { scope: "TIER" },
        distinct: ["subject"],
        select: { subject: true },
      })
    ).map((change) => change.subject),
  );
  const store = new RateLimitStore(prisma);
  for (const kind of LIMITED_KINDS) {
    if (touched.has(kind)) continue;
    const { rate, dailyCost } = DEFAULT_TIERS[kind];
    await store.set(
      author,
      { scope: "TIER", subject: kind, rate, dailyCost, reason: "Default tier of the district (seed)." },
      now,
    );
  }
}
