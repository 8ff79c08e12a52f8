/**
 * Batched subgraph requests end to end (issue 16): the real catalog and health subgraphs (the kit, on the test tier)
 * behind two gateways, one batching and one not. A plan whose parallel fetches go to one subgraph sends one request
 * there when batching, with the same answer; and a subgraph verifies the envelope over the whole batch, so a batch
 * changed after signing is refused before anything runs.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GatewayServer } from "../../gateway/server.ts";
import { composeSupergraph } from "../../scripts/composeSupergraph.ts";
import catalog from "../../subgraphs/catalog/index.ts";
import health from "../../subgraphs/health/index.ts";
import type { SubgraphService } from "../../subgraphs/kit/service.ts";
import { signedHeaders } from "../support/envelope.ts";
import { startTestGateway } from "../support/gateway.ts";
import { graphql, startTestSubgraph } from "../support/subgraphs.ts";

/** Health's hospitals, then their street and their department from the catalog: two catalog fetches in parallel. */
const HOSPITALS = "{ hospitals(first: 5) { nodes { name street { name } department { name } } } }";

describe("parallel fetches to one subgraph go as one batched request", () => {
  let dir: string;
  let catalogService: SubgraphService;
  let healthService: SubgraphService;
  let batching: GatewayServer;
  let unbatched: GatewayServer;

  beforeAll(async () => {
    catalogService = await startTestSubgraph(catalog);
    healthService = await startTestSubgraph(health);
    const outcome = composeSupergraph([
      { name: "catalog", url: catalogService.url, typeDefs: catalog.typeDefs },
      { name: "health", url: healthService.url, typeDefs: health.typeDefs },
    ]);
    if (!outcome.ok) throw new Error(outcome.errors.join("\n"));
    dir = await mkdtemp(join(tmpdir(), "og-batching-"));
    const path = join(dir, "supergraph.graphql");
    await writeFile(path, outcome.supergraphSdl);
    batching = await startTestGateway({ SUPERGRAPH_PATH: path, SUBGRAPH_BATCHING: "catalog,health" });
    unbatched = await startTestGateway({ SUPERGRAPH_PATH: path });
  });

  afterAll(async () => {
    await batching?.stop();
    await unbatched?.stop();
    await catalogService?.stop();
    await healthService?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** The answer and the number of HTTP requests the catalog received for one operation. */
  async function run(gateway: GatewayServer) {
    const before = catalogService.requests();
    const { status, body } = await graphql(gateway.url, HOSPITALS);
    return { status, body, catalogRequests: catalogService.requests() - before };
  }

  it("sends the plan's two parallel catalog fetches as one request, with the same answer as unbatched", async () => {
    const plain = await run(unbatched);
    const batched = await run(batching);
    expect(plain.status).toBe(200);
    expect(plain.body.errors).toBeUndefined();
    expect(plain.body.data.hospitals.nodes).toHaveLength(5);
    expect(plain.catalogRequests).toBe(2);
    expect(batched.catalogRequests).toBe(1);
    expect(batched.body).toEqual(plain.body);
  });

  it("answers a batch signed over its exact bytes, one answer per operation in order", async () => {
    const body = JSON.stringify([
      { query: '{ street(id: "street-linfenlu") { name } }' },
      { query: "{ streets { id } }" },
    ]);
    const response = await fetch(catalogService.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...signedHeaders("catalog", { method: "POST", path: "/graphql", body }),
      },
      body,
    });
    expect(response.status).toBe(200);
    const answers = (await response.json()) as Array<{ data: Record<string, unknown> }>;
    expect(answers).toHaveLength(2);
    expect(answers[0]?.data).toEqual({ street: { name: "临汾路街道" } });
    expect(answers[1]?.data.streets).toHaveLength(14);
  });

  it("refuses an unsigned batch before parsing it, and a signed one over 16 operations or with a non-object in it", async () => {
    const post = (body: string, signed = true) =>
      fetch(catalogService.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(signed ? signedHeaders("catalog", { method: "POST", path: "/graphql", body }) : {}),
        },
        body,
      });
    const unsigned = await post(JSON.stringify([{ query: "{ streets { id } }" }]), false);
    expect(unsigned.status).toBe(401);
    const tooMany = await post(JSON.stringify(Array.from({ length: 17 }, () => ({ query: "{ streets { id } }" }))));
    expect(tooMany.status).toBe(400);
    expect(
      ((await tooMany.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code,
    ).toBe("BAD_REQUEST");
    expect((await post(JSON.stringify([{ query: "{ streets { id } }" }, ["nested"]]))).status).toBe(400);
    expect((await post("[]")).status).toBe(400);
  });

  it("refuses a batch changed after signing (an operation added, or one signed alone wrapped in an array)", async () => {
    const signed = JSON.stringify([{ query: "{ streets { id } }" }]);
    const headers = signedHeaders("catalog", { method: "POST", path: "/graphql", body: signed });
    const tampered = JSON.stringify([{ query: "{ streets { id } }" }, { query: "{ departments { id name } }" }]);
    const added = await fetch(catalogService.url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: tampered,
    });
    expect(added.status).toBe(401);
    expect(
      ((await added.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code,
    ).toBe("ENVELOPE_NOT_BOUND");

    const alone = JSON.stringify({ query: "{ streets { id } }" });
    const wrapped = await fetch(catalogService.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...signedHeaders("catalog", { method: "POST", path: "/graphql", body: alone }),
      },
      body: `[${alone}]`,
    });
    expect(wrapped.status).toBe(401);
  });
});
