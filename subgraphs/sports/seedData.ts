/**
 * The sports seed as plain rows, computed without a database so that every run for a seed date produces exactly the
 * same data.
 *
 * Randomness comes from a PRNG seeded by each row's own id, so adding a venue does not reshuffle the bookings of
 * another. Schedules are relative to the seed date (`SeedCalendar`, Asia/Shanghai): court bookings cover the week
 * before it (history) and the three weeks from it, and events come in seven-week seasons laid on the calendar
 * (`SEASON_EPOCH`): the season of the seed date, and the next one once the seed date is in the last three weeks of its
 * season. Days and seasons an earlier seed run covered are left out. (School sports grounds and their check-ins are
 * the education subgraph's: `subgraphs/education/schoolGrounds.ts`.)
 */
import { JINGAN_DIVISIONS, type JinganDivision, jinganDivision } from "../../lib/reference/jinganDivisions.ts";
import { localInstant } from "../kit/localTime.ts";
import {
  addDays,
  cycleStart,
  type DayWindow,
  dateStamp,
  isoWeekday,
  type LocalDate,
  localStamp,
  SeedCalendar,
  type SeedOptions,
  type SeedWindow,
  shanghaiInstant,
} from "../kit/seedCalendar.ts";
import { randomFor } from "../kit/seedRandom.ts";
import { BOOKING_STEP_MINUTES, priceBooking, type VenueHours } from "./courtSchedule.ts";
import type {
  CourtBooking,
  FitnessEquipment,
  FitnessMaintenanceStatus,
  FitnessPoint,
  FitnessPointSetting,
  SportsCourt,
  SportsEvent,
  SportsEventCategory,
  SportsEventRegistration,
  SportsVenue,
} from "./generated/prisma/client.ts";
import {
  CANCEL_REASONS,
  EQUIPMENT_TYPES,
  EVENTS,
  type EventInfo,
  FITNESS_PARKS,
  REPAIR_NOTES,
  RESIDENTS_PER_FITNESS_POINT,
  RETIRED_NOTE,
  SEASON_DAYS,
  SEASON_EPOCH,
  type SeasonMoment,
  STREET_GAMES_CATEGORIES,
  STREET_GAMES_DAYS,
  VENUES,
} from "./jinganSports.ts";

/** Days of history before the seed date (past bookings). */
export const HISTORY_DAYS = 7;
/** Days of court bookings from the seed date on. */
export const BOOKING_DAYS = 21;
/** Court bookings: the past week and the three weeks ahead. */
export const BOOKING_WINDOW: DayWindow = { from: -HISTORY_DAYS, to: BOOKING_DAYS };
/**
 * Event seasons that overlap the three weeks from the seed date: the current season, and the next one once its
 * first registrations are near.
 */
export const EVENT_WINDOW: SeedWindow = { from: 0, to: 21 };

/** A street with the parks where it has fitness points. */
interface StreetInfo extends JinganDivision {
  parks: ReadonlyArray<readonly [string, string]>;
}

const STREETS: readonly StreetInfo[] = JINGAN_DIVISIONS.map((division) => ({
  ...division,
  parks: FITNESS_PARKS[division.id] ?? [],
}));

export interface SportsSeedData {
  fitnessPoints: FitnessPoint[];
  equipment: FitnessEquipment[];
  venues: SportsVenue[];
  courts: SportsCourt[];
  bookings: CourtBooking[];
  events: SportsEvent[];
  categories: SportsEventCategory[];
  registrations: SportsEventRegistration[];
}

const DAY_MS = 24 * 60 * 60 * 1000;
const RESIDENT_POOL = 60_000;
/** A stride coprime with the pool: consecutive multiples name distinct residents. */
const RESIDENT_STRIDE = 7_919;

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function between(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** Fisher–Yates: a permutation that depends only on the generator. */
function shuffled<T>(random: () => number, items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");

function residentId(n: number): string {
  return `resident-${pad((((n % RESIDENT_POOL) + RESIDENT_POOL) % RESIDENT_POOL) + 1, 6)}`;
}

/** `HH:MM` → minutes after midnight. */
function minuteOf(time: string): number {
  const [hours, minutes] = time.split(":").map(Number);
  return hours! * 60 + minutes!;
}

export function buildSeedData(options: SeedOptions): SportsSeedData {
  const calendar = new SeedCalendar(options);
  const data: SportsSeedData = {
    fitnessPoints: [],
    equipment: [],
    venues: [],
    courts: [],
    bookings: [],
    events: [],
    categories: [],
    registrations: [],
  };
  addFitnessPoints(data, calendar);
  addVenues(data, calendar);
  addEvents(data, calendar);
  return data;
}

// ─── fitness points (健身苑点) ─────────────────────────────────────────────────────────────────────────────────

const COMPOUND_SUFFIXES = ["新村", "一村", "二村", "三村", "小区", "苑", "公寓", "花园", "大楼"] as const;

function addFitnessPoints(data: SportsSeedData, calendar: SeedCalendar): void {
  const base = calendar.instant(0, "00:00");
  for (const street of STREETS) {
    const count = Math.round(street.population / RESIDENTS_PER_FITNESS_POINT);
    for (let i = 0; i < count; i++) {
      const id = `fitness-${pad(data.fitnessPoints.length + 1, 4)}`;
      const random = randomFor(id);
      const { name, setting, address } = pointPlace(street, i, random);
      const status = maintenanceRoll(random);
      const lastInspectedAt = new Date(
        base.getTime() - between(random, 1, 40) * DAY_MS + between(random, 9 * 60, 16 * 60) * 60_000,
      );
      const installedYear = between(random, 2008, 2023);
      const items = pointEquipment(id, setting, status, installedYear, random);
      const affected = items.find((item) => item.status === "NEEDS_REPAIR" || item.status === "UNDER_REPAIR");
      data.fitnessPoints.push({
        id,
        synthetic: true,
        name,
        setting,
        streetId: street.id,
        address,
        installedYear,
        maintenanceStatus: status,
        lastInspectedAt,
        // Inspections are monthly (每月巡检); points last seen more than 30 days ago are overdue.
        nextInspectionDueAt: new Date(lastInspectedAt.getTime() + 30 * DAY_MS),
        maintenanceNote:
          status === "RETIRED"
            ? RETIRED_NOTE
            : affected && (affected.status === "NEEDS_REPAIR" || affected.status === "UNDER_REPAIR")
              ? pick(random, REPAIR_NOTES[affected.status]).replace("{type}", affected.type)
              : null,
      });
      data.equipment.push(...items);
    }
  }
}

/** Parks and green spaces first, then residential compounds (小区) named after the street's neighbourhoods. */
function pointPlace(
  street: StreetInfo,
  index: number,
  random: () => number,
): { name: string; setting: FitnessPointSetting; address: string } {
  const park = street.parks[index];
  if (park) {
    const [parkName, address] = park;
    return { name: `${parkName}健身苑点`, setting: parkName.includes("公园") ? "PARK" : "GREEN_SPACE", address };
  }
  const n = index - street.parks.length;
  const neighbourhood = street.neighbourhoods[n % street.neighbourhoods.length]!;
  const suffix = COMPOUND_SUFFIXES[Math.floor(n / street.neighbourhoods.length) % COMPOUND_SUFFIXES.length]!;
  const road = pick(random, street.roads);
  return {
    name: `${neighbourhood}${suffix}健身苑点`,
    setting: "RESIDENTIAL_COMPOUND",
    address: `静安区${road}${between(random, 10, 1200)}弄`,
  };
}

function maintenanceRoll(random: () => number): FitnessMaintenanceStatus {
  const roll = random();
  if (roll < 0.74) return "GOOD";
  if (roll < 0.86) return "NEEDS_REPAIR";
  if (roll < 0.95) return "UNDER_REPAIR";
  return "RETIRED";
}

/**
 * Distinct kinds of equipment, as many as the place holds. The point's status is the inspection's verdict, so its
 * items agree with it: a point needing repair has one or two items needing repair, a retired point only retired items.
 */
function pointEquipment(
  pointId: string,
  setting: FitnessPointSetting,
  status: FitnessMaintenanceStatus,
  installedYear: number,
  random: () => number,
): FitnessEquipment[] {
  const [min, max] = setting === "PARK" ? [10, 18] : setting === "GREEN_SPACE" ? [8, 14] : [6, 12];
  const count = between(random, min, max);
  const kinds = shuffled(random, EQUIPMENT_TYPES).slice(0, count);
  const broken = status === "NEEDS_REPAIR" || status === "UNDER_REPAIR" ? between(random, 1, 2) : 0;
  return kinds.map((kind, index) => {
    let itemStatus: FitnessMaintenanceStatus = status === "RETIRED" ? "RETIRED" : "GOOD";
    if (index < broken) itemStatus = index === 0 ? status : "NEEDS_REPAIR";
    return {
      id: `${pointId}-${pad(index + 1, 2)}`,
      fitnessPointId: pointId,
      type: kind.type,
      function: kind.function,
      status: itemStatus,
      // Items are replaced one by one, so some are newer than the point.
      installedYear: Math.min(2025, installedYear + (random() < 0.3 ? between(random, 1, 6) : 0)),
    };
  });
}

// ─── venues, courts and bookings (错峰订场) ───────────────────────────────────────────────────────────────────

function addVenues(data: SportsSeedData, calendar: SeedCalendar): void {
  VENUES.forEach((info, index) => {
    const id = `sportsvenue-${pad(index + 1, 4)}`;
    const random = randomFor(id);
    const street = jinganDivision(info.streetId);
    const venue: SportsVenue = {
      id,
      // The district's large venues are real; its community courts and fitness stations are plausible.
      synthetic: info.kind === "COMMUNITY_COURT" || info.kind === "FITNESS_STATION",
      name: info.name,
      kind: info.kind,
      streetId: info.streetId,
      departmentId: info.departmentId,
      address: info.address,
      phone: `021-${street.phonePrefix}${pad(between(random, 0, 9999), 4)}`,
      description: info.description,
      opensAtMinute: minuteOf(info.hours[0]),
      closesAtMinute: minuteOf(info.hours[1]),
      offPeakStartMinute: minuteOf(info.offPeak[0]),
      offPeakEndMinute: minuteOf(info.offPeak[1]),
      maxBookingMinutes: info.maxBookingMinutes,
    };
    data.venues.push(venue);
    let courtNumber = 0;
    for (const lineup of info.courts) {
      for (let n = 1; n <= lineup.count; n++) {
        courtNumber += 1;
        const court: SportsCourt = {
          id: `court-${pad(index + 1, 4)}-${pad(courtNumber, 2)}`,
          venueId: id,
          name: lineup.name.replace("{n}", String(n)),
          sport: lineup.sport,
          indoor: lineup.indoor,
          capacity: lineup.capacity,
          peakPricePerHourFen: lineup.peakPricePerHourFen,
          offPeakPricePerHourFen: lineup.offPeakPricePerHourFen,
        };
        data.courts.push(court);
        addBookings(data, calendar, venue, court);
      }
    }
  });
}

/**
 * Demand for a day: the past week was busy; bookings open a week ahead, so the coming week fills up as it nears and
 * the weeks after hold only the few long-term bookings of regular groups.
 */
function demandOn(day: number): number {
  if (day < 0) return 0.55;
  if (day < 7) return 0.5 - day * 0.04;
  return 0.08;
}

/** Evenings and weekends are peak; weekday daytime is what off-peak pricing tries to fill. */
function isPeakMinute(date: string, minute: number): boolean {
  return isoWeekday(date) >= 6 || minute >= 17 * 60;
}

function addBookings(data: SportsSeedData, calendar: SeedCalendar, venue: SportsVenue, court: SportsCourt): void {
  const seededAt = calendar.instant(0, "08:00");
  for (let day = BOOKING_WINDOW.from; day < BOOKING_WINDOW.to; day++) {
    const date = calendar.day(day);
    if (calendar.covered(BOOKING_WINDOW, date)) continue;
    const demand = demandOn(day);
    const random = randomFor(`${court.id}-${date}`);
    let minute = venue.opensAtMinute;
    while (minute + 60 <= venue.closesAtMinute) {
      const appeal = isPeakMinute(date, minute) ? 1 : 0.45;
      if (random() >= demand * appeal * 0.8) {
        minute += 60;
        continue;
      }
      const longest = Math.min(venue.maxBookingMinutes, venue.closesAtMinute - minute);
      const duration = Math.min(longest, pick(random, [60, 60, 90, 120] as const));
      const startsAt = localInstant(date, minute);
      const endsAt = localInstant(date, minute + duration);
      const places =
        court.capacity === 1 ? 1 : between(random, 1, Math.max(1, Math.ceil(court.capacity * demand * 0.3)));
      const firstResident = Math.floor(random() * RESIDENT_POOL);
      for (let place = 0; place < places; place++) {
        const suffix = court.capacity === 1 ? "" : `-${pad(place + 1, 2)}`;
        data.bookings.push(
          booking(
            `courtbooking-${localStamp(startsAt)}-${court.id.slice("court-".length)}${suffix}`,
            venue,
            court,
            residentId(firstResident + place * RESIDENT_STRIDE),
            startsAt,
            endsAt,
            random,
            seededAt,
          ),
        );
      }
      minute += duration + (random() < 0.5 ? 0 : BOOKING_STEP_MINUTES);
    }
  }
}

function booking(
  id: string,
  venue: VenueHours,
  court: SportsCourt,
  resident: string,
  startsAt: Date,
  endsAt: Date,
  random: () => number,
  seededAt: Date,
): CourtBooking {
  // Booked up to six days ahead, and never after the seed date's morning.
  const bookedAt = new Date(
    Math.min(startsAt.getTime() - between(random, 2, 6 * 24) * 60 * 60_000, seededAt.getTime() - 60_000),
  );
  const cancelled = random() < 0.07;
  return {
    id,
    synthetic: true,
    courtId: court.id,
    residentId: resident,
    startsAt,
    endsAt,
    status: cancelled ? "CANCELLED" : "BOOKED",
    ...priceBooking(venue, court, startsAt, endsAt),
    bookedAt,
    cancelledAt: cancelled
      ? new Date(
          Math.min(
            bookedAt.getTime() + between(random, 1, 20) * 60 * 60_000,
            Math.max(bookedAt.getTime(), seededAt.getTime() - 60_000),
          ),
        )
      : null,
    cancelReason: cancelled ? pick(random, CANCEL_REASONS) : null,
  };
}

// ─── events (赛事) and registrations ──────────────────────────────────────────────────────────────────────────

/** Season names for event titles, by month: 冬季 December to February, 春季 March to May, and so on. */
const SEASON_NAMES = "冬季 冬季 春季 春季 春季 夏季 夏季 夏季 秋季 秋季 秋季 冬季".split(" ");

/** `2026冬季` for an event that starts on 2026-12-20: its year and season, in front of its name. */
function editionOf(startsAt: Date): string {
  const local = new Date(startsAt.getTime() + 8 * 60 * 60 * 1000);
  return `${local.getUTCFullYear()}${SEASON_NAMES[local.getUTCMonth()]}`;
}

/** An event as the seed plans it: a season template with the season's dates. */
interface PlannedEvent {
  info: EventInfo;
  startsAt: Date;
  endsAt: Date;
  registrationOpensAt: Date;
  registrationClosesAt: Date;
}

/**
 * The fourteen streets' community games, two streets a Saturday, run by each street office. Registration closes on the
 * Monday before, so that the office can draw up the heats.
 */
function streetGames(): EventInfo[] {
  return STREETS.map((street, index) => {
    const saturday = STREET_GAMES_DAYS[Math.floor(index / 2)]!;
    const random = randomFor(`games-${street.id}`);
    const [parkName, parkAddress] = street.parks[0]!;
    return {
      name: `${street.name}社区趣味运动会`,
      kind: "COMMUNITY_GAMES",
      description: `${street.name}居民的趣味运动会：跳绳、踢毽子、趣味接力与飞镖，按组别报名。`,
      location: `${parkName}（${parkAddress.replace("静安区", "")}）`,
      streetId: street.id,
      organiserId: `dept-${street.id}`,
      startsAt: [saturday, "08:30"],
      endsAt: [saturday, "12:00"],
      registrationOpensAt: [saturday - 21, "10:00"],
      registrationClosesAt: [saturday - 5, "18:00"],
      categories: STREET_GAMES_CATEGORIES.map((category) => ({ ...category, fill: 0.3 + random() * 0.7 })),
    };
  });
}

/** The seasons whose events this seed run writes: those in its window that no earlier run covered. */
function seasonsOf(calendar: SeedCalendar): LocalDate[] {
  const [from, to] = calendar.bounds(EVENT_WINDOW);
  const seasons: LocalDate[] = [];
  for (let start = cycleStart(SEASON_EPOCH, SEASON_DAYS, from); start < to; start = addDays(start, SEASON_DAYS)) {
    if (!calendar.covered(EVENT_WINDOW, start, addDays(start, SEASON_DAYS))) seasons.push(start);
  }
  return seasons;
}

function addEvents(data: SportsSeedData, calendar: SeedCalendar): void {
  const base = calendar.instant(0, "00:00");
  const templates = [...EVENTS, ...streetGames()];
  for (const season of seasonsOf(calendar)) {
    const at = ([day, time]: SeasonMoment) => shanghaiInstant(season, time, day);
    templates.forEach((info, index) => {
      const planned: PlannedEvent = {
        info,
        startsAt: at(info.startsAt),
        endsAt: at(info.endsAt),
        registrationOpensAt: at(info.registrationOpensAt),
        registrationClosesAt: at(info.registrationClosesAt),
      };
      addEvent(data, planned, `${dateStamp(season)}-${pad(index + 1, 2)}`, base);
    });
  }
}

function addEvent(data: SportsSeedData, planned: PlannedEvent, key: string, base: Date): void {
  const { info } = planned;
  const id = `sportsevent-${key}`;
  const event: SportsEvent = {
    id,
    synthetic: true,
    name: `${editionOf(planned.startsAt)}${info.name}`,
    kind: info.kind,
    description: info.description,
    location: info.location,
    venueId: info.venue === undefined ? null : `sportsvenue-${pad(info.venue + 1, 4)}`,
    streetId: info.streetId,
    organiserId: info.organiserId,
    startsAt: planned.startsAt,
    endsAt: planned.endsAt,
    registrationOpensAt: planned.registrationOpensAt,
    registrationClosesAt: planned.registrationClosesAt,
  };
  data.events.push(event);
  // Registrations made before the seed date: the whole window for past events, what has come in so far for open ones.
  const windowEnd = Math.min(event.registrationClosesAt.getTime(), base.getTime());
  const random = randomFor(id);
  const firstResident = Math.floor(random() * RESIDENT_POOL);
  let k = 0;
  for (const category of info.categories) {
    const categoryId = `${id}-${category.code.toLowerCase().replaceAll("_", "-")}`;
    const registered =
      windowEnd > event.registrationOpensAt.getTime()
        ? Math.min(category.capacity, Math.round(category.capacity * category.fill))
        : 0;
    data.categories.push({
      id: categoryId,
      eventId: id,
      code: category.code,
      name: category.name,
      capacity: category.capacity,
      registeredCount: registered,
      feeFen: category.feeYuan * 100,
    });
    // About one in thirty residents cancels; the place went back and was taken by someone else.
    const cancelled = Math.round(registered / 30);
    for (let r = 0; r < registered + cancelled; r++) {
      k += 1;
      const registeredAt = new Date(
        event.registrationOpensAt.getTime() + random() * (windowEnd - event.registrationOpensAt.getTime()),
      );
      const isCancelled = r >= registered;
      data.registrations.push({
        id: `eventreg-${key}-${pad(k, 5)}`,
        synthetic: true,
        eventId: id,
        categoryId,
        residentId: residentId(firstResident + k * RESIDENT_STRIDE),
        status: isCancelled ? "CANCELLED" : "REGISTERED",
        registeredAt,
        cancelledAt: isCancelled
          ? new Date(Math.min(windowEnd, registeredAt.getTime() + between(random, 1, 72) * 60 * 60_000))
          : null,
      });
    }
  }
}
