import { loadGatewayConfig } from "../../gateway/config.ts";
import { type GatewayOptions, type GatewayServer, startGateway } from "../../gateway/server.ts";
import { testEnvelopeKeys } from "./envelope.ts";

/** Starts the gateway on a free port with test defaults; `env` entries override. */
export function startTestGateway(env: Record<string, string>, options: GatewayOptions = {}): Promise<GatewayServer> {
  return startGateway(
    loadGatewayConfig({
      PORT: "0",
      LOG_LEVEL: process.env.OG_TEST_LOG_LEVEL ?? "silent",
      NODE_ENV: "test",
      ENVELOPE_PRIVATE_KEY: testEnvelopeKeys.privateKey,
      ...env,
    }),
    options,
  );
}
