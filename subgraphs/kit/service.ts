/**
 * The subgraph kit: turns a `SubgraphModule` into a running federated service.
 *
 * start-up: open its database → apply migrations → prepare (the module's own checks) → seed (when asked) → build the subgraph schema and wrap it with the
 * module's permissions → listen.
 * per request: a context with the shared Prisma client and fresh DataLoaders; with tracing on (lib/telemetry), a server
 * span joining the gateway's trace (`traceparent`), spans for parse, validation, each root-field resolver and each SQL
 * statement (from Prisma's query events: the statement's shape, never its parameters).
 * shutdown: stop accepting, let in-flight requests finish (bounded by a grace period), close connections.
 */
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { Counter, collectDefaultMetrics, Registry } from "prom-client";
import { openSubgraphDatabase, type SubgraphDatabase } from "../../lib/db/database.ts";
import { migrate, readMigrations } from "../../lib/db/migrate.ts";
import { codedError, isErrorCode } from "../../lib/errors.ts";
import { closeGracefully } from "../../lib/http/closeGracefully.ts";
import { createGraphQLListener, type Route, sendJson } from "../../lib/http/graphqlHttp.ts";
import { createLogger, type Logger, lazyChild } from "../../lib/log.ts";
import { useTracing } from "../../lib/telemetry/apolloTracing.ts";
import { activeTraceId, inServerSpan, recordSpan } from "../../lib/telemetry/tracing.ts";
import { acceptRequestId, createEnvelopeVerifier, type Envelope, REQUEST_ID_HEADER } from "../../lib/wire.ts";
import { createEnvelopeGuard } from "./envelopeGuard.ts";
import type { PrismaLike, SubgraphContext, SubgraphModule } from "./module.ts";
import { createMemoryNonceStore, type NonceStore } from "./nonceStore.ts";
import {
  cachedResidentDirectory,
  createResidentStreets,
  NO_RESIDENT_DIRECTORY,
  type ResidentDirectory,
} from "./residentDirectory.ts";
import { type LocalDate, shanghaiDate } from "./seedCalendar.ts";
import { seedModule } from "./seedLedger.ts";
import { applyPermissions } from "./shield.ts";

/** Largest batched request a subgraph accepts: the gateway's MAX_BATCH (gateway/execution/subgraphDataSource.ts). */
export const SUBGRAPH_MAX_BATCH = 16;

export interface SubgraphServiceOptions {
  /** TCP port; 0 picks a free one (tests). Default: the module's `defaultPort`. */
  port?: number;
  host?: string;
  /** PostgreSQL connection string; absent means embedded PGlite. */
  databaseUrl?: string | undefined;
  /** PGlite folder; absent (with no databaseUrl) means an in-memory database. */
  dataDir?: string | undefined;
  /** An in-memory PGlite database starts as a copy of this snapshot (`db.snapshot()` of an earlier start). */
  pgliteSnapshot?: Blob | undefined;
  /** Run the module's seed after migrations. */
  seed?: boolean;
  /** The seed's "today" (`YYYY-MM-DD`, Jing'an): schedules start here. Default: today in Asia/Shanghai. */
  seedDate?: LocalDate;
  log?: Logger;
  logLevel?: string;
  /** Longest wait for in-flight requests on shutdown, in ms. */
  shutdownGraceMs?: number;
  maxBodyBytes?: number;
  /**
   * The gateway's envelope public keys (base64 spki; several during a rotation). Every GraphQL request must carry
   * an envelope signed with one of them — `_service` and `_entities` included.
   */
  envelopePublicKeys: string[];
  /**
   * Where accepted envelopes' nonces are remembered (./nonceStore.ts). Default: this process's memory, which is right
   * for one replica only; several replicas of one subgraph need a shared store (Redis, ENVELOPE_NONCE_REDIS_URL).
   * The service closes it on stop.
   */
  nonceStore?: NonceStore;
  /**
   * Where residents live (the identity service's register, `httpResidentDirectory`), for jurisdiction. Absent: no
   * officer reaches any resident (deny by default), and the start-up log says so. Ignored by a module that owns the
   * register (`module.residentDirectory`).
   */
  residentDirectory?: ResidentDirectory;
}

export interface SubgraphService<TPrisma extends PrismaLike = PrismaLike> {
  name: string;
  /** The GraphQL endpoint, e.g. http://127.0.0.1:4102/graphql */
  url: string;
  port: number;
  prisma: TPrisma;
  db: SubgraphDatabase;
  log: Logger;
  /** SQL statements Prisma has sent since start (query-count tests, benchmarks, /metrics). */
  sqlQueries(): number;
  /** GraphQL requests served since start. */
  requests(): number;
  stop(): Promise<void>;
}

export async function startSubgraph<TPrisma extends PrismaLike, TLoaders>(
  module: SubgraphModule<TPrisma, TLoaders>,
  options: SubgraphServiceOptions,
): Promise<SubgraphService<TPrisma>> {
  if (options.envelopePublicKeys.length === 0) {
    throw new Error("A subgraph needs the gateway's envelope public key(s) to verify requests; none were given.");
  }
  const log = options.log ?? createLogger({ service: module.name, level: options.logLevel ?? "info" });
  const nonces = options.nonceStore ?? createMemoryNonceStore();
  const envelopes = createEnvelopeGuard({
    verify: createEnvelopeVerifier(options.envelopePublicKeys, module.name),
    nonces,
    log,
  });
  /** Envelopes verified on the raw request (before parsing), read by the context. */
  const verifiedEnvelopes = new WeakMap<object, Envelope>();
  const db = await openSubgraphDatabase({
    schema: module.name,
    databaseUrl: options.databaseUrl,
    dataDir: options.dataDir,
    loadDataDir: options.pgliteSnapshot,
  });
  let prisma: TPrisma | undefined;
  try {
    const migrations = await migrate(db, await readMigrations(module.migrationsDir));
    if (migrations.applied.length > 0) log.info({ applied: migrations.applied }, "migrations applied");

    prisma = module.createPrisma({ adapter: db.adapter, log: [{ emit: "event", level: "query" }] });
    let sqlQueries = 0;
    prisma.$on("query", (event) => {
      sqlQueries += 1;
      recordSpan("sql", event.timestamp.getTime(), event.duration, {
        "db.system.name": "postgresql",
        "db.namespace": module.name,
        // The statement as Prisma wrote it, with $1 placeholders: the values are never recorded.
        "db.query.text": event.query.slice(0, 2000),
      });
    });
    await module.prepare?.(prisma, db);
    if (options.seed) {
      const existingDatabase = migrations.alreadyApplied.length > 0;
      const run = await seedModule(module, prisma, db, options.seedDate ?? shanghaiDate(new Date()), existingDatabase);
      log.info({ seedDate: run.date, previousSeedDates: run.previousDates, rows: run.summary }, "seed data in place");
    }

    const schema = buildModuleSchema(module);
    const apollo = new ApolloServer<SubgraphContext<TPrisma, TLoaders>>({
      schema,
      includeStacktraceInErrorResponses: false,
      // SIGTERM is scripts/subgraph.ts's (drain, then exit 0), not Apollo's (stop at once, re-raise the signal).
      stopOnTerminationSignals: false,
      // Field traces (ftv1) are for Apollo's hosted studio, which the district does not use; they cost CPU per field.
      plugins: [ApolloServerPluginInlineTraceDisabled(), useTracing({ rootFieldSpans: true })],
      formatError: (formatted, error) => maskSubgraphError(formatted, error, log),
      // The gateway sends the parallel fetches of one request as one batch (issue 16), under one envelope signed over
      // the whole array: one principal, one context (and one set of DataLoaders) for every operation in it.
      allowBatchedHttpRequests: true,
    });
    await apollo.start();

    let requests = 0;
    const activePrisma = prisma;
    const metrics = subgraphMetrics(
      module.name,
      () => requests,
      () => sqlQueries,
    );
    const residentDirectory = module.residentDirectory
      ? module.residentDirectory(activePrisma)
      : options.residentDirectory
        ? cachedResidentDirectory(options.residentDirectory)
        : NO_RESIDENT_DIRECTORY;
    if (residentDirectory === NO_RESIDENT_DIRECTORY) {
      log.warn("no resident directory configured (RESIDENT_DIRECTORY_URL): officers reach no resident");
    }
    const routes: Record<string, Route> = {
      ...module.createRoutes?.({ prisma: activePrisma, db, log, envelopes }),
      "/healthz": async (_req, res) => {
        try {
          await db.query("SELECT 1");
          sendJson(res, 200, { status: "ok", service: module.name });
        } catch {
          sendJson(res, 503, { status: "unavailable", service: module.name, reason: "database" });
        }
      },
      "/metrics": async (_req, res) => {
        res.setHeader("content-type", metrics.contentType);
        res.end(await metrics.metrics());
      },
    };
    const listener = createGraphQLListener({
      server: apollo,
      log,
      maxBodyBytes: options.maxBodyBytes,
      maxBatch: SUBGRAPH_MAX_BATCH,
      requestId: (req) => acceptRequestId(req.headers[REQUEST_ID_HEADER], randomUUID),
      // Deny by default: without the gateway's signature, bound to this very request (method, path, body bytes) and
      // never used before, nothing is parsed or served, so calling a subgraph directly — or replaying what the
      // gateway sent — gains nothing. The reason goes to the log only.
      verifyRequest: async (req, body) => {
        requests += 1;
        const decision = await envelopes.check(req, body);
        if (!decision.ok) throw codedError(decision.code, decision.message);
        verifiedEnvelopes.set(req, decision.envelope);
      },
      context: async (req) => {
        const envelope = verifiedEnvelopes.get(req);
        if (!envelope) {
          throw codedError("ENVELOPE_INVALID", "This service answers only requests signed by the gateway.");
        }
        return {
          prisma: activePrisma,
          loaders: module.createLoaders(activePrisma),
          residentStreets: createResidentStreets(residentDirectory),
          requestId: envelope.requestId,
          principal: envelope.principal,
          purpose: envelope.purpose,
          caseReference: envelope.caseReference,
          clientAddress: envelope.clientAddress,
          // The trace id (tracing on) lines this service's log lines up with the request's trace.
          // Made when it first logs (lib/log.ts `lazyChild`): most requests log nothing.
          log: lazyChild(log, { requestId: envelope.requestId, traceId: activeTraceId() }),
        };
      },
      routes,
    });

    const routeNames = new Set(["/graphql", ...Object.keys(routes)]);
    // The gateway's traceparent is continued: this service's spans join the client request's one trace.
    const server = createServer({ keepAliveTimeout: 5_000 }, (req, res) =>
      inServerSpan(req, res, { routes: routeNames, continueTrace: true }, () => listener(req, res)),
    );
    const host = options.host ?? "127.0.0.1";
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? module.defaultPort, host, () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    const url = `http://${host}:${port}/graphql`;
    log.info({ url }, `${module.title} is listening`);

    let stopping: Promise<void> | undefined;
    return {
      name: module.name,
      url,
      port,
      prisma: activePrisma,
      db,
      log,
      sqlQueries: () => sqlQueries,
      requests: () => requests,
      stop: () => {
        stopping ??= (async () => {
          await closeGracefully(server, options.shutdownGraceMs ?? 10_000);
          await apollo.stop();
          await nonces.close?.();
          await activePrisma.$disconnect();
          await db.close();
          log.info("stopped");
        })();
        return stopping;
      },
    };
  } catch (error) {
    await prisma?.$disconnect().catch(() => {});
    await db.close().catch(() => {});
    throw error;
  }
}

/** The module's federated schema with its permissions applied: what the service executes. */
export function buildModuleSchema<TPrisma extends PrismaLike, TLoaders>(module: SubgraphModule<TPrisma, TLoaders>) {
  const schema = buildSubgraphSchema([{ typeDefs: module.typeDefs, resolvers: module.resolvers }]);
  return applyPermissions(schema, module.permissions);
}

/**
 * Errors with a registered code pass through (they are written for callers); anything else is an internal failure:
 * logged in full, answered with a generic message.
 */
function maskSubgraphError(formatted: GraphQLFormattedError, error: unknown, log: Logger): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (isErrorCode(code) && code !== "INTERNAL_SERVER_ERROR") return formatted;
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  log.error({ err: original, path: formatted.path }, "resolver failed");
  return {
    message: "An internal error occurred in this service.",
    ...(formatted.path ? { path: formatted.path } : {}),
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    extensions: { code: "INTERNAL_SERVER_ERROR" },
  };
}

/**
 * One registry per service (tests run several services in one process): Node's process metrics and the service's
 * own counters, read at scrape time.
 */
export function subgraphMetrics(subgraph: string, requests: () => number, sqlQueries: () => number): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ subgraph });
  collectDefaultMetrics({ register: registry, prefix: "og_subgraph_" });
  const counter = (name: string, help: string, read: () => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  counter("og_subgraph_requests_total", "GraphQL requests served.", requests);
  counter("og_subgraph_sql_queries_total", "SQL statements sent by Prisma.", sqlQueries);
  return registry;
}
