/**
 * The models of a department's Prisma schema (`prisma/<name>/schema.prisma`) as `insertRows` needs them: each model's
 * table and, per scalar field, its column, type, whether it is a list, and the defaults Prisma fills in itself
 * (`@default(cuid())`, `@default(uuid())`, `@default(now())`, `@updatedAt`) rather than the database.
 *
 * Read from the schema file because the generated client (generator "prisma-client") no longer carries the full DMMF:
 * its runtime data model has no `@map` names, lists or defaults. Only what decides how a row is written is read;
 * `insertRows` checks every column against the database's catalogue, so a field read wrongly fails loudly.
 */
import { readFileSync } from "node:fs";

/** A default Prisma Client computes when a create leaves the field out (the database knows nothing of it). */
export type ClientDefault = "cuid" | "uuid" | "now" | "updatedAt";

export interface PrismaField {
  name: string;
  /** `@map` name, or the field's own. */
  column: string;
  /** Prisma scalar type (`String`, `DateTime`, `Json` …), or the enum's name. */
  type: string;
  isEnum: boolean;
  isList: boolean;
  clientDefault?: ClientDefault;
}

export interface PrismaModel {
  name: string;
  /** `@@map` name, or the model's own. */
  table: string;
  fields: ReadonlyMap<string, PrismaField>;
}

/** The models of one schema file. */
export interface PrismaModels {
  /** The model named `name`; throws when the schema has none (a typo, or a model renamed since). */
  get(name: string): PrismaModel;
  names(): string[];
}

const cache = new Map<string, PrismaModels>();

/** The models of the schema file at `schemaFile` (read once per process). */
export function readPrismaModels(schemaFile: URL | string): PrismaModels {
  const path = schemaFile instanceof URL ? schemaFile.pathname : schemaFile;
  let models = cache.get(path);
  if (!models) {
    models = prismaModelsOf(parsePrismaModels(readFileSync(schemaFile, "utf8")), path);
    cache.set(path, models);
  }
  return models;
}

function prismaModelsOf(byName: Record<string, PrismaModel>, path: string): PrismaModels {
  return {
    get: (name) => {
      const model = byName[name];
      if (!model) throw new Error(`The Prisma schema ${path} has no model ${name}.`);
      return model;
    },
    names: () => Object.keys(byName),
  };
}

const BLOCK_START = /^(model|enum|type|view)\s+(\w+)\s*\{\s*$/;
const FIELD = /^(\w+)\s+(\w+)(\[\])?(\?)?(?:\s+(.*))?$/;

/** Parses the model blocks of a Prisma schema's text. Relation fields are left out: they are no columns. */
export function parsePrismaModels(schema: string): Record<string, PrismaModel> {
  const blocks = blocksOf(schema);
  const enums = new Set(blocks.filter((b) => b.kind === "enum").map((b) => b.name));
  const modelNames = new Set(blocks.filter((b) => b.kind !== "enum").map((b) => b.name));
  const models: Record<string, PrismaModel> = {};
  for (const block of blocks) {
    if (block.kind !== "model") continue;
    const fields = new Map<string, PrismaField>();
    let table = block.name;
    for (const rawLine of block.lines) {
      const line = withoutComment(rawLine).trim();
      if (line === "") continue;
      if (line.startsWith("@@")) {
        table = mappedName(line, "@@map") ?? table;
        continue;
      }
      const match = FIELD.exec(line);
      if (!match) throw new Error(`Cannot read the field "${line}" of model ${block.name} in the Prisma schema.`);
      const [, name, type, list, , attributes = ""] = match;
      if (modelNames.has(type!)) continue; // a relation: its foreign key is a field of its own
      const field: PrismaField = {
        name: name!,
        column: mappedName(attributes, "@map") ?? name!,
        type: type!,
        isEnum: enums.has(type!),
        isList: list !== undefined,
      };
      const clientDefault = clientDefaultOf(attributes);
      if (clientDefault) field.clientDefault = clientDefault;
      fields.set(name!, field);
    }
    models[block.name] = { name: block.name, table, fields };
  }
  return models;
}

/** The top-level blocks: a block opens with `model Name {` on its own line and closes with a line `}`. */
function blocksOf(schema: string): Array<{ kind: string; name: string; lines: string[] }> {
  const blocks: Array<{ kind: string; name: string; lines: string[] }> = [];
  let open: { kind: string; name: string; lines: string[] } | undefined;
  for (const line of schema.split("\n")) {
    if (open) {
      if (withoutComment(line).trim() === "}") {
        blocks.push(open);
        open = undefined;
      } else {
        open.lines.push(line);
      }
      continue;
    }
    const start = BLOCK_START.exec(withoutComment(line).trim());
    if (start) open = { kind: start[1]!, name: start[2]!, lines: [] };
  }
  return blocks;
}

/** The line without its `//` or `///` comment (a `//` inside a string literal stays). */
function withoutComment(line: string): string {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (char === '"' && line[i - 1] !== "\\") quoted = !quoted;
    if (!quoted && char === "/" && line[i + 1] === "/") return line.slice(0, i);
  }
  return line;
}

function mappedName(attributes: string, attribute: "@map" | "@@map"): string | undefined {
  const escaped = attribute.replaceAll("@", "\\@");
  return new RegExp(`${escaped}\\(\\s*(?:name:\\s*)?"([^"]+)"`).exec(attributes)?.[1];
}

function clientDefaultOf(attributes: string): ClientDefault | undefined {
  if (/@updatedAt\b/.test(attributes)) return "updatedAt";
  const value = /@default\(\s*(cuid|uuid|now)\(/.exec(attributes)?.[1];
  return value as ClientDefault | undefined;
}
