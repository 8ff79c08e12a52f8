/**
 * Password and client-secret hashing with scrypt from `node:crypto` (no native addon), stored as
 * `scrypt$N$r$p$salt$hash` (salt and hash base64url). The parameters travel with each hash, so raising the cost later
 * leaves existing hashes verifiable.
 *
 * Cost: N = 2^15, r = 8, p = 1 needs 32 MiB and about 50–100 ms per hash. That is the point (a stolen table is slow
 * to attack) and the reason the seed hashes only its handful of known passwords, once. `npm test` lowers it for its
 * own process (`useTestHashCost`); a production start refuses to run at that cost.
 */
import { randomBytes, randomInt, type ScryptOptions, scrypt, timingSafeEqual } from "node:crypto";

export const SCRYPT_N = 2 ** 15;
export const SCRYPT_R = 8;
export const SCRYPT_P = 1;

export interface HashCost {
  n: number;
  r: number;
  p: number;
}
/** The cost every new hash is made with, unless a test lowered it (`useTestHashCost`). */
export const PRODUCTION_HASH_COST: HashCost = Object.freeze({ n: SCRYPT_N, r: SCRYPT_R, p: SCRYPT_P });
/** N = 2^10: about 1 ms per hash, for `npm test` only. A production start refuses it (productionSafety.ts). */
export const TEST_HASH_COST: HashCost = Object.freeze({ n: 2 ** 10, r: SCRYPT_R, p: SCRYPT_P });

let hashCost: HashCost = PRODUCTION_HASH_COST;

/**
 * Makes every later hash in this process at the test cost: `npm test`'s setup file calls it (test/support/setup.ts),
 * so seeded passwords, one-time passwords and secrets hash and verify in about a millisecond instead of 50–100 ms.
 * Existing hashes keep verifying with the parameters stored in them. Nothing else calls it.
 */
export function useTestHashCost(): void {
  hashCost = TEST_HASH_COST;
}

/** The cost new hashes are made with in this process. */
export function currentHashCost(): HashCost {
  return hashCost;
}

const SALT_BYTES = 16;
const HASH_BYTES = 32;

function scryptAsync(secret: string, salt: Buffer, length: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret.normalize("NFC"), salt, length, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** 128·N·r bytes of work memory, plus headroom: Node's default limit (32 MiB) is exactly what N = 2^15 needs. */
function memoryFor(n: number, r: number): number {
  return 128 * n * r + 16 * 1024 * 1024;
}

export async function hashSecret(secret: string, cost: HashCost = hashCost): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await scryptAsync(secret, salt, HASH_BYTES, {
    N: cost.n,
    r: cost.r,
    p: cost.p,
    maxmem: memoryFor(cost.n, cost.r),
  });
  return ["scrypt", cost.n, cost.r, cost.p, salt.toString("base64url"), hash.toString("base64url")].join("$");
}

/** Constant-time comparison. A malformed stored hash verifies nothing (and still costs a full hash, see below). */
export async function verifySecret(secret: string, stored: string | null): Promise<boolean> {
  const parsed = stored ? parseHash(stored) : null;
  if (!parsed) {
    // Spend the same time as a real check, so a response time does not tell "no such account" from "wrong password".
    await verifySecret(secret, await dummyHash());
    return false;
  }
  const actual = await scryptAsync(secret, parsed.salt, parsed.hash.length, {
    N: parsed.n,
    r: parsed.r,
    p: parsed.p,
    maxmem: memoryFor(parsed.n, parsed.r),
  });
  return actual.length === parsed.hash.length && timingSafeEqual(actual, parsed.hash);
}

let dummy: Promise<string> | undefined;
/** A hash of a random secret, computed once per process, that unknown accounts are checked against. */
function dummyHash(): Promise<string> {
  dummy ??= hashSecret(randomBytes(16).toString("hex"));
  return dummy;
}

function parseHash(stored: string) {
  const [scheme, n, r, p, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !n || !r || !p || !salt || !hash) return null;
  const numbers = [Number(n), Number(r), Number(p)] as const;
  if (!numbers.every((x) => Number.isInteger(x) && x > 0) || numbers[0] > 2 ** 20 || numbers[1] > 32) return null;
  return {
    n: numbers[0],
    r: numbers[1],
    p: numbers[2],
    salt: Buffer.from(salt, "base64url"),
    hash: Buffer.from(hash, "base64url"),
  };
}

/** Letters and digits without the look-alikes (0/O, 1/l/I), for passwords read out over the phone. */
const TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/** A one-time password such as `Tq7k-x9Pm-4HcZ-wR2e`: 16 random characters (about 93 bits). */
export function temporaryPassword(): string {
  const groups: string[] = [];
  for (let g = 0; g < 4; g++) {
    let group = "";
    for (let i = 0; i < 4; i++) group += TEMPORARY_ALPHABET[randomInt(TEMPORARY_ALPHABET.length)];
    groups.push(group);
  }
  return groups.join("-");
}

/** A client secret: 32 random bytes, base64url. */
export function clientSecret(): string {
  return randomBytes(32).toString("base64url");
}

export const MIN_PASSWORD_LENGTH = 10;

/** Why a new password is refused, or null when it is acceptable. */
export function passwordProblem(password: string, username: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return `The new password has ${password.length} characters; choose at least ${MIN_PASSWORD_LENGTH}.`;
  }
  if (password.length > 128) return "The new password is longer than 128 characters; choose a shorter one.";
  if (!/[A-Za-z]/.test(password) || !/[0-9]/.test(password)) {
    return "The new password needs both letters and digits.";
  }
  if (password.toLowerCase().includes(username.toLowerCase())) {
    return "The new password must not contain the username.";
  }
  return null;
}
