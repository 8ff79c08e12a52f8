/**
 * The arithmetic of off-peak booking (错峰订场), without a database: when a venue is open, which minutes are
 * off-peak, what a booking costs, how busy a court is over an interval and which intervals are still free.
 * The booking mutation, `courtAvailability` and the seed all use these, so a seeded booking costs what a booked one
 * would.
 */
import { isoWeekday, localDate, localInstant } from "../kit/localTime.ts";

/** Bookings start and end on the hour or the half hour. */
export const BOOKING_STEP_MINUTES = 30;

export interface VenueHours {
  opensAtMinute: number;
  closesAtMinute: number;
  offPeakStartMinute: number;
  offPeakEndMinute: number;
}

export interface CourtPricing {
  capacity: number;
  peakPricePerHourFen: number;
  offPeakPricePerHourFen: number;
}

export interface TimeRange {
  startsAt: Date;
  endsAt: Date;
}

export interface FreeInterval extends TimeRange {
  /** Places left during the whole interval (a court has one). */
  remainingPlaces: number;
  offPeak: boolean;
  pricePerHourFen: number;
}

/** Off-peak (错峰) time is weekday daytime: Monday to Friday inside the venue's window; weekends have none. */
export function offPeakWindow(venue: VenueHours, date: string): TimeRange | null {
  if (isoWeekday(date) > 5 || venue.offPeakEndMinute <= venue.offPeakStartMinute) return null;
  return { startsAt: localInstant(date, venue.offPeakStartMinute), endsAt: localInstant(date, venue.offPeakEndMinute) };
}

export function openingRange(venue: VenueHours, date: string): TimeRange {
  return { startsAt: localInstant(date, venue.opensAtMinute), endsAt: localInstant(date, venue.closesAtMinute) };
}

/** True when [startsAt, endsAt) lies on one local day inside the venue's opening hours. */
export function withinOpeningHours(venue: VenueHours, startsAt: Date, endsAt: Date): boolean {
  const open = openingRange(venue, localDate(startsAt));
  return startsAt >= open.startsAt && endsAt <= open.endsAt;
}

export function isOnStep(instant: Date): boolean {
  return instant.getTime() % (BOOKING_STEP_MINUTES * 60_000) === 0;
}

function overlapMinutes(a: TimeRange, b: TimeRange): number {
  const start = Math.max(a.startsAt.getTime(), b.startsAt.getTime());
  const end = Math.min(a.endsAt.getTime(), b.endsAt.getTime());
  return Math.max(0, (end - start) / 60_000);
}

/** The price of a booking in fen: off-peak minutes at the off-peak price, the rest at the peak price. */
export function priceBooking(
  venue: VenueHours,
  court: CourtPricing,
  startsAt: Date,
  endsAt: Date,
): { priceFen: number; offPeak: boolean } {
  const minutes = (endsAt.getTime() - startsAt.getTime()) / 60_000;
  const window = offPeakWindow(venue, localDate(startsAt));
  const offPeakMinutes = window ? overlapMinutes(window, { startsAt, endsAt }) : 0;
  const priceFen = Math.round(
    (offPeakMinutes * court.offPeakPricePerHourFen + (minutes - offPeakMinutes) * court.peakPricePerHourFen) / 60,
  );
  return { priceFen, offPeak: minutes > 0 && offPeakMinutes === minutes };
}

/** How many of `ranges` are live at `instant` (start inclusive, end exclusive). */
function liveAt(ranges: readonly TimeRange[], instant: number): number {
  let live = 0;
  for (const range of ranges) {
    if (range.startsAt.getTime() <= instant && range.endsAt.getTime() > instant) live += 1;
  }
  return live;
}

/**
 * The largest number of `ranges` live at one moment of [startsAt, endsAt). Concurrency only rises where a range
 * starts, so the start of the interval and every start inside it are the only moments to check.
 */
export function busiestOverlap(ranges: readonly TimeRange[], startsAt: Date, endsAt: Date): number {
  const moments = [
    startsAt.getTime(),
    ...ranges.map((r) => r.startsAt.getTime()).filter((t) => t > startsAt.getTime() && t < endsAt.getTime()),
  ];
  return Math.max(0, ...moments.map((moment) => liveAt(ranges, moment)));
}

/**
 * The bookable intervals of a court on a local date: inside opening hours, from `notBefore` on (already rounded to
 * the booking step by the caller), where fewer than `capacity` bookings are live. Intervals are split where the
 * price changes (off-peak starts or ends) and where the places left change.
 */
export function freeIntervals(input: {
  venue: VenueHours;
  court: CourtPricing;
  date: string;
  bookings: readonly TimeRange[];
  notBefore: Date;
}): FreeInterval[] {
  const { venue, court, date, bookings } = input;
  const open = openingRange(venue, date);
  const from = Math.max(open.startsAt.getTime(), input.notBefore.getTime());
  const to = open.endsAt.getTime();
  if (from >= to) return [];
  const window = offPeakWindow(venue, date);
  const cuts = new Set<number>([from, to]);
  const addCut = (t: number) => {
    if (t > from && t < to) cuts.add(t);
  };
  for (const booking of bookings) {
    addCut(booking.startsAt.getTime());
    addCut(booking.endsAt.getTime());
  }
  if (window) {
    addCut(window.startsAt.getTime());
    addCut(window.endsAt.getTime());
  }
  const points = [...cuts].sort((a, b) => a - b);
  const free: FreeInterval[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const start = points[i]!;
    const end = points[i + 1]!;
    const remainingPlaces = court.capacity - liveAt(bookings, start);
    if (remainingPlaces <= 0) continue;
    const offPeak = window !== null && start >= window.startsAt.getTime() && end <= window.endsAt.getTime();
    const last = free.at(-1);
    if (
      last &&
      last.endsAt.getTime() === start &&
      last.remainingPlaces === remainingPlaces &&
      last.offPeak === offPeak
    ) {
      last.endsAt = new Date(end);
      continue;
    }
    free.push({
      startsAt: new Date(start),
      endsAt: new Date(end),
      remainingPlaces,
      offPeak,
      pricePerHourFen: offPeak ? court.offPeakPricePerHourFen : court.peakPricePerHourFen,
    });
  }
  return free;
}

/** The first booking step at or after `instant`. */
export function nextStep(instant: Date): Date {
  const step = BOOKING_STEP_MINUTES * 60_000;
  return new Date(Math.ceil(instant.getTime() / step) * step);
}
