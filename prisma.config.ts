/**
 * Prisma CLI configuration. Prisma's Rust engines download at run time from a host these machines cannot
 * reach, so the CLI runs its WebAssembly schema engine (`engine: "js"`) through a driver adapter. The
 * adapter is only used by `migrate diff` (see scripts/migrations.ts); generation needs no database.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  adapter: async () =>
    new PrismaPg({
      connectionString: process.env.PRISMA_DIFF_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres",
    }),
});
