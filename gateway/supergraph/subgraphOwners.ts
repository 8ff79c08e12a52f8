/**
 * Which department owns each subgraph, as published with the supergraph: `npm run compose` writes
 * `schema/supergraph.owners.json` beside `schema/supergraph.graphql` (`{ "health": "dept-health", … }`, from each
 * module's `department` in subgraphs/registry.ts). The meter attributes subgraph fetches to the owner
 * (gateway/observability/metering.ts). Re-read whenever the supergraph file reloads. A gateway loading its supergraph
 * from the schema registry takes the owners the registry serves with each revision instead (`set`).
 *
 * A missing file means no owners are known (a foreign supergraph, an integrator's graph): fetches count under `none`.
 * A file that does not validate is logged and ignored; the owners read before stay.
 */
import { readFile } from "node:fs/promises";
import { z } from "zod";
import type { Logger } from "../../lib/log.ts";

export const subgraphOwnersSchema = z.record(z.string().min(1).max(100), z.string().min(1).max(100));
export type SubgraphOwners = z.infer<typeof subgraphOwnersSchema>;

/** `schema/supergraph.graphql` → `schema/supergraph.owners.json`. */
export const ownersPathOf = (supergraphPath: string) => `${supergraphPath.replace(/\.graphql$/, "")}.owners.json`;

export interface SubgraphOwnerSource {
  ownerOf(subgraph: string): string | null;
  reload(): Promise<void>;
  /** Owners served with the supergraph (the schema registry's), replacing the file's. */
  set(owners: SubgraphOwners): void;
}

export async function loadSubgraphOwners(path: string, log: Logger): Promise<SubgraphOwnerSource> {
  let owners = new Map<string, string>();
  const reload = async () => {
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        owners = new Map();
        return;
      }
      log.warn({ path, err: { message: (error as Error).message } }, "subgraph owners not read; keeping the last");
      return;
    }
    try {
      owners = new Map(Object.entries(subgraphOwnersSchema.parse(JSON.parse(text))));
    } catch (error) {
      log.warn({ path, err: { message: (error as Error).message } }, "subgraph owners invalid; keeping the last");
    }
  };
  await reload();
  return {
    ownerOf: (subgraph) => owners.get(subgraph) ?? null,
    reload,
    set(next) {
      owners = new Map(Object.entries(next));
    },
  };
}
