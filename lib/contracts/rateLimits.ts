/**
 * GET /access/rate-limits (identity → gateway): the rate-limit overrides security admins manage, in the shape of the
 * `RATE_LIMITS` setting (lib/limits/rateLimitRules.ts), with the revision they belong to. The identity service serves
 * it (subgraphs/identity/limits/rateLimitStore.ts), the gateway polls it (gateway/limits/rateLimitSource.ts); both
 * import this schema. A payload that does not match is refused whole and the gateway keeps the rules it had.
 */
import { z } from "zod";
import { rateLimitRulesSchema } from "../limits/rateLimitRules.ts";

export const rateLimitSetSchema = z.object({
  revision: z.number().int().nonnegative(),
  rules: rateLimitRulesSchema.pick({ tiers: true, roles: true, apps: true, users: true }),
});

export type RateLimitSetPayload = z.input<typeof rateLimitSetSchema>;
export type ParsedRateLimitSet = z.output<typeof rateLimitSetSchema>;
