/**
 * Starts subgraphs in-process on free ports against the current test tier (PGlite or a fresh PostgreSQL database),
 * and talks to them as the gateway would: every request carries a signed envelope for that subgraph.
 */
import { ClientError, GraphQLClient } from "graphql-request";
import type { Principal } from "../../lib/principal.ts";
import type { PrismaLike, SubgraphModule } from "../../subgraphs/kit/module.ts";
import type { ResidentDirectory } from "../../subgraphs/kit/residentDirectory.ts";
import { shanghaiDate } from "../../subgraphs/kit/seedCalendar.ts";
import { type SubgraphService, startSubgraph } from "../../subgraphs/kit/service.ts";
import { subgraphModules } from "../../subgraphs/registry.ts";
import { createTestDatabase, testTier } from "./database.ts";
import { signedHeaders, testEnvelopeKeys } from "./envelope.ts";
import {
  makeSnapshotIfFree,
  migratedSnapshot,
  saveSnapshot,
  snapshotKey,
  withSnapshotLock,
} from "./pgliteSnapshots.ts";
import { seededResidentDirectory } from "./residentRegister.ts";

/** Subgraph name by GraphQL URL, so `graphql()` can sign envelopes for the right audience. */
const audienceByUrl = new Map<string, string>();

export async function startTestSubgraph<TPrisma extends PrismaLike, TLoaders>(
  module: SubgraphModule<TPrisma, TLoaders>,
  options: {
    seed?: boolean;
    databaseUrl?: string;
    /** The seed's "today" (YYYY-MM-DD); tests that fix the clock pass TEST_SEED_DATE. Default: today in Shanghai. */
    seedDate?: string;
    /**
     * Start from (and leave) this run's seeded snapshot on the PGlite tier. Default: for the registered modules, and
     * for a module built with options (a test clock, a platform URL …) that still seeds and prepares with the
     * registered module's very functions (`sharesRegisteredData`): their data depend on nothing but their code and the
     * seed date. A module whose seed or prepare closes over its options (identity's keys and production mode) may
     * seed differently with the same code, so it starts from scratch unless the caller knows better: `true` shares the
     * registered module's snapshot, a name shares one snapshot among the starts that pass that name (the same module
     * options in every file that uses it, e.g. a test bed's).
     */
    snapshot?: boolean | string;
    /** Where residents live (default: the identity seed's register, as identity would answer it). */
    residentDirectory?: ResidentDirectory;
  } = {},
): Promise<SubgraphService<TPrisma>> {
  const database = options.databaseUrl ? undefined : await createTestDatabase();
  const databaseUrl = options.databaseUrl ?? database?.url;
  const seed = options.seed ?? true;
  const seedDate = options.seedDate ?? shanghaiDate(new Date());
  // PGlite tier: start from this run's seeded snapshot of the department when there is one (pgliteSnapshots.ts).
  const snapshotted = options.snapshot ?? sharesRegisteredData(module);
  const family = typeof snapshotted === "string" ? snapshotted : "";
  const key = databaseUrl || !snapshotted ? undefined : await snapshotKey(module, seed, seedDate, family);
  const start = (snapshot: Blob | undefined) =>
    startFrom(module, { seed, seedDate, databaseUrl, residentDirectory: options.residentDirectory }, snapshot);
  let service: SubgraphService<TPrisma> | undefined;
  if (key) {
    // The first start of this key in the run seeds it and leaves the snapshot; a start in the other worker meanwhile
    // waits for that snapshot rather than seeding the same rows again (pgliteSnapshots.ts).
    const made = await withSnapshotLock(key, async () => {
      const seeded = await start(undefined);
      service = seeded;
      await saveSnapshot(key, seeded.db.snapshot!);
    });
    if (made) service = await start(made);
  } else {
    service = await start(undefined);
  }
  const started: SubgraphService<TPrisma> | undefined = service;
  if (!started) throw new Error(`${module.name} did not start.`);
  audienceByUrl.set(started.url, module.name);
  return {
    ...started,
    stop: async () => {
      await started.stop();
      audienceByUrl.delete(started.url);
      await database?.drop();
    },
  };
}

/** Starts the module from a seeded snapshot, or else seeds it (when asked) on the migrated schema. */
async function startFrom<TPrisma extends PrismaLike, TLoaders>(
  module: SubgraphModule<TPrisma, TLoaders>,
  options: { seed: boolean; seedDate: string; databaseUrl?: string; residentDirectory?: ResidentDirectory },
  snapshot: Blob | undefined,
): Promise<SubgraphService<TPrisma>> {
  return startSubgraph(module, {
    port: 0,
    // A snapshot holds this seed date's rows already: seeding again would only rewrite them.
    seed: options.seed && !snapshot,
    seedDate: options.seedDate,
    databaseUrl: options.databaseUrl,
    // Without a seeded snapshot, PGlite starts from the migrated schema (no initdb, no migrations to run).
    pgliteSnapshot: snapshot ?? (options.databaseUrl ? undefined : await migratedSnapshot(module)),
    logLevel: process.env.OG_TEST_LOG_LEVEL ?? "silent",
    envelopePublicKeys: [testEnvelopeKeys.publicKey],
    residentDirectory: options.residentDirectory ?? seededResidentDirectory(),
  });
}

/**
 * Seeds, on the PGlite tier, the snapshots of the departments a graph is about to start, before starting them one by
 * one: whichever worker locks a department first seeds it, and a worker that finds it locked goes on to the next
 * (`makeSnapshotIfFree`). The longest files start whole graphs in both workers at the same moment; without this, one
 * seeds each department while the other waits for it, about half a minute of one core idle at the start of a run.
 * The starts that follow load the snapshots (and wait for any the other worker is still seeding).
 */
export async function seedAhead(
  modules: readonly SubgraphModule<any, any>[],
  options: { seedDate?: string } = {},
): Promise<void> {
  if (testTier === "postgres") return; // each start seeds its own schema
  const seedDate = options.seedDate ?? shanghaiDate(new Date());
  for (const module of modules) {
    await makeSnapshotIfFree(await snapshotKey(module, true, seedDate), async () => {
      const seeded = await startFrom(module, { seed: true, seedDate }, undefined);
      try {
        await saveSnapshot(await snapshotKey(module, true, seedDate), seeded.db.snapshot!);
      } finally {
        await seeded.stop();
      }
    });
  }
}

/**
 * Whether the module's rows are the registered module's: it is that module, or it was built with options but seeds and
 * prepares with the same function objects (not copies of their text: a closure over options is a new function).
 */
export function sharesRegisteredData<TPrisma extends PrismaLike, TLoaders>(
  module: SubgraphModule<TPrisma, TLoaders>,
): boolean {
  const registered = (subgraphModules as readonly SubgraphModule<PrismaLike, unknown>[]).find(
    (candidate) => candidate.name === module.name,
  );
  if (!registered) return false;
  if ((registered as unknown) === module) return true;
  return registered.seed === (module.seed as unknown) && registered.prepare === (module.prepare as unknown);
}

export interface GraphQLCallOptions {
  /** Act as this principal (default: the test harness, a system principal). */
  principal?: Principal;
  purpose?: string | null;
  /** Send no envelope (to test refusals). */
  unsigned?: boolean;
}

/**
 * Sends a GraphQL operation with graphql-request and returns status and parsed body, errors included (errorPolicy
 * "all"; a 4xx answer comes back as a ClientError, whose response is returned the same way). Requests to a test
 * subgraph are signed as the gateway would sign them, over the exact bytes graphql-request sends; requests to a gateway
 * go as they are. Tests of what the HTTP edge does with malformed bodies and content types use fetch directly.
 */
export async function graphql(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
  options: GraphQLCallOptions = {},
): Promise<{ status: number; body: { data?: any; errors?: any[]; extensions?: any } }> {
  const client = new GraphQLClient(url, {
    errorPolicy: "all",
    fetch: signingFetch(audienceByUrl.get(url), options),
    // Plain JSON, as the gateway's subgraph fetches and most front ends ask.
    headers: { accept: "application/json", ...headers },
  });
  try {
    const response = await client.rawRequest(query, variables);
    return { status: response.status, body: answer(response) };
  } catch (error) {
    if (error instanceof ClientError) return { status: error.response.status, body: answer(error.response) };
    throw error;
  }
}

function answer(response: { data?: unknown; errors?: unknown; extensions?: unknown }) {
  const body: { data?: any; errors?: any[]; extensions?: any } = {};
  if (response.data !== undefined) body.data = response.data;
  if (response.errors !== undefined) body.errors = response.errors as any[];
  if (response.extensions !== undefined) body.extensions = response.extensions;
  return body;
}

/** fetch that signs each attempt anew (an envelope is accepted once) for the subgraph named `audience`, if any. */
function signingFetch(audience: string | undefined, options: GraphQLCallOptions): typeof fetch {
  return async (input, init = {}) => {
    const body = typeof init.body === "string" ? init.body : "";
    const send = () => {
      const headers = new Headers(init.headers);
      if (audience && !options.unsigned) {
        const path = new URL(String(input)).pathname;
        for (const [name, value] of Object.entries(signedHeaders(audience, { method: "POST", path, body }, options))) {
          headers.set(name, value);
        }
      }
      return fetch(input, { ...init, headers });
    };
    try {
      return await send();
    } catch (error) {
      // In-process PGlite can block the event loop for seconds (seeding); the server then closes idle keep-alive
      // sockets just as the client reuses one. A reset before any response was never processed: send it again.
      if ((error as { cause?: { code?: string } }).cause?.code !== "ECONNRESET") throw error;
      return send();
    }
  };
}
