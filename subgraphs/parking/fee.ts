/**
 * Parking fees: the facility's hourly price, charged per started half hour (每半小时计费, 不足半小时按半小时计).
 * Prices and fees are whole fen (分) so that money never meets floating point; the schema turns them into yuan.
 */

const HALF_HOUR_MS = 30 * 60 * 1000;

/** Half hours begun between start and end: 0 for an empty stay, 1 for one second, 2 for 30 min and 1 s. */
export function startedHalfHours(startedAt: Date, endedAt: Date): number {
  const ms = Math.max(0, endedAt.getTime() - startedAt.getTime());
  return Math.ceil(ms / HALF_HOUR_MS);
}

/** Fee in fen. The hourly price is even (a database CHECK), so half of it is a whole number of fen. */
export function parkingFeeFen(hourlyPriceFen: number, startedAt: Date, endedAt: Date): number {
  return startedHalfHours(startedAt, endedAt) * (hourlyPriceFen / 2);
}

/** Fen to yuan for the API (1250 → 12.5). */
export function fenToYuan(fen: number): number {
  return fen / 100;
}
