/**
 * The seed clock: every seed builds its schedules relative to one local date (the seed's "today"), so that a fresh
 * start on any day shows bookable slots for the weeks ahead and open registrations, and the same date always
 * builds the same rows (stable ids, stable counts).
 *
 * A database keeps its data across restarts, so seeds also roll forward: the seed ledger (`seedLedger.ts`) hands
 * each run the dates of the earlier runs, and a generator adds only the periods (days, weeks, seasons, years) that
 * no earlier run covered. Rows of a covered period are never generated again, so what residents did since is kept
 * and the counters of a slot always match its bookings.
 *
 * Dates are local to Jing'an: Asia/Shanghai is UTC+8 all year (China has no daylight saving).
 */

/** A calendar date in Jing'an, `YYYY-MM-DD`. */
export type LocalDate = string;

export interface SeedOptions {
  /** The seed's "today": schedules start here, history ends here. */
  date: LocalDate;
  /** Dates of the earlier seed runs on this database (from the seed ledger), oldest first; empty on a new one. */
  previousDates: readonly LocalDate[];
}

/**
 * Days relative to a seed date, `[from, to)`: `{ from: -7, to: 21 }` is the week before the seed date and the
 * three weeks from it.
 */
export interface DayWindow {
  from: number;
  to: number;
}

/**
 * What a generator covers for a seed run on `date`: a day window, or any range `[from, to)` of dates (months,
 * seasons) computed from the date.
 */
export type SeedWindow = DayWindow | ((date: LocalDate) => readonly [LocalDate, LocalDate]);

const OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The date in Jing'an at an instant: the default seed date is `shanghaiDate(new Date())`. */
export function shanghaiDate(instant: Date): LocalDate {
  return new Date(instant.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** True for `YYYY-MM-DD` naming a real calendar day (no 2026-02-30). */
export function isLocalDate(value: string): boolean {
  const match = LOCAL_DATE.exec(value);
  if (!match) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** `date` moved by whole days. */
export function addDays(date: LocalDate, days: number): LocalDate {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** The first day of `date`'s month moved by `months` months: `addMonths("2026-12-15", 1)` is `2027-01-01`. */
export function monthStart(date: LocalDate, months = 0): LocalDate {
  const [year, month] = date.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(year, month - 1 + months, 1)).toISOString().slice(0, 10);
}

/** ISO weekday of a date: 1 Monday … 7 Sunday. */
export function isoWeekday(date: LocalDate): number {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}

/** The instant of local time `HH:MM` on `date` moved by `dayOffset` days. */
export function shanghaiInstant(date: LocalDate, time: string, dayOffset = 0): Date {
  return new Date(Date.parse(`${date}T${time}:00+08:00`) + dayOffset * DAY_MS);
}

/** `20261201-0800` for 2026-12-01 08:00 in Jing'an: ids that start with it sort in time order. */
export function localStamp(instant: Date): string {
  const local = new Date(instant.getTime() + OFFSET_MS).toISOString();
  return `${local.slice(0, 10).replaceAll("-", "")}-${local.slice(11, 16).replace(":", "")}`;
}

/** `20261201` for a local date. */
export function dateStamp(date: LocalDate): string {
  return date.replaceAll("-", "");
}

/**
 * The periods of a cycle that repeats every `lengthDays` days from `epoch`, and the one that contains a date: how
 * event seasons and course intakes are laid on the calendar, independent of the seed date, so that two seed runs
 * agree on where a period starts.
 */
export function cycleStart(epoch: LocalDate, lengthDays: number, date: LocalDate): LocalDate {
  const offset = daysBetween(epoch, date);
  return addDays(epoch, Math.floor(offset / lengthDays) * lengthDays);
}

/** What a seed needs to know about time: its date, and which periods earlier runs on this database covered. */
export class SeedCalendar {
  readonly date: LocalDate;
  readonly previousDates: readonly LocalDate[];

  constructor(options: SeedOptions) {
    if (!isLocalDate(options.date)) throw new Error(`The seed date must be YYYY-MM-DD; got "${options.date}".`);
    this.date = options.date;
    this.previousDates = options.previousDates.filter((date) => date !== options.date);
  }

  /** No earlier run seeded this database: history (past applications, sessions …) is written only now. */
  get isFirstSeed(): boolean {
    return this.previousDates.length === 0;
  }

  /** The date `offset` days from the seed date. */
  day(offset: number): LocalDate {
    return addDays(this.date, offset);
  }

  /** The instant of local time `HH:MM`, `dayOffset` days from the seed date. */
  instant(dayOffset: number, time: string): Date {
    return shanghaiInstant(this.date, time, dayOffset);
  }

  /** The first day and the day after the last of `window` for a seed run on `date`. */
  static bounds(window: SeedWindow, date: LocalDate): readonly [LocalDate, LocalDate] {
    return typeof window === "function" ? window(date) : [addDays(date, window.from), addDays(date, window.to)];
  }

  /** The first day and the day after the last of `window` for this run. */
  bounds(window: SeedWindow): readonly [LocalDate, LocalDate] {
    return SeedCalendar.bounds(window, this.date);
  }

  /**
   * True when an earlier run on this database generated the period `[start, end)` through a generator with this
   * window, i.e. the period overlapped that run's window. Its rows exist (and may have changed since): leave them.
   */
  covered(window: SeedWindow, start: LocalDate, end: LocalDate = addDays(start, 1)): boolean {
    return this.previousDates.some((previous) => {
      const [from, to] = SeedCalendar.bounds(window, previous);
      return start < to && end > from;
    });
  }

  /** The days of `window` around the seed date, oldest first. */
  days(window: DayWindow): LocalDate[] {
    const days: LocalDate[] = [];
    for (let offset = window.from; offset < window.to; offset++) days.push(this.day(offset));
    return days;
  }
}
