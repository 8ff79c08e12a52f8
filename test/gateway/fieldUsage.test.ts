/**
 * Field usage for the schema registry (gateway/observability/fieldUsage.ts): the coordinates each operation selects,
 * worked out once per parsed document, and counted per hour and client.
 */
import { createServer } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import type { GraphQLRequestListener } from "@apollo/server";
import { describe, expect, it } from "vitest";
import type { GatewayContext } from "../../gateway/context.ts";
import {
  createFieldUsageRecorder,
  type FieldUsageRecorder,
  useFieldUsage,
} from "../../gateway/observability/fieldUsage.ts";
import { createLogger } from "../../lib/log.ts";
import type { Principal } from "../../lib/principal.ts";

const require = createRequire(import.meta.url);
const { buildSchema, parse } = require("graphql") as typeof import("graphql");
const schema = buildSchema(`
  type Query { doctors(first: Int): DoctorConnection }
  type DoctorConnection { totalCount: Int nodes: [Doctor] }
  type Doctor { name: String }
`);
const officer = { kind: "officer", id: "person-1" } as Principal;

/** One operation that passed validation, through the plugin as Apollo Server calls it. */
async function resolveWith(plugin: ReturnType<typeof useFieldUsage>, document: ReturnType<typeof parse>) {
  const listener = (await plugin.requestDidStart?.({} as never)) as GraphQLRequestListener<GatewayContext>;
  await listener.didResolveOperation?.({ schema, document, contextValue: { principal: officer } } as never);
}

describe("useFieldUsage", () => {
  it("records an operation's coordinates, worked out once per parsed document", async () => {
    const calls: Array<Iterable<string>> = [];
    const recorder = { record: (_p: Principal, c: Iterable<string>) => calls.push(c) } as unknown as FieldUsageRecorder;
    const plugin = useFieldUsage(recorder);
    const document = parse("{ doctors(first: 1) { totalCount nodes { name __typename } } }");
    await resolveWith(plugin, document);
    await resolveWith(plugin, document);
    expect([...calls[0]!].sort()).toEqual([
      "Doctor.name",
      "DoctorConnection.nodes",
      "DoctorConnection.totalCount",
      "Query.doctors",
    ]);
    expect(calls[1]).toBe(calls[0]); // the same list: not walked again
    await resolveWith(plugin, parse("{ doctors { totalCount } }"));
    expect([...calls[2]!].sort()).toEqual(["DoctorConnection.totalCount", "Query.doctors"]);
  });
});

describe("createFieldUsageRecorder", () => {
  it("counts per hour: a request after the hour turns is counted under the new hour", async () => {
    const received: Array<{ hour: string; client: string; coordinate: string; count: number }> = [];
    const registry = createServer((req, res) => {
      let body = "";
      req
        .on("data", (chunk) => (body += chunk))
        .on("end", () => {
          received.push(...(JSON.parse(body) as { entries: typeof received }).entries);
          res.end("{}");
        });
    });
    await new Promise<void>((resolve) => registry.listen(0, "127.0.0.1", resolve));
    let clock = Date.UTC(2026, 11, 8, 9, 59, 59, 500);
    const recorder = createFieldUsageRecorder({
      registryUrl: `http://127.0.0.1:${(registry.address() as AddressInfo).port}`,
      headers: () => ({}),
      flushMs: 60_000,
      log: createLogger({ service: "test", level: "silent" }),
      now: () => clock,
    });
    try {
      recorder.record(officer, ["Query.doctors"]);
      recorder.record(officer, ["Query.doctors"]);
      clock += 1_000; // 10:00:00.500
      recorder.record(officer, ["Query.doctors"]);
      await recorder.flush();
      expect(received.sort((a, b) => a.hour.localeCompare(b.hour))).toEqual([
        { hour: "2026-12-08T09:00:00.000Z", client: "officer", coordinate: "Query.doctors", count: 2 },
        { hour: "2026-12-08T10:00:00.000Z", client: "officer", coordinate: "Query.doctors", count: 1 },
      ]);
    } finally {
      await recorder.close();
      registry.close();
    }
  });
});
