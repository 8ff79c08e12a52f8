/**
 * Education subgraph (区教育局, seed §7): schools and the smart-school programme (数字赋能示范校,
 * 信息化应用标杆校), lifelong-learning centres and their courses for residents with enrolments (市民终身教育), the
 * learning-resource library (优质教育资源库), and the student digital portraits of the pilot schools (学生数字画像 —
 * minors' data, the most sensitive class).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "graphql";
import { defineSubgraph } from "../kit/module.ts";
import { PrismaClient } from "./generated/prisma/client.ts";
import { createLoaders } from "./loaders.ts";
import { permissions } from "./permissions.ts";
import { createResolvers, type EducationResolverOptions } from "./resolvers.ts";
import { seed } from "./seed.ts";

/** The module with a chosen clock: tests fix "now" so that the seeded winter term stays in the future. */
export function createEducationSubgraph(options: EducationResolverOptions = {}) {
  return defineSubgraph({
    name: "education",
    title: "Education (区教育局)",
    defaultPort: 4103,
    department: "dept-education",
    typeDefs: parse(readFileSync(new URL("./schema.graphql", import.meta.url), "utf8")),
    resolvers: createResolvers(options),
    permissions,
    migrationsDir: fileURLToPath(new URL("../../prisma/education/migrations", import.meta.url)),
    createPrisma: (prismaOptions) => new PrismaClient(prismaOptions),
    createLoaders,
    seed,
  });
}

export default createEducationSubgraph();
