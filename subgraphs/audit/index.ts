/**
 * Audit subgraph (审计, 区大数据中心 security operations): the tamper-evident trail of data access. The gateway writes
 * one record per operation that returned classified data (POST /audit/records, gateway/audit/auditWriter.ts); the
 * records form a hash chain (`npm run audit:verify`); auditors query the trail and residents see who accessed their
 * data. The design is in docs/audit.md.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "graphql";
import { defineSubgraph, type Environment } from "../kit/module.ts";
import { PrismaClient } from "./generated/prisma/client.ts";
import { createIngestRoutes } from "./ingestRoute.ts";
import { createLoaders } from "./loaders.ts";
import { type AuditOptions, auditOptionsFromEnvironment, resolveAuditOptions } from "./options.ts";
import { permissions } from "./permissions.ts";
import { resolvers } from "./resolvers.ts";
import { seed } from "./seed.ts";

export type { AuditOptions } from "./options.ts";

/** The module with chosen options: tests fix the clock and the retention. */
export function createAuditSubgraph(auditOptions: AuditOptions = {}) {
  const options = resolveAuditOptions(auditOptions);
  return defineSubgraph({
    name: "audit",
    title: "Audit (审计, 区大数据中心)",
    defaultPort: 4109,
    typeDefs: parse(readFileSync(new URL("./schema.graphql", import.meta.url), "utf8")),
    resolvers,
    permissions,
    migrationsDir: fileURLToPath(new URL("../../prisma/audit/migrations", import.meta.url)),
    createPrisma: (prismaOptions) => new PrismaClient(prismaOptions),
    createLoaders,
    createRoutes: (dependencies) => createIngestRoutes(dependencies, options),
    seed,
  });
}

/** The service as configured by an environment (AUDIT_RETENTION_DAYS, AUDIT_PRUNE_INTERVAL_MINUTES): the edge's call. */
export function configure(env: Environment) {
  return createAuditSubgraph(auditOptionsFromEnvironment(env));
}

/** The module with default options (composition, the registry, tests); a running service is built by `configure`. */
export default createAuditSubgraph();
