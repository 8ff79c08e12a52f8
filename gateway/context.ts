import type { Logger } from "../lib/log.ts";
import type { Principal } from "../lib/principal.ts";

/** Per-request gateway context. */
export interface GatewayContext {
  requestId: string;
  /** Who is asking: verified from the bearer token, or the anonymous principal. */
  principal: Principal;
  /** The purpose the caller declared in x-og-purpose, if well-formed. */
  purpose: string | null;
  log: Logger;
}
