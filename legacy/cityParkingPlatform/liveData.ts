/**
 * The platform's live data: occupancy of each facility and the state of each charger, as pure functions of the
 * record and the clock. Nothing is stored, so two platform instances (or two calls) agree on the value at any
 * instant, and tests can pin the clock. Values change only when the platform "refreshes" (every 15 s, as the city's
 * collectors report), so repeated reads inside one refresh window return the same numbers.
 *
 * The curves are plausible for central Shanghai: shopping garages fill from late morning to evening, residential
 * garages shared in the daytime (错峰共享) fill while residents are at work, railway and P+R car parks stay busy,
 * road parking is busy during its charging hours.
 */
import type { OccupancyProfile, PlatformChargingSite, PlatformFacility } from "./registry.ts";

/** How often the platform publishes new numbers. */
export const REFRESH_MS = 15_000;
/** Occupancy wanders between independent points this far apart. */
const NOISE_STEP_MS = 120_000;
/** A charger's session lasts about this long before it may change state. */
const CHARGER_STEP_MS = 10 * 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Shanghai is UTC+8 all year. */
const SHANGHAI_OFFSET_MS = 8 * HOUR_MS;

/** Share of spaces taken at each hour of the day (0–23, Shanghai time); values between hours are interpolated. */
const OCCUPANCY_CURVES: Record<OccupancyProfile, readonly number[]> = {
  COMMERCIAL: [
    0.12, 0.1, 0.08, 0.08, 0.08, 0.1, 0.15, 0.25, 0.45, 0.6, 0.72, 0.8, 0.85, 0.85, 0.83, 0.84, 0.86, 0.9, 0.92, 0.9,
    0.8, 0.6, 0.35, 0.2,
  ],
  RESIDENTIAL_SHARED: [
    0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.1, 0.45, 0.75, 0.85, 0.85, 0.8, 0.82, 0.85, 0.85, 0.8, 0.55, 0.2, 0.05,
    0.05, 0.05, 0.05, 0.05,
  ],
  TRANSIT: [
    0.45, 0.4, 0.38, 0.38, 0.4, 0.5, 0.65, 0.8, 0.88, 0.9, 0.88, 0.85, 0.85, 0.85, 0.86, 0.88, 0.9, 0.9, 0.85, 0.78,
    0.7, 0.62, 0.55, 0.5,
  ],
  ROADSIDE: [
    0.1, 0.08, 0.08, 0.08, 0.08, 0.1, 0.2, 0.55, 0.8, 0.9, 0.92, 0.9, 0.88, 0.9, 0.92, 0.9, 0.88, 0.9, 0.85, 0.75, 0.6,
    0.3, 0.15, 0.1,
  ],
};

/** Share of chargers in use by hour: evening home charging, daytime top-ups, few at dawn. */
const CHARGING_DEMAND: readonly number[] = [
  0.35, 0.3, 0.25, 0.2, 0.2, 0.2, 0.25, 0.35, 0.5, 0.55, 0.55, 0.55, 0.6, 0.6, 0.55, 0.55, 0.6, 0.65, 0.7, 0.7, 0.65,
  0.55, 0.45, 0.4,
];

/** Chargers out of order on a given day (故障桩). */
const FAULT_RATE = 0.04;

/** A stable number in [0, 1) for the given parts (FNV-1a with a murmur3 finaliser). */
export function hash01(...parts: Array<string | number>): number {
  let state = 0x811c9dc5;
  const text = parts.join("|");
  for (let i = 0; i < text.length; i++) {
    state ^= text.charCodeAt(i);
    state = Math.imul(state, 0x01000193);
  }
  state ^= state >>> 16;
  state = Math.imul(state, 0x85ebca6b);
  state ^= state >>> 13;
  state = Math.imul(state, 0xc2b2ae35);
  state ^= state >>> 16;
  return (state >>> 0) / 4294967296;
}

/** The start of the refresh window that contains `at`: the instant the published numbers describe. */
export function refreshedAt(at: number): number {
  return Math.floor(at / REFRESH_MS) * REFRESH_MS;
}

function hourOfDay(at: number): number {
  return ((((at + SHANGHAI_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS;
}

function interpolate(curve: readonly number[], hour: number): number {
  const h = Math.floor(hour);
  const from = curve[h % 24]!;
  const to = curve[(h + 1) % 24]!;
  return from + (to - from) * (hour - h);
}

/** Noise in [-1, 1] that drifts smoothly: linear between independent points NOISE_STEP_MS apart. */
function drift(key: string, at: number): number {
  const step = Math.floor(at / NOISE_STEP_MS);
  const fraction = at / NOISE_STEP_MS - step;
  const from = hash01(key, step) * 2 - 1;
  const to = hash01(key, step + 1) * 2 - 1;
  return from + (to - from) * fraction;
}

export interface FacilityOccupancy {
  totalSpaces: number;
  freeSpaces: number;
  /** Epoch ms of the refresh the numbers come from. */
  updatedAt: number;
}

export function facilityOccupancy(facility: PlatformFacility, at: number): FacilityOccupancy {
  const stamp = refreshedAt(at);
  // Each facility runs a little fuller or emptier than its profile, and wanders around that.
  const bias = (hash01(facility.code, "bias") - 0.5) * 0.2;
  const rate =
    interpolate(OCCUPANCY_CURVES[facility.profile], hourOfDay(stamp)) + bias + drift(facility.code, stamp) * 0.08;
  const occupied = Math.round(facility.totalSpaces * Math.min(1, Math.max(0, rate)));
  return { totalSpaces: facility.totalSpaces, freeSpaces: facility.totalSpaces - occupied, updatedAt: stamp };
}

export type ChargerState = "IDLE" | "CHARGING" | "FAULT";

export function chargerState(chargerId: string, at: number): ChargerState {
  const day = Math.floor((at + SHANGHAI_OFFSET_MS) / DAY_MS);
  if (hash01(chargerId, "fault", day) < FAULT_RATE) return "FAULT";
  // Chargers change state at their own moments, not all on the same tick.
  const phase = hash01(chargerId, "phase") * CHARGER_STEP_MS;
  const session = Math.floor((at + phase) / CHARGER_STEP_MS);
  return hash01(chargerId, session) < interpolate(CHARGING_DEMAND, hourOfDay(at)) ? "CHARGING" : "IDLE";
}

export interface ChargingSiteStatus {
  fast: { total: number; free: number };
  slow: { total: number; free: number };
  /** Chargers out of order now; neither free nor in use. */
  faulted: number;
  updatedAt: number;
}

export function chargingSiteStatus(site: PlatformChargingSite, at: number): ChargingSiteStatus {
  const stamp = refreshedAt(at);
  const status: ChargingSiteStatus = {
    fast: { total: 0, free: 0 },
    slow: { total: 0, free: 0 },
    faulted: 0,
    updatedAt: stamp,
  };
  for (const charger of site.chargers) {
    const counts = charger.type === "FAST" ? status.fast : status.slow;
    counts.total += 1;
    const state = chargerState(charger.id, stamp);
    if (state === "IDLE") counts.free += 1;
    else if (state === "FAULT") status.faulted += 1;
  }
  return status;
}
