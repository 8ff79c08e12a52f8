/**
 * The active access policies, polled from the identity service (where security admins edit them) so that every
 * gateway replica applies a change within about one poll interval, without a restart. Each poll sends the revision
 * it holds; the identity service answers 304 when nothing changed, so polling every second costs one small request.
 *
 * Until the first successful poll the set is empty and every `@policy` field is denied (deny by default). A failed
 * poll, or a payload that does not match its contract (lib/contracts/policySet.ts; `PayloadRefused` to `onError`),
 * keeps the last known set. A policy whose rule this gateway cannot read allows nobody; the others still apply.
 */
import { type ActivePolicy, EMPTY_POLICY_SET, type PolicySet } from "../../lib/access/policyRules.ts";
import { readPayload } from "../../lib/contracts/payload.ts";
import { type ParsedPolicySet, policySetSchema, UNREADABLE_RULE } from "../../lib/contracts/policySet.ts";
import { revisionPoller } from "../../lib/http/revisionPoller.ts";

export interface PolicySourceOptions {
  /** The identity service's `/access/policies` endpoint. */
  url: string;
  /** Signed gateway headers for one poll of this exact URL (a GET; the envelope is bound to it). */
  headers: (url: string) => Record<string, string>;
  intervalMs?: number;
  timeoutMs?: number;
  onError?: (error: unknown) => void;
  /** A new set is in force; `unreadable` names the policies whose rule could not be read (they allow nobody). */
  onChange?: (set: PolicySet, unreadable: string[]) => void;
}

export interface PolicySource {
  current(): PolicySet;
  /** Polls now (start-up, tests). */
  refresh(): Promise<void>;
  stop(): void;
}

export function createPolicySource(options: PolicySourceOptions): PolicySource {
  let set: PolicySet = EMPTY_POLICY_SET;
  const poller = revisionPoller({
    ...options,
    what: "access policies",
    revision: () => set.revision,
    apply: async (response) => {
      const { set: next, unreadable } = policySetFrom(await readPayload("policy set", policySetSchema, response));
      set = next;
      options.onChange?.(set, unreadable);
    },
  });
  return { current: () => set, refresh: poller.refresh, stop: poller.stop };
}

/** The set a GET /access/policies payload holds, and the names of the policies whose rule could not be read. */
export function policySetFrom(payload: ParsedPolicySet): { set: PolicySet; unreadable: string[] } {
  const policies = new Map<string, ActivePolicy>();
  const unreadable: string[] = [];
  for (const policy of payload.policies) {
    policies.set(policy.name, policy);
    if (policy.rule === UNREADABLE_RULE) unreadable.push(policy.name);
  }
  return { set: { revision: payload.revision, policies }, unreadable };
}
