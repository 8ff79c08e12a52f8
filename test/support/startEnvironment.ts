/**
 * Ports and data folders for `npm start` (scripts/start.ts) run by an end-to-end test: every department it starts —
 * those of subgraphs/registry.ts, then the registry-only ones it discovers (scripts/departmentOnboarding.ts), in its
 * order — on `firstPort`, `firstPort + 1`, …, each with its data under `dataDir`, so that no test uses a default port
 * or the repository's own .data folder.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { discoverDepartmentFolders } from "../../scripts/departmentOnboarding.ts";
import { subgraphModules } from "../../subgraphs/registry.ts";

const subgraphsDir = fileURLToPath(new URL("../../subgraphs", import.meta.url));

export function departmentEnvironment(firstPort: number, dataDir: string): Record<string, string> {
  const codeNames = subgraphModules.map((module) => module.name);
  const discovered = discoverDepartmentFolders(subgraphsDir, new Set(codeNames)).map((folder) => folder.name);
  const env: Record<string, string> = {};
  for (const [i, name] of [...codeNames, ...discovered].entries()) {
    const prefix = name.toUpperCase();
    env[`${prefix}_PORT`] = String(firstPort + i);
    env[`${prefix}_DATA_DIR`] = join(dataDir, name);
  }
  return env;
}
