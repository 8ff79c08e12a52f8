import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "test/**/*.test.ts",
      "subgraphs/**/*.test.ts",
      "legacy/**/*.test.ts",
      "gateway/**/*.test.ts",
      "lib/**/*.test.ts",
    ],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: in-process PGlite databases are CPU heavy, so files run two at a time.
    maxWorkers: 2,
  },
});
