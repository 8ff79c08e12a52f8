/**
 * Field usage for the schema registry (接入管理, docs/registry.md): which `Type.field` coordinates each client selected,
 * counted per hour, so the registry can refuse a breaking change to a field that is still in use and name who uses it.
 *
 * The client is the app id for an app's token, otherwise the principal's kind (`resident`, `officer`, `anonymous` …).
 * Counts are aggregated in memory and sent in one signed batch per `flushMs` (POST /usage, scope
 * `registry:usage:write`); at most `maxEntries` distinct (hour, client, coordinate) entries wait, further new ones are
 * dropped and counted in the log, so memory stays bounded when the registry is down. Recording never delays or fails
 * a request.
 */
import { createRequire } from "node:module";
import type { ApolloServerPlugin } from "@apollo/server";
import type { DocumentNode, GraphQLSchema } from "graphql";
import type { Logger } from "../../lib/log.ts";
import type { Principal } from "../../lib/principal.ts";
import type { GatewayContext } from "../context.ts";

// Apollo's schema objects come from graphql's CommonJS build (lib/access/requirements.ts says why).
const graphqlCjs = createRequire(import.meta.url)("graphql") as typeof import("graphql");
const { TypeInfo, visit, visitWithTypeInfo, getNamedType } = graphqlCjs;

export interface FieldUsageOptions {
  /** The registry's base URL. */
  registryUrl: string;
  /** Signed headers for one POST of `body` to `url`. */
  headers: (url: string, body: string) => Record<string, string>;
  flushMs: number;
  maxEntries?: number;
  log: Logger;
  now?: () => number;
}

export interface FieldUsageRecorder {
  record(principal: Principal, coordinates: Iterable<string>): void;
  /** Sends what was counted; resolves when the registry answered (or failed). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export function clientOf(principal: Principal): string {
  return principal.kind === "app" && principal.id ? principal.id : principal.kind;
}

export function createFieldUsageRecorder(options: FieldUsageOptions): FieldUsageRecorder {
  const { registryUrl, headers, flushMs, maxEntries = 50_000, log, now = Date.now } = options;
  const url = `${registryUrl.replace(/\/$/, "")}/usage`;
  let counts = new Map<string, number>();
  let dropped = 0;
  /** The current hour's ISO string, made once an hour rather than on every request. */
  let hourOf = { start: Number.NaN, iso: "" };
  let sending: Promise<void> = Promise.resolve();

  const flush = () => {
    sending = sending.then(async () => {
      if (counts.size === 0) return;
      const batch = counts;
      counts = new Map();
      const entries = [...batch].map(([key, count]) => {
        const [hour, client, coordinate] = key.split("|") as [string, string, string];
        return { hour, client, coordinate, count };
      });
      // The registry takes at most 10,000 entries per request.
      for (let start = 0; start < entries.length; start += 10_000) {
        const body = JSON.stringify({ entries: entries.slice(start, start + 10_000) });
        try {
          const response = await fetch(url, {
            method: "POST",
            headers: { "content-type": "application/json", ...headers(url, body) },
            body,
            signal: AbortSignal.timeout(5_000),
          });
          if (!response.ok) throw new Error(`the registry answered HTTP ${response.status}`);
        } catch (error) {
          log.warn({ err: error, entries: entries.length }, "field usage not recorded at the registry");
        }
      }
      if (dropped > 0) {
        log.warn({ dropped }, "field usage entries dropped: more distinct entries than the recorder holds");
        dropped = 0;
      }
    });
    return sending;
  };
  const timer = setInterval(() => void flush(), flushMs);
  timer.unref();

  return {
    record(principal, coordinates) {
      const hourStart = Math.floor(now() / 3_600_000) * 3_600_000;
      if (hourStart !== hourOf.start) hourOf = { start: hourStart, iso: new Date(hourStart).toISOString() };
      const hour = hourOf.iso;
      const client = clientOf(principal);
      for (const coordinate of coordinates) {
        const key = `${hour}|${client}|${coordinate}`;
        const count = counts.get(key);
        if (count !== undefined) counts.set(key, count + 1);
        else if (counts.size < maxEntries) counts.set(key, 1);
        else dropped += 1;
      }
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
  };
}

/** `Type.field` coordinates a document selects (introspection and `__typename` left out). */
export function fieldCoordinates(schema: GraphQLSchema, document: DocumentNode): Set<string> {
  const typeInfo = new TypeInfo(schema);
  const found = new Set<string>();
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        if (!parent || node.name.value.startsWith("__")) return;
        const named = getNamedType(parent);
        if (named) found.add(`${named.name}.${node.name.value}`);
      },
    }),
  );
  return found;
}

/**
 * Records the coordinates of every operation that passed validation. A document's coordinates are worked out once per
 * schema and parsed document (Apollo Server hands the same parsed document to every request with the same text), not
 * walked again on every request; entries go when their schema or document is collected.
 */
export function useFieldUsage(recorder: FieldUsageRecorder): ApolloServerPlugin<GatewayContext> {
  const bySchema = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, readonly string[]>>();
  const coordinatesOf = (schema: GraphQLSchema, document: DocumentNode): readonly string[] => {
    let documents = bySchema.get(schema);
    if (!documents) {
      documents = new WeakMap();
      bySchema.set(schema, documents);
    }
    let coordinates = documents.get(document);
    if (!coordinates) {
      coordinates = [...fieldCoordinates(schema, document)];
      documents.set(document, coordinates);
    }
    return coordinates;
  };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, contextValue }) {
          recorder.record(contextValue.principal, coordinatesOf(schema, document));
        },
      };
    },
  };
}
