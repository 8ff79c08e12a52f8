/**
 * Civil affairs subgraph (区民政局): elderly-care subsidies (养老服务补贴). Its roles, scopes, policy, purpose and
 * catalogue entries are declared in `department.json` and reach identity and catalog through the schema registry
 * (`npm run registry -- publish civil_affairs … --manifest subgraphs/civil_affairs/department.json`, docs/registry.md).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "graphql";
import { defineSubgraph } from "../kit/module.ts";
import { PrismaClient } from "./generated/prisma/client.ts";
import { createLoaders } from "./loaders.ts";
import { permissions } from "./permissions.ts";
import { resolvers } from "./resolvers.ts";
import { seed } from "./seed.ts";

export default defineSubgraph({
  name: "civil_affairs",
  title: "Civil affairs (区民政局)",
  defaultPort: 4111,
  department: "dept-civil-affairs",
  typeDefs: parse(readFileSync(new URL("./schema.graphql", import.meta.url), "utf8")),
  resolvers,
  permissions,
  migrationsDir: fileURLToPath(new URL("../../prisma/civil_affairs/migrations", import.meta.url)),
  createPrisma: (options) => new PrismaClient(options),
  createLoaders,
  seed,
});
