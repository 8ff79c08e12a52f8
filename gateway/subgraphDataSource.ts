/**
 * How the gateway talks to one subgraph. Apollo's `RemoteGraphQLDataSource` is the one overridable class; this
 * subclass adds what every department needs:
 * - every fetch carries the signed identity envelope (principal, purpose, request id) for that subgraph only —
 *   subgraphs refuse anything else;
 * - the request id travels with every subgraph fetch (logs of all services line up);
 * - a failed fetch (connection refused, timeout, non-2xx) becomes SUBGRAPH_UNAVAILABLE naming the department,
 *   never the internal URL, host or stack, while the full detail goes to the gateway log;
 * - fetches are counted per subgraph for /metrics and the benchmark.
 */
import { randomUUID } from "node:crypto";
import { type GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from "@apollo/gateway";
import type { GatewayGraphQLResponse } from "@apollo/server-gateway-interface";
import { codedError } from "../lib/errors.ts";
import type { Logger } from "../lib/log.ts";
import { systemPrincipal } from "../lib/principal.ts";
import { ENVELOPE_HEADER, type EnvelopeSigner, REQUEST_ID_HEADER } from "../lib/wire.ts";
import type { GatewayContext } from "./context.ts";

export interface SubgraphFetchStats {
  fetches: number;
  failures: number;
}

export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  readonly stats: SubgraphFetchStats = { fetches: 0, failures: 0 };

  constructor(
    readonly name: string,
    url: string,
    private readonly log: Logger,
    private readonly signEnvelope: EnvelopeSigner,
  ) {
    super({ url });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    if (!request.http) return;
    // Apollo's own health checks run without a request context: they go as the gateway itself.
    const {
      requestId = randomUUID(),
      principal = systemPrincipal("gateway"),
      purpose = null,
    } = context as Partial<GatewayContext>;
    request.http.headers.set(REQUEST_ID_HEADER, requestId);
    request.http.headers.set(ENVELOPE_HEADER, this.signEnvelope({ aud: this.name, requestId, purpose, principal }));
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    this.stats.fetches += 1;
    try {
      return await super.process(options);
    } catch (error) {
      this.stats.failures += 1;
      const requestId = (options.context as Partial<GatewayContext>).requestId;
      this.log.warn({ err: error, subgraph: this.name, url: this.url, requestId }, "subgraph fetch failed");
      throw codedError(
        "SUBGRAPH_UNAVAILABLE",
        `The ${this.name} service did not answer; its fields are null. Retry later or quote request id ${requestId ?? "(none)"}.`,
        { subgraph: this.name },
      );
    }
  }
}
