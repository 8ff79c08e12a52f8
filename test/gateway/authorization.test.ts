/**
 * Field authorization at the gateway (issue #5, items 1, 2 and 5) on a small purpose-built graph: requirements
 * declared with @authenticated / @requiresScopes / @policy in two plain Apollo subgraphs, policies served by the
 * stand-in identity service. The district graph's own matrix is in test/graph/authorization.test.ts.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { gql } from "graphql-tag";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GatewayServer } from "../../gateway/server.ts";
import { composeSupergraph } from "../../scripts/composeSupergraph.ts";
import { startTestGateway } from "../support/gateway.ts";
import {
  districtClaims,
  es256Keys,
  publicJwk,
  signToken,
  startTestIssuer,
  type TestIssuer,
} from "../support/tokens.ts";

const LINKS = `
  extend schema
    @link(url: "https://specs.apollo.dev/federation/v2.7",
          import: ["@key", "@composeDirective", "@authenticated", "@requiresScopes", "@policy"])
    @link(url: "https://specs.jingan.gov.cn/one-graph/access/v0.1", import: ["@public", "@classified"])
    @composeDirective(name: "@public")
    @composeDirective(name: "@classified")
  directive @public on FIELD_DEFINITION | OBJECT | INTERFACE
  directive @classified(level: String!, category: String!, mask: String) on FIELD_DEFINITION | OBJECT
`;

const clinicTypeDefs = gql`
  ${LINKS}
  type Query {
    clinics: [Clinic!]! @public
    visit(id: ID!): Visit
    visits: [Visit!] @authenticated
    documents: [ClinicDocument!] @authenticated
  }
  interface ClinicDocument {
    id: ID!
  }
  type Leaflet implements ClinicDocument @authenticated {
    id: ID!
    title: String!
  }
  type Clinic @key(fields: "id") @public {
    id: ID!
    name: String!
  }
  type Visit implements ClinicDocument @key(fields: "id") @policy(policies: [["visit-records"]]) {
    id: ID!
    patientPhone: String @classified(level: "personal", category: "contact", mask: "phone")
    clinic: Clinic!
    diagnosis: String @policy(policies: [["diagnosis"]])
    note: String! @requiresScopes(scopes: [["notes:read"]])
  }
`;

const staffTypeDefs = gql`
  ${LINKS}
  type Clinic @key(fields: "id") {
    id: ID!
    director: String @requiresScopes(scopes: [["staff:read"]])
    openingHours: String @authenticated
  }
`;

const VISITS = [
  { id: "v1", clinicId: "c1", diagnosis: "高血压", note: "复诊", patientPhone: "13812345678" },
  { id: "v2", clinicId: "c1", diagnosis: "糖尿病", note: "随访", patientPhone: "13987654321" },
];

interface Recorded {
  url: string;
  queries: string[];
  stop(): Promise<void>;
}

describe("field authorization at the gateway", () => {
  const key = es256Keys();
  let issuer: TestIssuer;
  let clinic: Recorded;
  let staff: Recorded;
  let dir: string;
  let gateway: GatewayServer;
  let rejecting: GatewayServer;

  const officer = (overrides: Record<string, unknown> = {}) =>
    signToken(districtClaims({ scopes: ["notes:read"], ...overrides }), key.privateKey, "k1");

  async function ask(server: GatewayServer, query: string, token: string | null, headers: Record<string, string> = {}) {
    const response = await fetch(server.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: JSON.stringify({ query }),
    });
    return { status: response.status, body: (await response.json()) as { data?: any; errors?: any[] } };
  }

  const policy = (name: string, version: number, rule: unknown) => ({ name, version, description: name, rule });

  beforeAll(async () => {
    issuer = await startTestIssuer([publicJwk(key.publicKey, "k1")]);
    issuer.state.policies = {
      revision: 1,
      policies: [
        policy("visit-records", 1, { anyOf: [{ kinds: ["officer"], departments: ["dept-health"] }] }),
        policy("diagnosis", 1, { anyOf: [{ kinds: ["officer"], purposes: ["medical-treatment"] }] }),
      ],
    };
    clinic = await record("clinic", clinicTypeDefs, {
      Query: {
        clinics: () => [{ id: "c1", name: "静安区中心医院门诊" }],
        visit: (_: unknown, { id }: { id: string }) => VISITS.find((v) => v.id === id) ?? null,
        visits: () => VISITS,
        documents: () => [{ __typename: "Leaflet", id: "l1", title: "高血压饮食指南" }, ...VISITS],
      },
      ClinicDocument: {
        __resolveType: (document: { __typename?: string }) => document.__typename ?? "Visit",
      },
      Visit: {
        clinic: (visit: (typeof VISITS)[number]) => ({ id: visit.clinicId, name: "静安区中心医院门诊" }),
        __resolveReference: (ref: { id: string }) => VISITS.find((v) => v.id === ref.id) ?? null,
      },
      Clinic: { __resolveReference: (ref: { id: string }) => ({ id: ref.id, name: "静安区中心医院门诊" }) },
    });
    staff = await record("staff", staffTypeDefs, {
      Clinic: {
        __resolveReference: (ref: { id: string }) => ({ id: ref.id, director: "王主任", openingHours: "8-17" }),
      },
    });
    dir = await mkdtemp(join(tmpdir(), "og-authz-"));
    const composed = composeSupergraph([
      { name: "clinic", url: clinic.url, typeDefs: clinicTypeDefs },
      { name: "staff", url: staff.url, typeDefs: staffTypeDefs },
    ]);
    if (!composed.ok) throw new Error(composed.errors.join("\n"));
    await writeFile(join(dir, "supergraph.graphql"), composed.supergraphSdl);
    const env = { SUPERGRAPH_PATH: join(dir, "supergraph.graphql"), IDENTITY_URL: issuer.url, POLICY_POLL_MS: "100" };
    gateway = await startTestGateway(env);
    rejecting = await startTestGateway({ ...env, AUTHORIZATION_MODE: "reject" });
  });

  afterAll(async () => {
    await Promise.all([gateway?.stop(), rejecting?.stop()]);
    await Promise.all([clinic?.stop(), staff?.stop(), issuer?.stop()]);
    await rm(dir, { recursive: true, force: true });
  });

  it("answers denied fields with null and an error naming the path and rule; the rest arrives", async () => {
    clinic.queries.length = 0;
    const { status, body } = await ask(gateway, "{ visits { id note diagnosis } }", officer());
    expect(status).toBe(200);
    expect(body.data.visits).toEqual([
      { id: "v1", note: "复诊", diagnosis: null },
      { id: "v2", note: "随访", diagnosis: null },
    ]);
    expect(body.errors).toHaveLength(2);
    expect(body.errors?.map((e) => e.path)).toEqual([
      ["visits", 0, "diagnosis"],
      ["visits", 1, "diagnosis"],
    ]);
    const [first] = body.errors ?? [];
    expect(first.extensions).toMatchObject({ code: "FIELD_NOT_AUTHORIZED", rule: "@policy(diagnosis)" });
    expect(first.message).toContain("Visit.diagnosis");
    // It says a purpose is needed, never which one would open the field.
    expect(first.message).toContain("declaring a purpose registered for it");
    expect(first.message).not.toContain("medical-treatment");
    // The subgraph was never asked for the removed field.
    expect(clinic.queries.join("\n")).not.toContain("diagnosis");
    expect(JSON.stringify(body)).not.toContain("高血压");
  });

  it("binds purpose: the declared purpose the policy names opens the field", async () => {
    const { body } = await ask(gateway, "{ visits { id diagnosis } }", officer(), {
      "x-og-purpose": "medical-treatment",
    });
    expect(body.errors).toBeUndefined();
    expect(body.data.visits[0].diagnosis).toBe("高血压");
    const other = await ask(gateway, "{ visits { id diagnosis } }", officer(), { "x-og-purpose": "research" });
    expect(other.body.data.visits[0].diagnosis).toBeNull();
  });

  it("propagates a denied non-null field's null to the nearest nullable parent", async () => {
    const { body } = await ask(gateway, '{ visit(id: "v1") { id note } clinics { name } }', officer({ scopes: [] }));
    expect(body.data).toEqual({ visit: null, clinics: [{ name: "静安区中心医院门诊" }] });
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]).toMatchObject({
      path: ["visit", "note"],
      extensions: { code: "FIELD_NOT_AUTHORIZED", rule: "@requiresScopes(notes:read)" },
    });
  });

  it("denies a whole record type (type-level policy) on every field that returns it", async () => {
    const culture = officer({ dept: "dept-culture" });
    const { body } = await ask(gateway, '{ visit(id: "v1") { id } visits { id } }', culture);
    expect(body.data).toEqual({ visit: null, visits: null });
    expect(body.errors?.map((e) => [e.path, e.extensions.rule])).toEqual([
      [["visit"], "@policy(visit-records)"],
      [["visits"], "@policy(visit-records)"],
    ]);
  });

  it("follows aliases and fragments, and never asks a subgraph whose only field was removed", async () => {
    staff.queries.length = 0;
    const query = `{ v: visits { ...F clinic { name boss: director } } }
      fragment F on Visit { d: diagnosis id }`;
    const { body } = await ask(gateway, query, officer());
    expect(body.data.v[0]).toEqual({ d: null, id: "v1", clinic: { name: "静安区中心医院门诊", boss: null } });
    const paths = (body.errors ?? []).map((e) => e.path.join("."));
    expect(paths).toContain("v.0.d");
    expect(paths).toContain("v.0.clinic.boss");
    expect(staff.queries).toHaveLength(0);
  });

  it("decides per concrete type behind an interface, and skips what @skip removes", async () => {
    const query = `query Docs($skip: Boolean!) { documents { __typename id ... on Leaflet { title }
      ... on Visit { diagnosis @skip(if: $skip) note } } }`;
    const response = await fetch(gateway.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${officer()}` },
      body: JSON.stringify({ query, variables: { skip: false } }),
    });
    const body = (await response.json()) as { data: any; errors?: any[] };
    expect(body.data.documents).toEqual([
      { __typename: "Leaflet", id: "l1", title: "高血压饮食指南" },
      { __typename: "Visit", id: "v1", diagnosis: null, note: "复诊" },
      { __typename: "Visit", id: "v2", diagnosis: null, note: "随访" },
    ]);
    expect(body.errors?.map((e) => e.path)).toEqual([
      ["documents", 1, "diagnosis"],
      ["documents", 2, "diagnosis"],
    ]);
    const skipped = await fetch(gateway.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${officer()}` },
      body: JSON.stringify({ query, variables: { skip: true } }),
    });
    const skippedBody = (await skipped.json()) as { data: any; errors?: any[] };
    expect(skippedBody.errors).toBeUndefined();
    expect(skippedBody.data.documents[1]).toEqual({ __typename: "Visit", id: "v1", note: "复诊" });
  });

  it("masks a classified field after the subgraph answered unless a clear-view policy allows the purpose", async () => {
    const { body } = await ask(gateway, "{ visits { p: patientPhone } }", officer());
    expect(body.errors).toBeUndefined();
    expect(body.data.visits).toEqual([{ p: "138****5678" }, { p: "139****4321" }]);
    expect(JSON.stringify(body)).not.toContain("12345678");
    issuer.state.policies = {
      revision: issuer.state.policies.revision + 1,
      policies: [
        ...issuer.state.policies.policies,
        policy("clear-contact", 1, { anyOf: [{ kinds: ["officer"], purposes: ["service-contact"] }] }),
      ],
    };
    await waitFor(async () => {
      const clear = await ask(gateway, "{ visits { p: patientPhone } }", officer(), {
        "x-og-purpose": "service-contact",
      });
      return clear.body.data?.visits?.[0]?.p === "13812345678";
    });
    const still = await ask(gateway, "{ visits { p: patientPhone } }", officer(), { "x-og-purpose": "research" });
    expect(still.body.data.visits[0].p).toBe("138****5678");
  });

  it("denies everyone a field whose policy is not enabled (deny by default)", async () => {
    issuer.state.policies = {
      revision: 2,
      policies: issuer.state.policies.policies.filter((p) => p.name !== "diagnosis"),
    };
    await waitFor(async () => {
      const { body } = await ask(gateway, "{ visits { id diagnosis } }", officer(), {
        "x-og-purpose": "medical-treatment",
      });
      return body.errors?.[0]?.message.includes("not enabled") === true;
    });
    issuer.state.policies = {
      revision: 3,
      policies: [
        ...issuer.state.policies.policies,
        policy("diagnosis", 2, { anyOf: [{ kinds: ["officer"], purposes: ["medical-treatment"] }] }),
      ],
    };
    await waitFor(async () => {
      const { body } = await ask(gateway, "{ visits { id diagnosis } }", officer(), {
        "x-og-purpose": "medical-treatment",
      });
      return body.errors === undefined;
    });
  });

  it("in reject mode refuses the whole operation with 403, listing each denied field and rule", async () => {
    const { status, body } = await ask(rejecting, "{ visits { id diagnosis } }", officer());
    expect(status).toBe(403);
    expect(body.data).toBeUndefined();
    expect(body.errors?.[0].extensions.code).toBe("OPERATION_NOT_AUTHORIZED");
    expect(body.errors?.[0].message).toContain("visits.diagnosis (Visit.diagnosis: @policy(diagnosis)");
    const allowed = await ask(rejecting, "{ visits { id note } }", officer());
    expect(allowed.status).toBe(200);
    expect(allowed.body.data.visits).toHaveLength(2);
  });

  it("keeps anonymous callers to public fields (401) and serves them", async () => {
    expect((await ask(gateway, "{ clinics { name } }", null)).body.data.clinics).toHaveLength(1);
    const { status, body } = await ask(gateway, "{ visits { id } }", null);
    expect(status).toBe(401);
    expect(body.errors?.[0].extensions.code).toBe("AUTHENTICATION_REQUIRED");
  });

  async function record(_name: string, typeDefs: ReturnType<typeof gql>, resolvers: object): Promise<Recorded> {
    const queries: string[] = [];
    const server = new ApolloServer({
      schema: buildSubgraphSchema({ typeDefs, resolvers: resolvers as never }),
      plugins: [
        {
          async requestDidStart({ request }) {
            if (request.query && !request.query.includes("_service")) queries.push(request.query);
          },
        },
      ],
    });
    const { url } = await startStandaloneServer(server, { listen: { port: 0, host: "127.0.0.1" } });
    return { url, queries, stop: () => server.stop() };
  }
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5_000) {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}
