/**
 * GET /access/policies (identity → gateway): the active access policies with the revision they were read at. The
 * identity service serves it (subgraphs/identity/access/policyStore.ts `activeSet()`), every gateway replica polls it
 * (gateway/authorization/policySource.ts); both import this schema. The rule grammar itself is the policy language,
 * lib/access/policyRules.ts.
 *
 * A payload that does not match is refused whole and the gateway keeps the set it had. One rule the reader cannot
 * read (a grant condition a newer identity service knows, say) does not refuse the set: that policy alone becomes
 * `UNREADABLE_RULE`, which allows nobody, while the others still apply — keeping an older, maybe wider, set instead
 * would be the permissive choice.
 */
import { z } from "zod";
import { type PolicyRule, policyRuleSchema } from "../access/policyRules.ts";

/** A policy name: lower-case words joined by dashes, e.g. `health-records` (3–61 characters). */
export const POLICY_NAME = /^[a-z][a-z0-9-]{2,60}$/;

/** What a policy whose rule cannot be read becomes: a rule with no grants, which allows nobody. */
export const UNREADABLE_RULE: PolicyRule = Object.freeze({
  anyOf: Object.freeze([]) as unknown as PolicyRule["anyOf"],
});

/** One active policy: the active version of its name. */
export const activePolicySchema = z.object({
  name: z.string().regex(POLICY_NAME, "must be a policy name (lower-case words joined by dashes)"),
  version: z.number().int().positive(),
  description: z.string().max(500),
  rule: policyRuleSchema.catch(() => UNREADABLE_RULE),
});

export const policySetSchema = z.object({
  /** The newest policy change id; 0 before any policy exists. The poll sends it back as `?since=` (304 if current). */
  revision: z.number().int().min(0),
  policies: z.array(activePolicySchema),
});

/** What the identity service serves. */
export type PolicySetPayload = z.input<typeof policySetSchema>;
/** What the gateway reads (a rule it could not read is `UNREADABLE_RULE`). */
export type ParsedPolicySet = z.output<typeof policySetSchema>;
