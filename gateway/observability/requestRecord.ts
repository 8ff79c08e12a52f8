/** What the gateway knows about one request so far, for its log line and metrics (./requestTelemetry.ts). */
import type { Principal } from "../../lib/principal.ts";

export interface RequestRecord {
  principal?: Principal;
  /** The resolved operation's name (null: unnamed); undefined while no operation was resolved. */
  operationName?: string | null;
  operationType?: string;
  /** Error codes of the answer, when Apollo produced it. */
  errorCodes?: string[];
}
