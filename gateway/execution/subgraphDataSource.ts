/**
 * How the gateway talks to one subgraph. Apollo's `RemoteGraphQLDataSource` is the one overridable class; this
 * subclass adds what every department needs:
 * - every fetch carries the signed identity envelope (principal, purpose, case, request id, client address) for that
 *   subgraph only, bound to the fetch's method, path and body bytes with a fresh nonce — signed in the fetcher
 *   (`subgraphFetcher.ts`), per attempt; subgraphs refuse anything else;
 * - the request id travels with every subgraph fetch (logs of all services line up);
 * - every fetch runs under the subgraph's policy (`subgraphPolicy.ts`): a timeout of
 *   `min(the subgraph's timeout, time left before the request's deadline)`, retries for queries only, and the
 *   subgraph's circuit breaker; connections are reused through Node's keep-alive pool (`subgraphFetcher.ts`);
 * - a failed fetch (connection refused, timeout, open breaker, non-2xx) becomes SUBGRAPH_UNAVAILABLE naming the
 *   department, never the internal URL, host or stack, while the full detail goes to the gateway log;
 * - fetches are counted per subgraph for /metrics and the benchmark, and each attempt's duration is reported to
 *   `observeFetch` (the per-subgraph histogram, gateway/observability/metrics.ts).
 */
import { randomUUID } from "node:crypto";
import { type GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from "@apollo/gateway";
import type { GatewayGraphQLResponse } from "@apollo/server-gateway-interface";
import { codedError } from "../../lib/errors.ts";
import type { Logger } from "../../lib/log.ts";
import { systemPrincipal } from "../../lib/principal.ts";
import { type EnvelopeClaims, type EnvelopeSigner, REQUEST_ID_HEADER, SYSTEM_SCOPES } from "../../lib/wire.ts";
import type { GatewayContext } from "../context.ts";
import { subgraphFetcher, withAttempt } from "./subgraphFetcher.ts";
import { type FailureReason, failureReason, type SubgraphPolicy } from "./subgraphPolicy.ts";

export interface SubgraphFetchStats {
  /** HTTP requests sent to the subgraph (retries included; fetches refused by an open breaker are not). */
  fetches: number;
  /** Of those, the ones that failed (no answer, timeout, non-2xx). */
  failures: number;
}

export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  readonly stats: SubgraphFetchStats = { fetches: 0, failures: 0 };

  constructor(
    readonly name: string,
    url: string,
    private readonly log: Logger,
    private readonly signEnvelope: EnvelopeSigner,
    /** This subgraph's policy; it outlives the data source, which is rebuilt on every supergraph reload. */
    private readonly policy: SubgraphPolicy,
    /** Called after each attempt with its duration and whether it succeeded. */
    private readonly observeFetch?: (seconds: number, ok: boolean) => void,
  ) {
    super({ url, fetcher: subgraphFetcher });
  }

  /** The envelope's claims for one fetch; Apollo's own health checks carry no request context and go as a probe. */
  private claimsOf(context: Partial<GatewayContext>): EnvelopeClaims {
    return {
      aud: this.name,
      requestId: context.requestId ?? randomUUID(),
      purpose: context.purpose ?? null,
      caseReference: context.caseReference ?? null,
      principal: context.principal ?? systemPrincipal("gateway-health-check", [SYSTEM_SCOPES.readiness]),
      clientAddress: context.clientAddress ?? null,
    };
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const context = options.context as Partial<GatewayContext>;
    const deadline = context.deadline ?? Date.now() + this.policy.timeoutMs;
    const claims = this.claimsOf(context);
    const sign = this.signEnvelope;
    try {
      return await this.policy.run({ deadline, idempotent: isIdempotent(options) }, (signal) =>
        withAttempt(
          {
            signal,
            headers: { [REQUEST_ID_HEADER]: claims.requestId },
            sign: (request) => sign(claims, request),
            subgraph: this.name,
          },
          async () => {
            this.stats.fetches += 1;
            if (context.usage) context.usage.fetches.set(this.name, (context.usage.fetches.get(this.name) ?? 0) + 1);
            const started = performance.now();
            try {
              const response = await super.process(options);
              this.observeFetch?.((performance.now() - started) / 1000, true);
              return response;
            } catch (error) {
              this.stats.failures += 1;
              this.observeFetch?.((performance.now() - started) / 1000, false);
              throw error;
            }
          },
        ),
      );
    } catch (error) {
      const reason = failureReason(error);
      this.log.warn(
        { err: error, subgraph: this.name, url: this.url, requestId: context.requestId, reason },
        "subgraph fetch failed",
      );
      throw codedError("SUBGRAPH_UNAVAILABLE", this.message(reason, context.requestId), { subgraph: this.name });
    }
  }

  private message(reason: FailureReason, requestId: string | undefined): string {
    const quote = `Retry later or quote request id ${requestId ?? "(none)"}.`;
    switch (reason) {
      case "timeout":
        return `The ${this.name} service did not answer in time; its fields are null. ${quote}`;
      case "circuit-open":
        return `The ${this.name} service did not answer recently, so the gateway is not asking it for a few seconds; its fields are null. ${quote}`;
      case "deadline":
        return `The ${this.name} service did not answer before this request's deadline; its fields are null. ${quote}`;
      default:
        return `The ${this.name} service did not answer; its fields are null. ${quote}`;
    }
  }
}

/**
 * A fetch is retried only when repeating it cannot change anything: the subgraph operation is a query and the
 * client's operation is not a mutation (entity fetches inside a mutation's plan are left alone too).
 */
function isIdempotent(options: GraphQLDataSourceProcessOptions<GatewayContext>): boolean {
  const query = options.request.query ?? "";
  if (!/^\s*(query\b|\{)/.test(query)) return false;
  // Health checks and schema loading carry no incoming request: they are plain queries.
  if (!("incomingRequestContext" in options)) return true;
  return options.incomingRequestContext.operation?.operation === "query";
}
