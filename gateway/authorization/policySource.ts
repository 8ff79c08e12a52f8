/**
 * The active access policies, polled from the identity service (where security admins edit them) so that every
 * gateway replica applies a change within about one poll interval, without a restart. Each poll sends the revision
 * it holds; the identity service answers 304 when nothing changed, so polling every second costs one small request.
 *
 * Until the first successful poll the set is empty and every `@policy` field is denied (deny by default). A failed
 * poll keeps the last known set.
 */
import { type ActivePolicy, EMPTY_POLICY_SET, type PolicySet, policyRuleSchema } from "../../lib/access/policyRules.ts";

export interface PolicySourceOptions {
  /** The identity service's `/access/policies` endpoint. */
  url: string;
  /** Signed gateway headers for one poll of this exact URL (a GET; the envelope is bound to it). */
  headers: (url: string) => Record<string, string>;
  intervalMs?: number;
  timeoutMs?: number;
  onError?: (error: unknown) => void;
  onChange?: (set: PolicySet) => void;
}

export interface PolicySource {
  current(): PolicySet;
  /** Polls now (start-up, tests). */
  refresh(): Promise<void>;
  stop(): void;
}

interface PolicyPayload {
  revision: number;
  policies: Array<{ name: string; version: number; description: string; rule: unknown }>;
}

export function createPolicySource(options: PolicySourceOptions): PolicySource {
  const { url, intervalMs = 1000, timeoutMs = 1500 } = options;
  let set: PolicySet = EMPTY_POLICY_SET;
  let inFlight: Promise<void> | undefined;

  async function poll() {
    try {
      const pollUrl = `${url}?since=${set.revision}`;
      const response = await fetch(pollUrl, {
        headers: options.headers(pollUrl),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (response.status === 304) return;
      if (!response.ok) throw new Error(`access policies answered HTTP ${response.status}`);
      const body = (await response.json()) as PolicyPayload;
      const policies = new Map<string, ActivePolicy>();
      for (const policy of body.policies) {
        // The identity service validated the rule when it was saved; a rule this gateway cannot read allows nobody.
        const rule = policyRuleSchema.safeParse(policy.rule);
        policies.set(policy.name, {
          name: policy.name,
          version: policy.version,
          description: policy.description,
          rule: rule.success ? rule.data : { anyOf: [] },
        });
      }
      set = { revision: body.revision, policies };
      options.onChange?.(set);
    } catch (error) {
      options.onError?.(error);
    }
  }

  const refresh = () => {
    inFlight ??= poll().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
  const timer = setInterval(() => void refresh(), intervalMs);
  timer.unref();
  return { current: () => set, refresh, stop: () => clearInterval(timer) };
}
