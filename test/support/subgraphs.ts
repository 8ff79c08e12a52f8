/**
 * Starts subgraphs in-process on free ports against the current test tier (PGlite or a fresh PostgreSQL database),
 * and talks to them as the gateway would: every request carries a signed envelope for that subgraph.
 */
import type { Principal } from "../../lib/principal.ts";
import type { PrismaLike, SubgraphModule } from "../../subgraphs/kit/module.ts";
import type { ResidentDirectory } from "../../subgraphs/kit/residentDirectory.ts";
import { shanghaiDate } from "../../subgraphs/kit/seedCalendar.ts";
import { type SubgraphService, startSubgraph } from "../../subgraphs/kit/service.ts";
import { subgraphModules } from "../../subgraphs/registry.ts";
import { createTestDatabase } from "./database.ts";
import { signedHeaders, testEnvelopeKeys } from "./envelope.ts";
import { loadSnapshot, saveSnapshot, snapshotKey } from "./pgliteSnapshots.ts";
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
     * Start from (and leave) this run's seeded snapshot on the PGlite tier. Default: only for the registered modules,
     * whose data depends on nothing but their code — a module built with options (production mode, secrets …) may
     * prepare or seed differently with the same code, so it starts from scratch unless the caller knows better.
     */
    snapshot?: boolean;
    /** Where residents live (default: the identity seed's register, as identity would answer it). */
    residentDirectory?: ResidentDirectory;
  } = {},
): Promise<SubgraphService<TPrisma>> {
  const database = options.databaseUrl ? undefined : await createTestDatabase();
  const databaseUrl = options.databaseUrl ?? database?.url;
  const seed = options.seed ?? true;
  const seedDate = options.seedDate ?? shanghaiDate(new Date());
  // PGlite tier: start from this run's seeded snapshot of the department when there is one (pgliteSnapshots.ts).
  const snapshotted = options.snapshot ?? (subgraphModules as readonly unknown[]).includes(module);
  const key = databaseUrl || !snapshotted ? undefined : await snapshotKey(module, seed, seedDate);
  const snapshot = key ? await loadSnapshot(key) : undefined;
  const service = await startSubgraph(module, {
    port: 0,
    // A snapshot holds this seed date's rows already: seeding again would only rewrite them.
    seed: seed && !snapshot,
    seedDate,
    databaseUrl,
    pgliteSnapshot: snapshot,
    logLevel: process.env.OG_TEST_LOG_LEVEL ?? "silent",
    envelopePublicKeys: [testEnvelopeKeys.publicKey],
    residentDirectory: options.residentDirectory ?? seededResidentDirectory(),
  });
  if (key && !snapshot && service.db.snapshot) await saveSnapshot(key, service.db.snapshot);
  audienceByUrl.set(service.url, module.name);
  return {
    ...service,
    stop: async () => {
      await service.stop();
      audienceByUrl.delete(service.url);
      await database?.drop();
    },
  };
}

export interface GraphQLCallOptions {
  /** Act as this principal (default: the test harness, a system principal). */
  principal?: Principal;
  purpose?: string | null;
  /** Send no envelope (to test refusals). */
  unsigned?: boolean;
}

/**
 * POSTs a GraphQL operation and returns status and parsed body. Requests to a test subgraph are signed as the
 * gateway would sign them; requests to a gateway go as they are.
 */
export async function graphql(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
  options: GraphQLCallOptions = {},
): Promise<{ status: number; body: { data?: any; errors?: any[] } }> {
  const audience = audienceByUrl.get(url);
  const body = JSON.stringify({ query, variables });
  const envelope = () =>
    audience && !options.unsigned
      ? signedHeaders(audience, { method: "POST", path: new URL(url).pathname, body }, options)
      : {};
  // Each send signs anew: an envelope is accepted once (a resend with the same one would be a replay).
  const send = () =>
    fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...envelope(), ...headers },
      body,
    });
  let response: Response;
  try {
    response = await send();
  } catch (error) {
    // In-process PGlite can block the event loop for seconds (seeding); the server then closes idle keep-alive
    // sockets just as the client reuses one. A reset before any response was never processed: send it again.
    if ((error as { cause?: { code?: string } }).cause?.code !== "ECONNRESET") throw error;
    response = await send();
  }
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: any[] } };
}
