/**
 * Writes rows of a Prisma model the way `createMany({ data, skipDuplicates: true })` writes them, in plain SQL:
 * multi-row parameterised `INSERT … VALUES … ON CONFLICT DO NOTHING` statements, as many rows per statement as
 * PostgreSQL's 65,535 bind parameters allow.
 *
 * Why not Prisma: seeding is most of the test suite's CPU, and about a third of a seed's CPU went into Prisma building
 * the createMany statements (its query compiler and client), not into the database (docs/data.md, "How seeds write").
 *
 * What Prisma would write, it writes: `@map`/`@@map` names; the defaults Prisma computes itself (`cuid()`, `uuid()`,
 * `now()`, `@updatedAt`); `DEFAULT` for a field a row leaves out (or `undefined`), so the database's own defaults
 * apply; `Json` as JSON text (`Prisma.JsonNull` is the JSON null; `Prisma.DbNull` and `null` are SQL NULL); lists as
 * PostgreSQL arrays; `DateTime` as its UTC instant (a `@db.Date` column keeps the UTC date, a `timestamp(3)` the UTC
 * wall-clock time); `BigInt`, `Decimal` and numbers in their exact text form. Every value is sent as text and cast to
 * its column's type as the database's catalogue names it, so PGlite and PostgreSQL (the subgraph's own schema) read
 * the same statement the same way.
 *
 * On a database that can load COPY text (`copyFrom`: PGlite), the same text values go in through `COPY` into a
 * temporary table of the columns written, then `INSERT … SELECT … ON CONFLICT DO NOTHING` from it: the same rows,
 * types and conflict rule, about twice as fast as the multi-row INSERTs, whose 65,535 parameters PGlite serialises and
 * PostgreSQL parses one by one (docs/data.md). Only when every row leaves out the same fields (each field is either
 * given by all rows or by none), since COPY has no per-row DEFAULT; otherwise, and on PostgreSQL, the INSERTs.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { objectEnumValues } from "@prisma/client/runtime/client";
import type { SubgraphDatabase } from "../../lib/db/database.ts";
import type { PrismaField, PrismaModel } from "./prismaModels.ts";

/** PostgreSQL's limit of bind parameters in one statement (the wire protocol counts them in 16 bits). */
export const MAX_BIND_PARAMETERS = 65_535;

export interface InsertRowsOptions {
  /** Most rows in one INSERT; fewer when the parameter limit needs it. Default: as many as the limit allows. */
  maxRowsPerStatement?: number;
}

/** The column types of each table, by database (read from its catalogue once). */
const columnTypesByDatabase = new WeakMap<Pick<SubgraphDatabase, "query">, Map<string, Promise<Map<string, string>>>>();

/**
 * Inserts `rows` (objects keyed by the model's field names) into the model's table, leaving out those whose key
 * exists already (`ON CONFLICT DO NOTHING`, like `skipDuplicates`). Returns the number of rows inserted.
 */
export async function insertRows(
  db: Pick<SubgraphDatabase, "query" | "schema"> & Partial<Pick<SubgraphDatabase, "copyFrom">>,
  model: PrismaModel,
  rows: readonly object[],
  options: InsertRowsOptions = {},
): Promise<number> {
  if (rows.length === 0) return 0;
  const fields = fieldsWritten(model, rows);
  const columnTypes = await columnTypesOf(db, model);
  const casts = fields.map((field) => {
    const type = columnTypes.get(field.column);
    if (!type) {
      throw new Error(`Table ${model.table} has no column "${field.column}" (field ${model.name}.${field.name}).`);
    }
    return type === "text" ? "::text" : `::text::${type}`;
  });
  const target = `${quoteName(db.schema)}.${quoteName(model.table)}`;
  // One instant for the whole call, as Prisma uses one per createMany.
  const now = new Date();
  if (db.copyFrom) {
    const copied = await copyRows(db as CopyingDatabase, target, fields, rows, now);
    if (copied !== undefined) return copied;
  }
  const columns = fields.map((field) => quoteName(field.column)).join(", ");
  const perStatement = Math.max(
    1,
    Math.min(options.maxRowsPerStatement ?? Number.POSITIVE_INFINITY, Math.floor(MAX_BIND_PARAMETERS / fields.length)),
  );
  let inserted = 0;
  for (let start = 0; start < rows.length; start += perStatement) {
    const params: unknown[] = [];
    const tuples = rows.slice(start, start + perStatement).map((row) => {
      const values = fields.map((field, i) => {
        const value = parameterText(row, field, now);
        if (value === undefined) return "DEFAULT";
        params.push(value);
        return `$${params.length}${casts[i]}`;
      });
      return `(${values.join(", ")})`;
    });
    const [result] = await db.query<{ inserted: number }>(
      `WITH inserted AS (
         INSERT INTO ${target} (${columns}) VALUES ${tuples.join(", ")} ON CONFLICT DO NOTHING RETURNING 1
       ) SELECT count(*)::int AS inserted FROM inserted`,
      params,
    );
    inserted += result?.inserted ?? 0;
  }
  return inserted;
}

type CopyingDatabase = Pick<SubgraphDatabase, "query"> & Required<Pick<SubgraphDatabase, "copyFrom">>;

let stages = 0;

/**
 * The rows through COPY (see the module comment), or `undefined` when a field is given by some rows and not others
 * (a per-row DEFAULT, which COPY cannot say): the caller then writes INSERTs.
 */
async function copyRows(
  db: CopyingDatabase,
  target: string,
  fields: PrismaField[],
  rows: readonly object[],
  now: Date,
): Promise<number | undefined> {
  let written: boolean[] | undefined;
  const lines: string[] = [];
  for (const row of rows) {
    const values = fields.map((field) => parameterText(row, field, now));
    const given = values.map((value) => value !== undefined);
    written ??= given;
    if (given.some((g, i) => g !== written![i])) return undefined;
    const line: string[] = [];
    for (const value of values) {
      if (value !== undefined) line.push(value === null ? "\\N" : copyText(value));
    }
    lines.push(line.join("\t"));
  }
  const columns = fields
    .filter((_, i) => written![i])
    .map((field) => quoteName(field.column))
    .join(", ");
  if (!columns) return undefined;
  // A table of its own per call: seeds write several models at once on one connection.
  stages += 1;
  const stage = quoteName(`og_insert_rows_${stages}`);
  await db.query(`CREATE TEMPORARY TABLE ${stage} AS SELECT ${columns} FROM ${target} WITH NO DATA`);
  try {
    await db.copyFrom(`COPY ${stage} (${columns}) FROM '/dev/blob'`, `${lines.join("\n")}\n`);
    const [result] = await db.query<{ inserted: number }>(
      `WITH inserted AS (
         INSERT INTO ${target} (${columns}) SELECT ${columns} FROM ${stage} ON CONFLICT DO NOTHING RETURNING 1
       ) SELECT count(*)::int AS inserted FROM inserted`,
    );
    return result?.inserted ?? 0;
  } finally {
    await db.query(`DROP TABLE ${stage}`);
  }
}

/** A value in COPY's text format: backslash, tab, newline and carriage return escaped (`\N` is NULL, written apart). */
function copyText(value: string): string {
  return /[\\\t\n\r]/.test(value)
    ? value.replaceAll("\\", "\\\\").replaceAll("\t", "\\t").replaceAll("\n", "\\n").replaceAll("\r", "\\r")
    : value;
}

/** The fields any row gives, and those Prisma fills in itself, in the model's order. Unknown keys are refused. */
function fieldsWritten(model: PrismaModel, rows: readonly object[]): PrismaField[] {
  const given = new Set<string>();
  for (const row of rows) {
    for (const [key, value] of Object.entries(row)) {
      if (value !== undefined) given.add(key);
    }
  }
  for (const key of given) {
    if (!model.fields.has(key)) {
      throw new Error(`Model ${model.name} has no scalar field "${key}": insertRows writes columns, not relations.`);
    }
  }
  return [...model.fields.values()].filter((field) => given.has(field.name) || field.clientDefault !== undefined);
}

/** The text sent for one field of one row; `undefined` means DEFAULT, `null` NULL. */
function parameterText(row: object, field: PrismaField, now: Date): string | null | undefined {
  const value = (row as Record<string, unknown>)[field.name];
  if (value === undefined) {
    switch (field.clientDefault) {
      case "now":
      case "updatedAt":
        return now.toISOString();
      case "uuid":
        return randomUUID();
      case "cuid":
        return cuid();
      default:
        return undefined;
    }
  }
  // Prisma's null markers for Json fields: DbNull is SQL NULL, JsonNull the JSON value null.
  if (value === null || value === objectEnumValues.instances.DbNull) return null;
  if (value === objectEnumValues.instances.JsonNull) return "null";
  if (field.isList) {
    if (!Array.isArray(value)) throw new Error(`${field.name} is a list: give an array.`);
    return arrayLiteral(value.map((element) => (element === null ? null : scalarText(element, field))));
  }
  return scalarText(value, field);
}

function scalarText(value: unknown, field: PrismaField): string {
  if (field.type === "Json") return JSON.stringify(value);
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new Error(`${field.name} is an invalid Date.`);
    return value.toISOString();
  }
  if (value instanceof Uint8Array) return `\\x${Buffer.from(value).toString("hex")}`;
  // Numbers, bigints, booleans, strings and enum values; a Decimal's toString is its exact value.
  return String(value);
}

/** A PostgreSQL array literal of text elements, each quoted (so commas, braces, quotes and "NULL" stay text). */
function arrayLiteral(elements: Array<string | null>): string {
  const quoted = elements.map((element) =>
    element === null ? "NULL" : `"${element.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`,
  );
  return `{${quoted.join(",")}}`;
}

function quoteName(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function columnTypesOf(
  db: Pick<SubgraphDatabase, "query" | "schema">,
  model: PrismaModel,
): Promise<Map<string, string>> {
  const tables = columnTypesByDatabase.get(db) ?? new Map<string, Promise<Map<string, string>>>();
  columnTypesByDatabase.set(db, tables);
  let types = tables.get(model.table);
  if (!types) {
    types = db
      .query<{ name: string; type: string }>(
        `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
         FROM pg_attribute a
         WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped`,
        [`${quoteName(db.schema)}.${quoteName(model.table)}`],
      )
      .then((columns) => {
        if (columns.length === 0) throw new Error(`There is no table ${model.table} in schema ${db.schema}.`);
        return new Map(columns.map((column) => [column.name, column.type]));
      });
    tables.set(model.table, types);
    // A failed read is not kept: the next call asks again.
    types.catch(() => tables.delete(model.table));
  }
  return types;
}

let cuidCounter = 0;

/** A collision-resistant id in cuid's shape (`c` + time + counter + random, base 36), as `@default(cuid())` gives. */
function cuid(): string {
  cuidCounter = (cuidCounter + 1) % 36 ** 4;
  const time = Date.now().toString(36).padStart(8, "0");
  const counter = cuidCounter.toString(36).padStart(4, "0");
  const random = BigInt(`0x${randomBytes(8).toString("hex")}`)
    .toString(36)
    .padStart(12, "0")
    .slice(-12);
  return `c${time}${counter}${random}`;
}
