/**
 * The shape every subgraph exports from its `index.ts`. The subgraph kit turns one of these into a running
 * service; adding a department is copying a subgraph folder and filling these in (CONTRIBUTING.md).
 */
import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper/index.js";
import type { SqlDriverAdapterFactory } from "@prisma/client/runtime/client";
import type { DocumentNode } from "graphql";
import type { SubgraphDatabase } from "../../lib/db/database.ts";
import type { Route } from "../../lib/http/graphqlHttp.ts";
import type { Logger, RequestLogger } from "../../lib/log.ts";
import type { Principal } from "../../lib/principal.ts";
import type { EnvelopeGuard } from "./envelopeGuard.ts";
import type { ResidentDirectory, ResidentStreets } from "./residentDirectory.ts";
import { withSchemaHeader } from "./schemaHeader.ts";
import type { SeedOptions } from "./seedCalendar.ts";
import type { SubgraphPermissions } from "./shield.ts";

/** The environment a process edge hands a module's `configure` (scripts/subgraph.ts passes the process's). */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * What a subgraph's `index.ts` exports: the module with default options, and — when the service takes options from its
 * environment — `configure(env)`, which builds it from them. Nothing is read from the environment when the file is
 * imported: only the process edge calls `configure`.
 */
export interface SubgraphEntry {
  default: SubgraphModule<any, any>;
  configure?: (env: Environment) => SubgraphModule<any, any>;
}

/** What the kit passes when it creates the module's Prisma client. Spread it into `new PrismaClient(...)`. */
export interface PrismaClientOptions {
  adapter: SqlDriverAdapterFactory;
  log: [{ emit: "event"; level: "query" }];
}

/** The minimum the kit needs from a generated Prisma client. */
export interface PrismaLike {
  $on(event: "query", listener: (event: { query: string; duration: number; timestamp: Date }) => void): void;
  $disconnect(): Promise<void>;
}

/** Per-request context: the shared Prisma client and loaders that live exactly as long as the request. */
export interface SubgraphContext<TPrisma = unknown, TLoaders = unknown> {
  prisma: TPrisma;
  loaders: TLoaders;
  /**
   * Where residents live (identity's register of residence), looked up in one batch per tick and cached: the row rules
   * hold officers to residents of their jurisdiction with it (`subgraphs/kit/residentDirectory.ts`).
   */
  residentStreets: ResidentStreets;
  /** The request id from the gateway's signed envelope. */
  requestId: string;
  /** Who is asking, as verified by the gateway (signed envelope). */
  principal: Principal;
  /** The purpose the caller declared (x-og-purpose), if any, as the gateway checked it against the registry. */
  purpose: string | null;
  /** The case the purpose serves (x-og-case), if declared. */
  caseReference: string | null;
  /** The client's address as the gateway derived and signed it (null on the gateway's own calls). */
  clientAddress: string | null;
  /** This request's logger (bound to its request and trace ids). */
  log: RequestLogger;
}

/** What a module's extra HTTP routes may use (e.g. the identity service's token endpoints). */
export interface RouteDependencies<TPrisma> {
  prisma: TPrisma;
  db: SubgraphDatabase;
  log: Logger;
  /**
   * Checks the gateway's envelope on routes that answer the gateway: signature, binding to the received method, path
   * and raw body bytes, nonce (each envelope once), and the route's system scope (./envelopeGuard.ts).
   */
  envelopes: EnvelopeGuard;
}

export interface SeedSummary {
  /** Rows per table after seeding, for the start-up log. */
  [table: string]: number;
}

export interface SubgraphModule<TPrisma extends PrismaLike = PrismaLike, TLoaders = unknown> {
  /** Service name, also its PostgreSQL schema (`lower_snake`). */
  name: string;
  /** Human title with the owning department, for logs and the service directory. */
  title: string;
  /** Port used by `npm start` when none is configured. */
  defaultPort: number;
  /**
   * The catalogue's id of the department that owns this subgraph's data (`dept-health`); absent for platform services
   * (identity, audit), which serve no catalogued resource. Composition checks every `@dataResource` the schema declares
   * against it: one data, one source (docs/data.md).
   */
  department?: string;
  /**
   * The department's Federation 2 SDL (its `schema.graphql`). `defineSubgraph` puts the kit's header in front (the
   * federation and access links, `subgraphs/kit/schemaHeader.ts`), so the file starts with the department's own types.
   */
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap<SubgraphContext<TPrisma, TLoaders>>;
  /**
   * Who may call which field (graphql-shield rules, `subgraphs/kit/shield.ts`): an explicit rule for every `Query`
   * and `Mutation` field; a root field without one is denied.
   */
  permissions: SubgraphPermissions;
  /** Absolute path of the folder with committed `NNNN_name.sql` migrations. */
  migrationsDir: string;
  createPrisma(options: PrismaClientOptions): TPrisma;
  /** Fresh DataLoaders for one request. Never share them across requests. */
  createLoaders(prisma: TPrisma): TLoaders;
  /**
   * Extra HTTP routes by exact path, served beside /graphql (no envelope check unless the route is a `signedRoute`,
   * ./signedRoute.ts, which checks it on the raw body before parsing it).
   */
  createRoutes?(dependencies: RouteDependencies<TPrisma>): Record<string, Route>;
  /**
   * The owner of the register of residence answers from its own database (the identity service); every other module
   * leaves this out and the kit uses the configured directory (`SubgraphServiceOptions.residentDirectory`).
   */
  residentDirectory?(prisma: TPrisma): ResidentDirectory;
  /**
   * Runs at every start, after the migrations and before any seed: what the service cannot run without (reference
   * rows, its own keys) and checks that must stop start-up (a published secret in production). Never demo data.
   */
  prepare?(prisma: TPrisma, db: SubgraphDatabase): Promise<void>;
  /**
   * Deterministic, idempotent seed: the same date builds the same rows, and running it twice leaves the same rows.
   * Schedules are relative to `options.date`; periods an earlier run covered (`options.previousDates`) are left as
   * they are (`SeedCalendar`, docs/data.md).
   */
  seed(prisma: TPrisma, db: SubgraphDatabase, options: SeedOptions): Promise<SeedSummary>;
}

/**
 * A department's module, with the kit's schema header added to its `typeDefs` (the links every subgraph shares, once in
 * the kit); also helps TypeScript infer the module's types at the definition site.
 */
export function defineSubgraph<TPrisma extends PrismaLike, TLoaders>(
  module: SubgraphModule<TPrisma, TLoaders>,
): SubgraphModule<TPrisma, TLoaders> {
  return { ...module, typeDefs: withSchemaHeader(module.typeDefs) };
}
