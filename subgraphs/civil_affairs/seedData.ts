/**
 * The civil affairs seed: the register of nursing homes with their beds, and synthetic elderly-care subsidies
 * (养老服务补贴), deterministic for a seed date. Subsidy amounts follow the shape of Shanghai's scheme — the subsidy grows with the care level and is full for 低保 households and half for 低收入 ones — but every
 * record is made up and marked `synthetic` (docs/data.md). Residents are picked from identity's seeded register, and
 * each subsidy is handled by the office of the street the resident lives in.
 */

import { jinganDivision } from "../../lib/reference/jinganDivisions.ts";
import { seededResidentStreet } from "../identity/seedData.ts";
import { addDays, type SeedOptions, shanghaiInstant } from "../kit/seedCalendar.ts";
import { randomFor } from "../kit/seedRandom.ts";
import type { ElderlyCareSubsidyKind, HouseholdMeansStatus, NursingHome } from "./generated/prisma/client.ts";
import { NURSING_HOMES } from "./nursingHomes.ts";

export const SUBSIDY_COUNT = 1_200;
const RESIDENT_POOL = 60_000;

/** Monthly amount at full rate by care level (2–6), in yuan; meals are a flat amount. */
const CARE_AMOUNT: Record<number, number> = { 2: 300, 3: 400, 4: 500, 5: 600, 6: 700 };
const MEAL_AMOUNT = 150;

export interface SubsidySeed {
  id: string;
  residentId: string;
  streetId: string;
  kind: ElderlyCareSubsidyKind;
  careLevel: number;
  householdStatus: HouseholdMeansStatus;
  monthlyAmountYuan: number;
  validFrom: Date;
  validUntil: Date | null;
  synthetic: true;
}

export function buildSubsidies(options: Pick<SeedOptions, "date">): SubsidySeed[] {
  const subsidies: SubsidySeed[] = [];
  for (let n = 1; n <= SUBSIDY_COUNT; n += 1) {
    const id = `ecs-${String(n).padStart(6, "0")}`;
    const random = randomFor(id);
    const residentId = `resident-${String(((n * 7919) % RESIDENT_POOL) + 1).padStart(6, "0")}`;
    const streetId = seededResidentStreet(residentId);
    if (!streetId) continue;
    const careLevel = 2 + Math.floor(random() * 5);
    const kind: ElderlyCareSubsidyKind = random() < 0.2 ? "MEAL" : random() < 0.25 ? "INSTITUTIONAL_CARE" : "HOME_CARE";
    const roll = random();
    const householdStatus: HouseholdMeansStatus = roll < 0.35 ? "MINIMUM_LIVING" : roll < 0.75 ? "LOW_INCOME" : "OTHER";
    const base = kind === "MEAL" ? MEAL_AMOUNT : (CARE_AMOUNT[careLevel] as number);
    const share = householdStatus === "MINIMUM_LIVING" ? 1 : householdStatus === "LOW_INCOME" ? 0.5 : 0.25;
    // Granted within the last two years (relative to the seed date); re-assessed two years after the grant.
    const grantedDaysAgo = Math.floor(random() * 700);
    const from = addDays(options.date, -grantedDaysAgo);
    subsidies.push({
      id,
      residentId,
      streetId,
      kind,
      careLevel,
      householdStatus,
      monthlyAmountYuan: Math.round(base * share),
      validFrom: shanghaiInstant(from, "00:00"),
      validUntil: shanghaiInstant(addDays(from, 730), "00:00"),
      synthetic: true,
    });
  }
  return subsidies;
}

/**
 * The register's nursing homes (`nursingHomes.ts`) with a phone number on their street's exchange and the beds they
 * last reported: occupancy between 70 % and 98 % (welfare institutes fuller), reported within the week before the seed
 * date at 17:00. Deterministic per home; the phone numbers and occupancy are made up, as are the street homes.
 */
export function buildNursingHomes(options: Pick<SeedOptions, "date">): NursingHome[] {
  return NURSING_HOMES.map((home) => {
    const random = randomFor(home.id);
    const phone = `021-${jinganDivision(home.streetId).phonePrefix}${String(Math.floor(random() * 10_000)).padStart(4, "0")}`;
    const beds = randomFor(`${home.id}/beds`);
    const share = home.kind === "WELFARE_INSTITUTE" ? 0.9 + beds() * 0.08 : 0.7 + beds() * 0.28;
    return {
      ...home,
      phone,
      occupiedBeds: Math.min(home.beds, Math.round(home.beds * share)),
      bedsReportedAt: shanghaiInstant(addDays(options.date, -Math.floor(beds() * 7)), "17:00"),
      // The district welfare institutes (社会福利院) are real; the street homes are plausible, not a register.
      synthetic: home.kind !== "WELFARE_INSTITUTE",
    };
  });
}
