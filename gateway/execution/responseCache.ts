/**
 * A response cache for public data (issue 16), at the level of one subgraph fetch (docs/gateway.md, "Response
 * cache"). Every check before execution — authentication, rate limits, the guard (limits, public fields,
 * authorization, budget), the audit — runs exactly as without it; a hit replaces only the HTTP request to the
 * subgraph.
 *
 * A query fetch is answered from the cache, or its answer stored, only when all of these hold:
 * - it serves a client **query** (not a mutation, nor a fetch serving one) and is itself a query;
 * - the caller is **anonymous**, with no declared purpose or case. Public fields are not the same for every caller:
 *   a subgraph's row rules may show a caller more rows of a public type (the catalog shows holders of `catalog:read`
 *   the `NOT_OPEN` entries of `DataResource`, whose fields are all `@public`, and `DataResource.enterprise` only to
 *   officers). Every anonymous caller is the same principal to a subgraph, so the anonymous view is one answer, and
 *   the key holds no principal;
 * - every field it selects — `_entities` representations' selections included, resolved on the API schema the
 *   request executes against — is `@public` and not `@classified` (never masked, never audited); a field the API
 *   schema does not know makes the fetch uncacheable;
 * - its TTL is above 0: the subgraph's (configuration), lowered by the owners' `@cacheHint(maxAge: seconds)` on
 *   the selected fields (the smallest wins; `maxAge: 0` is never cached) — and its answer has data and no errors.
 *
 * The key is a SHA-256 of the supergraph's revision (the planner SDL's hash), the subgraph, the subgraph's
 * **generation**, the fetch's query, operation name and canonical variables (the `_entities` representations).
 * Invalidation: each mutation fetch to a subgraph bumps that subgraph's generation, before it is sent and again once
 * it settled (answered or failed), so entries stored before it — or by reads that ran alongside it — are never read
 * again; a new supergraph is a new revision. With Redis the generations are counters in Redis (INCR), read by each
 * replica at most every `generationMs`: another replica may serve an entry for that long after a mutation.
 *
 * Identical misses in flight send one fetch: later ones wait for the first one's stored answer.
 *
 * Memory mode keeps entries in this process (LRU, bounded by bytes); Redis mode keeps them in Redis (shared by every
 * replica, `SET … PX ttl`). A Redis that does not answer within `timeoutMs` is a miss, never an error: the fetch goes
 * to the subgraph, and nothing is stored while the generation cannot be read.
 */
import { createHash } from "node:crypto";
import type { GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import type { GatewayGraphQLResponse } from "@apollo/server-gateway-interface";
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type GraphQLUnionType,
  Kind,
  parse,
  type SelectionSetNode,
} from "graphql";
import { Redis } from "ioredis";
import type { Logger } from "../../lib/log.ts";
import { fieldDefinitionsOf } from "../auth/publicFields.ts";
import type { GatewayConfig } from "../config.ts";
import type { GatewayContext } from "../context.ts";

export type ResponseCacheMode = "off" | "memory" | "redis";

/** What the cache needs to know of the supergraph a request executes against. */
export interface ResponseCacheFacts {
  /** The supergraph as loaded: its `@cacheHint`s are read from it. */
  readonly sdl: string;
  readonly plannerSdl: string;
  readonly publicFields: ReadonlySet<string>;
  readonly classification: ReadonlyMap<string, unknown>;
}

export interface ResponseCacheOptions {
  mode: "memory" | "redis";
  /** TTL of an entry unless `ttlsBySubgraph` names the subgraph (ms). */
  defaultTtlMs: number;
  /** Per-subgraph TTLs in ms; 0 never caches that subgraph. */
  ttlsBySubgraph: Record<string, number>;
  /** Memory mode: most bytes (UTF-16 length of the stored JSON) kept; least recently used entries go first. */
  maxBytes: number;
  /** The facts of the supergraph behind an API schema; null for a schema not ours (nothing is cached). */
  factsOf: (schema: GraphQLSchema) => ResponseCacheFacts | null;
  log: Logger;
  redis?: {
    url: string;
    keyPrefix: string;
    /** Longest wait for one Redis command. */
    timeoutMs: number;
    /** How long a replica reuses a subgraph's generation read from Redis (its staleness window after a mutation elsewhere). */
    generationMs: number;
  };
}

export interface ResponseCacheStats {
  /** Cacheable fetches answered from the cache (no request sent). */
  hits: number;
  /** Cacheable fetches sent to the subgraph (not found, expired or invalidated). */
  misses: number;
  /** Cacheable fetches that waited for an identical miss in flight instead of sending their own. */
  shared: number;
  /** Answers stored. */
  stores: number;
  /** Generation bumps: mutation fetches to the subgraph (two per mutation: before and after it). */
  invalidations: number;
}

type Process = (options: GraphQLDataSourceProcessOptions<GatewayContext>) => Promise<GatewayGraphQLResponse>;

interface FetchAnalysis {
  operation: "query" | "mutation" | "subscription" | null;
  /** Every selected field is public and unclassified on this supergraph. */
  cacheable: boolean;
  /** The smallest `@cacheHint(maxAge)` of the selected fields, in ms; Infinity when none has a hint. */
  maxAgeMs: number;
}

/** The owners' cache hints (`@cacheHint(maxAge: seconds)` on field definitions): `Type.field` → ms. */
export function cacheHintsOf(supergraphSdl: string): Map<string, number> {
  const hints = new Map<string, number>();
  for (const { typeName, field } of fieldDefinitionsOf(supergraphSdl)) {
    for (const directive of field.directives ?? []) {
      if (directive.name.value !== CACHE_HINT_DIRECTIVE) continue;
      const maxAge = directive.arguments?.find((a) => a.name.value === "maxAge")?.value;
      // A hint that cannot be read is the strictest one: never cached.
      const seconds = maxAge?.kind === Kind.INT ? Math.max(0, Number(maxAge.value)) : 0;
      const coordinate = `${typeName}.${field.name.value}`;
      hints.set(coordinate, Math.min(hints.get(coordinate) ?? Infinity, seconds * 1000));
    }
  }
  return hints;
}

export const CACHE_HINT_DIRECTIVE = "cacheHint";

/** The storage behind the cache: entries and per-subgraph generations. */
interface CacheStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** The subgraph's generation; undefined when it cannot be read (then nothing is read or stored). */
  generation(subgraph: string): Promise<number | undefined>;
  bump(subgraph: string): Promise<void>;
  /** Resolves once the store can answer (or has given up trying for now). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** Most query analyses kept per supergraph (the planner produces a bounded set of fetch documents). */
const MAX_ANALYSES = 5_000;

export class ResponseCache {
  private readonly store: CacheStore;
  private readonly statsBySubgraph = new Map<string, ResponseCacheStats>();
  private readonly analyses = new WeakMap<ResponseCacheFacts, Map<string, FetchAnalysis>>();
  private readonly revisions = new WeakMap<ResponseCacheFacts, string>();
  private readonly hints = new WeakMap<ResponseCacheFacts, ReadonlyMap<string, number>>();
  /** Misses on their way to the subgraph, by key: resolve with the stored JSON, or undefined when nothing was stored. */
  private readonly misses = new Map<string, Promise<string | undefined>>();

  constructor(private readonly options: ResponseCacheOptions) {
    this.store =
      options.mode === "redis" && options.redis
        ? new RedisStore(
            {
              ...options.redis,
              maxTtlMs: Math.max(options.defaultTtlMs, ...Object.values(options.ttlsBySubgraph)),
            },
            options.log,
          )
        : new MemoryStore(options.maxBytes);
  }

  /** Counters per subgraph since start (metrics, tests). */
  stats(): Map<string, ResponseCacheStats> {
    return this.statsBySubgraph;
  }

  /** Wraps a data source's `process`: its fetches go through the cache from now on. */
  wrap<T extends { name: string; process: Process }>(dataSource: T): T {
    const process = dataSource.process.bind(dataSource);
    dataSource.process = (options) => this.around(dataSource.name, options, () => process(options));
    return dataSource;
  }

  /** One fetch of `subgraph`: from the cache, or `send` (and maybe stored), or `send` with invalidation around it. */
  async around(
    subgraph: string,
    options: GraphQLDataSourceProcessOptions<GatewayContext>,
    send: () => Promise<GatewayGraphQLResponse>,
  ): Promise<GatewayGraphQLResponse> {
    // Health checks and schema loads carry no client request.
    if (!("incomingRequestContext" in options)) return send();
    const query = options.request.query ?? "";
    const facts = options.incomingRequestContext.schema
      ? this.options.factsOf(options.incomingRequestContext.schema)
      : null;
    const analysis = facts ? this.analyse(facts, options.incomingRequestContext.schema, query) : mutationOrNot(query);
    if (analysis.operation === "mutation") {
      // Before: reads running alongside the mutation store under a generation nobody reads afterwards.
      // After (answered or failed): what was read before it committed is never served again.
      await this.invalidate(subgraph);
      try {
        return await send();
      } finally {
        await this.invalidate(subgraph);
      }
    }
    const context = options.context as Partial<GatewayContext>;
    const ttlMs = Math.min(this.options.ttlsBySubgraph[subgraph] ?? this.options.defaultTtlMs, analysis.maxAgeMs);
    if (
      !facts ||
      !analysis.cacheable ||
      analysis.operation !== "query" ||
      options.incomingRequestContext.operation?.operation !== "query" ||
      context.principal?.kind !== "anonymous" ||
      (context.purpose ?? null) !== null ||
      (context.caseReference ?? null) !== null ||
      ttlMs <= 0
    ) {
      return send();
    }
    const stats = this.statsOf(subgraph);
    const generation = await this.store.generation(subgraph);
    if (generation === undefined) return send();
    const key = this.keyOf(facts, subgraph, generation, options.request);
    const cached = await this.store.get(key);
    if (cached !== undefined) {
      stats.hits += 1;
      // A fresh object per taker: Apollo's executor merges fetched entities into it in place.
      return { data: JSON.parse(cached) as GatewayGraphQLResponse["data"] };
    }
    // An identical miss is on its way (another anonymous caller, another client address): wait for its answer
    // instead of sending the same fetch again — a popular entry expiring does not become a burst of fetches.
    const leader = this.misses.get(key);
    if (leader) {
      stats.shared += 1;
      const answer = await leader;
      if (answer !== undefined) return { data: JSON.parse(answer) as GatewayGraphQLResponse["data"] };
      return send(); // the leader failed or had errors: this fetch tries for itself, as it would have alone
    }
    stats.misses += 1;
    let settle: (answer: string | undefined) => void = () => {};
    this.misses.set(key, new Promise((resolve) => (settle = resolve)));
    let stored: string | undefined;
    try {
      const response = await send();
      if (response.data && (response.errors === undefined || response.errors.length === 0)) {
        stored = JSON.stringify(response.data);
        stats.stores += 1;
        // Awaited (at most one store command's timeout): the next request, on any replica, finds it.
        await this.store.set(key, stored, ttlMs);
      }
      return response;
    } finally {
      this.misses.delete(key);
      settle(stored);
    }
  }

  /** Resolves once the store answers, or when it could not connect (then fetches go to the subgraphs until it does). */
  ready(): Promise<void> {
    return this.store.ready();
  }

  close(): Promise<void> {
    return this.store.close();
  }

  private async invalidate(subgraph: string): Promise<void> {
    this.statsOf(subgraph).invalidations += 1;
    await this.store.bump(subgraph);
  }

  private statsOf(subgraph: string): ResponseCacheStats {
    let stats = this.statsBySubgraph.get(subgraph);
    if (!stats) {
      stats = { hits: 0, misses: 0, shared: 0, stores: 0, invalidations: 0 };
      this.statsBySubgraph.set(subgraph, stats);
    }
    return stats;
  }

  private keyOf(
    facts: ResponseCacheFacts,
    subgraph: string,
    generation: number,
    request: GraphQLDataSourceProcessOptions["request"],
  ): string {
    let revision = this.revisions.get(facts);
    if (!revision) {
      revision = createHash("sha256").update(facts.plannerSdl).digest("hex").slice(0, 16);
      this.revisions.set(facts, revision);
    }
    const body = createHash("sha256")
      .update(
        JSON.stringify([request.query ?? "", request.operationName ?? null, canonical(request.variables ?? null)]),
      )
      .digest("base64url");
    return `${revision}:${subgraph}:${generation}:${body}`;
  }

  private hintsOf(facts: ResponseCacheFacts): ReadonlyMap<string, number> {
    let hints = this.hints.get(facts);
    if (!hints) {
      hints = cacheHintsOf(facts.sdl);
      this.hints.set(facts, hints);
    }
    return hints;
  }

  private analyse(facts: ResponseCacheFacts, schema: GraphQLSchema, query: string): FetchAnalysis {
    let byQuery = this.analyses.get(facts);
    if (!byQuery) {
      byQuery = new Map();
      this.analyses.set(facts, byQuery);
    }
    let analysis = byQuery.get(query);
    if (!analysis) {
      try {
        analysis = analyseFetch(facts, schema, query, this.hintsOf(facts));
      } catch (error) {
        // A document the analysis cannot read is sent as it is, never cached; the request goes on.
        this.options.log.warn({ err: error }, "response cache: fetch not analysed, sent uncached");
        analysis = mutationOrNot(query);
      }
      if (byQuery.size >= MAX_ANALYSES) byQuery.clear();
      byQuery.set(query, analysis);
    }
    return analysis;
  }
}

/** Without the supergraph's facts nothing is cacheable, but a mutation still invalidates. */
function mutationOrNot(query: string): FetchAnalysis {
  return { operation: /^\s*mutation\b/.test(query) ? "mutation" : null, cacheable: false, maxAgeMs: 0 };
}

/**
 * Whether every field a fetch document selects is public and unclassified. Fields are resolved on the API schema:
 * `_entities` selects entity types by inline fragments; anything the API schema does not know (`_service`, a field
 * hidden from clients) makes the fetch uncacheable.
 */
export function analyseFetch(
  facts: Pick<ResponseCacheFacts, "publicFields" | "classification">,
  schema: GraphQLSchema,
  query: string,
  hints: ReadonlyMap<string, number> = new Map(),
): FetchAnalysis {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch {
    return { operation: null, cacheable: false, maxAgeMs: 0 };
  }
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const [operation] = operations;
  if (!operation || operations.length !== 1) return { operation: null, cacheable: false, maxAgeMs: 0 };
  if (operation.operation !== "query") return { operation: operation.operation, cacheable: false, maxAgeMs: 0 };
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const root = schema.getQueryType();
  if (!root) return { operation: "query", cacheable: false, maxAgeMs: 0 };
  let maxAgeMs = Infinity;

  const spreading = new Set<string>();
  const walk = (selectionSet: SelectionSetNode, parent: Composite | "_Entity"): boolean => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (name === "__typename") continue;
        if (parent === "_Entity" || name.startsWith("__")) return false;
        if (parent === root && name === "_entities") {
          if (!selection.selectionSet || !walk(selection.selectionSet, "_Entity")) return false;
          continue;
        }
        if (!("getFields" in parent)) return false; // a field on a union
        const field = parent.getFields()[name];
        if (!field) return false;
        const coordinate = `${parent.name}.${name}`;
        if (!facts.publicFields.has(coordinate) || facts.classification.has(coordinate)) return false;
        maxAgeMs = Math.min(maxAgeMs, hints.get(coordinate) ?? Infinity);
        if (selection.selectionSet) {
          const type = compositeOf(namedTypeOf(field.type));
          if (!type || !walk(selection.selectionSet, type)) return false;
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const typeName = selection.typeCondition?.name.value;
        const type = typeName ? compositeOf(schema.getType(typeName)) : parent === "_Entity" ? undefined : parent;
        if (!type || !walk(selection.selectionSet, type)) return false;
      } else {
        const fragment = fragments.get(selection.name.value);
        if (!fragment || spreading.has(fragment.name.value)) return false;
        const type = compositeOf(schema.getType(fragment.typeCondition.name.value));
        if (!type) return false;
        spreading.add(fragment.name.value);
        const ok = walk(fragment.selectionSet, type);
        spreading.delete(fragment.name.value);
        if (!ok) return false;
      }
    }
    return true;
  };
  const cacheable = walk(operation.selectionSet, root);
  return { operation: "query", cacheable, maxAgeMs: cacheable ? maxAgeMs : 0 };
}

/**
 * Types are read by shape, not with graphql-js's `isObjectType` & co.: Apollo's gateway builds its schema with the
 * CommonJS copy of graphql-js and this module imports the ES module one, and the predicates refuse "another realm".
 */
type Composite = GraphQLObjectType | GraphQLUnionType | (GraphQLNamedType & Pick<GraphQLObjectType, "getFields">);

function namedTypeOf(type: unknown): GraphQLNamedType {
  let current = type as { ofType?: unknown };
  while (current.ofType) current = current.ofType as { ofType?: unknown };
  return current as GraphQLNamedType;
}

/** The type when it has fields (object, interface) or members (union); undefined for scalars, enums and inputs. */
function compositeOf(type: GraphQLNamedType | null | undefined): Composite | undefined {
  // Objects and interfaces have getInterfaces, unions getTypes; scalars, enums and input objects neither.
  return type && ("getInterfaces" in type || "getTypes" in type) ? (type as Composite) : undefined;
}

/** JSON with object keys sorted: the same variables (representations) are the same key whatever their order. */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** Entries in this process: a Map in recency order, bounded by the stored strings' length. */
export class MemoryStore implements CacheStore {
  private readonly entries = new Map<string, { value: string; expires: number }>();
  private readonly generations = new Map<string, number>();
  private bytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly now: () => number = Date.now,
  ) {}

  async get(key: string): Promise<string | undefined> {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expires <= this.now()) {
      this.bytes -= entry.value.length;
      return undefined;
    }
    this.entries.set(key, entry);
    return entry.value;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    // One entry may take at most an eighth of the cache.
    if (value.length > this.maxBytes / 8) return;
    const previous = this.entries.get(key);
    if (previous) {
      this.entries.delete(key);
      this.bytes -= previous.value.length;
    }
    this.entries.set(key, { value, expires: this.now() + ttlMs });
    this.bytes += value.length;
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= entry.value.length;
    }
  }

  async generation(subgraph: string): Promise<number> {
    return this.generations.get(subgraph) ?? 0;
  }

  async bump(subgraph: string): Promise<void> {
    this.generations.set(subgraph, (this.generations.get(subgraph) ?? 0) + 1);
  }

  /** Entries and bytes held (tests). */
  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  async ready(): Promise<void> {}

  async close(): Promise<void> {
    this.entries.clear();
  }
}

/** Entries in Redis, shared by every replica; generations are Redis counters read at most every `generationMs`. */
class RedisStore implements CacheStore {
  private readonly redis: Redis;
  private readonly generations = new Map<string, { value: number; readAt: number }>();
  /** Subgraphs whose invalidation failed, until when their entries are not used (ms since the epoch). */
  private readonly blockedUntil = new Map<string, number>();
  private lastWarning = 0;

  constructor(
    private readonly options: NonNullable<ResponseCacheOptions["redis"]> & { maxTtlMs: number },
    private readonly log: Logger,
  ) {
    this.redis = new Redis(options.url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.timeoutMs,
      connectTimeout: 2_000,
      retryStrategy: (times) => Math.min(100 * times, 2_000),
    });
    this.redis.on("error", (error: Error) => this.warn(error));
  }

  private warn(error: unknown): void {
    // One line per minute; the URL may hold a password, so only the message.
    if (Date.now() - this.lastWarning < 60_000) return;
    this.lastWarning = Date.now();
    this.log.warn(
      { err: { message: (error as Error)?.message } },
      "response cache (Redis) unreachable; fetches go to the subgraphs",
    );
  }

  private generationKey(subgraph: string): string {
    return `${this.options.keyPrefix}generation:${subgraph}`;
  }

  async get(key: string): Promise<string | undefined> {
    try {
      return (await this.redis.get(`${this.options.keyPrefix}entry:${key}`)) ?? undefined;
    } catch (error) {
      this.warn(error);
      return undefined;
    }
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    try {
      await this.redis.set(`${this.options.keyPrefix}entry:${key}`, value, "PX", ttlMs);
    } catch (error) {
      this.warn(error);
    }
  }

  async generation(subgraph: string): Promise<number | undefined> {
    const blocked = this.blockedUntil.get(subgraph);
    if (blocked !== undefined) {
      if (Date.now() < blocked) return undefined;
      this.blockedUntil.delete(subgraph);
    }
    const known = this.generations.get(subgraph);
    if (known && Date.now() - known.readAt < this.options.generationMs) return known.value;
    try {
      const value = Number((await this.redis.get(this.generationKey(subgraph))) ?? 0);
      this.generations.set(subgraph, { value, readAt: Date.now() });
      return value;
    } catch (error) {
      this.warn(error);
      return undefined;
    }
  }

  async bump(subgraph: string): Promise<void> {
    try {
      const value = await this.redis.incr(this.generationKey(subgraph));
      this.generations.set(subgraph, { value, readAt: Date.now() });
    } catch (error) {
      // The entries from before the mutation are still reachable in Redis: this replica neither reads nor stores
      // that subgraph's entries until the longest TTL has passed; other replicas may serve them until their TTL.
      this.generations.delete(subgraph);
      this.blockedUntil.set(subgraph, Date.now() + this.options.maxTtlMs);
      this.warn(error);
    }
  }

  async ready(): Promise<void> {
    try {
      await this.redis.connect();
    } catch (error) {
      this.warn(error);
    }
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}

/** The response cache a gateway's configuration asks for; null when RESPONSE_CACHE=off. */
export async function createResponseCache(
  config: Pick<
    GatewayConfig,
    | "RESPONSE_CACHE"
    | "RESPONSE_CACHE_TTL_SECONDS"
    | "RESPONSE_CACHE_TTLS"
    | "RESPONSE_CACHE_MAX_BYTES"
    | "RESPONSE_CACHE_KEY_PREFIX"
    | "RESPONSE_CACHE_GENERATION_MS"
    | "RESPONSE_CACHE_TIMEOUT_MS"
    | "REDIS_URL"
  >,
  log: Logger,
  factsOf: ResponseCacheOptions["factsOf"],
): Promise<ResponseCache | null> {
  if (config.RESPONSE_CACHE === "off") return null;
  const cache = new ResponseCache({
    mode: config.RESPONSE_CACHE,
    defaultTtlMs: config.RESPONSE_CACHE_TTL_SECONDS * 1000,
    ttlsBySubgraph: Object.fromEntries(
      Object.entries(config.RESPONSE_CACHE_TTLS).map(([name, seconds]) => [name, seconds * 1000]),
    ),
    maxBytes: config.RESPONSE_CACHE_MAX_BYTES,
    factsOf,
    log,
    redis:
      config.RESPONSE_CACHE === "redis" && config.REDIS_URL
        ? {
            url: config.REDIS_URL,
            keyPrefix: config.RESPONSE_CACHE_KEY_PREFIX,
            timeoutMs: config.RESPONSE_CACHE_TIMEOUT_MS,
            generationMs: config.RESPONSE_CACHE_GENERATION_MS,
          }
        : undefined,
  });
  await cache.ready();
  log.info({ mode: config.RESPONSE_CACHE }, "response cache for public data is on");
  return cache;
}
