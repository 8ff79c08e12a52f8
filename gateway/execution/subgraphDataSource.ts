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
 *   `observeFetch` (the per-subgraph histogram, gateway/observability/metrics.ts);
 * - fewer fetches (issue 16): a query fetch identical to one in flight (same audience, principal, purpose, case,
 *   client address and body) shares that fetch's answer or failure instead of sending a request
 *   (`inFlightFetches.ts`); and, for a subgraph that accepts batches, the query fetches one client request starts in
 *   the same turn of the event loop go as one batched request under one envelope (`requestBatcher.ts`). Mutations and
 *   fetches serving a mutation are never collapsed or batched.
 */
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { type GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from "@apollo/gateway";
import type { GatewayGraphQLResponse } from "@apollo/server-gateway-interface";
import { codedError } from "../../lib/errors.ts";
import type { Logger } from "../../lib/log.ts";
import { systemPrincipal } from "../../lib/principal.ts";
import { type EnvelopeClaims, type EnvelopeSigner, REQUEST_ID_HEADER, SYSTEM_SCOPES } from "../../lib/wire.ts";
import type { GatewayContext } from "../context.ts";
import { copyJson, InFlightFetches } from "./inFlightFetches.ts";
import { RequestBatcher } from "./requestBatcher.ts";
import { subgraphFetcher, withAttempt } from "./subgraphFetcher.ts";
import { type FailureReason, failureReason, type SubgraphPolicy } from "./subgraphPolicy.ts";

const { parseCacheControlHeader } = createRequire(import.meta.url)(
  "@apollo/gateway/dist/datasources/parseCacheControlHeader",
) as { parseCacheControlHeader: (header: string | null | undefined) => Record<string, string | true> };

export interface SubgraphFetchStats {
  /** HTTP requests sent to the subgraph (retries included; fetches refused by an open breaker are not). */
  fetches: number;
  /** Of those, the ones that failed (no answer, timeout, non-2xx). */
  failures: number;
  /** Fetches that shared an identical in-flight fetch's answer instead of sending a request. */
  collapsed: number;
  /** Batched requests sent (each one HTTP request carrying several fetches). */
  batches: number;
  /** Fetches that travelled inside a batched request. */
  batchedFetches: number;
}

/** Largest batched request: a plan level rarely has more parallel fetches to one subgraph than this. */
export const MAX_BATCH = 16;

/** One fetch waiting for its request's batch to be sent. */
interface QueuedFetch {
  options: GraphQLDataSourceProcessOptions<GatewayContext>;
  /** `requestBody(options)` as JSON: this fetch's element of a batched request's array. */
  body: string;
  context: Partial<GatewayContext>;
  claims: EnvelopeClaims;
  deadline: number;
  resolve: (response: GatewayGraphQLResponse) => void;
  reject: (error: unknown) => void;
}

export interface SubgraphDataSourceOptions {
  /** The subgraph accepts batched requests (a JSON array of operations, Apollo Server's HTTP batching). */
  batching?: boolean;
}

export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  readonly stats: SubgraphFetchStats = { fetches: 0, failures: 0, collapsed: 0, batches: 0, batchedFetches: 0 };
  private readonly inFlight = new InFlightFetches<GatewayGraphQLResponse>(copyResponse);
  private readonly batcher: RequestBatcher<QueuedFetch> | null;

  constructor(
    readonly name: string,
    url: string,
    private readonly log: Logger,
    private readonly signEnvelope: EnvelopeSigner,
    /** This subgraph's policy; it outlives the data source, which is rebuilt on every supergraph reload. */
    private readonly policy: SubgraphPolicy,
    /** Called after each attempt with its duration and whether it succeeded. */
    private readonly observeFetch?: (seconds: number, ok: boolean) => void,
    options: SubgraphDataSourceOptions = {},
    /** The HTTP client; tests pass their own (the envelope is then theirs to check). */
    fetcher: RemoteGraphQLDataSource["fetcher"] = subgraphFetcher,
  ) {
    super({ url, fetcher });
    this.batcher = options.batching ? new RequestBatcher((entries) => this.flush(entries), MAX_BATCH) : null;
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
    const idempotent = isIdempotent(options);
    try {
      // Health checks and schema loads (no client request) and anything serving a mutation go alone, as they are.
      if (!idempotent || !("incomingRequestContext" in options)) {
        return await this.sendOne(options, context, claims, deadline, idempotent);
      }
      const before = this.inFlight.collapsed;
      const { request } = options;
      // The operation as sent in a batch, serialised at most once: the second part of the collapsing key (only when a
      // fetch with the same caller and query is in flight to compare with) and, batched, this entry of the body (entity
      // fetches carry every representation in their variables, the largest part of the gateway's writes).
      let body: string | undefined;
      const bodyOf = () => {
        body ??= JSON.stringify(requestBody(options));
        return body;
      };
      const answer = this.inFlight.share(collapseKey(claims, request), bodyOf, () =>
        this.batcher
          ? new Promise<GatewayGraphQLResponse>((resolve, reject) =>
              this.batcher?.add(options.context, {
                options,
                body: bodyOf(),
                context,
                claims,
                deadline,
                resolve,
                reject,
              }),
            )
          : this.sendOne(options, context, claims, deadline, true),
      );
      if (this.inFlight.collapsed > before) this.stats.collapsed += 1;
      return await answer;
    } catch (error) {
      const reason = failureReason(error);
      this.log.warn(
        { err: error, subgraph: this.name, url: this.url, requestId: context.requestId, reason },
        "subgraph fetch failed",
      );
      throw codedError("SUBGRAPH_UNAVAILABLE", this.message(reason, context.requestId), { subgraph: this.name });
    }
  }

  /**
   * One fetch, one request (`fetchOne`), under the subgraph's policy, signed by the fetcher. `body`: the operation
   * already serialised for the batcher, when it was (the same JSON), so an entity fetch's representations are not
   * serialised twice.
   */
  private sendOne(
    options: GraphQLDataSourceProcessOptions<GatewayContext>,
    context: Partial<GatewayContext>,
    claims: EnvelopeClaims,
    deadline: number,
    idempotent: boolean,
    body?: string,
  ): Promise<GatewayGraphQLResponse> {
    return this.policy.run({ deadline, idempotent }, (signal) =>
      withAttempt(this.attemptOf(signal, claims), () => this.counted(context, () => this.fetchOne(options, body))),
    );
  }

  /**
   * One operation, one HTTP request: what Apollo's `RemoteGraphQLDataSource.process` does for the gateway — the body
   * `{ query, ...the rest }` as JSON, a non-2xx answer turned into Apollo's error (`errorFromResponse`), a body that is
   * not a JSON object refused, the subgraph's `Cache-Control` restricting the request's cache policy — without the
   * parts the gateway never uses (APQ, `willSendRequest`, `didReceiveResponse`) and without the node-fetch `Headers` and
   * `Request` objects Apollo builds on every fetch only to hand them to hooks (issue 16: about 2 % of the gateway's CPU
   * at one connection, most of it parsing the URL again).
   */
  private async fetchOne(
    options: GraphQLDataSourceProcessOptions<GatewayContext>,
    serialised?: string,
  ): Promise<GatewayGraphQLResponse> {
    const { http, query, ...rest } = options.request;
    if (!query) throw new Error("Missing query");
    const headers: Record<string, string> = {};
    if (http?.headers) for (const [name, value] of http.headers) headers[name.toLowerCase()] = value;
    headers["content-type"] = "application/json";
    const response = await this.fetcher(this.url, {
      method: "POST",
      headers,
      body: serialised ?? JSON.stringify({ query, ...rest }),
    });
    if (!response.ok) throw await this.errorFromResponse(response);
    const body = await this.parseBody(response);
    if (!isObject(body)) throw new Error(`Expected JSON response body, but received: ${body}`);
    restrictCacheBy(options, response.headers.get("cache-control"));
    return { ...(body as GatewayGraphQLResponse), http: response as unknown as GatewayGraphQLResponse["http"] };
  }

  /** Sends what one request queued for this subgraph in one turn: alone, or several as one batched request. */
  private flush(entries: QueuedFetch[]): void {
    const [first] = entries;
    if (!first) return;
    if (entries.length === 1) {
      this.sendOne(first.options, first.context, first.claims, first.deadline, true, first.body).then(
        first.resolve,
        first.reject,
      );
      return;
    }
    this.sendBatch(entries).then(
      (responses) => {
        for (const [i, entry] of entries.entries()) entry.resolve(responses[i] as GatewayGraphQLResponse);
      },
      (error: unknown) => {
        for (const entry of entries) entry.reject(error);
      },
    );
  }

  /**
   * Several fetches of one client request as one HTTP request: a JSON array of `{ query, variables, operationName }`
   * in queue order, answered by an array in the same order. One envelope (the request's claims) is signed over the
   * whole array's bytes by the fetcher, so the subgraph verifies exactly what it executes; a failure of the request
   * fails every fetch in it, as it would have failed each alone.
   */
  private sendBatch(entries: QueuedFetch[]): Promise<GatewayGraphQLResponse[]> {
    const [first] = entries as [QueuedFetch, ...QueuedFetch[]];
    const deadline = Math.min(...entries.map((entry) => entry.deadline));
    const body = `[${entries.map((entry) => entry.body).join(",")}]`;
    return this.policy.run({ deadline, idempotent: true }, (signal) =>
      withAttempt(this.attemptOf(signal, first.claims), () =>
        this.counted(first.context, async () => {
          this.stats.batches += 1;
          this.stats.batchedFetches += entries.length;
          const response = await this.fetcher(this.url, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body,
          });
          if (!response.ok) throw await this.errorFromResponse(response);
          const answers: unknown = await response.json();
          if (!Array.isArray(answers) || answers.length !== entries.length || !answers.every(isObject)) {
            throw new Error(`the batched answer of ${this.name} does not match its ${entries.length} operations`);
          }
          // A batched answer is never cacheable (our answers are no-store anyway).
          for (const entry of entries) restrictCache(entry.options);
          return answers as GatewayGraphQLResponse[];
        }),
      ),
    );
  }

  private attemptOf(signal: AbortSignal, claims: EnvelopeClaims) {
    const sign = this.signEnvelope;
    return {
      signal,
      headers: { [REQUEST_ID_HEADER]: claims.requestId },
      sign: (request: Parameters<EnvelopeSigner>[1]) => sign(claims, request),
      subgraph: this.name,
    };
  }

  /** One HTTP request sent: counted (stats, the request's usage) and timed. */
  private async counted<T>(context: Partial<GatewayContext>, send: () => Promise<T>): Promise<T> {
    this.stats.fetches += 1;
    if (context.usage) context.usage.fetches.set(this.name, (context.usage.fetches.get(this.name) ?? 0) + 1);
    const started = performance.now();
    try {
      const response = await send();
      this.observeFetch?.((performance.now() - started) / 1000, true);
      return response;
    } catch (error) {
      this.stats.failures += 1;
      this.observeFetch?.((performance.now() - started) / 1000, false);
      throw error;
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

/**
 * What makes two fetches indistinguishable to the subgraph: the envelope's claims except the request id (audience,
 * principal, purpose, case, client address) and the body (query, variables, operation name). The body as sent is the
 * second part of the key (`InFlightFetches.share`), serialized only when there is a fetch to compare with.
 */
function collapseKey(claims: EnvelopeClaims, request: GraphQLDataSourceProcessOptions["request"]): string {
  return JSON.stringify([
    claims.aud,
    claims.principal,
    claims.purpose,
    claims.caseReference ?? null,
    claims.clientAddress ?? null,
    request.query ?? "",
    request.operationName ?? null,
  ]);
}

/** One operation of a batched request, as Apollo's data source would have sent it alone. */
function requestBody(options: GraphQLDataSourceProcessOptions<GatewayContext>): Record<string, unknown> {
  const { http: _http, ...rest } = options.request;
  return { ...rest };
}

/** Apollo's own restriction by a subgraph's `Cache-Control` (RemoteGraphQLDataSource.respond), with its parser. */
function restrictCacheBy(options: GraphQLDataSourceProcessOptions<GatewayContext>, header: string | null): void {
  if (!("incomingRequestContext" in options)) return;
  const policy = options.incomingRequestContext.overallCachePolicy;
  if (!policy || !("restrict" in policy)) return;
  const parsed = parseCacheControlHeader(header);
  const maxAge = parsed["max-age"];
  const hint: { maxAge: number; scope?: "PRIVATE" | "PUBLIC" } = {
    maxAge: typeof maxAge === "string" && /^[0-9]+$/.test(maxAge) ? Number(maxAge) : 0,
  };
  if (parsed.private === true) hint.scope = "PRIVATE";
  if (parsed.public === true) hint.scope = "PUBLIC";
  policy.restrict(hint as Parameters<typeof policy.restrict>[0]);
}

function restrictCache(options: GraphQLDataSourceProcessOptions<GatewayContext>): void {
  if (!("incomingRequestContext" in options)) return;
  const policy = options.incomingRequestContext.overallCachePolicy;
  if (policy && "restrict" in policy) policy.restrict({ maxAge: 0 });
}

function isObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Each taker of a shared answer gets its own data, errors and extensions: Apollo merges fetched entities into its
 * result in place, and two client requests must never write into one object. They are parsed JSON (`copyJson`).
 */
function copyResponse(response: GatewayGraphQLResponse): GatewayGraphQLResponse {
  return {
    ...response,
    ...(response.data !== undefined ? { data: copyJson(response.data) } : {}),
    ...(response.errors !== undefined ? { errors: copyJson(response.errors) } : {}),
    ...(response.extensions !== undefined ? { extensions: copyJson(response.extensions) } : {}),
  };
}
