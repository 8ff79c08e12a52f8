/**
 * Identity subgraph (统一用户管理): one identity for residents, officers, security admins, auditors and integrator
 * applications. Owns the Resident entity's base fields, answers `me`, administers accounts, and serves the token
 * endpoints the gateway relies on (/oauth/token, /oauth/revoke, /.well-known/jwks.json, /oauth/revoked-sessions);
 * the contract is in docs/identity.md.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "graphql";
import { defineSubgraph } from "../kit/module.ts";
import { accessPolicyResolvers } from "./access/resolvers.ts";
import { accessPolicyRoutes } from "./access/routes.ts";
import { PrismaClient } from "./generated/prisma/client.ts";
import { createLoaders } from "./loaders.ts";
import { createOAuthRoutes } from "./oauthRoutes.ts";
import { DEVELOPMENT_KEY_ENCRYPTION_SECRET, type IdentityOptions, resolveOptions } from "./options.ts";
import { permissions } from "./permissions.ts";
import { createResolvers } from "./resolvers.ts";
import { seed } from "./seed.ts";
import { SigningKeyStore } from "./signingKeys.ts";
import { AccessTokenIssuer } from "./tokens.ts";

export type { IdentityOptions } from "./options.ts";

/** The module with chosen options: tests fix the clock (throttling windows, key-rotation overlap). */
export function createIdentitySubgraph(identityOptions: IdentityOptions = {}) {
  const options = resolveOptions(identityOptions);
  const keys = new SigningKeyStore(options);
  const issuer = new AccessTokenIssuer(options, keys);
  return defineSubgraph({
    name: "identity",
    title: "Identity (统一用户管理)",
    defaultPort: 4108,
    typeDefs: parse(readFileSync(new URL("./schema.graphql", import.meta.url), "utf8")),
    resolvers: withAccessPolicies(createResolvers({ options, keys }), options),
    permissions,
    migrationsDir: fileURLToPath(new URL("../../prisma/identity/migrations", import.meta.url)),
    createPrisma: (prismaOptions) => new PrismaClient(prismaOptions),
    createLoaders,
    createRoutes: (dependencies) => ({
      ...createOAuthRoutes(dependencies, { options, keys, issuer }),
      ...accessPolicyRoutes(dependencies),
    }),
    seed: (prisma, db, seedOptions) => seed(prisma, db, keys, options.now(), seedOptions),
  });
}

/** Account administration and access-policy administration share the Query and Mutation types. */
function withAccessPolicies(
  resolvers: ReturnType<typeof createResolvers>,
  options: ReturnType<typeof resolveOptions>,
): ReturnType<typeof createResolvers> {
  const access = accessPolicyResolvers({ now: options.now, supergraphPath: options.supergraphPath });
  return {
    ...resolvers,
    ...access,
    Query: { ...resolvers.Query, ...access.Query },
    Mutation: { ...resolvers.Mutation, ...access.Mutation },
  } as ReturnType<typeof createResolvers>;
}

/**
 * The configuration edge of the default instance, read once: IDENTITY_ISSUER and IDENTITY_KEY_ENCRYPTION_SECRET.
 * Without a secret, the development secret is used — refused when NODE_ENV=production, because it is public.
 */
function optionsFromEnvironment(env: NodeJS.ProcessEnv): IdentityOptions {
  const keyEncryptionSecret = env.IDENTITY_KEY_ENCRYPTION_SECRET || undefined;
  if (!keyEncryptionSecret && env.NODE_ENV === "production") {
    throw new Error(
      "IDENTITY_KEY_ENCRYPTION_SECRET is not set: in production the signing keys must be encrypted with a secret " +
        "of your own (at least 32 random characters), not the public development one.",
    );
  }
  return {
    issuer: env.IDENTITY_ISSUER || undefined,
    supergraphPath: env.SUPERGRAPH_PATH || undefined,
    keyEncryptionSecret: keyEncryptionSecret ?? DEVELOPMENT_KEY_ENCRYPTION_SECRET,
  };
}

export default createIdentitySubgraph(optionsFromEnvironment(process.env));
