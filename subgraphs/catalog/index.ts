/**
 * The catalog subgraph (区大数据中心): departments, the 14 streets and towns, and the district data catalogue with
 * its public open-data list. Start it with the subgraph kit; other subgraphs extend its Street and Department.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "graphql";
import { defineSubgraph } from "../kit/module.ts";
import { departmentManifestRoutes } from "./departmentManifests.ts";
import { PrismaClient } from "./generated/prisma/client.ts";
import { createLoaders } from "./loaders.ts";
import { permissions } from "./permissions.ts";
import { resolvers } from "./resolvers.ts";
import { seed } from "./seed.ts";

export default defineSubgraph({
  name: "catalog",
  title: "Data catalog (区大数据中心)",
  defaultPort: 4101,
  department: "dept-data",
  typeDefs: parse(readFileSync(new URL("./schema.graphql", import.meta.url), "utf8")),
  resolvers,
  permissions,
  migrationsDir: fileURLToPath(new URL("../../prisma/catalog/migrations", import.meta.url)),
  createPrisma: (options) => new PrismaClient(options),
  createLoaders,
  // The data-catalogue entries of department manifests, delivered by the schema registry (docs/registry.md).
  createRoutes: (dependencies) => departmentManifestRoutes(dependencies, { now: () => new Date() }),
  seed,
});
