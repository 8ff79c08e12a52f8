/**
 * The identity seed as plain rows, computed without a database so that every run produces exactly the same data.
 *
 * Randomness comes from a PRNG seeded by each row's own id. All 60,000 resident ids (`resident-000001` …
 * `resident-060000`) exist, because the other subgraphs reference any of them. Identity numbers follow GB 11643
 * (area code, birth date, sequence with the sex in its parity, check digit) and are unique; so are mobile numbers.
 *
 * Passwords are not part of this pure data: hashing is slow (scrypt) and salted (random), so `seed.ts` hashes the few
 * known passwords only for accounts that do not exist yet.
 */
import {
  FORMER_ZHABEI_DISTRICT_CODE,
  JINGAN_DISTRICT_CODE,
  JINGAN_DIVISIONS,
  jinganDivision,
} from "../../lib/reference/jinganDivisions.ts";
import { addDays, type LocalDate, shanghaiInstant } from "../kit/seedCalendar.ts";
import { randomFor } from "../kit/seedRandom.ts";
import type { OfficerMembership, Person, PersonKind, PersonRole, Resident, Role } from "./generated/prisma/client.ts";
import { GIVEN_NAMES, MOBILE_PREFIXES, type NameCharacters, OFFICER_DEPARTMENTS, SURNAMES } from "./jinganPeople.ts";
import { DEFAULT_ROLE, DEPARTMENT_SCOPES, ROLES, type RoleName, STREET_IDS } from "./roles.ts";

export const RESIDENT_COUNT = 60_000;
/** When the seeded accounts were provisioned: a week before the seed date, when the other subgraphs' schedules start. */
export function seedCreatedAt(date: LocalDate): Date {
  return shanghaiInstant(date, "09:00", -7);
}

/** An account that people can try: its password is public on purpose (development and demos only). */
export interface KnownAccount {
  id: string;
  username: string;
  password: string;
  displayName: string;
  kind: PersonKind;
  roles: RoleName[];
  membership: { departmentId: string; streetIds: string[] } | null;
  residentId: string | null;
  /** For enterprise users (法人): the enterprise they act for. */
  enterpriseId: string | null;
}

export interface KnownApp {
  id: string;
  name: string;
  secret: string;
  allowedScopes: string[];
  ownerDepartmentId: string;
}

const ALL_STREETS = [...STREET_IDS];

export const KNOWN_ACCOUNTS: KnownAccount[] = [
  account("person-000001", "zhang.wei", "Resident#2026", "张伟", "RESIDENT", null, "resident-000001"),
  account("person-000002", "li.na", "Resident#2026", "李娜", "RESIDENT", null, "resident-000002"),
  account("person-000003", "officer.health", "Officer#2026", "王建华", "OFFICER", {
    departmentId: "dept-health",
    streetIds: ALL_STREETS,
  }),
  account("person-000004", "officer.linfen", "Officer#2026", "陆敏", "OFFICER", {
    departmentId: "dept-health",
    streetIds: ["street-linfenlu"],
  }),
  account("person-000005", "officer.education", "Officer#2026", "周静", "OFFICER", {
    departmentId: "dept-education",
    streetIds: ALL_STREETS,
  }),
  account("person-000006", "admin.security", "Admin#2026", "沈磊", "SECURITY_ADMIN", {
    departmentId: "dept-data",
    streetIds: [],
  }),
  account("person-000007", "auditor.chen", "Auditor#2026", "陈慧", "AUDITOR", {
    departmentId: "dept-data",
    streetIds: [],
  }),
  // 区行政服务中心: reads enterprises' applications and benefit grants (policy enterprise-records).
  account("person-000008", "officer.enterprise", "Officer#2026", "许晓东", "OFFICER", {
    departmentId: "dept-admin-service",
    streetIds: ALL_STREETS,
  }),
  // An enterprise user (法人) of 上海亦远技术服务有限公司 (ent-000025): sees its own applications and grants only.
  account("person-000009", "ent.yiyuan", "Enterprise#2026", "钱亿元", "ENTERPRISE", null, null, "ent-000025"),
];

export const KNOWN_APPS: KnownApp[] = [
  {
    id: "app-portal",
    name: "静安一网通办门户 (district portal)",
    secret: "portal-dev-secret",
    allowedScopes: ["graph:read"],
    ownerDepartmentId: "dept-data",
  },
  {
    id: "app-parking-integrator",
    name: "市级停车平台对接 (city parking platform integration)",
    secret: "parking-dev-secret",
    allowedScopes: ["parking:read", "parking:write"],
    ownerDepartmentId: "dept-transport",
  },
];

function account(
  id: string,
  username: string,
  password: string,
  displayName: string,
  kind: PersonKind,
  membership: KnownAccount["membership"],
  residentId: string | null = null,
  enterpriseId: string | null = null,
): KnownAccount {
  return {
    id,
    username,
    password,
    displayName,
    kind,
    roles: [DEFAULT_ROLE[kind]],
    membership,
    residentId,
    enterpriseId,
  };
}

export interface IdentitySeedData {
  roles: Role[];
  /** People without their password hash (seed.ts adds it for the known accounts). */
  people: Array<Omit<Person, "passwordHash">>;
  personRoles: PersonRole[];
  memberships: OfficerMembership[];
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function weighted<T>(random: () => number, items: readonly T[], weightOf: (item: T) => number): T {
  const total = items.reduce((sum, item) => sum + weightOf(item), 0);
  let r = random() * total;
  for (const item of items) {
    r -= weightOf(item);
    if (r < 0) return item;
  }
  return items.at(-1) as T;
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");

export function residentId(n: number): string {
  return `resident-${pad(n, 6)}`;
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARACTERS = "10X98765432";

/** GB 11643 check character for the first 17 digits of an identity number. */
export function idCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (ID_WEIGHTS[i] as number);
  return CHECK_CHARACTERS[sum % 11] as string;
}

export function isValidIdNumber(idNumber: string): boolean {
  return /^\d{17}[\dX]$/.test(idNumber) && idCheckCharacter(idNumber.slice(0, 17)) === idNumber[17];
}

interface Name {
  text: string;
  /** Pinyin syllables: surname first. */
  pinyin: string[];
}

function personName(random: () => number, birthYear: number, male: boolean): Name {
  const [surname, surnamePinyin] = weighted(random, SURNAMES, (s) => s[2]);
  const generation = birthYear < 1965 ? "older" : birthYear < 2000 ? "middle" : "younger";
  const characters: NameCharacters = GIVEN_NAMES[generation][male ? "male" : "female"];
  const first = pick(random, characters);
  // Two-character given names are the norm; one-character ones were common for people born in the 1970s–80s.
  const single = random() < (generation === "middle" ? 0.4 : 0.15);
  const second = single ? undefined : pick(random, characters);
  return {
    text: surname + first[0] + (second?.[0] ?? ""),
    pinyin: [surnamePinyin, first[1] + (second?.[1] ?? "")],
  };
}

/** Age pyramid of central Shanghai: many people over 60, few children. */
const AGE_BANDS: Array<{ from: number; to: number; weight: number }> = [
  { from: 0, to: 14, weight: 10 },
  { from: 15, to: 29, weight: 13 },
  { from: 30, to: 44, weight: 21 },
  { from: 45, to: 59, weight: 22 },
  { from: 60, to: 74, weight: 23 },
  { from: 75, to: 99, weight: 11 },
];

const DAY_MS = 24 * 60 * 60 * 1000;

/** A birth date drawn for an age band, up to `lastDay` (the day before the seed date). */
function birthDate(random: () => number, lastDay: number): Date {
  const band = weighted(random, AGE_BANDS, (b) => b.weight);
  const ageDays = Math.floor((band.from + random() * (band.to - band.from + 1)) * 365.25);
  return new Date(lastDay - ageDays * DAY_MS);
}

/** A seeded resident's division: the known accounts' are fixed; everyone else's is the first draw of their PRNG. */
function residentDivision(n: number, known: boolean, random: () => number) {
  return known
    ? jinganDivision(n === 1 ? "street-jingansi" : "street-linfenlu")
    : weighted(random, JINGAN_DIVISIONS, (s) => s.population);
}

/**
 * The street a seeded resident lives in, exactly as `buildResidents` places them, without building the rest: what the
 * identity service's register answers for a seeded resident (tests use it as the register when identity is not
 * running). Null for ids outside the seed.
 */
export function seededResidentStreet(id: string): string | null {
  const match = /^resident-(\d{6})$/.exec(id);
  const n = match ? Number(match[1]) : 0;
  if (n < 1 || n > RESIDENT_COUNT) return null;
  const known = KNOWN_ACCOUNTS.some((account) => account.residentId === id);
  return residentDivision(n, known, randomFor(id)).id;
}

/**
 * All 60,000 residents, aged as of the seed date (about a second of work: `seed.ts` skips it when they are all in
 * place). They live in the streets in proportion to the streets' populations.
 */
export function buildResidents(date: LocalDate): Resident[] {
  const lastDay = Date.parse(`${addDays(date, -1)}T00:00:00Z`);
  const residents: Resident[] = [];
  const idNumbers = new Set<string>();
  const phones = new Set<string>();
  const linked = new Map(KNOWN_ACCOUNTS.filter((a) => a.residentId).map((a) => [a.residentId as string, a]));
  for (let n = 1; n <= RESIDENT_COUNT; n++) {
    const id = residentId(n);
    const random = randomFor(id);
    const known = linked.get(id);
    const street = residentDivision(n, known !== undefined, random);
    const born = birthDate(random, lastDay);
    const male = known ? n === 1 : random() < 0.49;
    const name = known ? { text: known.displayName, pinyin: [] } : personName(random, born.getUTCFullYear(), male);
    const area =
      street.formerZhabei && born.getUTCFullYear() < 2015 ? FORMER_ZHABEI_DISTRICT_CODE : JINGAN_DISTRICT_CODE;
    const birth = `${born.getUTCFullYear()}${pad(born.getUTCMonth() + 1, 2)}${pad(born.getUTCDate(), 2)}`;
    // The sequence's parity carries the sex (odd: male). On a clash, step by two to keep it.
    let sequence = Math.floor(random() * 500) * 2 + (male ? 1 : 0);
    let idNumber: string;
    for (;;) {
      const first17 = `${area}${birth}${pad(sequence % 1000, 3)}`;
      idNumber = first17 + idCheckCharacter(first17);
      if (!idNumbers.has(idNumber)) break;
      sequence += 2;
    }
    idNumbers.add(idNumber);
    let phone: string;
    do {
      phone = pick(random, MOBILE_PREFIXES) + pad(Math.floor(random() * 100_000_000), 8);
    } while (phones.has(phone));
    phones.add(phone);
    // Every resident is made up, names and identity numbers included (valid in form, issued to nobody).
    residents.push({
      id,
      name: name.text,
      idNumber,
      phone,
      streetId: street.id,
      personId: known?.id ?? null,
      synthetic: true,
    });
  }
  return residents;
}

interface ProvisionedOfficer {
  person: Omit<Person, "passwordHash">;
  membership: OfficerMembership;
}

/**
 * Officers of the departments and street offices, provisioned from the personnel roster without a password: a
 * security admin issues their first one (resetCredentials). Every 25th has left and is DISABLED.
 */
function buildOfficers(firstNumber: number, createdAt: Date): ProvisionedOfficer[] {
  const units = [
    ...OFFICER_DEPARTMENTS.map((d) => ({ ...d, streetIds: ALL_STREETS as string[] })),
    ...STREET_IDS.map((streetId) => ({
      id: `dept-${streetId}`,
      officers: 6,
      suffix: streetId.slice("street-".length),
      streetIds: [streetId] as string[],
    })),
  ];
  const usernames = new Set(KNOWN_ACCOUNTS.map((a) => a.username));
  const officers: ProvisionedOfficer[] = [];
  let number = firstNumber;
  for (const unit of units) {
    for (let i = 0; i < unit.officers; i++) {
      const id = `person-${pad(number, 6)}`;
      const random = randomFor(id);
      const birthYear = 1966 + Math.floor(random() * 36);
      const name = personName(random, birthYear, random() < 0.5);
      const base = `${name.pinyin.join(".")}.${unit.suffix}`;
      let username = base;
      for (let k = 2; usernames.has(username); k++) username = `${base}${k}`;
      usernames.add(username);
      const disabled = number % 25 === 0;
      officers.push({
        person: {
          id,
          username,
          displayName: name.text,
          kind: "OFFICER",
          enterpriseId: null,
          status: disabled ? "DISABLED" : "ACTIVE",
          passwordChangedAt: null,
          mustChangePassword: true,
          createdAt,
          disabledAt: disabled ? createdAt : null,
        },
        membership: {
          personId: id,
          departmentId: unit.id,
          streetIds: unit.streetIds,
          scopes: DEPARTMENT_SCOPES[unit.id] ?? [],
        },
      });
      number += 1;
    }
  }
  return officers;
}

/** Roles and accounts; residents come from `buildResidents`. */
export function buildSeedData(date: LocalDate): IdentitySeedData {
  const createdAt = seedCreatedAt(date);
  const roles: Role[] = ROLES.map((role) => ({ name: role.name, description: role.description, scopes: role.scopes }));
  const people: IdentitySeedData["people"] = KNOWN_ACCOUNTS.map((a) => ({
    id: a.id,
    username: a.username,
    displayName: a.displayName,
    kind: a.kind,
    enterpriseId: a.enterpriseId,
    status: "ACTIVE",
    passwordChangedAt: createdAt,
    mustChangePassword: false,
    createdAt,
    disabledAt: null,
  }));
  const personRoles: PersonRole[] = KNOWN_ACCOUNTS.flatMap((a) =>
    a.roles.map((roleName) => ({ personId: a.id, roleName })),
  );
  const memberships: OfficerMembership[] = KNOWN_ACCOUNTS.flatMap((a) =>
    a.membership
      ? [{ personId: a.id, ...a.membership, scopes: DEPARTMENT_SCOPES[a.membership.departmentId] ?? [] }]
      : [],
  );
  for (const officer of buildOfficers(101, createdAt)) {
    people.push(officer.person);
    personRoles.push({ personId: officer.person.id, roleName: "officer" });
    memberships.push(officer.membership);
  }
  return { roles, people, personRoles, memberships };
}
