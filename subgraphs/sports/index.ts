/**
 * Sports subgraph (区体育局, 全民健身零距离): fitness points (健身苑点) with equipment counts, functions and
 * maintenance status; school sports grounds opened to the public with QR check-in (学校体育场地开放); venues with
 * off-peak court booking (错峰订场); and events (赛事) such as the 上海静安国际女子半程马拉松 with registrations.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "graphql";
import { defineSubgraph } from "../kit/module.ts";
import { PrismaClient } from "./generated/prisma/client.ts";
import { createLoaders } from "./loaders.ts";
import { permissions } from "./permissions.ts";
import { createResolvers, type SportsResolverOptions } from "./resolvers.ts";
import { seed } from "./seed.ts";

/** The module with a chosen clock: tests fix "now" so that opening hours and registration windows hold still. */
export function createSportsSubgraph(options: SportsResolverOptions = {}) {
  return defineSubgraph({
    name: "sports",
    title: "Sports (区体育局)",
    defaultPort: 4104,
    department: "dept-sports",
    typeDefs: parse(readFileSync(new URL("./schema.graphql", import.meta.url), "utf8")),
    resolvers: createResolvers(options),
    permissions,
    migrationsDir: fileURLToPath(new URL("../../prisma/sports/migrations", import.meta.url)),
    createPrisma: (prismaOptions) => new PrismaClient(prismaOptions),
    createLoaders,
    seed,
  });
}

export default createSportsSubgraph();
