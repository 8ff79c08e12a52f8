/**
 * Free-text search arguments (`filter.nameContains`, `filter.usernameContains` …): trimmed, empty means "no filter",
 * and bounded, so a caller cannot send a megabyte into a `LIKE`.
 */
import { codedError } from "../../lib/errors.ts";

/** The longest name search a list accepts unless it says otherwise. */
export const MAX_NAME_FILTER_LENGTH = 50;

/** The trimmed text, or undefined when blank; a text longer than `maxLength` is a BAD_USER_INPUT naming `argument`. */
export function boundedText(value: string | null | undefined, argument: string, maxLength: number): string | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (text.length > maxLength) {
    throw codedError("BAD_USER_INPUT", `${argument} has ${text.length} characters; search with at most ${maxLength}.`, {
      argument,
    });
  }
  return text;
}

/** A Prisma string filter for "contains, ignoring case" (名称模糊查询), or undefined when the argument is blank. */
export function nameFilter(
  value: string | null | undefined,
  argument: string,
  maxLength = MAX_NAME_FILTER_LENGTH,
): { contains: string; mode: "insensitive" } | undefined {
  const text = boundedText(value, argument, maxLength);
  return text === undefined ? undefined : { contains: text, mode: "insensitive" };
}
