/**
 * Serves the supergraph the schema registry holds (接入管理, docs/registry.md): fetched at start, then polled; a new
 * revision is handed to Apollo's gateway, which swaps schema and planner atomically (the snapshot of derived facts is
 * swapped with it, ./supergraphSnapshot.ts). Every poll carries the gateway's envelope (scope
 * `registry:supergraph:read`), bound to that GET.
 *
 * The gateway does not start without a supergraph from the registry; afterwards a registry that does not answer, or
 * a revision that does not load, is logged and the loaded supergraph keeps serving.
 */
import type { SupergraphManager, SupergraphSdlHook } from "@apollo/gateway";
import type { Logger } from "../../lib/log.ts";
import { type SubgraphOwners, subgraphOwnersSchema } from "./subgraphOwners.ts";

export interface RegistrySupergraphOptions {
  /** The registry's base URL, e.g. http://registry:4110. */
  registryUrl: string;
  /** Signed headers for one GET of this exact URL. */
  headers: (url: string) => Record<string, string>;
  intervalMs: number;
  log: Logger;
  timeoutMs?: number;
  /** What Apollo's gateway is given for a supergraph (default: the SDL itself). */
  forPlanner?: (supergraphSdl: string) => string;
  /** The owner department of each subgraph, as the registry serves them with each revision applied. */
  onOwners?: (owners: SubgraphOwners) => void;
}

export class RegistrySupergraph implements SupergraphManager {
  private revision = 0;
  private served = 0;
  constructor(private readonly options: RegistrySupergraphOptions) {}

  /** The registry revision being served (0 before the first load): og_gateway_supergraph_revision. */
  servedRevision(): number {
    return this.served;
  }

  private async fetchCurrent(): Promise<{ revision: number; sdl: string; owners: SubgraphOwners | null }> {
    const { registryUrl, headers, timeoutMs = 5_000 } = this.options;
    const url = `${registryUrl.replace(/\/$/, "")}/supergraph`;
    const response = await fetch(url, { headers: headers(url), signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new Error(`the registry answered HTTP ${response.status}`);
    const body = (await response.json()) as { revision?: unknown; sdl?: unknown; owners?: unknown };
    if (!Number.isInteger(body.revision) || typeof body.sdl !== "string" || !body.sdl.includes("join__Graph")) {
      throw new Error("the registry's answer is not a supergraph revision");
    }
    // Owners that do not validate are left out (metering counts those fetches under no department), never fatal.
    const owners = subgraphOwnersSchema.safeParse(body.owners);
    return { revision: body.revision as number, sdl: body.sdl, owners: owners.success ? owners.data : null };
  }

  initialize: SupergraphSdlHook = async ({ update }) => {
    const { log, intervalMs, forPlanner = (sdl: string) => sdl } = this.options;
    const first = await this.fetchCurrent();
    this.revision = first.revision;
    this.served = first.revision;
    if (first.owners) this.options.onOwners?.(first.owners);
    log.info({ revision: first.revision }, "supergraph loaded from the registry");
    let polling = false;
    const timer = setInterval(async () => {
      if (polling) return;
      polling = true;
      try {
        const next = await this.fetchCurrent();
        if (next.revision === this.revision) return;
        try {
          update(forPlanner(next.sdl));
          this.revision = next.revision;
          this.served = next.revision;
          if (next.owners) this.options.onOwners?.(next.owners);
          log.info({ revision: next.revision }, "supergraph revision from the registry applied");
        } catch (error) {
          // Not retried until the registry has a newer revision.
          this.revision = next.revision;
          log.error({ err: error, revision: next.revision }, "registry supergraph rejected; keeping the loaded one");
        }
      } catch (error) {
        log.warn({ err: error }, "registry not reachable; keeping the loaded supergraph");
      } finally {
        polling = false;
      }
    }, intervalMs);
    timer.unref();
    return {
      supergraphSdl: forPlanner(first.sdl),
      cleanup: async () => clearInterval(timer),
    };
  };
}
