/**
 * Health subgraph (区卫健委, 健康静安): hospitals and community health centres, clinics, doctors, appointment slots
 * with estimated waiting times (便捷就医少等待) and appointments, and the nursing homes of the
 * 养老院+互联网医院 pilot with their chronic-disease follow-ups and prescription renewals.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "graphql";
import { defineSubgraph } from "../kit/module.ts";
import { PrismaClient } from "./generated/prisma/client.ts";
import { createLoaders } from "./loaders.ts";
import { permissions } from "./permissions.ts";
import { createResolvers, type HealthResolverOptions } from "./resolvers.ts";
import { seed } from "./seed.ts";

/** The module with a chosen clock: tests fix "now" so that the seeded schedule stays in the future. */
export function createHealthSubgraph(options: HealthResolverOptions = {}) {
  return defineSubgraph({
    name: "health",
    title: "Health (区卫健委)",
    defaultPort: 4102,
    department: "dept-health",
    typeDefs: parse(readFileSync(new URL("./schema.graphql", import.meta.url), "utf8")),
    resolvers: createResolvers(options),
    permissions,
    migrationsDir: fileURLToPath(new URL("../../prisma/health/migrations", import.meta.url)),
    createPrisma: (prismaOptions) => new PrismaClient(prismaOptions),
    createLoaders,
    seed,
  });
}

export default createHealthSubgraph();
