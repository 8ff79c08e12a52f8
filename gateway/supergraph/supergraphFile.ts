/**
 * Serves a supergraph from a file and reloads it when the file changes, so integrators can point the gateway at
 * their own graph and publishing a new composition needs no restart. Apollo's gateway swaps schema and query
 * planner atomically: requests in flight finish on the plan they started with.
 *
 * A file that fails to load (half-written, invalid) is logged and ignored; the previous supergraph keeps serving.
 */
import { watch } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, dirname } from "node:path";
import type { SupergraphManager, SupergraphSdlHook } from "@apollo/gateway";
import type { Logger } from "../../lib/log.ts";

export interface SupergraphFileOptions {
  path: string;
  log: Logger;
  /** Quiet period after the last change event before reloading (editors write files in several steps). */
  debounceMs?: number;
  /** What Apollo's gateway is given for a file's SDL (default: the SDL itself). */
  forPlanner?: (supergraphSdl: string) => string;
  /** Called after each successful (re)load, with the SDL now served (as in the file). */
  onLoaded?: (supergraphSdl: string) => void;
}

export class SupergraphFile implements SupergraphManager {
  private current = "";
  constructor(private readonly options: SupergraphFileOptions) {}

  initialize: SupergraphSdlHook = async ({ update }) => {
    const { path, log, debounceMs = 150, onLoaded, forPlanner = (sdl: string) => sdl } = this.options;
    this.current = await readSupergraph(path);
    onLoaded?.(this.current);
    log.info({ path }, "supergraph loaded");

    let timer: NodeJS.Timeout | undefined;
    const reload = async () => {
      let next: string;
      try {
        next = await readSupergraph(path);
      } catch (error) {
        log.warn({ err: error, path }, "supergraph file unreadable; keeping the loaded supergraph");
        return;
      }
      if (next === this.current) return;
      try {
        update(forPlanner(next));
        this.current = next;
        onLoaded?.(next);
        log.info({ path }, "supergraph reloaded");
      } catch (error) {
        log.error({ err: error, path }, "new supergraph rejected; keeping the loaded supergraph");
      }
    };
    // Watch the folder, not the file: tools replace files by rename, which ends a watch on the old inode.
    const watcher = watch(dirname(path), (_event, filename) => {
      if (filename !== null && filename !== basename(path)) return;
      clearTimeout(timer);
      timer = setTimeout(() => void reload(), debounceMs);
    });
    return {
      supergraphSdl: forPlanner(this.current),
      cleanup: async () => {
        clearTimeout(timer);
        watcher.close();
      },
    };
  };
}

async function readSupergraph(path: string): Promise<string> {
  const sdl = await readFile(path, "utf8");
  if (!sdl.includes("@link") || !sdl.includes("join__Graph")) {
    throw new Error(`${path} is not a Federation 2 supergraph (no join__Graph); run npm run compose.`);
  }
  return sdl;
}

/** Subgraph names and URLs declared in a supergraph (`join__Graph` enum values). */
export function subgraphsOf(supergraphSdl: string): Array<{ name: string; url: string }> {
  const found: Array<{ name: string; url: string }> = [];
  for (const match of supergraphSdl.matchAll(/@join__graph\(\s*name:\s*"([^"]+)"\s*,\s*url:\s*"([^"]*)"\s*\)/g)) {
    found.push({ name: match[1] as string, url: match[2] as string });
  }
  return found;
}
