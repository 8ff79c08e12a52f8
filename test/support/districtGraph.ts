/**
 * The district graph in one test process: every registered subgraph on the current test tier (sharing one
 * PostgreSQL database, each in its own schema, on the PostgreSQL tier), composed and served by our gateway, with a
 * stand-in token issuer so tests can act as any principal. Access policies and purposes are the identity service's own.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { GatewayServer } from "../../gateway/server.ts";
import { startCityParkingPlatform } from "../../legacy/cityParkingPlatform/server.ts";
import { composeSupergraph } from "../../scripts/composeSupergraph.ts";
import { createIdentitySubgraph } from "../../subgraphs/identity/index.ts";
import {
  httpResidentDirectory,
  RESIDENT_DIRECTORY_PATH,
  type ResidentDirectory,
} from "../../subgraphs/kit/residentDirectory.ts";
import type { SubgraphService } from "../../subgraphs/kit/service.ts";
import { createParkingSubgraph } from "../../subgraphs/parking/index.ts";
import { subgraphModules } from "../../subgraphs/registry.ts";
import { createTestDatabase } from "./database.ts";
import { startTestGateway } from "./gateway.ts";
import { seedAhead, startTestSubgraph } from "./subgraphs.ts";
import { es256Keys, nowSeconds, publicJwk, signToken, startTestIssuer } from "./tokens.ts";

export interface DistrictGraph {
  gateway: GatewayServer;
  subgraphs: Record<string, SubgraphService>;
  /**
   * A bearer token for claims (see test/support/tokens.ts), verified by the gateway like the identity service's;
   * issued at the moment of the call (iat, nbf, exp are set here).
   */
  token(claims: object): string;
  /** Another gateway over the same subgraphs, issuer and policies, with `env` overriding its settings; stopped by stop(). */
  startGateway(env: Record<string, string>): Promise<GatewayServer>;
  stop(): Promise<void>;
}

export async function startDistrictGraph(): Promise<DistrictGraph> {
  const database = await createTestDatabase();
  const dir = await mkdtemp(join(tmpdir(), "og-district-"));
  const subgraphs: Record<string, SubgraphService> = {};
  // The legacy platform behind parking, without injected failures so answers are deterministic.
  const platform = await startCityParkingPlatform({ port: 0, failureRate: 0, latencyMs: { min: 1, max: 5 } });
  // Where residents live comes from the identity service itself, over its key-protected directory route.
  const directoryKey = randomBytes(32).toString("base64url");
  const modules = subgraphModules.map((module) =>
    module.name === "parking"
      ? createParkingSubgraph({ platform: { url: platform.url } })
      : module.name === "identity"
        ? createIdentitySubgraph({ residentDirectoryKey: directoryKey })
        : module,
  );
  let identityDirectory: ResidentDirectory | undefined;
  const residentDirectory: ResidentDirectory = {
    streetsOf: (ids) => {
      if (!identityDirectory) throw new Error("The identity service is not running yet.");
      return identityDirectory.streetsOf(ids);
    },
  };
  await seedAhead(modules);
  for (const module of modules) {
    // Parking's platform option changes only where live availability comes from, not its data: it may share the
    // registered module's seeded snapshot.
    subgraphs[module.name] = await startTestSubgraph(module, {
      databaseUrl: database.url,
      residentDirectory,
      snapshot: true,
    });
    if (module.name === "identity") {
      identityDirectory = httpResidentDirectory({
        url: subgraphs.identity!.url.replace(/\/graphql$/, RESIDENT_DIRECTORY_PATH),
        key: directoryKey,
      });
    }
  }
  const outcome = composeSupergraph(
    modules.map((m) => ({ name: m.name, url: subgraphs[m.name]!.url, typeDefs: m.typeDefs })),
  );
  if (!outcome.ok) throw new Error(outcome.errors.join("\n"));
  const path = join(dir, "supergraph.graphql");
  await writeFile(path, outcome.supergraphSdl);
  const keys = es256Keys();
  const issuer = await startTestIssuer([publicJwk(keys.publicKey, "test-k1")]);
  // Tokens come from the stand-in issuer (any principal); access policies from the real identity service.
  const gatewayEnv = {
    SUPERGRAPH_PATH: path,
    IDENTITY_URL: issuer.url,
    ACCESS_POLICIES_URL: `${subgraphs.identity?.url.replace(/\/graphql$/, "")}/access/policies`,
    PURPOSES_URL: `${subgraphs.identity?.url.replace(/\/graphql$/, "")}/access/purposes`,
    POLICY_POLL_MS: "250",
    AUDIT_URL: subgraphs.audit?.url.replace(/\/graphql$/, "") ?? "",
  };
  const gateway = await startTestGateway(gatewayEnv);
  const others: GatewayServer[] = [];
  return {
    gateway,
    subgraphs,
    startGateway: async (env) => {
      const other = await startTestGateway({ ...gatewayEnv, ...env });
      others.push(other);
      return other;
    },
    // Issued now: claims built when a test file loads would expire while a slow machine still seeds the graph.
    token: (claims) => {
      const now = nowSeconds();
      return signToken({ ...claims, iat: now, nbf: now, exp: now + 300 }, keys.privateKey, "test-k1");
    },
    stop: async () => {
      for (const other of others) await other.stop();
      await gateway.stop();
      await issuer.stop();
      for (const service of Object.values(subgraphs)) await service.stop().catch(() => {});
      await platform.stop();
      await database.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
