/**
 * The one operation guard (gateway/protection/operationGuard.ts) without a server or a port: its hook is called as
 * Apollo Server calls it, on the district's committed supergraph, with the seeded access policies. Each refusal must
 * carry its code and HTTP status; an allowed operation leaves the view and the decision on the context.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Supergraph } from "@apollo/federation-internals";
import type { GraphQLSchema } from "graphql";
import { describe, expect, it } from "vitest";
import type { GatewayContext } from "../../gateway/context.ts";
import { limitsResolver } from "../../gateway/limits/limitsFor.ts";
import { useOperationGuard } from "../../gateway/protection/operationGuard.ts";
import { supergraphSnapshot } from "../../gateway/supergraph/supergraphSnapshot.ts";
import type { PolicySet } from "../../lib/access/policyRules.ts";
import { ANONYMOUS, type Principal } from "../../lib/principal.ts";
import { SEEDED_POLICIES } from "../../subgraphs/identity/access/seedPolicies.ts";
import { officerOf } from "../support/envelope.ts";

const { parse } = createRequire(import.meta.url)("graphql") as typeof import("graphql");

const sdl = readFileSync(new URL("../../schema/supergraph.graphql", import.meta.url), "utf8");
const snapshot = supergraphSnapshot(sdl);
const schema: GraphQLSchema = Supergraph.build(snapshot.plannerSdl).apiSchema().toGraphQLJSSchema();
const policies: PolicySet = {
  revision: 1,
  policies: new Map(SEEDED_POLICIES.map((p) => [p.name, { version: 1, ...p }])),
};

function guard(options: { mode?: "filter" | "reject"; production?: boolean; maxDepth?: number } = {}) {
  return useOperationGuard({
    supergraph: (s) => (s === schema ? snapshot : null),
    limitsFor: limitsResolver({ default: options.maxDepth ? { depth: options.maxDepth } : {}, roles: {}, apps: {} }),
    policies: () => policies,
    authorizationMode: options.mode ?? "filter",
    schemaExposure: { production: options.production ?? false, roles: ["platform-engineer"] },
    now: () => new Date("2026-12-01T10:00:00+08:00"),
  });
}

/** Runs the guard's hook as Apollo does; answers the context it left, or the error it threw. */
async function run(
  query: string,
  principal: Principal,
  options: Parameters<typeof guard>[0] & { variables?: Record<string, unknown>; operationName?: string } = {},
) {
  const document = parse(query);
  const operations = document.definitions.filter((d) => d.kind === "OperationDefinition");
  const operation =
    options.operationName === undefined
      ? operations.length === 1
        ? operations[0]
        : undefined
      : operations.find((o) => o.kind === "OperationDefinition" && o.name?.value === options.operationName);
  const contextValue = { principal, purpose: null, caseReference: null } as unknown as GatewayContext;
  const listener = await guard(options).requestDidStart?.({} as never);
  try {
    await listener?.didResolveOperation?.({
      operation,
      operationName: options.operationName ?? null,
      document,
      schema,
      contextValue,
      request: { variables: options.variables },
    } as never);
    return { context: contextValue, error: null };
  } catch (error) {
    const coded = error as { extensions?: { code?: string; http?: { status?: number } }; message: string };
    return { context: contextValue, error: coded };
  }
}

const healthOfficer = officerOf("dept-health");

describe("the operation guard, without a server", () => {
  it("lets an anonymous caller read public fields, and leaves the view and an empty denial list on the context", async () => {
    const { error, context } = await run(`{ streets { id name } }`, ANONYMOUS);
    expect(error).toBeNull();
    expect(context.view).toBeDefined();
    expect(context.supergraph).toBe(snapshot);
    expect(context.authorization?.denied).toEqual([]);
  });

  it("refuses an anonymous caller anything but public fields: 401 AUTHENTICATION_REQUIRED naming the fields", async () => {
    const { error } = await run(`{ streets { id } dataResources(first: 1) { totalCount } }`, ANONYMOUS);
    expect(error?.extensions?.code).toBe("AUTHENTICATION_REQUIRED");
    expect(error?.extensions?.http?.status).toBe(401);
    expect(error?.message).toContain("Query.dataResources");
    expect(error?.message).not.toContain("Query.streets");
  });

  it("measures limits before anything else: a document deeper than allowed is 400 OPERATION_LIMIT_EXCEEDED", async () => {
    const deep = `{ streets { hospitals { street { hospitals { street { hospitals { id } } } } } } }`;
    const { error } = await run(deep, ANONYMOUS, { maxDepth: 3 });
    expect(error?.extensions?.code).toBe("OPERATION_LIMIT_EXCEEDED");
    expect(error?.extensions?.http?.status).toBe(400);
    // The same document within the limit is judged on its fields instead (all public here).
    expect((await run(deep, ANONYMOUS, { maxDepth: 20 })).error).toBeNull();
  });

  it("applies a defaulted variable to the page size it limits", async () => {
    const query = `query Q($n: Int = 100000) { hospitals(first: $n) { totalCount } }`;
    const { error } = await run(query, healthOfficer);
    expect(error?.extensions?.code).toBe("OPERATION_LIMIT_EXCEEDED");
    const given = await run(query, healthOfficer, { variables: { n: 100000 } });
    expect(given.error?.extensions?.code).toBe("OPERATION_LIMIT_EXCEEDED");
    expect(given.error?.message).toBe(error?.message);
    expect((await run(query, healthOfficer, { variables: { n: 10 } })).error).toBeNull();
  });

  it("refuses a subscription, and a document whose operation cannot be chosen, with 400", async () => {
    const subscription = await run(`subscription { streets { id } }`, ANONYMOUS);
    expect(subscription.error?.extensions?.code).toBe("OPERATION_NOT_SUPPORTED");
    expect(subscription.error?.extensions?.http?.status).toBe(400);
    const twoOperations = `query A { streets { id } } query B { streets { name } }`;
    const unchosen = await run(twoOperations, ANONYMOUS);
    expect(unchosen.error?.extensions?.code).toBe("OPERATION_RESOLUTION_FAILURE");
    expect(unchosen.error?.extensions?.http?.status).toBe(400);
    expect((await run(twoOperations, ANONYMOUS, { operationName: "B" })).error).toBeNull();
  });

  it("in filter mode leaves denied fields for execution to remove; in reject mode refuses with 403", async () => {
    const query = `{ dataResources(first: 1) { totalCount } streets { id } }`;
    const filtered = await run(query, healthOfficer);
    expect(filtered.error).toBeNull();
    expect(filtered.context.authorization?.denied.map((d) => d.coordinate)).toEqual(["Query.dataResources"]);
    const rejected = await run(query, healthOfficer, { mode: "reject" });
    expect(rejected.error?.extensions?.code).toBe("OPERATION_NOT_AUTHORIZED");
    expect(rejected.error?.extensions?.http?.status).toBe(403);
    expect(rejected.error?.message).toContain("catalog:read");
    // With the scope the field requires, nothing is denied.
    const reader = { ...healthOfficer, scopes: ["catalog:read"] };
    expect((await run(query, reader, { mode: "reject" })).error).toBeNull();
  });

  it("fails closed on a schema it has no snapshot for: 503 SUPERGRAPH_NOT_LOADED", async () => {
    const listener = await guard().requestDidStart?.({} as never);
    const other = Supergraph.build(snapshot.plannerSdl).apiSchema().toGraphQLJSSchema();
    const document = parse(`{ streets { id } }`);
    const error = await Promise.resolve(
      listener?.didResolveOperation?.({
        operation: document.definitions[0],
        operationName: null,
        document,
        schema: other,
        contextValue: { principal: ANONYMOUS } as unknown as GatewayContext,
        request: {},
      } as never),
    ).catch((e: { extensions?: { code?: string } }) => e);
    expect((error as { extensions?: { code?: string } }).extensions?.code).toBe("SUPERGRAPH_NOT_LOADED");
  });
});
