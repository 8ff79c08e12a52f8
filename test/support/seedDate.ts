/**
 * The seed clock of the tests that fix "now": subgraphs are seeded for TEST_SEED_DATE and tests name every date
 * relative to it (`seedDay(3)`, `seedInstant(-2, "10:00")`), never as a literal, so they pass whatever today is.
 *
 * It is a Tuesday because some tests need a weekday (school grounds open on weekday evenings, windows are closed at
 * weekends). `OG_TEST_SEED_DATE=2027-03-02 npm test` runs the suite on another Tuesday, to show that no test still
 * depends on a fixed calendar date.
 */
import { addDays, isLocalDate, isoWeekday, type LocalDate, shanghaiInstant } from "../../subgraphs/kit/seedCalendar.ts";

function testSeedDate(value: string | undefined): LocalDate {
  const date = value || "2026-12-01";
  if (!isLocalDate(date) || isoWeekday(date) !== 2) {
    throw new Error(`OG_TEST_SEED_DATE must be a Tuesday written YYYY-MM-DD; got "${date}".`);
  }
  return date;
}

export const TEST_SEED_DATE: LocalDate = testSeedDate(process.env.OG_TEST_SEED_DATE);

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
