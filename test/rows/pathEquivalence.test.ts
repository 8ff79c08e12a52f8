/**
 * Path equivalence (one row rule per type): generated from the composed supergraph. For every entity type it finds
 * every path that reaches the type — root by-id fields, root lists and connections, fields of other types (reached
 * through `_entities` on their parents) and `_entities` in every subgraph that resolves the type — and asks each of
 * them as each principal (a resident, officers of different departments and streets, an auditor, a security
 * administrator, an application, an enterprise user (法人), an anonymous caller), at the subgraphs, as the gateway
 * would.
 *
 * With V(T, p) the rows of T the principal sees by id (the owner's `_entities`):
 * 1. every `_entities` and every answered root by-id field shows exactly V(T, p);
 * 2. every answered list or nested path shows exactly the rows of V(T, p) the path holds (the union of what any
 *    principal saw through it), under parents the principal sees — a nested path never shows a row the principal could
 *    not read by id, nor hides one they could; a path cut short by paging shows a subset of V(T, p);
 * 3. a principal refused a path (a root field, or a field under every parent they see) sees no row of its type by id
 *    — beyond the rows a `@public` root field shows anonymous callers, and an enterprise user's own entry: the
 *    register's lists (`enterprises`, `Street.enterprises`) are for officers, while the enterprise user (法人) reads
 *    its own entry by id and through its records (subgraphs/enterprise/permissions.ts) — and no other.
 * Mutations are left out (they write); their results are covered in jurisdiction.test.ts.
 */
import { readFileSync } from "node:fs";
import {
  type DocumentNode,
  type FieldDefinitionNode,
  Kind,
  type ObjectTypeDefinitionNode,
  parse,
  type TypeNode,
} from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCityParkingPlatform } from "../../legacy/cityParkingPlatform/server.ts";
import type { Principal } from "../../lib/principal.ts";
import { seededResidentStreet } from "../../subgraphs/identity/seedData.ts";
import type { SubgraphService } from "../../subgraphs/kit/service.ts";
import { createParkingSubgraph } from "../../subgraphs/parking/index.ts";
import { subgraphModules } from "../../subgraphs/registry.ts";
import { graphql, seedAhead, startTestSubgraph } from "../support/subgraphs.ts";
import {
  ANONYMOUS,
  enterpriseUser,
  integratorApp,
  officerIn,
  personWithRole,
  residentPrincipal,
} from "./principals.ts";

const SUPERGRAPH = parse(readFileSync(new URL("../../schema/supergraph.graphql", import.meta.url), "utf8"));
/** Types served by several subgraphs: whose `_entities` answers V(T, p). */
const OWNER: Record<string, string> = {
  Street: "catalog",
  Department: "catalog",
  Resident: "identity",
  Enterprise: "enterprise",
  School: "education",
};
const PAGE = 100;
const MAX_PAGES = 2;
const SAMPLE = 40;
const REFUSED = new Set(["FORBIDDEN", "AUTHENTICATION_REQUIRED"]);

// ---------------------------------------------------------------- the paths, from the supergraph

interface Path {
  label: string;
  kind: "entities" | "byId" | "list" | "nested";
  graph: string;
  type: string;
  parent?: string;
  field?: string;
  connection?: boolean;
  paged?: boolean;
  /** A `@public` root field: it shows rows to anonymous callers by design. */
  public?: boolean;
}

function objectTypes(document: DocumentNode): Map<string, ObjectTypeDefinitionNode> {
  const types = new Map<string, ObjectTypeDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OBJECT_TYPE_DEFINITION) types.set(definition.name.value, definition);
  }
  return types;
}

const namedType = (type: TypeNode): string => (type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type));
const isList = (type: TypeNode): boolean =>
  type.kind === Kind.LIST_TYPE || (type.kind === Kind.NON_NULL_TYPE && isList(type.type));
const argString = (directive: { arguments?: readonly any[] }, name: string) =>
  directive.arguments?.find((a) => a.name.value === name)?.value;
const graphsOf = (node: { directives?: readonly any[] }, directive: string) =>
  (node.directives ?? []).filter((d) => d.name.value === directive);

/** The entity types: type → graphs whose `_entities` resolve it. */
function entityTypes(types: Map<string, ObjectTypeDefinitionNode>): Map<string, string[]> {
  const entities = new Map<string, string[]>();
  for (const [name, type] of types) {
    const graphs = graphsOf(type, "join__type")
      .filter((d) => argString(d, "key") && argString(d, "resolvable")?.value !== false)
      .map((d) => (argString(d, "graph").value as string).toLowerCase());
    if (graphs.length > 0) entities.set(name, graphs);
  }
  return entities;
}

function enumeratePaths(): { paths: Path[]; entities: Map<string, string[]>; skipped: string[] } {
  const types = objectTypes(SUPERGRAPH);
  const entities = entityTypes(types);
  const paths: Path[] = [];
  const skipped: string[] = [];
  for (const [type, graphs] of entities) {
    for (const graph of graphs) paths.push({ label: `_entities(${type})@${graph}`, kind: "entities", graph, type });
  }
  for (const [parentName, parent] of types) {
    if (parentName === "Mutation" || parentName.startsWith("join__") || parentName.startsWith("link__")) continue;
    const parentGraphs = graphsOf(parent, "join__type").map((d) =>
      (argString(d, "graph").value as string).toLowerCase(),
    );
    for (const field of parent.fields ?? []) {
      const target = reachedType(field, types, entities);
      if (!target) continue;
      const joins = graphsOf(field, "join__field").filter((d) => argString(d, "external")?.value !== true);
      const fieldGraphs = joins.length
        ? joins.map((d) => String(argString(d, "graph")?.value).toLowerCase())
        : parentGraphs;
      const label = `${parentName}.${field.name.value}`;
      const required = (field.arguments ?? []).filter(
        (a) => a.type.kind === Kind.NON_NULL_TYPE && !a.defaultValue && a.name.value !== "id",
      );
      if (required.length > 0) {
        skipped.push(`${label} (needs ${required.map((a) => a.name.value).join(", ")})`);
        continue;
      }
      const hasId = (field.arguments ?? []).some((a) => a.name.value === "id");
      const graph = fieldGraphs[0]!;
      const isPublic = (field.directives ?? []).some((d) => d.name.value === "public");
      const common = { graph, type: target.type, field: field.name.value, connection: target.connection };
      const paged = (field.arguments ?? []).some((a) => a.name.value === "first");
      if (parentName === "Query") {
        if (hasId && !target.list) paths.push({ label: `${label}(id)`, kind: "byId", ...common, public: isPublic });
        else if (!hasId) paths.push({ label, kind: "list", ...common, paged, public: isPublic });
        else skipped.push(`${label} (an id argument with a list)`);
      } else if (entities.get(parentName)?.includes(graph)) {
        if (hasId) skipped.push(`${label} (an id argument)`);
        else paths.push({ label: `${label}@${graph}`, kind: "nested", ...common, paged, parent: parentName });
      } else if (!/(Connection|Edge)$/.test(parentName)) {
        // A value type (an eligibility, a cancellation …): reached through the path of the field that returns it.
        skipped.push(`${label} (on ${parentName}, not an entity)`);
      }
    }
  }
  return { paths, entities, skipped };
}

/** The entity type a field reaches: directly, as a list, or as a connection's nodes. */
function reachedType(
  field: FieldDefinitionNode,
  types: Map<string, ObjectTypeDefinitionNode>,
  entities: Map<string, string[]>,
): { type: string; list: boolean; connection: boolean } | null {
  const name = namedType(field.type);
  if (entities.has(name)) return { type: name, list: isList(field.type), connection: false };
  if (name.endsWith("Connection")) {
    const nodes = types.get(name)?.fields?.find((f) => f.name.value === "nodes");
    if (nodes && entities.has(namedType(nodes.type))) {
      return { type: namedType(nodes.type), list: true, connection: true };
    }
  }
  return null;
}

// ---------------------------------------------------------------- the graph and the principals

let services: Record<string, SubgraphService>;
let stopPlatform: () => Promise<void>;
let principals: Array<[string, Principal]>;

async function ask(graph: string, query: string, variables: Record<string, unknown>, principal: Principal) {
  const { body } = await graphql(services[graph]!.url, query, variables, {}, { principal });
  return body;
}

/** Errors that are not refusals fail the test at once: a path must answer rows, null or a coded refusal. */
function unexpectedErrors(body: { errors?: any[] }, label: string) {
  const others = (body.errors ?? []).filter((e) => !REFUSED.has(e.extensions?.code));
  expect(others, `${label}: ${JSON.stringify(others.slice(0, 2))}`).toEqual([]);
}

/** A spread sample of ids from the tables that store a type in each subgraph, plus residents who own records. */
async function candidates(entities: Map<string, string[]>): Promise<Map<string, Set<string>>> {
  const found = new Map<string, Set<string>>();
  const add = (type: string, ids: string[]) => {
    const set = found.get(type) ?? new Set<string>();
    for (const id of ids) set.add(id);
    found.set(type, set);
  };
  for (const [name, service] of Object.entries(services)) {
    const tables = (
      await service.db.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()",
      )
    ).map((row) => row.table_name);
    for (const [type, graphs] of entities) {
      if (!graphs.includes(name)) continue;
      const table = tables.filter((t) => type === t || type.endsWith(t)).sort((a, b) => b.length - a.length)[0];
      if (!table) continue;
      const rows = await service.db.query<{ id: string }>(
        `SELECT id FROM "${table}" ORDER BY md5(id::text) LIMIT ${SAMPLE}`,
      );
      add(
        type,
        rows.map((row) => String(row.id)),
      );
    }
    const owners = await service.db.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema() AND column_name = 'residentId'",
    );
    for (const { table_name } of owners) {
      const rows = await service.db.query<{ id: string }>(
        `SELECT DISTINCT "residentId" AS id FROM "${table_name}" WHERE "residentId" IS NOT NULL ORDER BY 1 LIMIT 15`,
      );
      add(
        "Resident",
        rows.map((row) => row.id),
      );
    }
  }
  for (const [, principal] of principals) {
    if (principal.residentId) add("Resident", [principal.residentId]);
    if (principal.enterpriseId) add("Enterprise", [principal.enterpriseId]);
  }
  return found;
}

// ---------------------------------------------------------------- asking each path

type Pair = string; // `${parentId}\u0000${id}`
const pair = (parent: string, id: string): Pair => `${parent}\u0000${id}`;

interface Observation {
  refused: boolean;
  /** Cut short by paging: compare as a subset. */
  partial: boolean;
  pairs: Set<Pair>;
}

async function probeEntities(graph: string, type: string, ids: string[], principal: Principal): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let start = 0; start < ids.length; start += 500) {
    const batch = ids.slice(start, start + 500);
    const body = await ask(
      graph,
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on ${type} { id } } }`,
      { r: batch.map((id) => ({ __typename: type, id })) },
      principal,
    );
    unexpectedErrors(body, `_entities(${type})@${graph}`);
    body.data?._entities?.forEach((entity: { id: string } | null, index: number) => {
      if (entity) seen.add(batch[index]!);
    });
  }
  return seen;
}

async function probeById(path: Path, ids: string[], principal: Principal): Promise<Observation> {
  const pairs = new Set<Pair>();
  let refusals = 0;
  for (let start = 0; start < ids.length; start += 150) {
    const batch = ids.slice(start, start + 150);
    const selection = batch.map((_, i) => `a${i}: ${path.field}(id: $i${i}) { id }`).join(" ");
    const variables = Object.fromEntries(batch.map((id, i) => [`i${i}`, id]));
    const body = await ask(
      path.graph,
      `query (${batch.map((_, i) => `$i${i}: ID!`).join(", ")}) { ${selection} }`,
      variables,
      principal,
    );
    unexpectedErrors(body, path.label);
    refusals += body.errors?.length ?? 0;
    batch.forEach((id, i) => {
      if (body.data?.[`a${i}`]) pairs.add(pair("", id));
    });
  }
  return { refused: refusals > 0 && pairs.size === 0, partial: false, pairs };
}

function selectionOf(path: Path, after: string | null): string {
  const args = path.paged ? `(first: ${PAGE}${after ? `, after: "${after}"` : ""})` : "";
  return path.connection
    ? `${path.field}${args} { nodes { id } pageInfo { hasNextPage endCursor } }`
    : `${path.field}${args} { id }`;
}

async function probeList(path: Path, principal: Principal): Promise<Observation> {
  const pairs = new Set<Pair>();
  let after: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const body = await ask(path.graph, `{ ${selectionOf(path, after)} }`, {}, principal);
    unexpectedErrors(body, path.label);
    const value = body.data?.[path.field!];
    if (!value) return { refused: (body.errors?.length ?? 0) > 0, partial: false, pairs };
    const nodes: Array<{ id: string }> = path.connection ? value.nodes : value;
    for (const node of nodes) pairs.add(pair("", node.id));
    if (!path.connection || !value.pageInfo.hasNextPage) return { refused: false, partial: false, pairs };
    after = value.pageInfo.endCursor;
  }
  return { refused: false, partial: true, pairs };
}

async function probeNested(path: Path, parents: string[], principal: Principal): Promise<Observation> {
  const pairs = new Set<Pair>();
  let partial = false;
  const body = await ask(
    path.graph,
    `query ($r: [_Any!]!) { _entities(representations: $r) { ... on ${path.parent} { ${selectionOf(path, null)} } } }`,
    { r: parents.map((id) => ({ __typename: path.parent, id })) },
    principal,
  );
  unexpectedErrors(body, path.label);
  body.data?._entities?.forEach((entity: Record<string, any> | null, index: number) => {
    const value = entity?.[path.field!];
    if (!value) return;
    const nodes: Array<{ id: string }> = path.connection ? value.nodes : Array.isArray(value) ? value : [value];
    if (path.connection && value.pageInfo.hasNextPage) partial = true;
    for (const node of nodes) pairs.add(pair(parents[index]!, node.id));
  });
  // The field refused to the caller under every parent they see (who may ask, not which rows): judged like a refused
  // root field (3.), not as an empty list.
  const refused = pairs.size === 0 && (body.errors ?? []).some((e: any) => e.path?.at(-1) === path.field);
  return { refused, partial, pairs };
}

// ---------------------------------------------------------------- the test

describe("path equivalence: one row rule per type on every path, for every principal", () => {
  beforeAll(async () => {
    const platform = await startCityParkingPlatform({ port: 0, failureRate: 0, latencyMs: { min: 1, max: 5 } });
    stopPlatform = () => platform.stop();
    services = {};
    await seedAhead(subgraphModules);
    for (const module of subgraphModules) {
      const served = module.name === "parking" ? createParkingSubgraph({ platform: { url: platform.url } }) : module;
      // Parking's platform option changes only where live availability comes from, not its data: like every other
      // department here it starts from the run's seeded snapshot instead of being seeded again.
      services[module.name] = await startTestSubgraph(served, { snapshot: true });
    }
    // A resident of 临汾路 with health records, so the 临汾路 desk and the resident both have rows to see.
    const owners = await services.health!.db.query<{ residentId: string }>(
      `SELECT DISTINCT "residentId" FROM "Appointment" ORDER BY 1 LIMIT 400`,
    );
    const resident = owners.find((row) => seededResidentStreet(row.residentId) === "street-linfenlu")!.residentId;
    principals = [
      ["resident of 临汾路", residentPrincipal(resident)],
      ["health officer of 临汾路", officerIn("dept-health", ["street-linfenlu"])],
      ["health officer of the district", officerIn("dept-health")],
      ["education officer of 静安寺", officerIn("dept-education", ["street-jingansi"])],
      ["sports officer of 临汾路 and 彭浦", officerIn("dept-sports", ["street-linfenlu", "street-pengpu"])],
      ["admin-service officer of the district", officerIn("dept-admin-service")],
      ["market officer of 临汾路", officerIn("dept-market", ["street-linfenlu"])],
      ["auditor", personWithRole("auditor")],
      ["security admin", personWithRole("security_admin")],
      ["integrator app", integratorApp()],
      // The seeded enterprise user ent.yiyuan, acting for ent-000025 (issue 15).
      ["enterprise user of ent-000025", enterpriseUser("ent-000025")],
      ["anonymous", ANONYMOUS],
    ];
  }, 900_000);

  afterAll(async () => {
    for (const service of Object.values(services ?? {})) await service.stop().catch(() => {});
    await stopPlatform?.();
  });

  it("shows each principal the same rows of each entity type through every path", async () => {
    const started = Date.now();
    const { paths, entities, skipped } = enumeratePaths();
    const sample = await candidates(entities);
    const failures: string[] = [];
    const observations = new Map<string, Map<string, Observation>>(); // path label → principal → observation
    const record = (path: Path, who: string, observation: Observation) => {
      const byPrincipal = observations.get(path.label) ?? new Map<string, Observation>();
      byPrincipal.set(who, observation);
      observations.set(path.label, byPrincipal);
    };

    // Lists and nested paths first: the rows they show join the candidates probed by id.
    for (const path of paths.filter((p) => p.kind === "list" || p.kind === "nested")) {
      const parents = path.parent ? [...(sample.get(path.parent) ?? [])] : [];
      for (const [who, principal] of principals) {
        const observation =
          path.kind === "list" ? await probeList(path, principal) : await probeNested(path, parents, principal);
        record(path, who, observation);
        const ids = sample.get(path.type) ?? new Set<string>();
        for (const entry of observation.pairs) ids.add(entry.split("\u0000")[1]!);
        sample.set(path.type, ids);
      }
    }

    // V(T, p): what each principal sees by id, from the owner's `_entities`. That is also the owner's `_entities(T)`
    // path asked with the same ids: its answer is kept (`ownerAnswers`) rather than asked a second time below.
    const visible = new Map<string, Map<string, Set<string>>>(); // type → principal → ids
    const ownerAnswers = new Map<string, Set<string>>(); // `${graph}\0${type}\0${who}` → ids
    for (const [type, graphs] of entities) {
      const owner = OWNER[type] ?? graphs[0]!;
      const ids = [...(sample.get(type) ?? [])].sort();
      const byPrincipal = new Map<string, Set<string>>();
      for (const [who, principal] of principals) {
        const seen = await probeEntities(owner, type, ids, principal);
        byPrincipal.set(who, seen);
        ownerAnswers.set(`${owner}\0${type}\0${who}`, seen);
      }
      visible.set(type, byPrincipal);
    }

    for (const path of paths.filter((p) => p.kind === "entities" || p.kind === "byId")) {
      const ids = [...(sample.get(path.type) ?? [])].sort();
      for (const [who, principal] of principals) {
        const observation =
          path.kind === "entities"
            ? {
                refused: false,
                partial: false,
                pairs: new Set(
                  [
                    ...(ownerAnswers.get(`${path.graph}\0${path.type}\0${who}`) ??
                      (await probeEntities(path.graph, path.type, ids, principal))),
                  ].map((id) => pair("", id)),
                ),
              }
            : await probeById(path, ids, principal);
        record(path, who, observation);
      }
    }

    let checks = 0;
    const typesWithPublicRoot = new Set(paths.filter((p) => p.public).map((p) => p.type));
    for (const path of paths) {
      const byPrincipal = observations.get(path.label)!;
      const union = new Set<Pair>();
      for (const observation of byPrincipal.values()) for (const entry of observation.pairs) union.add(entry);
      for (const [who] of principals) {
        checks += 1;
        const observation = byPrincipal.get(who)!;
        const sees = visible.get(path.type)!.get(who)!;
        const parentSees = path.parent ? visible.get(path.parent)!.get(who)! : null;
        if (observation.refused) {
          // 3. Refused at the root: no row of the type on any path, beyond what a public root shows everyone.
          const allowed = new Set(typesWithPublicRoot.has(path.type) ? visible.get(path.type)!.get("anonymous")! : []);
          const principal = principals.find(([name]) => name === who)![1];
          if (path.type === "Enterprise" && principal.enterpriseId) allowed.add(principal.enterpriseId);
          const extra = [...sees].filter((id) => !allowed.has(id));
          if (extra.length > 0) {
            failures.push(
              `${path.label} refuses ${who}, who reads ${extra.length} ${path.type} rows by id, e.g. ${extra[0]}`,
            );
          }
          continue;
        }
        const expected = [...union].filter((entry) => {
          const [parent, id] = entry.split("\u0000") as [string, string];
          return sees.has(id) && (!parentSees || parentSees.has(parent));
        });
        const shown = [...observation.pairs];
        const leaked = shown.filter((entry) => !sees.has(entry.split("\u0000")[1]!));
        const missing = observation.partial ? [] : expected.filter((entry) => !observation.pairs.has(entry));
        const hiddenParentLeak = shown.filter((entry) => parentSees && !parentSees.has(entry.split("\u0000")[0]!));
        if (leaked.length + missing.length + hiddenParentLeak.length > 0) {
          const show = (entries: string[]) =>
            entries
              .slice(0, 2)
              .map((e) => e.replace("\u0000", "→"))
              .join(", ");
          failures.push(
            `${path.label} for ${who}: ${leaked.length} rows not readable by id [${show(leaked)}], ${missing.length} readable rows missing [${show(missing)}], ${hiddenParentLeak.length} under hidden parents [${show(hiddenParentLeak)}]`,
          );
        }
      }
    }

    const byKind = (kind: Path["kind"]) => paths.filter((p) => p.kind === kind).length;
    console.log(
      `path equivalence: ${paths.length} paths to ${entities.size} entity types (${byKind("entities")} _entities, ${byKind("byId")} root by id, ${byKind("list")} root lists, ${byKind("nested")} nested) × ${principals.length} principals = ${checks} checks in ${((Date.now() - started) / 1000).toFixed(1)} s; ${skipped.length} fields left out: ${skipped.join("; ")}`,
    );
    expect(failures).toEqual([]);
    expect(checks).toBe(paths.length * principals.length);
  }, 600_000);
});
