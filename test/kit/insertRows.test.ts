import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { objectEnumValues } from "@prisma/client/runtime/client";
import { afterEach, describe, expect, it } from "vitest";
import { EMBEDDED_START_PARAMS, openSubgraphDatabase, type SubgraphDatabase } from "../../lib/db/database.ts";
import { readMigrations } from "../../lib/db/migrate.ts";
import { insertRows, MAX_BIND_PARAMETERS } from "../../subgraphs/kit/insertRows.ts";
import { parsePrismaModels, readPrismaModels } from "../../subgraphs/kit/prismaModels.ts";
import { createTestDatabase, type TestDatabase, testTier } from "../support/database.ts";
import { emptyClusterSnapshot } from "../support/pgliteSnapshots.ts";

/** A model with every kind of column the seeds write, mapped names, and the defaults Prisma computes itself. */
const PROBE_SCHEMA = `
enum ProbeKind {
  SMALL
  LARGE
}

/// A probe row. A doc comment with { braces } and a // slash.
model Probe {
  id        String    @id
  label     String    @map("probe_label") // a comment
  kind      ProbeKind
  count     Int
  big       BigInt
  ratio     Float
  active    Boolean   @default(true)
  tags      String[]
  detail    Json?
  at        DateTime
  atZoned   DateTime  @map("at_zoned") @db.Timestamptz(3)
  day       DateTime  @db.Date
  token     String    @default(uuid())
  createdAt DateTime  @default(now()) @map("created_at") @db.Timestamptz(3)
  updatedAt DateTime  @updatedAt @map("updated_at") @db.Timestamptz(3)
  notes     Note[]

  @@map("probe_row")
}

model Note {
  id      Int    @id
  probeId String
  probe   Probe  @relation(fields: [probeId], references: [id])
}
`;

const PROBE_TABLES = `
CREATE TYPE "ProbeKind" AS ENUM ('SMALL', 'LARGE');
CREATE TABLE "probe_row" (
  "id" text PRIMARY KEY,
  "probe_label" text NOT NULL,
  "kind" "ProbeKind" NOT NULL,
  "count" integer NOT NULL,
  "big" bigint NOT NULL,
  "ratio" double precision NOT NULL,
  "active" boolean NOT NULL DEFAULT true,
  "tags" text[],
  "detail" jsonb,
  "at" timestamp(3) NOT NULL,
  "at_zoned" timestamptz(3) NOT NULL,
  "day" date NOT NULL,
  "token" text NOT NULL,
  "created_at" timestamptz(3) NOT NULL,
  "updated_at" timestamptz(3) NOT NULL
);
CREATE TABLE "Note" ("id" integer PRIMARY KEY, "probeId" text NOT NULL);
`;

const models = parsePrismaModels(PROBE_SCHEMA);
const probe = models.Probe!;
const note = models.Note!;

const probeRow = (id: string, overrides: Record<string, unknown> = {}) => ({
  id,
  label: `label ${id}`,
  kind: "LARGE",
  count: 7,
  big: 9_007_199_254_740_993n,
  ratio: 0.1,
  tags: [],
  at: new Date("2026-12-01T23:30:00.123Z"),
  atZoned: new Date("2026-12-01T23:30:00.123Z"),
  day: new Date("2026-12-01T00:00:00.000Z"),
  ...overrides,
});

describe(`insertRows (${testTier})`, () => {
  const opened: Array<{ db: SubgraphDatabase; test: TestDatabase }> = [];
  async function open(schema = "probe"): Promise<SubgraphDatabase> {
    const test = await createTestDatabase();
    const db = await openSubgraphDatabase({ schema, databaseUrl: test.url });
    opened.push({ db, test });
    return db;
  }
  afterEach(async () => {
    for (const { db, test } of opened.splice(0)) {
      await db.close();
      await test.drop();
    }
  });

  it("reads mapped names, lists, enums and Prisma's own defaults from the schema, and leaves relations out", () => {
    expect(probe.table).toBe("probe_row");
    expect(probe.fields.get("label")?.column).toBe("probe_label");
    expect(probe.fields.get("tags")).toMatchObject({ type: "String", isList: true, isEnum: false });
    expect(probe.fields.get("kind")).toMatchObject({ isEnum: true, isList: false });
    expect(probe.fields.get("token")?.clientDefault).toBe("uuid");
    expect(probe.fields.get("createdAt")?.clientDefault).toBe("now");
    expect(probe.fields.get("updatedAt")?.clientDefault).toBe("updatedAt");
    expect(probe.fields.get("active")?.clientDefault).toBeUndefined();
    expect(probe.fields.has("notes")).toBe(false);
    expect([...note.fields.keys()]).toEqual(["id", "probeId"]);
  });

  it("writes each type as Prisma's createMany does: UTC instants, the UTC date, JSON, arrays, bigints, defaults", async () => {
    const db = await open();
    await db.exec(PROBE_TABLES);
    const before = Date.now();
    const inserted = await insertRows(db, probe, [
      probeRow("a", {
        tags: ["a,b", 'quote"d', "back\\slash", "NULL", "{brace}", "空格 space"],
        detail: { list: [1, "x"], nothing: null },
        active: false,
        token: "given",
      }),
      // 20:00 UTC is already the next day in Jing'an: a @db.Date column holds the UTC date, as Prisma writes it.
      probeRow("b", { detail: "just text", day: new Date("2026-12-01T20:00:00.000Z"), ratio: 1 / 3 }),
      probeRow("c", { detail: null, kind: "SMALL", tags: ["x"], count: -2_147_483_648 }),
    ]);
    expect(inserted).toBe(3);

    const rows = await db.query<Record<string, unknown>>(
      `SELECT "id", "probe_label", "kind"::text AS kind, "count", "big"::text AS big, "ratio", "active", "tags",
              "detail"::text AS detail, "at"::text AS at, ("at_zoned" AT TIME ZONE 'UTC')::text AS at_zoned,
              "day"::text AS day, "token", "created_at", "updated_at"
       FROM "probe_row" ORDER BY "id"`,
    );
    expect(rows.map(({ token, created_at, updated_at, ...rest }) => rest)).toEqual([
      {
        id: "a",
        probe_label: "label a",
        kind: "LARGE",
        count: 7,
        big: "9007199254740993",
        ratio: 0.1,
        active: false,
        tags: ["a,b", 'quote"d', "back\\slash", "NULL", "{brace}", "空格 space"],
        detail: '{"list": [1, "x"], "nothing": null}',
        at: "2026-12-01 23:30:00.123",
        at_zoned: "2026-12-01 23:30:00.123",
        day: "2026-12-01",
      },
      {
        id: "b",
        probe_label: "label b",
        kind: "LARGE",
        count: 7,
        big: "9007199254740993",
        ratio: 1 / 3,
        active: true,
        tags: [],
        detail: '"just text"',
        at: "2026-12-01 23:30:00.123",
        at_zoned: "2026-12-01 23:30:00.123",
        day: "2026-12-01",
      },
      {
        id: "c",
        probe_label: "label c",
        kind: "SMALL",
        count: -2_147_483_648,
        big: "9007199254740993",
        ratio: 0.1,
        active: true,
        tags: ["x"],
        detail: null,
        at: "2026-12-01 23:30:00.123",
        at_zoned: "2026-12-01 23:30:00.123",
        day: "2026-12-01",
      },
    ]);
    expect(rows[0]!.token).toBe("given");
    // Prisma's null markers for Json: JsonNull is the JSON value null, DbNull is SQL NULL.
    await insertRows(db, probe, [
      probeRow("d", { detail: objectEnumValues.instances.JsonNull }),
      probeRow("e", { detail: objectEnumValues.instances.DbNull }),
    ]);
    expect(
      await db.query(`SELECT "id", "detail"::text AS detail FROM "probe_row" WHERE "id" IN ('d', 'e') ORDER BY "id"`),
    ).toEqual([
      { id: "d", detail: "null" },
      { id: "e", detail: null },
    ]);
    expect(rows[1]!.token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(rows[2]!.token).not.toBe(rows[1]!.token);
    for (const row of rows) {
      const created = new Date(row.created_at as string | Date).getTime();
      expect(created).toBeGreaterThanOrEqual(before - 1);
      expect(created).toBeLessThanOrEqual(Date.now() + 1);
      expect(new Date(row.updated_at as string | Date).getTime()).toBe(created);
    }
  });

  it("leaves rows whose key exists alone and counts only the rows it added", async () => {
    const db = await open();
    await db.exec(PROBE_TABLES);
    expect(await insertRows(db, probe, [probeRow("a"), probeRow("b")])).toBe(2);
    expect(await insertRows(db, probe, [probeRow("a", { label: "changed" }), probeRow("b")])).toBe(0);
    expect(await insertRows(db, probe, [probeRow("b", { label: "changed" }), probeRow("c")])).toBe(1);
    const labels = await db.query<{ id: string; probe_label: string }>(
      `SELECT "id", "probe_label" FROM "probe_row" ORDER BY "id"`,
    );
    expect(labels).toEqual([
      { id: "a", probe_label: "label a" },
      { id: "b", probe_label: "label b" },
      { id: "c", probe_label: "label c" },
    ]);
  });

  it("splits rows into statements under PostgreSQL's bind-parameter limit", async () => {
    const db = await open();
    await db.exec(PROBE_TABLES);
    const statements: number[] = [];
    const counting = {
      schema: db.schema,
      query: <Row>(sql: string, params?: unknown[]) => {
        if (sql.includes("INSERT")) statements.push(params?.length ?? 0);
        return db.query<Row>(sql, params);
      },
    };
    const rows = Array.from({ length: 40_000 }, (_, i) => ({ id: i, probeId: `p${i}` }));
    expect(await insertRows(counting, note, rows)).toBe(40_000);
    // Two columns: 32,767 rows (65,534 parameters) fit in one statement, the rest go in a second.
    expect(statements).toEqual([65_534, (40_000 - 32_767) * 2]);
    expect(Math.max(...statements)).toBeLessThanOrEqual(MAX_BIND_PARAMETERS);
    const [count] = await db.query<{ n: number }>(`SELECT count(*)::int AS n, max("id") AS top FROM "Note"`);
    expect(count!.n).toBe(40_000);

    statements.length = 0;
    const more = Array.from({ length: 5 }, (_, i) => ({ id: 50_000 + i, probeId: "q" }));
    expect(await insertRows(counting, note, more, { maxRowsPerStatement: 2 })).toBe(5);
    expect(statements).toEqual([4, 4, 2]);
  });

  it.skipIf(testTier === "postgres")(
    "loads through COPY on PGlite the very rows the INSERTs write, and INSERTs when rows leave out different fields",
    async () => {
      const db = await open();
      await db.exec(PROBE_TABLES);
      const copies: string[] = [];
      const copying = {
        schema: db.schema,
        query: db.query.bind(db),
        copyFrom: (statement: string, text: string) => {
          copies.push(statement);
          return db.copyFrom!(statement, text);
        },
      };
      const inserting = { schema: db.schema, query: db.query.bind(db) };
      // Everything COPY's text format must escape, and the text "\N", which is not NULL.
      const hostile = ["tab\there", "line\nbreak", "carriage\rreturn", "back\\slash", "\\N", "", "NULL", '引号"q'];
      const rows = (prefix: string) =>
        hostile.map((label, i) =>
          probeRow(`${prefix}${i}`, {
            label,
            tags: [label, "x"],
            detail: { label, n: i },
            token: `t${i}`,
            ratio: i / 7,
            day: new Date("2026-12-01T20:00:00.000Z"),
          }),
        );
      expect(await insertRows(copying, probe, rows("copy-"))).toBe(hostile.length);
      expect(copies).toHaveLength(1);
      expect(await insertRows(inserting, probe, rows("insert-"))).toBe(hostile.length);
      // The conflict rule through COPY: existing keys are left alone and not counted.
      expect(await insertRows(copying, probe, [...rows("copy-"), probeRow("copy-new")])).toBe(1);

      const read = async (prefix: string) =>
        (
          await db.query<Record<string, unknown>>(
            `SELECT "id", "probe_label", "kind"::text AS kind, "count", "big"::text AS big, "ratio", "active", "tags",
                    "detail"::text AS detail, "at"::text AS at, "at_zoned"::text AS at_zoned, "day"::text AS day, "token"
             FROM "probe_row" WHERE "id" LIKE $1 || '%' AND "id" <> 'copy-new' ORDER BY "id"`,
            [prefix],
          )
        ).map((row): Record<string, unknown> => ({ ...row, id: String(row.id).slice(prefix.length) }));
      const copied = await read("copy-");
      expect(copied.map((row) => row.probe_label)).toEqual(hostile);
      expect(copied).toEqual(await read("insert-"));

      // A field some rows give and others leave to its DEFAULT: COPY cannot say that per row, so INSERTs write them.
      copies.length = 0;
      expect(await insertRows(copying, probe, [probeRow("mixed-a", { active: false }), probeRow("mixed-b")])).toBe(2);
      expect(copies).toEqual([]);
      expect(await db.query(`SELECT "id", "active" FROM "probe_row" WHERE "id" LIKE 'mixed-%' ORDER BY "id"`)).toEqual([
        { id: "mixed-a", active: false },
        { id: "mixed-b", active: true },
      ]);
    },
  );

  it("refuses fields the model does not have, and tables or columns the database does not have", async () => {
    const db = await open();
    await db.exec(PROBE_TABLES);
    await expect(insertRows(db, probe, [probeRow("a", { nope: 1 })])).rejects.toThrow(
      'Model Probe has no scalar field "nope": insertRows writes columns, not relations.',
    );
    await expect(insertRows(db, probe, [probeRow("a", { notes: [] })])).rejects.toThrow(/no scalar field "notes"/);
    const missing = parsePrismaModels(`model Ghost {\n  id String @id\n}`).Ghost!;
    await expect(insertRows(db, missing, [{ id: "x" }])).rejects.toThrow(
      `There is no table Ghost in schema ${db.schema}.`,
    );
    const renamed = parsePrismaModels(`model Note {\n  id Int @id\n  probe String @map("probe_id")\n}`).Note!;
    await expect(insertRows(db, renamed, [{ id: 1, probe: "x" }])).rejects.toThrow(
      'Table Note has no column "probe_id" (field Note.probe).',
    );
  });

  // The schema reader is checked against the real thing: each department's migrations, in one PGlite (a schema each).
  it("finds every field of every department's schema as a column of its migrated tables", async () => {
    const prismaDir = fileURLToPath(new URL("../../prisma/", import.meta.url));
    const empty = await emptyClusterSnapshot();
    const pglite = new PGlite({ startParams: [...EMBEDDED_START_PARAMS], ...(empty ? { loadDataDir: empty } : {}) });
    try {
      for (const department of readdirSync(prismaDir).sort()) {
        const migrations = await readMigrations(`${prismaDir}${department}/migrations`);
        await pglite.exec(`CREATE SCHEMA "${department}"; SET search_path TO "${department}";`);
        for (const migration of migrations) await pglite.exec(migration.sql);
        const schemaModels = readPrismaModels(`${prismaDir}${department}/schema.prisma`);
        expect(schemaModels.names().length).toBeGreaterThan(0);
        for (const name of schemaModels.names()) {
          const model = schemaModels.get(name);
          const { rows } = await pglite.query<{ name: string }>(
            `SELECT attname AS name FROM pg_attribute
             WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped`,
            [`"${department}"."${model.table}"`],
          );
          const columns = new Set(rows.map((row) => row.name));
          const missing = [...model.fields.values()].map((field) => field.column).filter((c) => !columns.has(c));
          expect({ department, table: model.table, found: rows.length > 0, missing }).toEqual({
            department,
            table: model.table,
            found: true,
            missing: [],
          });
        }
      }
    } finally {
      await pglite.close();
    }
  }, 180_000);
});
