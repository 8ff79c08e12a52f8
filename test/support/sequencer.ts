/**
 * The order `npm test` runs its files in: the costliest first, so that the two workers finish together instead of one
 * running a long file alone at the end (vitest.config.ts `sequence.sequencer`).
 *
 * Vitest's own order is by the durations of the previous run when its cache has them, else by file size. CI runs from
 * a clean clone, where there is no cache, and size says little here: a 300-line file that starts the whole district
 * graph costs a minute, a 1,000-line file of pure functions a second. So every run, with or without a cache, orders by
 * what a file starts, read from its source, and by size within that:
 *
 * 1. a whole district graph (`startDistrictGraph`, `seedAhead`): tens of seconds each;
 * 2. databases: subgraphs, registries, a department's test bed (`*Testbed.ts`), test databases (seconds each);
 * 3. HTTP servers and gateways without a database, and rendering every deployment manifest (`checkDeployment`);
 * 4. the rest (pure functions, parsing, files read).
 *
 * The same order locally and in CI, so what is measured on one machine is what CI runs.
 */
import { readFileSync } from "node:fs";
import type { TestSpecification } from "vitest/node";
import { BaseSequencer } from "vitest/node";

const STARTS: Array<[cost: number, pattern: RegExp]> = [
  [3, /\b(startDistrictGraph|seedAhead)\(/],
  [
    2,
    /\b(startTestSubgraph|startSubgraph|startTestRegistry|startRegistry|startAuditedGraph|createTestDatabase|openSubgraphDatabase)\(|Testbed\.ts"/,
  ],
  [1, /\b(startTestGateway|startGateway|startTestIssuer|startStandaloneServer|createServer|checkDeployment)\(/],
];

/** A file's cost class (3 highest) and its size in bytes. */
export function fileCost(source: string): { cost: number; size: number } {
  const cost = STARTS.find(([, pattern]) => pattern.test(source))?.[0] ?? 0;
  return { cost, size: source.length };
}

export function costliestFirst<T>(files: Array<{ file: T; source: string }>): T[] {
  return files
    .map(({ file, source }) => ({ file, ...fileCost(source) }))
    .sort((a, b) => b.cost - a.cost || b.size - a.size)
    .map(({ file }) => file);
}

export default class CostliestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return costliestFirst(files.map((file) => ({ file, source: readFileSync(file.moduleId, "utf8") })));
  }
}
