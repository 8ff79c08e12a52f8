/**
 * The district gateway: Apollo Server 5 + Apollo Gateway serving a Federation 2 supergraph from a file.
 *
 * Request flow (ARCHITECTURE.md §4): HTTP edge (body, content type, JSON) → context (request id, principal from the
 * bearer token, declared purpose) → plugins (gateway/plugins.ts, one ordered list) → Apollo's query planner and executor → subgraph fetches
 * through `SubgraphDataSource` → the one error-masking path → response.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloGateway } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { pollFailureLogger } from "../lib/contracts/payload.ts";
import { errorBody } from "../lib/errors.ts";
import { closeGracefully } from "../lib/http/closeGracefully.ts";
import { securityHeaders } from "../lib/http/cors.ts";
import { createGraphQLListener, type Route, sendJson } from "../lib/http/graphqlHttp.ts";
import { rateLimitPolicy } from "../lib/limits/rateLimitRules.ts";
import { createLogger, type Logger, lazyChild } from "../lib/log.ts";
import { ANONYMOUS, type Principal, systemPrincipal } from "../lib/principal.ts";
import { graphResourceOf, oidcIssuerOf } from "../lib/publicOrigin.ts";
import { activeTraceId, annotateActiveSpan, inServerSpan } from "../lib/telemetry/tracing.ts";
import {
  acceptRequestId,
  createEnvelopeSigner,
  ENVELOPE_HEADER,
  REQUEST_ID_HEADER,
  requestPath,
  SYSTEM_SCOPES,
  type SystemScope,
} from "../lib/wire.ts";
import { createAuditWriter } from "./audit/auditWriter.ts";
import { auditEntryOf } from "./audit/dataAccessAudit.ts";
import { createAuthenticator } from "./auth/authenticate.ts";
import { createClientAddressOf } from "./auth/clientAddress.ts";
import { identityProxyRoutes } from "./auth/identityProxy.ts";
import { createJwksSource } from "./auth/jwks.ts";
import { createRevocationList } from "./auth/revocations.ts";
import { createTokenVerifier, districtPrincipal, externalPrincipal } from "./auth/tokenVerifier.ts";
import { authorizingGateway } from "./authorization/authorizedExecution.ts";
import { createPolicySource } from "./authorization/policySource.ts";
import { createPurposeSource, declaredPurpose } from "./authorization/purposes.ts";
import { type GatewayConfig, isProductionMode } from "./config.ts";
import type { GatewayContext } from "./context.ts";
import { type AlignedPlansStats, useAlignedPlans } from "./execution/alignedPlanner.ts";
import { noExecutorStats, PlanExecutor, type PlanExecutorStats } from "./execution/planExecutor.ts";
import { createResponseCache, type ResponseCacheStats } from "./execution/responseCache.ts";
import { SubgraphDataSource, type SubgraphFetchStats } from "./execution/subgraphDataSource.ts";
import { createSubgraphPolicies } from "./execution/subgraphPolicy.ts";
import { createLimitStore } from "./limits/limitStore.ts";
import { limitsResolver } from "./limits/limitsFor.ts";
import { createRateLimiter } from "./limits/rateLimiter.ts";
import { createRateLimitSource } from "./limits/rateLimitSource.ts";
import { createFieldUsageRecorder } from "./observability/fieldUsage.ts";
import { createMeter, type UsageCounts } from "./observability/metering.ts";
import { createGatewayMetrics } from "./observability/metrics.ts";
import { createReadinessCheck } from "./observability/readiness.ts";
import { createRequestTelemetry } from "./observability/requestTelemetry.ts";
import { gatewayPlugins } from "./plugins.ts";
import { portalRoutes } from "./portal/portalRoutes.ts";
import { maskError } from "./protection/maskErrors.ts";
import { ReservedNamesRule } from "./protection/reservedNames.ts";
import { createTrustedDocumentSource, trustedOperationOf } from "./protection/trustedDocuments.ts";
import { registryProxyRoutes } from "./registryProxy.ts";
import { RegistrySupergraph } from "./supergraph/registrySupergraph.ts";
import { loadSubgraphOwners, ownersPathOf } from "./supergraph/subgraphOwners.ts";
import { SupergraphFile } from "./supergraph/supergraphFile.ts";
import { SupergraphSnapshots } from "./supergraph/supergraphSnapshot.ts";

/** What a draining gateway still answers (liveness, readiness — now 503 — and metrics). */
const PROBES = new Set(["/healthz", "/readyz", "/metrics"]);

export interface GatewayServer {
  url: string;
  port: number;
  log: Logger;
  /** Fetches sent to each subgraph since start (survives supergraph reloads). */
  fetchStats(): Record<string, SubgraphFetchStats>;
  /** Plans built and plans changed by plan alignment since start (zeros when PLAN_ALIGNMENT=off). */
  planStats(): AlignedPlansStats;
  /** Our plan executor's counters since start: plans it built, operations it ran, and those it left to Apollo's. */
  executorStats(): PlanExecutorStats;
  /** The response cache's counters per subgraph (empty when RESPONSE_CACHE=off). */
  responseCacheStats(): Record<string, ResponseCacheStats>;
  /** Number of supergraphs loaded so far (1 after start; +1 per accepted reload). */
  supergraphLoads(): number;
  /** Sends the metered usage now instead of at the next USAGE_FLUSH_MS (tests). */
  flushUsage(): Promise<void>;
  /** Polls the rate limits now instead of at the next POLICY_POLL_MS (tests); resolves with the revision in force. */
  refreshRateLimits(): Promise<number>;
  /**
   * Graceful termination (docs/gateway.md, "Shutting down"): /readyz answers 503 at once, new requests get 503
   * SHUTTING_DOWN (not run), in-flight requests finish and their keep-alive connections close after their answer;
   * after `delayMs` (default 0, at most SHUTDOWN_GRACE_MS) the gateway stops listening, and whatever is still open
   * when SHUTDOWN_GRACE_MS has passed since the call is closed. Then the pollers, meter, audit writer and limiter stop.
   */
  stop(options?: { delayMs?: number }): Promise<void>;
}

export interface GatewayOptions {
  log?: Logger;
  /**
   * The clock of token-key caching (JWKS refetch guards), of the readiness cache and of the daily cost budgets' day;
   * tests inject one to move past them without sleeping.
   */
  now?: () => number;
}

export async function startGateway(config: GatewayConfig, options: GatewayOptions = {}): Promise<GatewayServer> {
  const log = options.log ?? createLogger({ service: "gateway", level: config.LOG_LEVEL });
  const stats = new Map<string, SubgraphFetchStats>();
  // One log line per request and the operation histogram, written when the response is finished.
  const requestTelemetry = createRequestTelemetry({
    log,
    metrics: { observeOperation: (o) => metrics.observeOperation(o) },
  });
  /** How long an answer waits for its audit record's confirmation (og_gateway_audit_confirmation_seconds). */
  const timedAudit = (confirmation: Promise<void>): Promise<void> => {
    const started = performance.now();
    return confirmation.then(
      () => metrics.observeAuditConfirmation((performance.now() - started) / 1000, true),
      (error: unknown) => {
        metrics.observeAuditConfirmation((performance.now() - started) / 1000, false);
        throw error;
      },
    );
  };
  // Everything derived from the supergraph, in one immutable snapshot per supergraph, bound to the schema Apollo
  // builds from it (gateway/supergraph/supergraphSnapshot.ts).
  const snapshots = new SupergraphSnapshots();

  const urlOf = (name: string, url: string) => config.SUBGRAPH_URLS[name] ?? url;
  // Per-subgraph timeout, retry and circuit breaker: created once, so breaker state survives supergraph reloads.
  const policies = createSubgraphPolicies(
    {
      timeoutMs: config.SUBGRAPH_TIMEOUT_MS,
      timeoutsBySubgraph: config.SUBGRAPH_TIMEOUTS,
      retries: config.SUBGRAPH_RETRIES,
      breakerFailures: config.BREAKER_FAILURES,
      breakerOpenMs: config.BREAKER_OPEN_MS,
    },
    log,
  );
  const signEnvelope = createEnvelopeSigner(config.ENVELOPE_PRIVATE_KEY);
  const clientAddressOf = createClientAddressOf(config.TRUSTED_PROXIES);
  /**
   * The gateway's own polls of the identity service: one system principal per poller, with only its scope; each
   * poll's envelope is bound to that GET of that URL.
   */
  const asGateway = (id: string, scope: SystemScope, audience = "identity") => {
    const principal = systemPrincipal(id, [scope]);
    return (url: string) => ({
      [ENVELOPE_HEADER]: signEnvelope(
        { aud: audience, requestId: randomUUID(), purpose: null, principal },
        { method: "GET", path: requestPath(url) },
      ),
    });
  };
  // A payload that breaks its contract is a warning (the two ends disagree), other poll failures are debug;
  // every poller keeps its last good copy either way (lib/contracts/payload.ts).
  const pollFailed = (what: string) => pollFailureLogger(log, what);
  const revocations = createRevocationList({
    url: `${config.IDENTITY_URL}/oauth/revoked-sessions`,
    headers: asGateway("gateway-revocations", SYSTEM_SCOPES.revocationsRead),
    intervalMs: config.REVOCATION_POLL_MS,
    // Revoked for as long as the verifier would accept the session's tokens: until their exp + this tolerance.
    clockToleranceSeconds: config.TOKEN_CLOCK_SKEW_SECONDS,
    onError: pollFailed("revoked sessions"),
  });
  const districtJwks = createJwksSource({ url: `${config.IDENTITY_URL}/.well-known/jwks.json`, now: options.now });
  const verifyToken = createTokenVerifier({
    clockToleranceSeconds: config.TOKEN_CLOCK_SKEW_SECONDS,
    isRevoked: revocations.isRevoked,
    isSubjectRevoked: revocations.isSubjectRevoked,
    issuers: [
      {
        issuer: config.TOKEN_ISSUER,
        audience: config.TOKEN_AUDIENCE,
        algorithms: ["ES256"],
        jwks: districtJwks,
        toPrincipal: districtPrincipal,
      },
      // The same identity service's OpenID Connect provider (single sign-on): the same keys and claims, issued as
      // `<PUBLIC_ORIGIN>/oidc` for the resource `<PUBLIC_ORIGIN>/graphql` (docs/identity.md).
      {
        issuer: oidcIssuerOf(config.PUBLIC_ORIGIN),
        audience: graphResourceOf(config.PUBLIC_ORIGIN),
        algorithms: ["ES256"],
        jwks: districtJwks,
        toPrincipal: districtPrincipal,
      },
      ...config.TRUSTED_ISSUERS.map((mapping) => ({
        issuer: mapping.issuer,
        audience: mapping.audience,
        algorithms: mapping.algorithms,
        jwks: createJwksSource({ url: mapping.jwksUrl, now: options.now }),
        toPrincipal: externalPrincipal(mapping),
      })),
    ],
  });
  const authenticate = createAuthenticator(verifyToken, log);
  const accessPolicies = createPolicySource({
    url: config.ACCESS_POLICIES_URL ?? `${config.IDENTITY_URL}/access/policies`,
    headers: asGateway("gateway-policies", SYSTEM_SCOPES.policiesRead),
    intervalMs: config.POLICY_POLL_MS,
    onError: pollFailed("access policies"),
    onChange: (set, unreadable) => {
      log.info({ revision: set.revision, policies: set.policies.size }, "access policies applied");
      // Names of policies only (never a rule's content): each allows nobody until its rule can be read.
      if (unreadable.length > 0) log.warn({ unreadable }, "access policies with a rule this gateway cannot read");
    },
  });
  // The purpose registry: which purposes each caller may declare (x-og-purpose), and which need a case (x-og-case).
  const purposes = createPurposeSource({
    url: config.PURPOSES_URL ?? `${config.IDENTITY_URL}/access/purposes`,
    headers: asGateway("gateway-purposes", SYSTEM_SCOPES.purposesRead),
    intervalMs: config.POLICY_POLL_MS,
    onError: pollFailed("purpose registry"),
    onChange: (registry, unreadable) => {
      log.info({ revision: registry.revision, purposes: registry.purposes.size }, "purpose registry applied");
      if (unreadable > 0) log.warn({ unreadable }, "purposes this gateway cannot read were left out");
    },
  });
  // Trusted documents (接入管理): the operations each app in trusted-documents mode may run, polled like the policies.
  const trustedDocuments = createTrustedDocumentSource({
    url: config.TRUSTED_DOCUMENTS_URL ?? `${config.IDENTITY_URL}/access/trusted-documents`,
    headers: asGateway("gateway-trusted-documents", SYSTEM_SCOPES.policiesRead),
    intervalMs: config.POLICY_POLL_MS,
    onError: (error) => log.debug({ err: error }, "trusted documents not refreshed"),
    onChange: (set) => log.info({ revision: set.revision, apps: set.apps.size }, "trusted documents applied"),
  });
  await Promise.all([accessPolicies.refresh(), purposes.refresh(), trustedDocuments.refresh()]);
  // Every operation that reads classified data leaves one record in the audit trail, durable before the answer
  // leaves (docs/audit.md).
  const audit = config.AUDIT_URL
    ? createAuditWriter({
        url: config.AUDIT_URL,
        signEnvelope,
        log,
        maxWaitMs: config.AUDIT_WAIT_MS,
        maxWaiting: config.AUDIT_MAX_WAITING,
      })
    : null;
  if (!audit) log.warn("AUDIT_URL is not set: accesses to classified data are not recorded (development only)");
  // Rate limits as data (docs/limits.md): the overrides security admins manage in the identity service, polled like
  // the policies; RATE_LIMITS until the first poll succeeds (or always, with RATE_LIMITS_SOURCE=setting).
  const rateLimitSource =
    config.RATE_LIMITS_SOURCE === "identity"
      ? createRateLimitSource({
          url: config.RATE_LIMITS_URL ?? `${config.IDENTITY_URL}/access/rate-limits`,
          headers: asGateway("gateway-rate-limits", SYSTEM_SCOPES.rateLimitsRead),
          setting: config.RATE_LIMITS,
          intervalMs: config.POLICY_POLL_MS,
          onError: (error) => log.debug({ err: error }, "rate limits not refreshed"),
          onChange: (revision) => log.info({ revision }, "rate limits applied"),
        })
      : null;
  await rateLimitSource?.refresh();
  if (rateLimitSource && rateLimitSource.revision() === 0) {
    log.warn("rate limits not read from the identity service yet: RATE_LIMITS applies until they are");
  }
  const settingPolicy = rateLimitPolicy(config.RATE_LIMITS);
  // Rate limits and quotas (docs/limits.md): counters in Redis when REDIS_URL is set, else in this process.
  const rateLimiter = createRateLimiter({
    policy: rateLimitSource ? rateLimitSource.current : () => settingPolicy,
    store: await createLimitStore({
      redisUrl: config.REDIS_URL,
      keyPrefix: config.RATE_LIMIT_KEY_PREFIX,
      timeoutMs: config.RATE_LIMIT_STORE_TIMEOUT_MS,
      log,
    }),
    fallbacks: config.RATE_LIMIT_FALLBACKS,
    now: options.now,
    maxLease: config.RATE_LIMIT_MAX_LEASE,
  });
  if (!config.RATE_LIMITS.enabled) log.warn("RATE_LIMITS.enabled is false: no rate limits or quotas apply");
  else if (!config.REDIS_URL && isProductionMode(config)) {
    log.warn("REDIS_URL is not set: each gateway replica counts rate limits and quotas on its own");
  }
  // Metering (docs/limits.md, "Metering"): usage per app and department, on /metrics and sent to the identity service.
  const subgraphOwners = await loadSubgraphOwners(
    config.SUBGRAPH_OWNERS_PATH ?? ownersPathOf(config.SUPERGRAPH_PATH),
    log,
  );
  const meter = createMeter({
    ownerOf: subgraphOwners.ownerOf,
    url: config.USAGE_URL ?? `${config.IDENTITY_URL}/usage/records`,
    signEnvelope,
    log,
    flushMs: config.USAGE_FLUSH_MS,
    now: options.now,
  });
  const refused: Partial<UsageCounts> = { requests: 1, errors: 1 };
  /** The caller's request rate; a refused token still counts against its address, so guessing tokens is limited. */
  const countRequest = async (req: IncomingMessage, requestId: string, clientAddress: string) => {
    let principal: Principal;
    try {
      principal = await authenticate(req, requestId);
    } catch (error) {
      meter.record(ANONYMOUS, refused);
      await rateLimiter.request(ANONYMOUS, clientAddress);
      throw error;
    }
    // Known before the rate limit decides, so a 429's log line names who was limited.
    const record = requestTelemetry.recordOf(req);
    if (record) record.principal = principal;
    try {
      return { principal, rateLimit: await rateLimiter.request(principal, clientAddress) };
    } catch (error) {
      meter.record(principal, refused);
      throw error;
    }
  };
  // Apollo's planner gets a copy without the `for: SECURITY` links it cannot enforce; we enforce them, from the
  // snapshot prepared here and bound to the schema Apollo builds from that copy.
  const forPlanner = (sdl: string) => snapshots.prepare(sdl).plannerSdl;
  const registrySupergraph =
    config.SUPERGRAPH_SOURCE === "registry" && config.REGISTRY_URL
      ? new RegistrySupergraph({
          registryUrl: config.REGISTRY_URL,
          headers: asGateway("gateway-supergraph", SYSTEM_SCOPES.registryRead, "registry"),
          intervalMs: config.REGISTRY_POLL_MS,
          log,
          forPlanner,
          onOwners: subgraphOwners.set,
        })
      : null;
  // The response cache for public data (docs/gateway.md, "Response cache"); null when RESPONSE_CACHE=off.
  const responseCache = await createResponseCache(config, log, (schema) => snapshots.forSchema(schema));
  const batches = (name: string) => config.SUBGRAPH_BATCHING === "all" || config.SUBGRAPH_BATCHING.includes(name);
  // Left on, Apollo Gateway probes the cloud metadata endpoints at start and sends the host's CPU, memory and cloud
  // details to Apollo's servers every hour and at shutdown (OpenTelemetry to usage-reporting.api.apollographql.com).
  // Nothing about the district's machines goes to a third party: off, with Apollo's own switch, before it is read.
  process.env.APOLLO_TELEMETRY_DISABLED = "true";
  const gateway = new ApolloGateway({
    supergraphSdl:
      registrySupergraph ??
      new SupergraphFile({
        path: config.SUPERGRAPH_PATH,
        log,
        forPlanner,
        // Owners are written before the supergraph (npm run compose): a reload reads the owners that go with it.
        onLoaded: () => void subgraphOwners.reload(),
      }),
    buildService: ({ name, url }) => {
      const dataSource = new SubgraphDataSource(
        name,
        urlOf(name, url ?? ""),
        log,
        signEnvelope,
        policies.for(name),
        (seconds, ok) => metrics.observeSubgraphFetch(name, seconds, ok),
        { batching: batches(name) },
      );
      const existing = stats.get(name);
      if (existing) Object.assign(dataSource.stats, existing);
      stats.set(name, dataSource.stats);
      return responseCache ? responseCache.wrap(dataSource) : dataSource;
    },
    logger: {
      debug: (message) => log.debug(String(message)),
      info: (message) => log.info(String(message)),
      warn: (message) => log.warn(String(message)),
      error: (message) => log.error(String(message)),
    },
  });

  gateway.onSchemaLoadOrUpdate(({ apiSchema, coreSupergraphSdl }) => snapshots.bind(apiSchema, coreSupergraphSdl));
  // Before the gateway loads: every planner it builds is wrapped, and its plans are aligned once, before caching.
  const alignedPlans = config.PLAN_ALIGNMENT === "on" ? useAlignedPlans(gateway, { batches }) : null;
  // Also before the gateway loads: it keeps each supergraph's planner and schemas as they load.
  const plans = config.EXECUTOR === "own" ? new PlanExecutor(gateway) : undefined;

  // Field usage per client and hour, for the schema registry's check of breaking changes (docs/registry.md).
  const fieldUsage =
    config.REGISTRY_URL && config.FIELD_USAGE_FLUSH_MS > 0
      ? createFieldUsageRecorder({
          registryUrl: config.REGISTRY_URL,
          headers: (url, body) => {
            const principal = systemPrincipal("gateway-field-usage", [SYSTEM_SCOPES.fieldUsageWrite]);
            return {
              [ENVELOPE_HEADER]: signEnvelope(
                { aud: "registry", requestId: randomUUID(), purpose: null, principal },
                { method: "POST", path: requestPath(url), body },
              ),
            };
          },
          flushMs: config.FIELD_USAGE_FLUSH_MS,
          log,
        })
      : undefined;
  const apollo = new ApolloServer<GatewayContext>({
    // Every execution goes through the guard's authorization decision; without one nothing runs.
    gateway: authorizingGateway(gateway, {
      plans,
      audit: audit
        ? (access) => timedAudit(audit.record(auditEntryOf(access), { deadline: access.context.deadline }))
        : undefined,
    }),
    includeStacktraceInErrorResponses: false,
    // SIGTERM is ours (gateway/main.ts drains, then exits 0): Apollo's own handler would stop the server under the
    // requests in flight and re-raise the signal, killing the process before they finish.
    stopOnTerminationSignals: false,
    // Introspection is decided per principal in production mode (gateway/protection/schemaExposure.ts), not all or nothing.
    introspection: true,
    plugins: gatewayPlugins({
      requestTelemetry: requestTelemetry.plugin(),
      supergraph: (schema) => snapshots.forSchema(schema),
      limitsFor: limitsResolver(config.OPERATION_LIMITS),
      chargeCost: async (context, cost) => {
        await rateLimiter.chargeCost(context.principal, context.clientAddress, cost);
        // Metered once charged: an operation refused by its budget did not run and cost nothing.
        if (context.usage) context.usage.cost += cost;
      },
      meter: (context, failed) =>
        meter.record(context.principal, {
          requests: 1,
          errors: failed ? 1 : 0,
          cost: context.usage?.cost ?? 0,
          ...(context.usage ? { fetches: context.usage.fetches } : {}),
          classifiedFields:
            context.authorization?.classified.filter((field) => field.decision !== "denied").length ?? 0,
        }),
      policies: () => accessPolicies.current(),
      authorizationMode: config.AUTHORIZATION_MODE,
      schemaExposure: { production: isProductionMode(config), roles: config.INTROSPECTION_ROLES },
      fieldUsage,
    }),
    // Documents longer than this fail to parse (400 GRAPHQL_PARSE_FAILED) before anything else looks at them.
    parseOptions: { maxTokens: config.MAX_TOKENS },
    // Names the gateway adds to operations (og__subject …) are refused in client documents (gateway/protection/reservedNames.ts).
    validationRules: [ReservedNamesRule],
    formatError: (formatted, error) => maskError(formatted, error, log),
  });
  await apollo.start();
  // Apollo reports a listener's error in its log and goes on: check here that the executor saw the supergraph load.
  plans?.assertInstalled();

  const readinessPrincipal = systemPrincipal("gateway-readiness", [SYSTEM_SCOPES.readiness]);
  const readiness = createReadinessCheck({
    timeoutMs: config.READINESS_TIMEOUT_MS,
    now: options.now,
    subgraphs: () => (snapshots.current()?.subgraphs ?? []).map(({ name, url }) => ({ name, url: urlOf(name, url) })),
    // The probe is an explicit, signed path: the gateway's readiness principal (scope system:readiness only, never a
    // data reader or an audit writer), its envelope bound to the probe's own request.
    headers: (subgraph, request) => ({
      [ENVELOPE_HEADER]: signEnvelope(
        { aud: subgraph, requestId: randomUUID(), purpose: "readiness-probe", principal: readinessPrincipal },
        request,
      ),
    }),
  });

  const routes: Record<string, Route> = {
    ...identityProxyRoutes({
      identityUrl: config.IDENTITY_URL,
      signEnvelope,
      clientAddressOf,
      log,
      limit: rateLimiter.oauth,
    }),
    // The schema registry's app-operations route on this origin, with the caller's own token (docs/registry.md).
    ...registryProxyRoutes({ registryUrl: config.REGISTRY_URL, log }),
    // The portal's static files on the same origin (docs/portal.md).
    ...portalRoutes({ dir: config.PORTAL_DIR }),
    "/healthz": (_req, res) => sendJson(res, 200, { status: "ok", service: "gateway" }),
    "/readyz": async (_req, res) => {
      if (draining) {
        sendJson(res, 503, { status: "not ready", reason: "shutting down", subgraphs: [] });
        return;
      }
      if (!snapshots.current()) {
        sendJson(res, 503, { status: "not ready", reason: "no supergraph loaded", subgraphs: [] });
        return;
      }
      const subgraphs = await readiness();
      const ready = subgraphs.every((s) => s.ok);
      sendJson(res, ready ? 200 : 503, { status: ready ? "ready" : "not ready", subgraphs });
    },
    "/metrics": async (_req, res) => {
      const { contentType, body } = await metrics.scrape();
      res.setHeader("content-type", contentType);
      res.end(body);
    },
  };
  const metrics = createGatewayMetrics({
    fetchStats: () => stats,
    policies,
    audit: () => audit?.stats(),
    rateLimits: () => rateLimiter.decisions(),
    routes: ["/graphql", ...Object.keys(routes)],
    supergraph: () => ({ current: snapshots.current(), loads: snapshots.loaded() }),
    supergraphRevision: registrySupergraph ? () => registrySupergraph.servedRevision() : undefined,
    policyRevision: () => accessPolicies.current().revision,
    purposeRevision: () => purposes.current().revision,
    responseCache: responseCache ? () => responseCache.stats() : undefined,
  });
  meter.register(metrics.registry);
  rateLimitSource?.register(metrics.registry);
  const routeNames = new Set(["/graphql", ...Object.keys(routes)]);
  const listener = createGraphQLListener<GatewayContext>({
    server: apollo,
    log,
    maxBodyBytes: config.MAX_BODY_BYTES,
    responseHeaders: securityHeaders({ hstsMaxAgeSeconds: config.HSTS_MAX_AGE_SECONDS }),
    // The platform's own origin is always allowed: the portal (served here) and the provider's login form send
    // `Origin` on their POSTs and module scripts; other sites only when listed in CORS_ORIGINS.
    cors: { origins: [...new Set([config.PUBLIC_ORIGIN, ...config.CORS_ORIGINS])] },
    requestId: (req) => acceptRequestId(req.headers[REQUEST_ID_HEADER], randomUUID),
    context: async (req, requestId, receivedAt, request) => {
      const clientAddress = clientAddressOf(req);
      annotateActiveSpan({ "og.request_id": requestId });
      const { principal, rateLimit } = await countRequest(req, requestId, clientAddress);
      annotateActiveSpan({ "og.principal.kind": principal.kind });
      let declared: ReturnType<typeof declaredPurpose>;
      let trustedOperation: ReturnType<typeof trustedOperationOf>;
      try {
        // An app in trusted-documents mode runs only its registered operations (403 OPERATION_NOT_TRUSTED otherwise).
        trustedOperation = trustedOperationOf(trustedDocuments.current(), principal, request);
        // The declared purpose and case, checked against the registry for this principal (403/400 otherwise).
        declared = declaredPurpose(purposes.current(), principal, req);
      } catch (error) {
        meter.record(principal, refused);
        throw error;
      }
      return {
        trustedOperation,
        requestId,
        deadline: receivedAt + config.REQUEST_DEADLINE_MS,
        principal,
        clientAddress,
        rateLimit,
        ...declared,
        usage: { fetches: new Map(), cost: 0 },
        log: lazyChild(log, { requestId, traceId: activeTraceId() }),
        telemetry: requestTelemetry.recordOf(req),
      };
    },
    routes,
  });

  // Graceful termination: set by stop(); the answers in flight then are the ones it waits for.
  let draining = false;
  const inFlight = new Set<ServerResponse>();
  const responseHeaders = securityHeaders({ hstsMaxAgeSeconds: config.HSTS_MAX_AGE_SECONDS });
  // A request (headers and body) must arrive within its deadline; slower ones get Node's 408.
  const server = createServer({ keepAliveTimeout: 5_000, requestTimeout: config.REQUEST_DEADLINE_MS }, (req, res) => {
    metrics.observe(req, res);
    if (draining) {
      // Every answer from now on closes its connection, and nothing new runs here: only the probes answer.
      res.setHeader("connection", "close");
      const path = (req.url ?? "/").split("?")[0] ?? "/";
      if (!PROBES.has(path)) {
        res.writeHead(503, {
          ...responseHeaders,
          "content-type": "application/json; charset=utf-8",
          "retry-after": "1",
        });
        res.end(
          errorBody(
            "SHUTTING_DOWN",
            "This gateway replica is shutting down and did not run the request; send it again.",
          ),
        );
        return;
      }
    } else {
      inFlight.add(res);
      res.once("close", () => inFlight.delete(res));
      // An answer that finishes while the gateway drains leaves its (keep-alive) connection idle: close it.
      res.once("finish", () => {
        if (draining) setImmediate(() => server.closeIdleConnections());
      });
    }
    // Each request starts its own trace here (clients' traceparent is not continued, lib/telemetry/tracing.ts).
    inServerSpan(req, res, { routes: routeNames, continueTrace: false }, () => {
      requestTelemetry.begin(req, res);
      listener(req, res);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.PORT, config.HOST, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.HOST}:${port}/graphql`;
  log.info(
    { url, supergraph: config.SUPERGRAPH_SOURCE === "registry" ? config.REGISTRY_URL : config.SUPERGRAPH_PATH },
    "gateway is listening",
  );

  let stopping: Promise<void> | undefined;
  return {
    url,
    port,
    log,
    fetchStats: () => Object.fromEntries([...stats].map(([name, s]) => [name, { ...s }])),
    planStats: () => ({ ...(alignedPlans?.stats ?? { planned: 0, aligned: 0 }) }),
    executorStats: () => ({ ...(plans?.stats ?? noExecutorStats()) }),
    responseCacheStats: () =>
      Object.fromEntries([...(responseCache?.stats() ?? [])].map(([name, s]) => [name, { ...s }])),
    supergraphLoads: () => snapshots.loaded(),
    flushUsage: () => meter.flush(),
    refreshRateLimits: async () => {
      await rateLimitSource?.refresh();
      return rateLimitSource?.revision() ?? 0;
    },
    stop: ({ delayMs = 0 } = {}) => {
      stopping ??= (async () => {
        const started = performance.now();
        draining = true;
        // Answers not yet begun go out with `connection: close`; idle keep-alive connections close now.
        for (const res of inFlight) if (!res.headersSent) res.setHeader("connection", "close");
        server.closeIdleConnections();
        log.info({ inFlight: inFlight.size, delayMs }, "draining: not ready, in-flight requests finishing");
        const delay = Math.min(delayMs, config.SHUTDOWN_GRACE_MS);
        if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
        await closeGracefully(server, Math.max(0, config.SHUTDOWN_GRACE_MS - (performance.now() - started)));
        revocations.stop();
        accessPolicies.stop();
        purposes.stop();
        trustedDocuments.stop();
        rateLimitSource?.stop();
        // After the last request: what it used goes out with the last batch (best effort).
        await meter.stop();
        // After the last request finished; records are durable before their answers leave, so this only waits for
        // answers still in flight when the grace period ended.
        await audit?.close();
        await rateLimiter.close();
        await responseCache?.close();
        await fieldUsage?.close();
        await apollo.stop();
        log.info("gateway stopped");
      })();
      return stopping;
    },
  };
}
