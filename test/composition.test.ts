import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { type DocumentNode, Kind, parse } from "graphql";
import { gql } from "graphql-tag";
import { describe, expect, it } from "vitest";
import { subgraphsOf } from "../gateway/supergraph/supergraphFile.ts";
import type { DepartmentManifest } from "../lib/contracts/departmentManifest.ts";
import { composeDistrictSupergraph, OWNERS_PATH, ownersJson, SUPERGRAPH_PATH } from "../scripts/compose.ts";
import { composeSupergraph } from "../scripts/composeSupergraph.ts";
import { servedResources } from "../scripts/oneDataOneSource.ts";
import { publishedCatalogue } from "../subgraphs/catalog/seedData.ts";
import civilAffairs from "../subgraphs/civil_affairs/index.ts";
import { withSchemaHeader } from "../subgraphs/kit/schemaHeader.ts";
import { subgraphModules } from "../subgraphs/registry.ts";

describe("composition", () => {
  const outcome = composeDistrictSupergraph();

  it("composes every district subgraph without errors", () => {
    expect(outcome.ok ? [] : outcome.errors).toEqual([]);
  });

  it("matches the committed schema/supergraph.graphql (run npm run compose when this fails)", async () => {
    expect(outcome.ok).toBe(true);
    if (outcome.ok) expect(await readFile(SUPERGRAPH_PATH, "utf8")).toBe(outcome.supergraphSdl);
  });

  it("publishes each subgraph's owning department beside it, for metering (run npm run compose when this fails)", async () => {
    const owners = JSON.parse(await readFile(OWNERS_PATH, "utf8"));
    expect(await readFile(OWNERS_PATH, "utf8")).toBe(ownersJson());
    expect(owners).toMatchObject({ health: "dept-health", catalog: "dept-data", parking: "dept-transport" });
    // Platform services own no data: their fetches count under no department.
    expect(owners).not.toHaveProperty("identity");
    expect(Object.keys(owners).length).toBe(subgraphModules.filter((m) => m.department).length);
  });

  it("names every subgraph with its default URL in the supergraph", () => {
    if (!outcome.ok) throw new Error("composition failed");
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    expect(subgraphsOf(outcome.supergraphSdl).sort(byName)).toEqual(
      subgraphModules.map((m) => ({ name: m.name, url: `http://127.0.0.1:${m.defaultPort}/graphql` })).sort(byName),
    );
  });

  it("explains a conflict between departments in plain words, naming both subgraphs", () => {
    const failed = composeSupergraph([
      {
        name: "a",
        url: "http://a/graphql",
        typeDefs: gql`
          extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])
          type Street @key(fields: "id") { id: ID! population: Int @shareable }
          type Query { a: Street }
        `,
      },
      {
        name: "b",
        url: "http://b/graphql",
        typeDefs: gql`
          extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])
          type Street @key(fields: "id") { id: ID! population: String @shareable }
          type Query { b: Street }
        `,
      },
    ]);
    expect(failed.ok).toBe(false);
    if (!failed.ok) {
      expect(failed.errors.join("\n")).toMatch(/FIELD_TYPE_MISMATCH: .*Street\.population.*"a".*"b"/s);
    }
  });

  it("carries @dataResource into the supergraph, so the graph says which catalogue entry each type serves", () => {
    if (!outcome.ok) throw new Error("composition failed");
    expect(outcome.supergraphSdl).toContain('@link(url: "https://specs.jingan.gov.cn/one-graph/catalog/v0.1"');
    expect(outcome.supergraphSdl).toMatch(/type SchoolSportsGround\b[^{]*@dataResource\(id: "res-0024"\)/);
    expect(outcome.supergraphSdl).toMatch(/type Hospital\b[^{]*@dataResource\(id: "res-0011"\)/);
  });
});

describe("one data, one source (一数一源) at composition", () => {
  const seeded = publishedCatalogue();
  // Civil affairs' new entries (res-0901) reach the catalogue with its manifest, as the registry delivers them.
  const manifest = JSON.parse(
    readFileSync(new URL("../subgraphs/civil_affairs/department.json", import.meta.url), "utf8"),
  ) as DepartmentManifest;
  const catalogue = [
    ...seeded,
    ...manifest.dataResources
      .filter((resource) => !seeded.some((entry) => entry.id === resource.id))
      .map((resource) => ({ id: resource.id, name: resource.name, ownerDepartmentId: manifest.department.id })),
  ];
  const ownerOf = new Map(catalogue.map((entry) => [entry.id, entry.ownerDepartmentId]));
  const district = () =>
    subgraphModules.map((module) => ({
      name: module.name,
      url: `http://127.0.0.1:${module.defaultPort}/graphql`,
      typeDefs: module.typeDefs,
      ...(module.department ? { department: module.department } : {}),
    }));
  const checks = { catalogue };
  const department = (name: string, department: string | undefined, sdl: string) => ({
    name,
    url: `http://${name}/graphql`,
    typeDefs: withSchemaHeader(parse(sdl)),
    ...(department ? { department } : {}),
  });

  it("holds in the district: every declared resource exists, has one serving subgraph, owned by its department", () => {
    // Civil affairs joins through the registry, not subgraphs/registry.ts; its declarations are held to the same rule.
    const modules = [...subgraphModules, civilAffairs];
    const declared = modules.flatMap((module) => servedResources(module.name, module.typeDefs));
    expect(declared.length).toBeGreaterThan(20);
    for (const served of declared) {
      const module = modules.find((m) => m.name === served.subgraph);
      expect([served.coordinate, ownerOf.get(served.resourceId)]).toEqual([served.coordinate, module?.department]);
    }
  });

  it("serves the school-ground opening list (owned by 区教育局) from education, not sports", () => {
    const servers = subgraphModules
      .flatMap((m) => servedResources(m.name, m.typeDefs))
      .filter((s) => s.resourceId === "res-0024");
    expect(ownerOf.get("res-0024")).toBe("dept-education");
    expect(servers.map((s) => s.subgraph)).toEqual(["education"]);
  });

  it("refuses a subgraph that serves a resource another department owns, naming the subgraph, resource and owner", () => {
    const subgraphs = district();
    const rogue = department(
      "sports",
      "dept-sports",
      `type Query { grounds: [OpenGround] @public }
       type OpenGround @dataResource(id: "res-0024") @key(fields: "id") @public { id: ID! name: String! }`,
    );
    const failed = composeSupergraph(
      subgraphs.map((s) => (s.name === "sports" ? { ...s, typeDefs: concat(s.typeDefs, rogue.typeDefs) } : s)),
      checks,
    );
    expect(failed.ok).toBe(false);
    if (failed.ok) return;
    expect(failed.errors).toContainEqual(
      expect.stringMatching(
        /^DATA_RESOURCE_NOT_OWNED: Subgraph "sports" \(department dept-sports\) serves res-0024 \(学校体育场地开放学校名单\) on OpenGround, but the catalogue names dept-education as its owner/,
      ),
    );
    expect(failed.errors).toContainEqual(
      expect.stringMatching(
        /^DATA_RESOURCE_SERVED_TWICE: res-0024 .* "education" \(SchoolSportsGround\) and "sports" \(OpenGround\)/,
      ),
    );
  });

  it("refuses a resource served twice even by its owner's two subgraphs, an unknown id, and a platform service serving data", () => {
    const failed = composeSupergraph(
      [
        department(
          "a",
          "dept-health",
          `type Query { a: H @public } type H @key(fields: "id") @dataResource(id: "res-0011") { id: ID! }`,
        ),
        department("b", "dept-health", `type Query { b: Int @public @dataResource(id: "res-0011") }`),
        department("c", "dept-health", `type Query { c: Int @public @dataResource(id: "res-9999") }`),
        department("d", undefined, `type Query { d: Int @public @dataResource(id: "res-0003") }`),
      ],
      { catalogue },
    );
    expect(failed.ok ? [] : failed.errors.map((e) => e.slice(0, e.indexOf(":")))).toEqual([
      "DATA_RESOURCE_UNKNOWN",
      "DATA_RESOURCE_NOT_OWNED",
      "DATA_RESOURCE_SERVED_TWICE",
    ]);
    if (!failed.ok) {
      expect(failed.errors[0]).toContain('Subgraph "c" declares @dataResource(id: "res-9999") on Query.c');
      expect(failed.errors[1]).toContain('Subgraph "d" (a platform service of no department) serves res-0003');
      expect(failed.errors[2]).toContain('"a" (H) and "b" (Query.b)');
    }
  });

  const civilAffairsSubgraph = {
    name: civilAffairs.name,
    url: "http://civil_affairs/graphql",
    typeDefs: civilAffairs.typeDefs,
    department: "dept-civil-affairs",
  };

  it("serves NursingHome (owned by 区民政局) from civil affairs only; health extends it by key", () => {
    const withCivilAffairs = [...district(), civilAffairsSubgraph];
    const composed = composeSupergraph(withCivilAffairs, checks);
    expect(composed.ok ? [] : composed.errors).toEqual([]);
    const servers = withCivilAffairs
      .flatMap((s) => servedResources(s.name, s.typeDefs))
      .filter((s) => s.resourceId === "res-0063");
    expect(ownerOf.get("res-0063")).toBe("dept-civil-affairs");
    expect(servers).toEqual([{ resourceId: "res-0063", subgraph: "civil_affairs", coordinate: "NursingHome" }]);
    if (!composed.ok) return;
    const block = /\ntype NursingHome\n[^{]*\{/.exec(composed.supergraphSdl)?.[0] ?? "";
    expect(block).toContain('@join__type(graph: CIVIL_AFFAIRS, key: "id")');
    expect(block).toContain('@join__type(graph: HEALTH, key: "id")');
  });

  it("refuses health serving NursingHome again, with no exception: 区民政局 owns res-0063", () => {
    const rogue = department(
      "health",
      "dept-health",
      `type Query { homes: [Home] @public }
       type Home @key(fields: "id") @dataResource(id: "res-0063") @public { id: ID! name: String! beds: Int! }`,
    );
    const subgraphs = [
      ...district().map((s) => (s.name === "health" ? { ...s, typeDefs: concat(s.typeDefs, rogue.typeDefs) } : s)),
      civilAffairsSubgraph,
    ];
    const failed = composeSupergraph(subgraphs, checks);
    expect(failed.ok ? [] : failed.errors).toEqual([
      expect.stringMatching(
        /^DATA_RESOURCE_NOT_OWNED: Subgraph "health" \(department dept-health\) serves res-0063 \(养老服务机构名录\) on Home, but the catalogue names dept-civil-affairs as its owner/,
      ),
      expect.stringMatching(
        /^DATA_RESOURCE_SERVED_TWICE: res-0063 .* "health" \(Home\) and "civil_affairs" \(NursingHome\)/,
      ),
    ]);
  });
});

/** The department's schema with `extra`'s types added (its `Query` as an extension of the department's). */
function concat(schema: DocumentNode, extra: DocumentNode): DocumentNode {
  const added = extra.definitions.flatMap((definition) => {
    if (definition.kind === Kind.SCHEMA_EXTENSION || definition.kind === Kind.DIRECTIVE_DEFINITION) return [];
    if (definition.kind === Kind.OBJECT_TYPE_DEFINITION && definition.name.value === "Query") {
      return [{ ...definition, kind: Kind.OBJECT_TYPE_EXTENSION } as const];
    }
    return [definition];
  });
  return { ...schema, definitions: [...schema.definitions, ...added] };
}
