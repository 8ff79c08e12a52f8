import type { Logger } from "../lib/log.ts";

/** Per-request gateway context. Identity (the principal) joins it with the user-management work. */
export interface GatewayContext {
  requestId: string;
  log: Logger;
}
