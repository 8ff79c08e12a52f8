/** Gateway entry point: `npm run gateway` (and `npm start`, which also starts the subgraphs). */
import { ConfigError } from "../lib/config.ts";
import { loadGatewayConfig } from "./config.ts";
import { startGateway } from "./server.ts";

try {
  const config = loadGatewayConfig(process.env);
  const gateway = await startGateway(config);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      gateway.log.info({ signal }, "shutting down");
      gateway.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}
