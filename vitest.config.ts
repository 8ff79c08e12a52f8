import { defineConfig } from "vitest/config";
import CostliestFirstSequencer from "./test/support/sequencer.ts";

/**
 * Two tiers (CONTRIBUTING.md): `npm test` runs unit and integration tests in-process on OS-chosen ports;
 * `npm run test:e2e` (vitest.e2e.config.ts) starts real processes — the one-command start, and later the browser.
 */
export default defineConfig({
  test: {
    include: [
      "test/**/*.test.ts",
      "subgraphs/**/*.test.ts",
      "legacy/**/*.test.ts",
      "gateway/**/*.test.ts",
      "lib/**/*.test.ts",
    ],
    exclude: ["test/e2e/**", "**/node_modules/**"],
    // A folder for seeded PGlite snapshots: each department is seeded once per run (test/support/pgliteSnapshots.ts).
    globalSetup: ["test/support/globalSetup.ts"],
    // Before each file: password hashing at the test cost (test/support/setup.ts).
    setupFiles: ["test/support/setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: in-process PGlite databases are CPU heavy, so files run two at a time.
    maxWorkers: 2,
    // The costliest files first, by what they start, with or without vitest's cache (test/support/sequencer.ts).
    sequence: { sequencer: CostliestFirstSequencer },
    // Files share a worker's module cache: the gateway, Apollo, Prisma clients and PGlite are imported once per worker
    // instead of once per file (about a third of the run's CPU on these two cores). Tests therefore keep no state in
    // modules they do not own, never mock modules, and stop every server they start.
    isolate: false,
  },
});
