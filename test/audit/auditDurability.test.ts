/**
 * The audit of data access through the gateway, end to end (安全防护): the subjects of a read come only from the
 * gateway's own selections, a classified answer leaves only once its record is durable in the audit service — so a
 * gateway killed with SIGKILL loses none — and with the audit service stopped, classified reads fail closed with 503
 * AUDIT_UNAVAILABLE within the deadline while public reads keep answering.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { gql } from "graphql-tag";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GatewayServer } from "../../gateway/server.ts";
import { composeSupergraph } from "../../scripts/composeSupergraph.ts";
import type { PrismaClient } from "../../subgraphs/audit/generated/prisma/client.ts";
import auditModule from "../../subgraphs/audit/index.ts";
import type { SubgraphService } from "../../subgraphs/kit/service.ts";
import { testEnvelopeKeys } from "../support/envelope.ts";
import { startTestGateway } from "../support/gateway.ts";
import { startTestSubgraph } from "../support/subgraphs.ts";
import {
  districtClaims,
  es256Keys,
  publicJwk,
  signToken,
  startTestIssuer,
  type TestIssuer,
} from "../support/tokens.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

const registryTypeDefs = gql`
  extend schema
    @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@composeDirective", "@authenticated"])
    @link(url: "https://specs.jingan.gov.cn/one-graph/access/v0.1", import: ["@public", "@classified"])
    @composeDirective(name: "@public")
    @composeDirective(name: "@classified")
  directive @public on FIELD_DEFINITION | OBJECT | INTERFACE
  directive @classified(level: String!, category: String!, mask: String) on FIELD_DEFINITION | OBJECT

  type Query {
    clinics: [String!]! @public
    resident(id: ID!): Resident @authenticated
    appointments: [Appointment!]! @authenticated
  }
  type Resident @key(fields: "id") {
    id: ID! @authenticated
    name: String @authenticated @classified(level: "personal", category: "identity", mask: "name")
    idNumber: String @authenticated @classified(level: "sensitive", category: "identity", mask: "id-card")
  }
  type Appointment @key(fields: "id") @authenticated {
    id: ID!
    status: String @classified(level: "sensitive", category: "health")
    resident: Resident
  }
`;

const residents = new Map(
  [
    ["resident-000007", "王秀英", "310106198001011234"],
    ["resident-000042", "李娜", "310108199203035678"],
  ].map(([id, name, idNumber]) => [id as string, { id: id as string, name, idNumber }]),
);
const appointments = [
  { id: "a1", status: "BOOKED", residentId: "resident-000007" },
  { id: "a2", status: "DONE", residentId: "resident-000042" },
];

describe("the audit of reads through the gateway", () => {
  const key = es256Keys();
  let issuer: TestIssuer;
  let registry: { url: string; stop(): Promise<void> };
  let audit: SubgraphService<PrismaClient>;
  let dir: string;
  let env: Record<string, string>;
  let gateway: GatewayServer;
  const token = signToken(districtClaims(), key.privateKey, "k1");

  const ask = async (url: string, query: string) => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query }),
    });
    return { status: response.status, body: (await response.json()) as { data?: any; errors?: any[] } };
  };
  const recordsOf = (operationName: string) =>
    audit.prisma.dataAccessRecord.findMany({ where: { operationName }, orderBy: { sequence: "asc" } });

  beforeAll(async () => {
    issuer = await startTestIssuer([publicJwk(key.publicKey, "k1")]);
    const server = new ApolloServer({
      schema: buildSubgraphSchema({
        typeDefs: registryTypeDefs,
        resolvers: {
          Query: {
            clinics: () => ["静安区中心医院"],
            resident: (_: unknown, { id }: { id: string }) => residents.get(id) ?? null,
            appointments: () => appointments,
          },
          Resident: { __resolveReference: (ref: { id: string }) => residents.get(ref.id) ?? null },
          Appointment: {
            resident: (appointment: (typeof appointments)[number]) => residents.get(appointment.residentId),
          },
        } as never,
      }),
    });
    const { url } = await startStandaloneServer(server, { listen: { port: 0, host: "127.0.0.1" } });
    registry = { url, stop: () => server.stop() };
    audit = await startTestSubgraph(auditModule, { seed: false });
    dir = await mkdtemp(join(tmpdir(), "og-audit-durable-"));
    const composed = composeSupergraph([{ name: "registry", url, typeDefs: registryTypeDefs }]);
    if (!composed.ok) throw new Error(composed.errors.join("\n"));
    await writeFile(join(dir, "supergraph.graphql"), composed.supergraphSdl);
    env = {
      SUPERGRAPH_PATH: join(dir, "supergraph.graphql"),
      IDENTITY_URL: issuer.url,
      AUDIT_URL: audit.url.replace(/\/graphql$/, ""),
      AUDIT_WAIT_MS: "500",
      REQUEST_DEADLINE_MS: "3000",
    };
    gateway = await startTestGateway(env);
  });

  afterAll(async () => {
    await gateway?.stop();
    await registry?.stop();
    await audit?.stop().catch(() => {});
    await issuer?.stop();
    await rm(dir, { recursive: true, force: true });
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

  it("loses no record when the gateway is killed with SIGKILL right after N classified answers", async () => {
    const n = 12;
    const first = await startGatewayProcess(env);
    let answered = 0;
    try {
      const answers = await Promise.all(
        Array.from({ length: n }, () =>
          ask(first.url, 'query Durable { resident(id: "resident-000007") { name } }').then((answer) => {
            answered += 1;
            return answer;
          }),
        ),
      );
      expect(answers.every((a) => a.status === 200 && a.body.data.resident.name === "王**")).toBe(true);
    } finally {
      first.child.kill("SIGKILL");
      await first.exited;
    }
    expect(answered).toBe(n);
    const restarted = await startGatewayProcess(env);
    try {
      expect(await recordsOf("Durable")).toHaveLength(n);
      expect((await ask(restarted.url, 'query Durable { resident(id: "resident-000007") { name } }')).status).toBe(200);
      expect(await recordsOf("Durable")).toHaveLength(n + 1);
    } finally {
      restarted.child.kill("SIGTERM");
      await restarted.exited;
    }
  });

  it("with the audit service stopped, answers classified reads 503 within the deadline and public reads 200", async () => {
    await audit.stop();
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

/** The gateway as its own process (npm run gateway), for what only a real process shows: SIGKILL. */
async function startGatewayProcess(
  env: Record<string, string>,
): Promise<{ url: string; child: ChildProcess; exited: Promise<void> }> {
  const child = spawn(process.execPath, ["--import", "tsx", "gateway/main.ts"], {
    cwd: root,
    env: {
      ...process.env,
      ...env,
      PORT: "0",
      LOG_LEVEL: "info",
      NODE_ENV: "test",
      ENVELOPE_PRIVATE_KEY: testEnvelopeKeys.privateKey,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = "";
    child.stdout?.setEncoding("utf8");
    child.stdout?.on("data", (chunk: string) => {
      buffered += chunk;
      const match = /"url":"(http:\/\/[^"]+\/graphql)"[^\n]*gateway is listening/.exec(buffered);
      if (match?.[1]) resolve(match[1]);
    });
    child.once("exit", (code) => reject(new Error(`the gateway exited (${code}) before listening`)));
  });
  child.stdout?.resume();
  return { url, child, exited };
}
