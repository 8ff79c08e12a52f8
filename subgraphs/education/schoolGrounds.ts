/**
 * School sports grounds opened to the public (学校体育场地开放) as plain seed rows: each opening school's grounds, their
 * public opening hours and a week of check-ins before the seed date. Moved here from the sports subgraph with the
 * rest of the school-ground data (the catalogue names 区教育局 its owner; issue 14): a ground now takes its street and
 * address from its school in this subgraph, instead of a hand-kept copy of the school list.
 *
 * The one column not computed here is each ground's QR secret, which `seed.ts` draws at random: a secret derivable
 * from this public code would let anyone print a ground's entrance code.
 */
import { dateColumn, localInstant } from "../kit/localTime.ts";
import { type DayWindow, isoWeekday, type SeedCalendar } from "../kit/seedCalendar.ts";
import { randomFor } from "../kit/seedRandom.ts";
import type {
  School,
  SchoolGroundCheckIn,
  SchoolGroundKind,
  SchoolGroundOpening,
  SchoolSportsGround,
  SchoolStage,
} from "./generated/prisma/client.ts";

/** School-ground check-ins: the past week. */
export const CHECK_IN_WINDOW: DayWindow = { from: -7, to: 0 };
/** The directory's first 60 schools (no kindergarten among them) open their grounds. */
export const GROUND_SCHOOLS = 60;

/** A school sports ground as the seed builds it; `seed.ts` adds the secret. */
export type SchoolSportsGroundSeed = Omit<SchoolSportsGround, "qrSecret">;

export interface SchoolGroundSeedData {
  grounds: SchoolSportsGroundSeed[];
  openings: SchoolGroundOpening[];
  checkIns: SchoolGroundCheckIn[];
}

/** How big a school's grounds are: secondary schools have 400-metre tracks and pitches, primary schools less. */
type SchoolSize = "secondary" | "nine-year" | "primary";

function sizeOf(stage: SchoolStage): SchoolSize {
  if (stage === "PRIMARY" || stage === "SPECIAL_EDUCATION" || stage === "KINDERGARTEN") return "primary";
  return stage === "NINE_YEAR" ? "nine-year" : "secondary";
}

const RESIDENT_POOL = 60_000;
/** A stride coprime with the pool: consecutive multiples name distinct residents. */
const RESIDENT_STRIDE = 7_919;

const pad = (n: number, width: number) => String(n).padStart(width, "0");

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function between(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

function residentId(n: number): string {
  return `resident-${pad((((n % RESIDENT_POOL) + RESIDENT_POOL) % RESIDENT_POOL) + 1, 6)}`;
}

/** `HH:MM` → minutes after midnight. */
function minuteOf(time: string): number {
  const [hours, minutes] = time.split(":").map(Number);
  return hours! * 60 + minutes!;
}

type Window = readonly [weekday: number, opens: string, closes: string];

const WEEKDAY_EVENINGS = [1, 2, 3, 4, 5].map((d) => [d, "18:00", "20:30"] as const);

/**
 * Public opening patterns (对外开放时段): after school on weekdays and during the day at weekends; some schools
 * open only at weekends (weekday evenings are taken by their own teams), some three evenings a week.
 */
const OPENING_PATTERNS: ReadonlyArray<{ share: number; windows: readonly Window[] }> = [
  {
    share: 0.55,
    windows: [
      ...WEEKDAY_EVENINGS,
      [6, "08:00", "11:00"],
      [6, "14:00", "17:00"],
      [7, "08:00", "11:00"],
      [7, "14:00", "17:00"],
    ],
  },
  { share: 0.2, windows: [...[1, 2, 3, 4, 5].map((d) => [d, "17:30", "20:00"] as const), [6, "08:00", "17:00"]] },
  {
    share: 0.15,
    windows: [
      [6, "07:00", "11:00"],
      [6, "14:00", "18:00"],
      [7, "07:00", "11:00"],
      [7, "14:00", "18:00"],
    ],
  },
  {
    share: 0.1,
    windows: [
      [1, "18:00", "21:00"],
      [3, "18:00", "21:00"],
      [5, "18:00", "21:00"],
      [6, "08:00", "11:00"],
      [7, "08:00", "11:00"],
    ],
  },
];

function openingPattern(random: () => number): readonly Window[] {
  let roll = random();
  for (const pattern of OPENING_PATTERNS) {
    if (roll < pattern.share) return pattern.windows;
    roll -= pattern.share;
  }
  return OPENING_PATTERNS[0]!.windows;
}

const ENTRANCE_SIDES = ["东门", "南门", "西门", "北门", "侧门"] as const;

/**
 * The grounds of the schools that open them (`GROUND_SCHOOLS`: every school but the kindergartens of the district
 * directory's first 60), each school's own street and address: the ground is at its school, written down once.
 */
export function buildSchoolGrounds(calendar: SeedCalendar, schools: readonly School[]): SchoolGroundSeedData {
  const data: SchoolGroundSeedData = { grounds: [], openings: [], checkIns: [] };
  for (const school of schools.slice(0, GROUND_SCHOOLS)) {
    const { id: schoolId, streetId } = school;
    const address = school.address.replace(/^上海市/, "");
    const size = sizeOf(school.stage);
    const random = randomFor(schoolId);
    // Every school opens its track; bigger schools often a basketball court or a pitch as well.
    const kinds: SchoolGroundKind[] = ["TRACK_AND_FIELD"];
    if (random() < (size === "primary" ? 0.2 : 0.45)) kinds.push("BASKETBALL");
    if (random() < (size === "primary" ? 0.05 : 0.3)) kinds.push("FOOTBALL");
    for (const kind of kinds) {
      const id = `schoolground-${pad(data.grounds.length + 1, 4)}`;
      const groundRandom = randomFor(id);
      const ground: SchoolSportsGroundSeed = {
        id,
        schoolId,
        streetId,
        kind,
        name: groundName(kind, size, groundRandom),
        publicEntrance: `${address}（${pick(groundRandom, ENTRANCE_SIDES)}）`,
        dailyQuota:
          kind === "TRACK_AND_FIELD"
            ? between(groundRandom, size === "primary" ? 8 : 12, size === "primary" ? 12 : 20) * 10
            : kind === "BASKETBALL"
              ? between(groundRandom, 6, 12) * 5
              : between(groundRandom, 8, 14) * 5,
      };
      data.grounds.push(ground);
      const windows = openingPattern(groundRandom);
      windows.forEach(([weekday, opens, closes], k) => {
        data.openings.push({
          id: `${id}-${weekday}-${k + 1}`,
          groundId: id,
          weekday,
          opensAtMinute: minuteOf(opens),
          closesAtMinute: minuteOf(closes),
        });
      });
      addCheckIns(data, calendar, ground, windows);
    }
  }
  return data;
}

function groundName(kind: SchoolGroundKind, size: SchoolSize, random: () => number): string {
  if (kind === "TRACK_AND_FIELD") return size === "primary" ? "田径场（200米跑道）" : "田径场（400米跑道）";
  if (kind === "BASKETBALL") return `篮球场（${between(random, 2, 4)}片）`;
  return size === "primary" || random() < 0.5 ? "足球场（五人制）" : "足球场（七人制）";
}

/** A week of history: winter evenings are quiet, weekend days busier; always within the quota. */
function addCheckIns(
  data: SchoolGroundSeedData,
  calendar: SeedCalendar,
  ground: SchoolSportsGroundSeed,
  windows: readonly Window[],
): void {
  for (const date of calendar.days(CHECK_IN_WINDOW)) {
    const weekday = isoWeekday(date);
    const today = windows.filter(([d]) => d === weekday);
    if (today.length === 0 || calendar.covered(CHECK_IN_WINDOW, date)) continue;
    const random = randomFor(`${ground.id}-${date}`);
    const share = weekday >= 6 ? 0.1 + random() * 0.2 : 0.04 + random() * 0.12;
    const visits = Math.min(ground.dailyQuota, Math.round(ground.dailyQuota * share));
    const firstResident = Math.floor(random() * RESIDENT_POOL);
    for (let i = 0; i < visits; i++) {
      const [, opens, closes] = pick(random, today);
      const minute = between(random, minuteOf(opens), minuteOf(closes) - 15);
      data.checkIns.push({
        id: `checkin-${date.replaceAll("-", "")}-${ground.id.slice("schoolground-".length)}-${pad(i + 1, 3)}`,
        synthetic: true,
        groundId: ground.id,
        residentId: residentId(firstResident + i * RESIDENT_STRIDE),
        visitDate: dateColumn(date),
        checkedInAt: new Date(localInstant(date, minute).getTime() + between(random, 0, 59) * 1000),
      });
    }
  }
}
