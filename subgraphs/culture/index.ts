/**
 * Culture subgraph (区文化旅游局, 一站服务舒心游): cultural venues with the district library's 智慧场馆, the historic
 * buildings of 建筑可阅读 with their QR plaques, the free cultural deliveries of 静安文化公益配送 with registrations
 * and waiting lists, and the 静安文旅 tourism routes.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "graphql";
import { defineSubgraph } from "../kit/module.ts";
import { PrismaClient } from "./generated/prisma/client.ts";
import { createLoaders } from "./loaders.ts";
import { permissions } from "./permissions.ts";
import { type CultureResolverOptions, createResolvers } from "./resolvers.ts";
import { seed } from "./seed.ts";

/** The module with a chosen clock: tests fix "now" so that the seeded programmes stay in the future. */
export function createCultureSubgraph(options: CultureResolverOptions = {}) {
  return defineSubgraph({
    name: "culture",
    title: "Culture and tourism (区文化旅游局)",
    defaultPort: 4105,
    department: "dept-culture",
    typeDefs: parse(readFileSync(new URL("./schema.graphql", import.meta.url), "utf8")),
    resolvers: createResolvers(options),
    permissions,
    migrationsDir: fileURLToPath(new URL("../../prisma/culture/migrations", import.meta.url)),
    createPrisma: (prismaOptions) => new PrismaClient(prismaOptions),
    createLoaders,
    seed,
  });
}

export default createCultureSubgraph();
