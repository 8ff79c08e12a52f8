/**
 * Starts subgraphs in-process on free ports against the current test tier (PGlite or a fresh PostgreSQL database).
 */
import type { PrismaLike, SubgraphModule } from "../../subgraphs/kit/module.ts";
import { type SubgraphService, startSubgraph } from "../../subgraphs/kit/service.ts";
import { createTestDatabase } from "./database.ts";

export interface TestSubgraph<TPrisma extends PrismaLike> extends SubgraphService<TPrisma> {}

export async function startTestSubgraph<TPrisma extends PrismaLike, TLoaders>(
  module: SubgraphModule<TPrisma, TLoaders>,
  options: { seed?: boolean; databaseUrl?: string } = {},
): Promise<SubgraphService<TPrisma>> {
  const database = options.databaseUrl ? undefined : await createTestDatabase();
  const service = await startSubgraph(module, {
    port: 0,
    seed: options.seed ?? true,
    databaseUrl: options.databaseUrl ?? database?.url,
    logLevel: process.env.OG_TEST_LOG_LEVEL ?? "silent",
  });
  return {
    ...service,
    stop: async () => {
      await service.stop();
      await database?.drop();
    },
  };
}

/** POSTs a GraphQL operation and returns status and parsed body. */
export async function graphql(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: { data?: any; errors?: any[] } }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: any[] } };
}
