import type { OperationAuthorization } from "../lib/access/authorize.ts";
import type { OperationView } from "../lib/access/operationView.ts";
import type { RequestLogger } from "../lib/log.ts";
import type { Principal } from "../lib/principal.ts";
import type { RateLimitState } from "./limits/rateLimiter.ts";
import type { RequestUsage } from "./observability/metering.ts";
import type { RequestRecord } from "./observability/requestRecord.ts";
import type { SupergraphSnapshot } from "./supergraph/supergraphSnapshot.ts";

/** Per-request gateway context. */
export interface GatewayContext {
  requestId: string;
  /** Who is asking: verified from the bearer token, or the anonymous principal. */
  principal: Principal;
  /** The purpose the caller declared in x-og-purpose, checked against the purpose registry for this principal. */
  purpose: string | null;
  /** The case the purpose serves (x-og-case), if declared; travels in the envelope and into the audit record. */
  caseReference: string | null;
  /** The client's address (socket, or X-Forwarded-For from a trusted proxy; gateway/auth/clientAddress.ts), signed into every envelope. */
  clientAddress: string;
  /** Where the caller stands against its request rate (the `RateLimit-*` headers of the answer); null: not counted. */
  rateLimit: RateLimitState | null;
  log: RequestLogger;
  /** Epoch ms by which the answer is due (arrival + REQUEST_DEADLINE_MS): no subgraph fetch runs past it. */
  deadline: number;
  /**
   * For an app in trusted-documents mode: the registered operation it named, which is what executes
   * (gateway/protection/trustedDocuments.ts); absent for everyone else.
   */
  trustedOperation?: { hash: string; document: string } | null;
  /** What the request used so far (subgraph fetches, estimated cost), for metering (gateway/observability/metering.ts). */
  usage?: RequestUsage;
  /** The facts of the supergraph this request executes against (set by the guard). */
  supergraph?: SupergraphSnapshot;
  /** The one view of the operation every check reads (set by the guard, lib/access/operationView.ts). */
  view?: OperationView;
  /** The guard's authorization decision for the operation; execution refuses to run without one (fail closed). */
  authorization?: OperationAuthorization;
  /** This request's record for its log line and metrics (gateway/observability/requestTelemetry.ts). */
  telemetry?: RequestRecord;
}
