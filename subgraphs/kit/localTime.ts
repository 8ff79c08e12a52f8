/**
 * Local time in Jing'an (Asia/Shanghai, UTC+8 all year: China has no daylight saving). Opening hours, off-peak
 * windows, daily quotas and "today" are all local, while the database and the API carry instants; these helpers are
 * the one place that converts between the two.
 */
import { codedError } from "../../lib/errors.ts";

const OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The local date of an instant, e.g. `2026-12-01`. */
export function localDate(instant: Date): string {
  return new Date(instant.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** Minutes after local midnight (0–1439). */
export function localMinuteOfDay(instant: Date): number {
  const local = instant.getTime() + OFFSET_MS;
  return Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / 60_000);
}

/** ISO weekday of a local date: 1 Monday … 7 Sunday. */
export function isoWeekday(date: string): number {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}

/** The instant `minute` minutes after local midnight of `date` (1440 is the next midnight). */
export function localInstant(date: string, minute: number): Date {
  return new Date(Date.parse(`${date}T00:00:00+08:00`) + minute * 60_000);
}

/** `date` moved by whole days. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** `18:30` for 1110. */
export function formatMinute(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;
}

/** `2026-12-01 18:30`: an instant as local date and time, for messages. */
export function formatLocal(instant: Date): string {
  return `${localDate(instant)} ${formatMinute(localMinuteOfDay(instant))}`;
}

/** The value Prisma stores in a `@db.Date` column for a local date (midnight UTC of the same calendar day). */
export function dateColumn(date: string): Date {
  return new Date(`${date}T00:00:00Z`);
}

/** The local date held by a `@db.Date` column. */
export function fromDateColumn(value: Date): string {
  return value.toISOString().slice(0, 10);
}

/** Validates a `YYYY-MM-DD` argument that must name a real calendar day. */
export function parseLocalDate(value: string, argument: string): string {
  const match = LOCAL_DATE.exec(value.trim());
  const date = match ? `${match[1]}-${match[2]}-${match[3]}` : undefined;
  if (!date || Number.isNaN(Date.parse(`${date}T00:00:00Z`)) || addDays(date, 0) !== date) {
    throw codedError(
      "BAD_USER_INPUT",
      `${argument} is ${JSON.stringify(value.slice(0, 40))}; write a local date in Shanghai as YYYY-MM-DD, e.g. "2026-12-03".`,
      { argument },
    );
  }
  return date;
}
