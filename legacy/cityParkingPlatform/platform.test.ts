/**
 * The platform's contract (openapi.yaml), checked against its own records (records.json, through registry.ts): a
 * legacy system's tests know nothing of the district's code. That the records match the district's parking roster is
 * checked from the district's side (test/legacy/cityParkingRecords.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPlatformRegistry } from "./registry.ts";
import { type CityParkingPlatform, MAX_CODES_PER_CALL, startCityParkingPlatform } from "./server.ts";

/** The platform's clock, moved by the tests: noon in Shanghai on the seed's base date. */
const NOON = Date.parse("2026-12-01T12:00:00+08:00");
let clock = NOON;

let platform: CityParkingPlatform;
const records = buildPlatformRegistry();
const facilityCodes = [...records.facilities.keys()];
const stationCodes = [...records.chargingSites.keys()];

beforeAll(async () => {
  platform = await startCityParkingPlatform({
    port: 0,
    latencyMs: { min: 0, max: 0 },
    failureRate: 0,
    now: () => clock,
  });
});

afterAll(async () => {
  await platform?.stop();
});

async function get(path: string) {
  const response = await fetch(`${platform.url}${path}`);
  const type = response.headers.get("content-type") ?? "";
  const body = type.startsWith("application/json") ? await response.json() : await response.text();
  return { status: response.status, headers: response.headers, body: body as any };
}

const availability = (codes: readonly string[]) => get(`/api/v1/availability?codes=${codes.join(",")}`);
const chargers = (codes: readonly string[]) => get(`/api/v1/chargers?codes=${codes.join(",")}`);

describe("availability", () => {
  it("answers known codes in the order asked and lists codes it does not know apart", async () => {
    const asked = [facilityCodes[2]!, "SH-JA-P-99999", facilityCodes[0]!, facilityCodes[2]!];
    const { status, body } = await availability(asked);
    expect(status).toBe(200);
    expect(body.items.map((item: any) => item.code)).toEqual([facilityCodes[2], facilityCodes[0]]);
    expect(body.unknown).toEqual(["SH-JA-P-99999"]);
    for (const item of body.items) {
      expect(Object.keys(item).sort()).toEqual(["code", "freeSpaces", "totalSpaces", "updatedAt"]);
      expect(item.freeSpaces).toBeGreaterThanOrEqual(0);
      expect(item.freeSpaces).toBeLessThanOrEqual(item.totalSpaces);
      expect(item.updatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    }
  });

  it("answers for every facility in its records, with the capacity recorded", async () => {
    const items: any[] = [];
    for (let i = 0; i < facilityCodes.length; i += MAX_CODES_PER_CALL) {
      const { body } = await availability(facilityCodes.slice(i, i + MAX_CODES_PER_CALL));
      expect(body.unknown).toEqual([]);
      items.push(...body.items);
    }
    expect(items).toHaveLength(facilityCodes.length);
    expect(facilityCodes.length).toBeGreaterThan(500);
    for (const item of items) expect(item.totalSpaces).toBe(records.facilities.get(item.code)!.totalSpaces);
  });

  it("accepts 200 codes in one call and refuses 201 with 400 TOO_MANY_CODES", async () => {
    const ok = await availability(facilityCodes.slice(0, 200));
    expect(ok.status).toBe(200);
    expect(ok.body.items).toHaveLength(200);

    const tooMany = await availability(facilityCodes.slice(0, 201));
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error).toMatchObject({ code: "TOO_MANY_CODES", max: 200, received: 201 });
    expect(tooMany.body.error.message).toMatch(/Split the list/);
    expect(tooMany.body.error.requestId).toEqual(expect.any(String));
  });

  it("refuses a missing list, an empty entry and a code of the wrong form with 400", async () => {
    const missing = await get("/api/v1/availability");
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe("MISSING_CODES");
    const empty = await get(`/api/v1/availability?codes=${facilityCodes[0]},,`);
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe("MALFORMED_CODE");
    const wrongKind = await get(`/api/v1/availability?codes=${stationCodes[0]}`);
    expect(wrongKind.body.error).toMatchObject({ code: "MALFORMED_CODE", invalid: [stationCodes[0]] });
    const injected = await get(`/api/v1/availability?codes=${encodeURIComponent("SH-JA-P-1'; DROP TABLE")}`);
    expect(injected.status).toBe(400);
  });

  it("drifts with the clock: the same refresh gives the same numbers, the day changes them", async () => {
    const sample = facilityCodes.slice(0, 50);
    clock = NOON;
    const first = (await availability(sample)).body.items;
    clock = NOON + 5_000; // same 15-second refresh window
    const again = (await availability(sample)).body.items;
    expect(again).toEqual(first);
    expect(first[0].updatedAt).toBe("2026-12-01T12:00:00+08:00");

    clock = Date.parse("2026-12-01T04:00:00+08:00");
    const night = (await availability(sample)).body.items;
    clock = NOON;
    const free = (items: any[]) => items.reduce((sum, item) => sum + item.freeSpaces, 0);
    expect(night[0].updatedAt).toBe("2026-12-01T04:00:00+08:00");
    // Garages are emptier at 4 a.m. than at noon.
    expect(free(night)).toBeGreaterThan(free(first));
  });
});

describe("chargers", () => {
  it("reports fast and slow chargers per site with how many of each are free", async () => {
    const { status, body } = await chargers([...stationCodes.slice(0, 20), "SH-JA-C-99999"]);
    expect(status).toBe(200);
    expect(body.unknown).toEqual(["SH-JA-C-99999"]);
    expect(body.items).toHaveLength(20);
    for (const item of body.items) {
      const site = records.chargingSites.get(item.code)!;
      expect(item.fast.total).toBe(site.chargers.filter((c) => c.type === "FAST").length);
      expect(item.slow.total).toBe(site.chargers.filter((c) => c.type === "SLOW").length);
      expect(item.fast.free + item.slow.free + item.faulted).toBeLessThanOrEqual(item.fast.total + item.slow.total);
      expect(item.facilityCode).toBe(site.facilityCode);
    }
    const totalFree = body.items.reduce((sum: number, item: any) => sum + item.fast.free + item.slow.free, 0);
    expect(totalFree).toBeGreaterThan(0);
  });

  it("refuses facility codes and more than 200 codes", async () => {
    expect((await chargers([facilityCodes[0]!])).body.error.code).toBe("MALFORMED_CODE");
    const many = Array.from({ length: 201 }, (_, i) => `SH-JA-C-${String(i).padStart(5, "0")}`);
    const tooMany = await chargers(many);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.code).toBe("TOO_MANY_CODES");
  });
});

describe("faults and operations", () => {
  it("answers data calls with 503 and a JSON error body while failing, and keeps its health endpoint up", async () => {
    await platform.setFaults({ failureRate: 1 });
    try {
      const failed = await availability(facilityCodes.slice(0, 3));
      expect(failed.status).toBe(503);
      expect(failed.headers.get("retry-after")).toBe("1");
      expect(failed.body).toEqual({
        error: {
          code: "SERVICE_UNAVAILABLE",
          message: expect.stringMatching(/retry later/),
          requestId: expect.any(String),
        },
      });
      expect((await chargers(stationCodes.slice(0, 3))).status).toBe(503);
      const health = await get("/api/v1/health");
      expect(health.status).toBe(200);
      expect(health.body).toMatchObject({
        status: "UP",
        facilities: facilityCodes.length,
        chargingSites: stationCodes.length,
      });
    } finally {
      await platform.setFaults({ failureRate: 0 });
    }
    expect((await availability(facilityCodes.slice(0, 3))).status).toBe(200);
  });

  it("refuses connections while down and serves again on the same port when back up", async () => {
    const attempt = () =>
      fetch(`${platform.url}/api/v1/health`).then(
        () => "answered",
        (error: any) => error.cause?.code as string,
      );
    await platform.setFaults({ down: true });
    try {
      // The first attempt may reuse a pooled keep-alive socket the platform just cut (UND_ERR_SOCKET); a new
      // connection is refused outright.
      expect(await attempt()).not.toBe("answered");
      expect(await attempt()).toBe("ECONNREFUSED");
    } finally {
      await platform.setFaults({ down: false });
    }
    expect((await get("/api/v1/health")).status).toBe(200);
  });

  it("waits the configured latency before answering", async () => {
    await platform.setFaults({ latencyMs: { min: 150, max: 200 } });
    try {
      const started = performance.now();
      expect((await availability(facilityCodes.slice(0, 1))).status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(145);
    } finally {
      await platform.setFaults({ latencyMs: { min: 0, max: 0 } });
    }
  });

  it("counts the requests it received, by path", async () => {
    const before = platform.stats();
    await availability(facilityCodes.slice(0, 2));
    await availability(facilityCodes.slice(2, 4));
    await chargers(stationCodes.slice(0, 2));
    const after = platform.stats();
    expect(after.requests - before.requests).toBe(3);
    expect(after.byPath["/api/v1/availability"]! - (before.byPath["/api/v1/availability"] ?? 0)).toBe(2);
    expect(after.byPath["/api/v1/chargers"]! - (before.byPath["/api/v1/chargers"] ?? 0)).toBe(1);
  });

  it("serves its OpenAPI 3.1 contract, documenting every endpoint and the 200-code limit", async () => {
    const { status, headers, body } = await get("/openapi.yaml");
    expect(status).toBe(200);
    expect(headers.get("content-type")).toMatch(/^application\/yaml/);
    expect(body).toMatch(/^openapi: 3\.1\.0$/m);
    for (const path of ["/api/v1/availability", "/api/v1/chargers", "/api/v1/health"]) {
      expect(body).toContain(`  ${path}:`);
    }
    for (const code of ["TOO_MANY_CODES", "MALFORMED_CODE", "MISSING_CODES", "SERVICE_UNAVAILABLE"]) {
      expect(body).toContain(code);
    }
    expect(body).toMatch(/up to 200 codes/i);
  });

  it("answers unknown paths with 404 and other methods than GET with 405", async () => {
    expect((await get("/api/v2/availability")).status).toBe(404);
    const post = await fetch(`${platform.url}/api/v1/availability`, { method: "POST", body: "{}" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET");
  });
});
