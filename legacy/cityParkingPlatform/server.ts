/**
 * A stand-in for the city parking and charging platform (市级停车/充电平台): a legacy REST/JSON service the district
 * reads but cannot change. Plain `node:http`, its own in-memory records (`registry.ts`), live numbers drifting with
 * the clock (`liveData.ts`), and the habits of a real legacy system that the parking subgraph must survive:
 * latency on every call, occasional 503s, a hard limit of 200 codes per call, and outages.
 *
 * Tests and demos change those habits at run time with `setFaults` (slower, flakier, down) and count what the
 * district's side asked for with `stats()`. The contract is `openapi.yaml`, served at `GET /openapi.yaml`.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { chargingSiteStatus, facilityOccupancy } from "./liveData.ts";
import { buildPlatformRegistry } from "./registry.ts";

/** The platform refuses larger batches (接口约定: 单次最多 200 个编码). */
export const MAX_CODES_PER_CALL = 200;

const FACILITY_CODE = /^SH-[A-Z]{2}-P-\d{5}$/;
const CHARGING_SITE_CODE = /^SH-[A-Z]{2}-C-\d{5}$/;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** pino's `(fields, message)` shape, so a service logger fits; the simulator logs little. */
export interface PlatformLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface LatencyRange {
  /** Shortest delay before the platform answers, in ms. */
  min: number;
  /** Longest delay, in ms; each call waits a uniformly drawn time in [min, max]. */
  max: number;
}

export interface CityParkingPlatformOptions {
  /** TCP port; 0 picks a free one (tests). Default 4199. */
  port?: number;
  host?: string;
  /** Delay of every `/api/v1/*` answer. Default 20–80 ms. */
  latencyMs?: LatencyRange;
  /** Share of data calls (availability, chargers) answered with 503. Default 0.02. */
  failureRate?: number;
  /** Seed of the generator that draws latencies and failures, so a run can be repeated. Default 7. */
  seed?: number;
  /** The platform's clock in epoch ms; live numbers are a function of it. Default `Date.now`. */
  now?: () => number;
  log?: PlatformLog;
}

export interface PlatformFaults {
  failureRate?: number;
  latencyMs?: LatencyRange;
  /** true: stop listening, so calls fail with "connection refused"; false: listen again on the same port. */
  down?: boolean;
}

export interface PlatformStats {
  /** HTTP requests received (a platform that is down receives none). */
  requests: number;
  /** Requests per path, e.g. `{ "/api/v1/availability": 3 }`. */
  byPath: Record<string, number>;
  /** Calls answered with an injected 503. */
  failures: number;
}

export interface CityParkingPlatform {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:4199`. */
  url: string;
  port: number;
  stop(): Promise<void>;
  stats(): PlatformStats;
  /** Changes latency, failure rate or availability from now on; resolves once the change is in effect. */
  setFaults(faults: PlatformFaults): Promise<void>;
}

const OPENAPI_YAML = readFileSync(new URL("./openapi.yaml", import.meta.url), "utf8");

const silentLog: PlatformLog = { info: () => {}, warn: () => {} };

/** mulberry32: a small seeded generator, so latencies and failures repeat from run to run. */
function seededRandom(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function validateLatency(latency: LatencyRange): LatencyRange {
  if (!(latency.min >= 0 && latency.max >= latency.min)) {
    throw new RangeError(`latencyMs must satisfy 0 <= min <= max; got ${JSON.stringify(latency)}.`);
  }
  return { ...latency };
}

function validateFailureRate(rate: number): number {
  if (!(rate >= 0 && rate <= 1)) throw new RangeError(`failureRate must be between 0 and 1; got ${rate}.`);
  return rate;
}

/** The platform writes times as ISO 8601 in Beijing time with an explicit offset, e.g. 2026-12-01T10:00:15+08:00. */
function beijingTime(epochMs: number): string {
  return `${new Date(epochMs + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}

class BadRequest extends Error {
  constructor(
    readonly code: "MISSING_CODES" | "TOO_MANY_CODES" | "MALFORMED_CODE",
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** Reads `codes=A,B,C` (repeatable), keeping the caller's order and dropping repeats. */
function parseCodes(url: URL, pattern: RegExp, example: string): string[] {
  const raw = url.searchParams.getAll("codes").join(",");
  if (raw.trim() === "") {
    throw new BadRequest("MISSING_CODES", `Pass codes=<comma-separated list>, e.g. codes=${example}.`);
  }
  const codes = raw.split(",").map((code) => code.trim());
  if (codes.length > MAX_CODES_PER_CALL) {
    throw new BadRequest(
      "TOO_MANY_CODES",
      `At most ${MAX_CODES_PER_CALL} codes per call; got ${codes.length}. Split the list into several calls.`,
      { max: MAX_CODES_PER_CALL, received: codes.length },
    );
  }
  const invalid = codes.filter((code) => !pattern.test(code));
  if (invalid.length > 0) {
    throw new BadRequest(
      "MALFORMED_CODE",
      `${invalid.length} code(s) do not have the form ${example.replace(/\d/g, "n")}: ${invalid
        .slice(0, 5)
        .map((code) => JSON.stringify(code))
        .join(", ")}.`,
      { invalid: invalid.slice(0, 20) },
    );
  }
  return [...new Set(codes)];
}

export async function startCityParkingPlatform(options: CityParkingPlatformOptions = {}): Promise<CityParkingPlatform> {
  const log = options.log ?? silentLog;
  const now = options.now ?? Date.now;
  const host = options.host ?? "127.0.0.1";
  const random = seededRandom(options.seed ?? 7);
  let latency = validateLatency(options.latencyMs ?? { min: 20, max: 80 });
  let failureRate = validateFailureRate(options.failureRate ?? 0.02);
  const registry = buildPlatformRegistry();
  const stats: PlatformStats = { requests: 0, byPath: {}, failures: 0 };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    if (res.destroyed) return;
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
    res.end(JSON.stringify(body));
  };
  const sendError = (
    res: ServerResponse,
    status: number,
    code: string,
    message: string,
    requestId: string,
    details: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ) => send(res, status, { error: { code, message, requestId, ...details } }, headers);

  const delay = () => {
    const ms = latency.min + random() * (latency.max - latency.min);
    return ms > 0 ? new Promise<void>((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://platform.invalid");
    const requestId = randomUUID();
    res.setHeader("x-request-id", requestId);
    stats.requests += 1;
    stats.byPath[url.pathname] = (stats.byPath[url.pathname] ?? 0) + 1;

    if (req.method !== "GET") {
      sendError(res, 405, "METHOD_NOT_ALLOWED", "Only GET is supported.", requestId, {}, { allow: "GET" });
      return;
    }
    if (url.pathname === "/openapi.yaml") {
      res.writeHead(200, { "content-type": "application/yaml; charset=utf-8" });
      res.end(OPENAPI_YAML);
      return;
    }
    const dataCall = url.pathname === "/api/v1/availability" || url.pathname === "/api/v1/chargers";
    if (!dataCall && url.pathname !== "/api/v1/health") {
      sendError(res, 404, "NOT_FOUND", `No such endpoint: ${url.pathname}. See /openapi.yaml.`, requestId);
      return;
    }

    await delay();
    if (dataCall && failureRate > 0 && random() < failureRate) {
      stats.failures += 1;
      log.warn({ path: url.pathname, requestId }, "injected failure");
      sendError(
        res,
        503,
        "SERVICE_UNAVAILABLE",
        "系统繁忙，请稍后重试 (the platform is busy; retry later).",
        requestId,
        {},
        { "retry-after": "1" },
      );
      return;
    }

    const at = now();
    try {
      if (url.pathname === "/api/v1/health") {
        send(res, 200, {
          status: "UP",
          time: beijingTime(at),
          facilities: registry.facilities.size,
          chargingSites: registry.chargingSites.size,
        });
      } else if (url.pathname === "/api/v1/availability") {
        const codes = parseCodes(url, FACILITY_CODE, "SH-JA-P-10037");
        const items = [];
        const unknown = [];
        for (const code of codes) {
          const facility = registry.facilities.get(code);
          if (!facility) {
            unknown.push(code);
            continue;
          }
          const live = facilityOccupancy(facility, at);
          items.push({
            code,
            totalSpaces: live.totalSpaces,
            freeSpaces: live.freeSpaces,
            updatedAt: beijingTime(live.updatedAt),
          });
        }
        send(res, 200, { items, unknown });
      } else {
        const codes = parseCodes(url, CHARGING_SITE_CODE, "SH-JA-C-20053");
        const items = [];
        const unknown = [];
        for (const code of codes) {
          const site = registry.chargingSites.get(code);
          if (!site) {
            unknown.push(code);
            continue;
          }
          const live = chargingSiteStatus(site, at);
          items.push({
            code,
            facilityCode: site.facilityCode,
            fast: live.fast,
            slow: live.slow,
            faulted: live.faulted,
            updatedAt: beijingTime(live.updatedAt),
          });
        }
        send(res, 200, { items, unknown });
      }
    } catch (error) {
      if (!(error instanceof BadRequest)) throw error;
      sendError(res, 400, error.code, error.message, requestId, error.details);
    }
  };

  const server = createServer({ keepAliveTimeout: 5_000 }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      log.warn({ err: error }, "request failed");
      if (!res.headersSent) send(res, 500, { error: { code: "INTERNAL_ERROR", message: "Internal error." } });
      else res.destroy();
    });
  });

  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  const close = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) {
        resolve();
        return;
      }
      server.close(() => resolve());
      // Keep-alive connections would otherwise keep serving a platform that is supposed to be gone.
      server.closeAllConnections();
    });

  await listen(options.port ?? 4199);
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host}:${port}`;
  log.info({ url, facilities: registry.facilities.size, chargingSites: registry.chargingSites.size }, "listening");

  let down = false;
  let stopped = false;
  return {
    url,
    port,
    stats: () => ({ requests: stats.requests, byPath: { ...stats.byPath }, failures: stats.failures }),
    setFaults: async (faults) => {
      if (faults.latencyMs) latency = validateLatency(faults.latencyMs);
      if (faults.failureRate !== undefined) failureRate = validateFailureRate(faults.failureRate);
      if (faults.down === true && !down) {
        down = true;
        await close();
        log.warn({}, "down (connections refused)");
      } else if (faults.down === false && down && !stopped) {
        down = false;
        await listen(port);
        log.info({ url }, "up again");
      }
    },
    stop: async () => {
      stopped = true;
      await close();
    },
  };
}
