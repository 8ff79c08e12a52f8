/**
 * Enterprise services subgraph (区行政服务中心, seed §2, §4, §13–14): the district's registered enterprises, "one
 * thing" bundled services (一件事) and their applications with a status timeline, benefit policies granted without
 * application (免申即享) by matching enterprises to machine-readable criteria, and window appointments of the
 * administrative service centre (综合窗口预约).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "graphql";
import { defineSubgraph } from "../kit/module.ts";
import { PrismaClient } from "./generated/prisma/client.ts";
import { createLoaders } from "./loaders.ts";
import { permissions } from "./permissions.ts";
import { createResolvers, type EnterpriseResolverOptions } from "./resolvers.ts";
import { seed } from "./seed.ts";

/** The module with a chosen clock: tests fix "now" so that the seeded window schedule stays in the future. */
export function createEnterpriseSubgraph(options: EnterpriseResolverOptions = {}) {
  return defineSubgraph({
    name: "enterprise",
    title: "Enterprise services (区行政服务中心)",
    defaultPort: 4107,
    department: "dept-admin-service",
    typeDefs: parse(readFileSync(new URL("./schema.graphql", import.meta.url), "utf8")),
    resolvers: createResolvers(options),
    permissions,
    migrationsDir: fileURLToPath(new URL("../../prisma/enterprise/migrations", import.meta.url)),
    createPrisma: (prismaOptions) => new PrismaClient(prismaOptions),
    createLoaders,
    seed,
  });
}

export default createEnterpriseSubgraph();
