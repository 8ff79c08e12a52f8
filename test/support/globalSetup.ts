/**
 * Once per `npm test` run: a folder for seeded PGlite snapshots (test/support/pgliteSnapshots.ts), removed at the end.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import type {} from "./pgliteSnapshots.ts"; // the provided value's type

export default async function setup(project: TestProject) {
  const dir = await mkdtemp(join(tmpdir(), "og-pglite-snapshots-"));
  project.provide("pgliteSnapshotDir", dir);
  return async () => {
    await rm(dir, { recursive: true, force: true });
  };
}
