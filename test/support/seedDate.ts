/**
 * The seed clock of the tests that fix "now": subgraphs are seeded for TEST_SEED_DATE and tests name every date
 * relative to it (`seedDay(3)`, `seedInstant(-2, "10:00")`), never as a literal, so they pass whatever today is.
 *
 * The date itself is a fixture, like a seeded id: it is a Tuesday (school grounds open on weekday evenings, windows
 * close at weekends), it falls in the fourth week of a sports season and an education intake, and its policy window
 * crosses a new year, which the subgraph tests' expectations rely on. Behaviour on other dates is what
 * `test/seedClock.test.ts` shows, with a clock 400 days ahead.
 */
import { addDays, type LocalDate, shanghaiInstant } from "../../subgraphs/kit/seedCalendar.ts";

export const TEST_SEED_DATE: LocalDate = "2026-12-01";

/** The date `offset` days from the test seed date. */
export function seedDay(offset: number): LocalDate {
  return addDays(TEST_SEED_DATE, offset);
}

/** Local time `HH:MM` in Jing'an, `offset` days from the test seed date. */
export function seedInstant(offset: number, time: string): Date {
  return shanghaiInstant(TEST_SEED_DATE, time, offset);
}

/** The same moment as a GraphQL `DateTime` literal with its offset, e.g. `2026-12-03T10:00:00+08:00`. */
export function seedDateTime(offset: number, time: string): string {
  return `${seedDay(offset)}T${time}:00+08:00`;
}

/** The same moment as a local date-time without offset, e.g. `2026-12-03T10:00`. */
export function seedLocal(offset: number, time: string): string {
  return `${seedDay(offset)}T${time}`;
}

/**
 * The identity snapshot family (`startTestSubgraph`'s `snapshot` option): identity services built with
 * `createIdentitySubgraph` and the default keys, seeded for TEST_SEED_DATE while their clock reads
 * IDENTITY_SEED_INSTANT (the seed stamps the signing key, purposes and policies with the clock). Whichever of its
 * files starts first seeds it; the others start from that snapshot, so the rows must not depend on who that was.
 */
export const IDENTITY_SEED_FAMILY = "identity-testbed";
export const IDENTITY_SEED_INSTANT = seedInstant(0, "09:00");
