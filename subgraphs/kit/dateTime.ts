/**
 * The `DateTime` scalar: ISO 8601 with an explicit offset in, UTC ISO strings out. An offset is required because
 * "2026-12-01T08:00" means different instants to a Shanghai clinic and to a server running in UTC.
 */
import { GraphQLScalarType, Kind } from "graphql";
import { codedError } from "../../lib/errors.ts";

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function parseDateTime(value: unknown): Date {
  const date = typeof value === "string" && ISO_WITH_OFFSET.test(value) ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    throw codedError(
      "BAD_USER_INPUT",
      `${JSON.stringify(value)?.slice(0, 40)} is not a DateTime; write ISO 8601 with an offset, e.g. "2026-12-01T08:00:00+08:00".`,
    );
  }
  return date;
}

export const DateTime = new GraphQLScalarType<Date, string>({
  name: "DateTime",
  serialize(value) {
    if (value instanceof Date) return value.toISOString();
    return parseDateTime(value).toISOString();
  },
  parseValue: parseDateTime,
  parseLiteral(ast) {
    return parseDateTime(ast.kind === Kind.STRING ? ast.value : undefined);
  },
});
