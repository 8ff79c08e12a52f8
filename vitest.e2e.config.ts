import { defineConfig } from "vitest/config";

/** The end-to-end tier: whole processes started as a user would start them, and whole seeds, one file at a time. */
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 480_000,
    maxWorkers: 1,
    fileParallelism: false,
  },
});
