import { loadGatewayConfig } from "../../gateway/config.ts";
import { type GatewayOptions, type GatewayServer, startGateway } from "../../gateway/server.ts";
import { LIMITED_KINDS } from "../../lib/limits/rateLimitRules.ts";
import { testEnvelopeKeys } from "./envelope.ts";

/**
 * Rate limits no test meets unless it means to: each test file sends all its requests from one address and a handful
 * of principals, far more than the production defaults allow in a minute. Tests of the limits set RATE_LIMITS.
 */
export const GENEROUS_RATE_LIMITS = JSON.stringify({
  tiers: Object.fromEntries(
    LIMITED_KINDS.map((kind) => [kind, { rate: { requests: 1_000_000, perSeconds: 60 }, dailyCost: null }]),
  ),
  oauth: { requests: 1_000_000, perSeconds: 60 },
});

/** Starts the gateway on a free port with test defaults; `env` entries override. */
export function startTestGateway(env: Record<string, string>, options: GatewayOptions = {}): Promise<GatewayServer> {
  return startGateway(
    loadGatewayConfig({
      PORT: "0",
      LOG_LEVEL: process.env.OG_TEST_LOG_LEVEL ?? "silent",
      NODE_ENV: "test",
      ENVELOPE_PRIVATE_KEY: testEnvelopeKeys.privateKey,
      RATE_LIMITS: GENEROUS_RATE_LIMITS,
      // These limits, not the identity service's seeded tiers; tests of limits as data set `identity`.
      RATE_LIMITS_SOURCE: "setting",
      ...env,
    }),
    options,
  );
}
