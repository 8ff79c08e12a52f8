/**
 * One data, one source (一数一源) for the district's reference data: streets (names, codes, areas, populations) and
 * departments are written down once (`lib/reference/jinganDivisions.ts`, the catalog's seed), stored and served by
 * the catalog subgraph alone, and only referenced by id everywhere else.
 */
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type DocumentNode,
  type FieldDefinitionNode,
  Kind,
  type ObjectTypeDefinitionNode,
  type ObjectTypeExtensionNode,
  parse,
  type TypeNode,
} from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JINGAN_DIVISION_IDS, JINGAN_DIVISIONS } from "../lib/reference/jinganDivisions.ts";
import type { PrismaClient } from "../subgraphs/catalog/generated/prisma/client.ts";
import catalogModule from "../subgraphs/catalog/index.ts";
import type { SubgraphService } from "../subgraphs/kit/service.ts";
import { subgraphModules } from "../subgraphs/registry.ts";
import { TEST_SEED_DATE } from "./support/seedDate.ts";
import { graphql, startTestSubgraph } from "./support/subgraphs.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** The one file allowed to write a division's name, code, area or population down. */
const REFERENCE_FILE = "lib/reference/jinganDivisions.ts";
/** Reference types the catalog owns; other subgraphs may extend them by id with lists of their own records. */
const REFERENCE_TYPES = ["Street", "Department"];
/** Field names that would carry reference data outside the catalog, on any type. */
const REFERENCE_FIELD_NAMES = ["population", "streetName", "streetCode", "departmentName", "divisionCode", "areaKm2"];

function namedType(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);
}

function isList(type: TypeNode): boolean {
  return type.kind === Kind.LIST_TYPE || (type.kind === Kind.NON_NULL_TYPE && isList(type.type));
}

type ObjectNode = ObjectTypeDefinitionNode | ObjectTypeExtensionNode;

function objectTypes(document: DocumentNode): ObjectNode[] {
  return document.definitions.filter(
    (d): d is ObjectNode => d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION,
  );
}

/** Names of the scalars and enums a subgraph's SDL declares, plus the built-in scalars. */
function leafTypes(document: DocumentNode): Set<string> {
  const leaves = new Set(["ID", "String", "Int", "Float", "Boolean"]);
  for (const d of document.definitions) {
    if (d.kind === Kind.SCALAR_TYPE_DEFINITION || d.kind === Kind.ENUM_TYPE_DEFINITION) leaves.add(d.name.value);
  }
  return leaves;
}

/**
 * Reference data a subgraph's SDL would serve: a leaf field (a value, not a list of the subgraph's own records) on
 * Street or Department other than the key, or a field named like reference data on any type.
 */
function servedReferenceFields(sdl: DocumentNode): string[] {
  const leaves = leafTypes(sdl);
  const found: string[] = [];
  for (const type of objectTypes(sdl)) {
    for (const field of type.fields ?? ([] as readonly FieldDefinitionNode[])) {
      const coordinate = `${type.name.value}.${field.name.value}`;
      if (REFERENCE_FIELD_NAMES.includes(field.name.value)) found.push(coordinate);
      else if (
        REFERENCE_TYPES.includes(type.name.value) &&
        field.name.value !== "id" &&
        leaves.has(namedType(field.type)) &&
        !isList(field.type)
      ) {
        found.push(coordinate);
      }
    }
  }
  return found;
}

/** The files a copy could hide in: source, not tests or generated clients. */
async function sourceFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(join(ROOT, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "generated" && entry.name !== "node_modules") files.push(...(await sourceFiles(path)));
    } else if (/\.(ts|graphql|json|yaml)$/.test(entry.name) && !entry.name.endsWith(".test.ts")) {
      files.push(path);
    }
  }
  return files;
}

const DIVISION_NAMES = JINGAN_DIVISIONS.map((division) => division.name);
const QUOTES = `["'\`]`;
/** A division's name as a whole string literal (a facility named after its street is built from the reference). */
const NAME_LITERAL = new RegExp(`${QUOTES}(${DIVISION_NAMES.join("|")})${QUOTES}`, "u");
/** A division code of the district (9 digits, or the 12-digit statistical form). */
const CODE_LITERAL = /["'`]310106\d{3}(000)?["'`]/;
/** An object literal keyed by a street id that also carries reference attributes: a copied STREETS table. */
const COPIED_ROW =
  /id:\s*["'`]street-[a-z]+["'`][^}]{0,600}?\b(name|englishName|population|thousands|areaKm2|code|officeAddress|roads|neighbourhoods|phonePrefix)\s*:/s;

/** What in a source text looks like reference data written down a second time. */
function copiedReferenceData(text: string): string[] {
  const found: string[] = [];
  const name = NAME_LITERAL.exec(text);
  if (name) found.push(`the division name ${name[0]}`);
  const code = CODE_LITERAL.exec(text);
  if (code) found.push(`the division code ${code[0]}`);
  const row = COPIED_ROW.exec(text);
  if (row) found.push(`a street table row (${row[0].slice(0, 40).replaceAll("\n", " ")}…)`);
  return found;
}

describe("one source for streets and departments", () => {
  it("finds a copied table, a division's name or code in a text that has one (the scan can fail)", () => {
    expect(
      copiedReferenceData(`const STREETS = [{ id: "street-jingansi", name: "静安寺街道", population: 48_000 }];`),
    ).toHaveLength(2);
    expect(copiedReferenceData(`{ id: "street-pengpu", thousands: 153 }`)).toHaveLength(1);
    expect(copiedReferenceData(`code: "310106101",`)).toHaveLength(1);
    // A facility named after its street, built from the reference list, is no copy.
    expect(copiedReferenceData(["`$", '{street.name}社区卫生服务中心`; streetId: "street-pengpu"'].join(""))).toEqual(
      [],
    );
  });

  it("writes a division's name, code or population in no source file but the reference list", async () => {
    const files = (
      await Promise.all(["lib", "subgraphs", "gateway", "legacy", "scripts", "schema"].map(sourceFiles))
    ).flat();
    expect(files).toContain(REFERENCE_FILE);
    expect(files.length).toBeGreaterThan(100);
    const copies: string[] = [];
    for (const file of files.filter((f) => f !== REFERENCE_FILE)) {
      for (const finding of copiedReferenceData(await readFile(join(ROOT, file), "utf8"))) {
        copies.push(`${relative(ROOT, join(ROOT, file))}: ${finding}`);
      }
    }
    expect(copies).toEqual([]);
  });

  it("lists the 14 divisions with codes of the national list: 13 streets in the 0xx range, 彭浦镇 a town at 101", () => {
    expect(JINGAN_DIVISIONS).toHaveLength(14);
    expect(new Set(JINGAN_DIVISION_IDS).size).toBe(14);
    for (const division of JINGAN_DIVISIONS) {
      expect(division.code).toMatch(division.kind === "TOWN" ? /^3101061\d\d$/ : /^3101060\d\d$/);
    }
    expect(JINGAN_DIVISIONS.find((d) => d.name === "彭浦镇")).toMatchObject({ code: "310106101", kind: "TOWN" });
    expect(JINGAN_DIVISIONS.map((d) => d.code)).toEqual(JINGAN_DIVISIONS.map((d) => d.code).sort());
    expect(JINGAN_DIVISIONS.reduce((sum, d) => sum + d.areaKm2, 0)).toBeCloseTo(36.88, 2);
  });

  it("lets no subgraph but the catalog declare a street's or department's values in its schema", () => {
    const catalogSdl = subgraphModules.find((m) => m.name === "catalog")!.typeDefs;
    expect(servedReferenceFields(catalogSdl)).toEqual(
      expect.arrayContaining(["Street.name", "Street.population", "Street.code", "Department.name"]),
    );
    for (const module of subgraphModules.filter((m) => m.name !== "catalog")) {
      expect(servedReferenceFields(module.typeDefs), module.name).toEqual([]);
    }
    // The check can fail: a subgraph that declared the population would be caught.
    const copy = parse(`type Street @key(fields: "id") { id: ID! population: Int hospitals: [String!] }`);
    expect(servedReferenceFields(copy)).toEqual(["Street.population"]);
  });

  it("resolves every value field of Street and Department in the composed graph from the catalog alone", async () => {
    const supergraph = parse(await readFile(join(ROOT, "schema/supergraph.graphql"), "utf8"));
    const leaves = leafTypes(supergraph);
    for (const type of objectTypes(supergraph).filter((t) => REFERENCE_TYPES.includes(t.name.value))) {
      for (const field of (type.fields ?? []).filter((f) => f.name.value !== "id" && leaves.has(namedType(f.type)))) {
        const graphs = (field.directives ?? [])
          .filter((d) => d.name.value === "join__field")
          .flatMap((d) => d.arguments?.filter((a) => a.name.value === "graph") ?? [])
          .map((a) => (a.value.kind === Kind.ENUM ? a.value.value : "?"));
        expect(graphs, `${type.name.value}.${field.name.value}`).toEqual(["CATALOG"]);
      }
    }
  });
});

describe("the catalog serves the reference list", () => {
  let service: SubgraphService<PrismaClient>;
  beforeAll(async () => {
    service = await startTestSubgraph(catalogModule, { seedDate: TEST_SEED_DATE });
  });
  afterAll(async () => {
    await service?.stop();
  });

  const STREETS = `{ streets { id code name kind areaKm2 population officeAddress } }`;

  it("answers every street with the reference list's name, code, area and population", async () => {
    const { body } = await graphql(service.url, STREETS);
    expect(body.errors).toBeUndefined();
    expect(body.data.streets).toEqual(
      JINGAN_DIVISIONS.map(({ id, code, name, kind, areaKm2, population, officeAddress }) => ({
        id,
        code,
        name,
        kind,
        areaKm2,
        population,
        officeAddress,
      })),
    );
  });

  it("brings a database seeded with an older list in line on the next seed (彭浦镇 was 310106100)", async () => {
    await service.prisma.street.update({ where: { id: "street-pengpu" }, data: { code: "310106100", population: 1 } });
    await catalogModule.seed(service.prisma, service.db, { date: TEST_SEED_DATE, previousDates: [TEST_SEED_DATE] });
    const { body } = await graphql(service.url, `{ street(id: "street-pengpu") { code population } }`);
    expect(body.data.street).toEqual({ code: "310106101", population: 153_000 });
  });
});
