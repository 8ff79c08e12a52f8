/**
 * Chinese licence plates (机动车号牌), as parking needs them: one normal form to store and compare, and a check that
 * a string can be a plate at all. Ordinary plates have five characters after the province and city letter
 * (沪A12345); new-energy plates (新能源号牌) have six, with D or F marking the energy type (沪AD12345, or 沪A12345D on
 * large vehicles). The letters I and O never appear, so that they are not read as 1 and 0.
 */

const PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";
const LETTER = "[A-HJ-NP-Z]";
const CHAR = "[A-HJ-NP-Z0-9]";
const ORDINARY = new RegExp(`^[${PROVINCES}]${LETTER}${CHAR}{5}$`, "u");
const NEW_ENERGY = new RegExp(`^[${PROVINCES}]${LETTER}(?:[DF]${CHAR}\\d{4}|\\d{5}[DF])$`, "u");

/** The stored form: upper case, without the spaces and middle dots people write (沪A·12345, 沪a 12345). */
export function normalisePlate(input: string): string {
  return input.replace(/[\s·•.-]/gu, "").toUpperCase();
}

/** True for a normalised ordinary or new-energy plate. */
export function isValidPlate(plate: string): boolean {
  return ORDINARY.test(plate) || NEW_ENERGY.test(plate);
}

/** New-energy plates are one character longer (and cars with them park at charging spaces). */
export function isNewEnergyPlate(plate: string): boolean {
  return NEW_ENERGY.test(plate);
}
