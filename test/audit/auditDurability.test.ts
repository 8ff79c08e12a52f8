/**
 * The audit of data access through the gateway (安全防护): the subjects of a read come only from the gateway's own
 * selections, and with the audit service stopped, classified reads fail closed with 503 AUDIT_UNAVAILABLE within the
 * deadline while public reads keep answering. That a classified answer leaves only once its record is durable — a
 * gateway killed with SIGKILL loses none — needs a gateway process: test/e2e/auditDurability.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GatewayServer } from "../../gateway/server.ts";
import { type AuditedGraph, startAuditedGraph } from "../support/auditedGraph.ts";
import { startTestGateway } from "../support/gateway.ts";

describe("the audit of reads through the gateway", () => {
  let graph: AuditedGraph;
  let gateway: GatewayServer;
  const ask = (url: string, query: string) => graph.ask(url, query);
  const recordsOf = (operationName: string) => graph.recordsOf(operationName);

  beforeAll(async () => {
    graph = await startAuditedGraph();
    gateway = await startTestGateway(graph.env);
  });

  afterAll(async () => {
    await gateway?.stop();
    await graph?.stop();
  });

  it("refuses a client's own og__subject (and other reserved names) with 400 at validation", async () => {
    for (const query of [
      '{ resident(id: "resident-000007") { og__subject: __typename name } }',
      '{ resident(id: "resident-000007") { OG__Subject: idNumber name } }',
      "{ appointments { status og__subject: resident { id } } }",
      '{ resident(id: "resident-000007") { __typename: id name } }',
    ]) {
      const { status, body } = await ask(gateway.url, query);
      expect(status).toBe(400);
      expect(body.data).toBeUndefined();
      expect(body.errors?.[0]).toMatchObject({ extensions: { code: "GRAPHQL_VALIDATION_FAILED" } });
      expect(body.errors?.[0].message).toMatch(/is reserved/);
    }
  });

  it("lists resident X as the subject of a normal read of X's classified data", async () => {
    const one = await ask(gateway.url, 'query ReadX { resident(id: "resident-000042") { id name idNumber } }');
    expect(one).toEqual({
      status: 200,
      body: { data: { resident: { id: "resident-000042", name: "李*", idNumber: "310***********5678" } } },
    });
    const [record] = await recordsOf("ReadX");
    expect(record?.subjectResidentIds).toEqual(["resident-000042"]);

    const list = await ask(gateway.url, "query ReadAppointments { appointments { status } }");
    expect(list.body.data.appointments).toEqual([{ status: "BOOKED" }, { status: "DONE" }]);
    const [listed] = await recordsOf("ReadAppointments");
    expect(listed?.subjectResidentIds).toEqual(["resident-000007", "resident-000042"]);
  });

  it("with the audit service stopped, answers classified reads 503 within the deadline and public reads 200", async () => {
    await graph.audit.stop();
    const classified = await ask(gateway.url, 'query Outage { resident(id: "resident-000007") { id name } }');
    expect(classified.status).toBe(503);
    expect(classified.body.errors?.[0]).toMatchObject({ extensions: { code: "AUDIT_UNAVAILABLE" } });
    // The classified field is withheld; what is not classified still arrives.
    expect(classified.body.data).toEqual({ resident: { id: "resident-000007", name: null } });

    const [list, open] = await Promise.all([
      ask(gateway.url, "{ appointments { status } }"),
      ask(gateway.url, "{ clinics }"),
    ]);
    expect(list.status).toBe(503);
    expect(list.body.data).toEqual({ appointments: [{ status: null }, { status: null }] });
    expect(open).toEqual({ status: 200, body: { data: { clinics: ["静安区中心医院"] } } });
    const metrics = await (await fetch(gateway.url.replace("/graphql", "/metrics"))).text();
    expect(metrics).toMatch(/^og_gateway_audit_unavailable_total [1-9]/m);
    expect(metrics).toMatch(/^og_gateway_audit_waiting 0$/m);
  });
});
