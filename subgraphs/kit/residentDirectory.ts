/**
 * Where residents live, for jurisdiction (属地管理): an officer reaches a resident — their identity, their records, a
 * front-desk action for them — only when the resident's registered street is in the officer's jurisdiction.
 *
 * The register of residence belongs to the identity service (one data, one source); every other subgraph asks it
 * through a `ResidentDirectory`:
 *
 * - per request, one DataLoader (`createResidentStreets`): the residents of one list cost one lookup, never one each;
 * - per process, a bounded cache with a short lifetime (`cachedResidentDirectory`): a move is seen within `ttlMs`;
 * - over the wire, `httpResidentDirectory` posts batches of ids to identity's `POST /residents/streets`, which answers
 *   only callers holding the directory key (RESIDENT_DIRECTORY_KEY) — the register is personal data (an address).
 *
 * A subgraph without a directory reaches no resident as an officer (`NO_RESIDENT_DIRECTORY`): deny by default.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import DataLoader from "dataloader";

/** The residence register, asked in batches: resident id → street id; unknown residents are absent from the map. */
export interface ResidentDirectory {
  streetsOf(residentIds: readonly string[]): Promise<Map<string, string>>;
}

/** One request's view of the register: `load(id)` → the street, or null for an unknown resident. */
export type ResidentStreets = DataLoader<string, string | null>;

/** A directory that knows nobody: officers reach no resident. The kit's default when none is configured. */
export const NO_RESIDENT_DIRECTORY: ResidentDirectory = { streetsOf: async () => new Map() };

/** The largest batch one lookup sends; a longer list is split. */
export const RESIDENT_DIRECTORY_BATCH = 500;

/** Per request: every resident looked up in one tick goes to the directory as one batch (and at most once). */
export function createResidentStreets(directory: ResidentDirectory): ResidentStreets {
  return new DataLoader<string, string | null>(
    async (ids) => {
      const streets = await directory.streetsOf(ids);
      return ids.map((id) => streets.get(id) ?? null);
    },
    { maxBatchSize: RESIDENT_DIRECTORY_BATCH },
  );
}

export interface ResidentDirectoryCacheOptions {
  /** How long a street is trusted, in ms (default 60 s): a move or a new resident is seen after at most this. */
  ttlMs?: number;
  /** Most residents kept (default 100,000, more than the district's residents); the oldest entries go first. */
  maxEntries?: number;
  now?: () => number;
}

/**
 * Keeps answers (and "unknown resident" answers) for `ttlMs`, so a busy subgraph asks identity about each resident
 * about once a minute, whatever its traffic.
 */
export function cachedResidentDirectory(
  inner: ResidentDirectory,
  { ttlMs = 60_000, maxEntries = 100_000, now = Date.now }: ResidentDirectoryCacheOptions = {},
): ResidentDirectory {
  const cache = new Map<string, { street: string | null; until: number }>();
  return {
    async streetsOf(ids) {
      const at = now();
      const found = new Map<string, string>();
      const missing: string[] = [];
      for (const id of ids) {
        const entry = cache.get(id);
        if (entry && entry.until > at) {
          if (entry.street !== null) found.set(id, entry.street);
        } else {
          missing.push(id);
        }
      }
      if (missing.length > 0) {
        const fresh = await inner.streetsOf(missing);
        for (const id of missing) {
          const street = fresh.get(id) ?? null;
          if (street !== null) found.set(id, street);
          cache.delete(id);
          cache.set(id, { street, until: at + ttlMs });
        }
        // Map order is insertion order: drop the oldest beyond the bound.
        for (const key of cache.keys()) {
          if (cache.size <= maxEntries) break;
          cache.delete(key);
        }
      }
      return found;
    },
  };
}

/** The header and scheme identity expects on `POST /residents/streets`. */
export const RESIDENT_DIRECTORY_PATH = "/residents/streets";

export interface HttpResidentDirectoryOptions {
  /** identity's `/residents/streets` URL, e.g. http://identity:4108/residents/streets */
  url: string;
  /** The shared directory key (RESIDENT_DIRECTORY_KEY), at least 32 characters. */
  key: string;
  /** Longest wait for identity, in ms (default 2 s). A failure fails the request (never "reach everybody"). */
  timeoutMs?: number;
}

/** The register over HTTP from the identity service, in batches of at most `RESIDENT_DIRECTORY_BATCH`. */
export function httpResidentDirectory({
  url,
  key,
  timeoutMs = 2_000,
}: HttpResidentDirectoryOptions): ResidentDirectory {
  return {
    async streetsOf(ids) {
      const found = new Map<string, string>();
      for (let start = 0; start < ids.length; start += RESIDENT_DIRECTORY_BATCH) {
        const batch = ids.slice(start, start + RESIDENT_DIRECTORY_BATCH);
        const response = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
          body: JSON.stringify({ ids: batch }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (!response.ok) throw new Error(`The resident directory answered ${response.status}.`);
        const body = (await response.json()) as { streets?: Record<string, unknown> };
        for (const id of batch) {
          const street = body.streets?.[id];
          if (typeof street === "string") found.set(id, street);
        }
      }
      return found;
    },
  };
}

/** Whether a presented directory key is the configured one (constant time; keys of any length compare safely). */
export function isDirectoryKey(presented: string | undefined, configured: string | undefined): boolean {
  if (!presented || !configured) return false;
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(presented), digest(configured));
}

/** Shortest directory key accepted: a shared secret, not a password. */
export const MIN_DIRECTORY_KEY_LENGTH = 32;
