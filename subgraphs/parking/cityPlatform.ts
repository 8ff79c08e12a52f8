/**
 * The client of the city parking and charging platform (市级停车/充电平台), the legacy REST service that owns live
 * occupancy and charger status (contract: legacy/cityParkingPlatform/openapi.yaml). Everything the subgraph knows
 * about talking to it lives here:
 *
 * - batching: a lookup of n codes makes ceil(n / 200) calls, the platform's limit per call, sent in parallel;
 * - a short TTL cache (default 10 s) shared by all requests of this service, because the platform only refreshes
 *   every 15 s and the numbers are public, the same for every caller (no personal data is cached); codes already
 *   being fetched for another request wait for that call instead of making their own;
 * - a timeout per call (default 800 ms, `AbortSignal.timeout`), so a slow platform costs a bounded wait;
 * - failures (connection refused, timeout, 5xx, a body that does not match the contract) become a
 *   `CityPlatformUnavailable` value for the codes of the failed call, which the resolvers turn into null fields and
 *   one coded error. The platform's URL only ever reaches the server log, never an answer.
 *
 * Codes the platform reports as unknown resolve to null: a facility not on the platform has no live data, which is
 * not an error.
 */
import { z } from "zod";

/** The platform's documented limit of codes per call. */
export const PLATFORM_MAX_CODES_PER_CALL = 200;
export const DEFAULT_PLATFORM_TIMEOUT_MS = 800;
export const DEFAULT_PLATFORM_CACHE_TTL_MS = 10_000;
/** Bound on cached codes; the district has a few hundred, so this only guards against a runaway caller. */
const MAX_CACHE_ENTRIES = 20_000;

export interface CityPlatformOptions {
  /** Base URL of the platform, e.g. `http://127.0.0.1:4199` (paths `/api/v1/...` are appended). */
  url: string;
  /** Longest wait for one platform call, in ms. Default 800. */
  timeoutMs?: number;
  /** How long live values are reused, in ms; 0 turns the cache off. Default 10 000. */
  cacheTtlMs?: number;
}

/** Live occupancy of one facility, as the schema's `ParkingAvailability` shows it. */
export interface ParkingAvailability {
  totalSpaces: number;
  freeSpaces: number;
  updatedAt: Date;
  source: "city-platform";
}

/** Live state of one charging station, as the schema's `ChargerLiveStatus` shows it. */
export interface ChargerLiveStatus {
  fastTotal: number;
  fastFree: number;
  slowTotal: number;
  slowFree: number;
  outOfService: number;
  updatedAt: Date;
  source: "city-platform";
}

/**
 * What the codes of a failed call resolve to. One instance per failed lookup: every field it nulls shares it, so
 * the resolvers can report it once per request instead of once per row.
 */
export class CityPlatformUnavailable extends Error {
  /** Set by the first resolver that reports it. */
  reported = false;

  constructor(
    /** Which endpoint failed, for the error's extensions and the log. */
    readonly endpoint: "availability" | "chargers",
    /** Codes left without live values by this failure. */
    readonly affected: number,
    /** Why, for the server log only: it may name the platform's host. */
    readonly reason: string,
  ) {
    super(`City platform ${endpoint} lookup failed: ${reason}`);
    this.name = "CityPlatformUnavailable";
  }
}

/** A code's live value: the value, null (unknown to the platform), or the failure that left it without one. */
export type LiveValue<T> = T | null | CityPlatformUnavailable;

export interface CityPlatformClient {
  /** Live availability per facility code, in the order given. */
  availability(codes: readonly string[]): Promise<Array<LiveValue<ParkingAvailability>>>;
  /** Live charger status per charging-site code, in the order given. */
  chargers(codes: readonly string[]): Promise<Array<LiveValue<ChargerLiveStatus>>>;
}

/** ISO 8601 with an offset, as the contract promises; anything else is a malformed body. */
const platformTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/)
  .transform((text) => new Date(text));
const count = z.number().int().min(0);

const availabilityBody = z.object({
  items: z.array(z.object({ code: z.string(), totalSpaces: count, freeSpaces: count, updatedAt: platformTime })),
  unknown: z.array(z.string()),
});

const chargersBody = z.object({
  items: z.array(
    z.object({
      code: z.string(),
      fast: z.object({ total: count, free: count }),
      slow: z.object({ total: count, free: count }),
      faulted: count,
      updatedAt: platformTime,
    }),
  ),
  unknown: z.array(z.string()),
});

interface Endpoint<T> {
  name: "availability" | "chargers";
  path: string;
  /** Parses a 200 body into values by code (null for unknown codes); throws on a contract violation. */
  parse(body: unknown): Map<string, T | null>;
}

const AVAILABILITY: Endpoint<ParkingAvailability> = {
  name: "availability",
  path: "/api/v1/availability",
  parse(body) {
    const parsed = availabilityBody.parse(body);
    const values = new Map<string, ParkingAvailability | null>();
    for (const item of parsed.items) {
      // The platform's total wins for the live pair; a free count above it would be a platform bug, so clamp.
      values.set(item.code, {
        totalSpaces: item.totalSpaces,
        freeSpaces: Math.min(item.freeSpaces, item.totalSpaces),
        updatedAt: item.updatedAt,
        source: "city-platform",
      });
    }
    for (const code of parsed.unknown) values.set(code, null);
    return values;
  },
};

const CHARGERS: Endpoint<ChargerLiveStatus> = {
  name: "chargers",
  path: "/api/v1/chargers",
  parse(body) {
    const parsed = chargersBody.parse(body);
    const values = new Map<string, ChargerLiveStatus | null>();
    for (const item of parsed.items) {
      values.set(item.code, {
        fastTotal: item.fast.total,
        fastFree: Math.min(item.fast.free, item.fast.total),
        slowTotal: item.slow.total,
        slowFree: Math.min(item.slow.free, item.slow.total),
        outOfService: item.faulted,
        updatedAt: item.updatedAt,
        source: "city-platform",
      });
    }
    for (const code of parsed.unknown) values.set(code, null);
    return values;
  },
};

/** What one platform call brought back: values by code, or why it failed (for the log). */
type ChunkOutcome<T> = { values: Map<string, T | null> } | { reason: string };

/** A TTL cache of live values by code. Failures are never cached: the next request tries again. */
class LiveCache<T> {
  private readonly entries = new Map<string, { value: T | null; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly clock: () => number,
  ) {}

  get(code: string): { value: T | null } | undefined {
    const entry = this.entries.get(code);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.clock()) {
      this.entries.delete(code);
      return undefined;
    }
    return entry;
  }

  set(code: string, value: T | null): void {
    if (this.ttlMs <= 0) return;
    if (this.entries.size >= MAX_CACHE_ENTRIES) this.evictExpired();
    if (this.entries.size >= MAX_CACHE_ENTRIES) this.entries.clear();
    this.entries.set(code, { value, expiresAt: this.clock() + this.ttlMs });
  }

  private evictExpired(): void {
    const now = this.clock();
    for (const [code, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(code);
  }
}

function describe(error: unknown): string {
  if (error instanceof DOMException && error.name === "TimeoutError") return "timed out";
  if (error instanceof z.ZodError) return `malformed body (${error.issues[0]?.message ?? "schema mismatch"})`;
  if (error instanceof SyntaxError) return "malformed body (not JSON)";
  if (error instanceof Error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? error.message;
  }
  return String(error);
}

/**
 * `clock` drives the cache's expiry (ms); the subgraph passes its injectable "now" so tests can step past the TTL.
 */
export function createCityPlatformClient(options: CityPlatformOptions, clock: () => number): CityPlatformClient {
  const base = parseBaseUrl(options.url);
  const timeoutMs = options.timeoutMs ?? DEFAULT_PLATFORM_TIMEOUT_MS;
  const ttlMs = options.cacheTtlMs ?? DEFAULT_PLATFORM_CACHE_TTL_MS;
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) throw new RangeError("platform.timeoutMs must be positive.");
  if (!(Number.isFinite(ttlMs) && ttlMs >= 0)) throw new RangeError("platform.cacheTtlMs must be 0 or more.");

  /** One call of at most 200 codes. Resolves to values by code, or throws why it failed. */
  async function call<T>(endpoint: Endpoint<T>, codes: readonly string[]): Promise<Map<string, T | null>> {
    // Joined by hand so that a base URL with a path (a proxy, `https://proxy/city-parking`) keeps it.
    const url = new URL(`${base.pathname.replace(/\/+$/, "")}${endpoint.path}`, base);
    url.searchParams.set("codes", codes.join(","));
    const response = await fetch(url, {
      signal: AbortSignal.timeout(timeoutMs),
      headers: { accept: "application/json" },
      // A legacy system that redirects (to a login page, a maintenance notice) is not answering the question.
      redirect: "error",
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new Error(`HTTP ${response.status}`);
    }
    const values = endpoint.parse(await response.json());
    // A code neither answered nor reported unknown breaks the contract as surely as a malformed body.
    const missing = codes.filter((code) => !values.has(code));
    if (missing.length > 0) throw new Error(`malformed body (${missing.length} code(s) left out)`);
    return values;
  }

  /**
   * Answers codes from the cache, then from calls already on their way for other requests (so that a burst of
   * requests when the cache expires makes one round of calls, not one per request), then with new calls.
   */
  function lookup<T>(endpoint: Endpoint<T>, cache: LiveCache<T>) {
    const inflight = new Map<string, Promise<ChunkOutcome<T>>>();
    return async (codes: readonly string[]): Promise<Array<LiveValue<T>>> => {
      const values = new Map<string, T | null>();
      const pending = new Map<string, Promise<ChunkOutcome<T>>>();
      const misses: string[] = [];
      for (const code of new Set(codes)) {
        const hit = cache.get(code);
        const onItsWay = inflight.get(code);
        if (hit) values.set(code, hit.value);
        else if (onItsWay) pending.set(code, onItsWay);
        else misses.push(code);
      }
      for (let i = 0; i < misses.length; i += PLATFORM_MAX_CODES_PER_CALL) {
        const chunk = misses.slice(i, i + PLATFORM_MAX_CODES_PER_CALL);
        const outcome: Promise<ChunkOutcome<T>> = call(endpoint, chunk)
          .then(
            (answer) => {
              for (const code of chunk) cache.set(code, answer.get(code) ?? null);
              return { values: answer };
            },
            (error: unknown) => ({ reason: describe(error) }),
          )
          .finally(() => {
            for (const code of chunk) if (inflight.get(code) === outcome) inflight.delete(code);
          });
        for (const code of chunk) {
          inflight.set(code, outcome);
          pending.set(code, outcome);
        }
      }
      const failed: string[] = [];
      const reasons = new Set<string>();
      await Promise.all(
        [...pending].map(async ([code, promise]) => {
          const outcome = await promise;
          if ("reason" in outcome) {
            failed.push(code);
            reasons.add(outcome.reason);
          } else {
            values.set(code, outcome.values.get(code) ?? null);
          }
        }),
      );
      // One failure value for everything this lookup could not get, so the resolvers report it once.
      const failure =
        failed.length > 0 ? new CityPlatformUnavailable(endpoint.name, failed.length, [...reasons].join("; ")) : null;
      return codes.map((code) => (values.has(code) ? (values.get(code) as T | null) : failure));
    };
  }

  return {
    availability: lookup(AVAILABILITY, new LiveCache<ParkingAvailability>(ttlMs, clock)),
    chargers: lookup(CHARGERS, new LiveCache<ChargerLiveStatus>(ttlMs, clock)),
  };
}

function parseBaseUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RangeError(`platform.url must be an absolute http(s) URL; got ${JSON.stringify(url)}.`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new RangeError(`platform.url must use http or https; got ${parsed.protocol}.`);
  }
  return parsed;
}
