/**
 * A small audited graph for the audit's end-to-end tests: one subgraph of residents and appointments with classified
 * fields, the real audit subgraph, and a token issuer — and the gateway's environment that joins them
 * (test/audit/auditDurability.test.ts in-process, test/e2e/auditDurability.test.ts as a process).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { gql } from "graphql-tag";
import { composeSupergraph } from "../../scripts/composeSupergraph.ts";
import type { PrismaClient } from "../../subgraphs/audit/generated/prisma/client.ts";
import auditModule from "../../subgraphs/audit/index.ts";
import type { SubgraphService } from "../../subgraphs/kit/service.ts";
import { startTestSubgraph } from "./subgraphs.ts";
import { districtClaims, es256Keys, publicJwk, signToken, startTestIssuer } from "./tokens.ts";

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

export interface AuditedGraph {
  audit: SubgraphService<PrismaClient>;
  /** The gateway's environment: supergraph file, issuer, audit service and short deadlines. */
  env: Record<string, string>;
  /** A resident's token the issuer's key signed. */
  token: string;
  /** Asks `url` with the token. */
  ask(url: string, query: string): Promise<{ status: number; body: { data?: any; errors?: any[] } }>;
  /** The audit records of one operation, in order. */
  recordsOf(operationName: string): ReturnType<PrismaClient["dataAccessRecord"]["findMany"]>;
  stop(): Promise<void>;
}

export async function startAuditedGraph(): Promise<AuditedGraph> {
  const key = es256Keys();
  const token = signToken(districtClaims(), key.privateKey, "k1");
  const issuer = await startTestIssuer([publicJwk(key.publicKey, "k1")]);
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
  const audit = await startTestSubgraph(auditModule, { seed: false });
  const dir = await mkdtemp(join(tmpdir(), "og-audit-durable-"));
  const composed = composeSupergraph([{ name: "registry", url, typeDefs: registryTypeDefs }]);
  if (!composed.ok) throw new Error(composed.errors.join("\n"));
  await writeFile(join(dir, "supergraph.graphql"), composed.supergraphSdl);
  return {
    audit,
    token,
    env: {
      SUPERGRAPH_PATH: join(dir, "supergraph.graphql"),
      IDENTITY_URL: issuer.url,
      AUDIT_URL: audit.url.replace(/\/graphql$/, ""),
      AUDIT_WAIT_MS: "500",
      REQUEST_DEADLINE_MS: "3000",
    },
    ask: async (target, query) => {
      const response = await fetch(target, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query }),
      });
      return { status: response.status, body: (await response.json()) as { data?: any; errors?: any[] } };
    },
    recordsOf: (operationName) =>
      audit.prisma.dataAccessRecord.findMany({ where: { operationName }, orderBy: { sequence: "asc" } }),
    stop: async () => {
      await server.stop();
      await audit.stop().catch(() => {});
      await issuer.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
