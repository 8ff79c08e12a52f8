/**
 * The unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters
 *
 *   9   1   310106   MA1FL0AB5   Q
 *   │   │   │        │           └ check character over the first 17 (weights 3^i mod 31, alphabet of 31)
 *   │   │   │        └ organisation code (组织机构代码, GB 11714-1997): 8 characters and its own check character
 *   │   │   └ administrative division of the registering authority (310106 = 静安区)
 *   │   └ kind of entity (1 company, 2 individual business, 3 farmers' cooperative …)
 *   └ registering authority (9 = market regulation, formerly 工商)
 *
 * The alphabet is the digits and the capital letters without I, O, Z, S and V (easily misread).
 */

export const CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
const ORGANISATION_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;
const SHAPE = /^[0-9A-HJ-NP-RT-UW-Y]{2}\d{6}[0-9A-HJ-NP-RT-UW-Y]{10}$/;

/** The check character (18th) that GB 32100-2015 assigns to the first 17 characters. */
export function creditCodeCheckCharacter(first17: string): string {
  if (first17.length !== 17) throw new Error(`A credit code body has 17 characters, not ${first17.length}.`);
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = CREDIT_CODE_ALPHABET.indexOf(first17[i]!);
    if (value < 0) throw new Error(`"${first17[i]}" is not a credit code character.`);
    sum += value * WEIGHTS[i]!;
  }
  return CREDIT_CODE_ALPHABET[(31 - (sum % 31)) % 31]!;
}

/**
 * The check character (9th) of an organisation code (GB 11714-1997) over its first 8 characters: digits count as
 * themselves, letters A–Z as 10–35; 10 is written X and 11 is written 0.
 */
export function organisationCodeCheckCharacter(first8: string): string {
  if (first8.length !== 8) throw new Error(`An organisation code body has 8 characters, not ${first8.length}.`);
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const value = Number.parseInt(first8[i]!, 36);
    if (Number.isNaN(value)) throw new Error(`"${first8[i]}" is not an organisation code character.`);
    sum += value * ORGANISATION_WEIGHTS[i]!;
  }
  const check = 11 - (sum % 11);
  return check === 10 ? "X" : check === 11 ? "0" : String(check);
}

/** Why a string is not a valid credit code, as a sentence that says what to fix; null when it is valid. */
export function creditCodeProblem(code: string): string | null {
  if (code.length !== 18) return `A unified social credit code has 18 characters; "${code}" has ${code.length}.`;
  if (!SHAPE.test(code)) {
    return `"${code}" is not a unified social credit code: it uses digits and capital letters without I, O, Z, S and V, and characters 3–8 are the digits of a division code.`;
  }
  const expected = creditCodeCheckCharacter(code.slice(0, 17));
  if (code[17] !== expected) {
    return `The check character of "${code}" should be ${expected}, not ${code[17]}; check the code for a typing error.`;
  }
  return null;
}

export function isValidCreditCode(code: string): boolean {
  return creditCodeProblem(code) === null;
}

/** Builds a full code from its parts, computing both check characters. */
export function buildCreditCode(parts: {
  authority: string;
  entityKind: string;
  divisionCode: string;
  organisationBody: string;
}): string {
  const organisationCode = parts.organisationBody + organisationCodeCheckCharacter(parts.organisationBody);
  const first17 = parts.authority + parts.entityKind + parts.divisionCode + organisationCode;
  return first17 + creditCodeCheckCharacter(first17);
}
