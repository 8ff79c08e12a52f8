/**
 * Identity subgraph (统一用户管理): one identity for residents, officers, security admins, auditors and integrator
 * applications. Owns the Resident entity's base fields, answers `me`, administers accounts, and serves the token
 * endpoints the gateway relies on (/oauth/token, /oauth/revoke, /.well-known/jwks.json, /oauth/revoked-sessions) and
 * the OpenID Connect provider for single sign-on under /oidc (oidc/provider.ts);
 * the contract is in docs/identity.md.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "graphql";
import { z } from "zod";
import { parseConfig } from "../../lib/config.ts";
import { publicOriginSchema } from "../../lib/publicOrigin.ts";
import { defineSubgraph, type Environment } from "../kit/module.ts";
import { departmentManifestRoutes } from "./access/departmentManifests.ts";
import { purposeResolvers } from "./access/purposeResolvers.ts";
import { accessPolicyResolvers } from "./access/resolvers.ts";
import { accessPolicyRoutes } from "./access/routes.ts";
import { appLifecycleResolvers } from "./apps/resolvers.ts";
import { trustedDocumentRoutes } from "./apps/routes.ts";
import { PrismaClient } from "./generated/prisma/client.ts";
import { createHashingBudget } from "./hashingBudget.ts";
import { resourceResolvers } from "./limits/resolvers.ts";
import { resourceRoutes } from "./limits/routes.ts";
import { createLoaders } from "./loaders.ts";
import { createOAuthRoutes } from "./oauthRoutes.ts";
import { createOidcRoutes } from "./oidc/provider.ts";
import { type IdentityOptions, resolveOptions } from "./options.ts";
import { permissions } from "./permissions.ts";
import { prepareIdentity } from "./productionSafety.ts";
import { databaseResidentDirectory, residentDirectoryRoutes } from "./residentDirectory.ts";
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
  const hashing = createHashingBudget({ ...options.hashingBudget, now: () => options.now().getTime() });
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
      ...createOAuthRoutes(dependencies, { options, keys, issuer, hashing }),
      ...createOidcRoutes(dependencies, { options, keys, hashing }),
      ...accessPolicyRoutes(dependencies),
      ...departmentManifestRoutes(dependencies, { now: options.now }),
      ...trustedDocumentRoutes(dependencies, options),
      ...resourceRoutes(dependencies, { now: options.now }),
      ...residentDirectoryRoutes(dependencies, { key: options.residentDirectoryKey }),
    }),
    // The register of residence is this service's own data: jurisdiction checks here read it directly.
    residentDirectory: (prisma) => databaseResidentDirectory(prisma),
    prepare: (prisma) => prepareIdentity(prisma, options, keys),
    // In production an explicit seed (SEED=true) creates the district's people without any published credential.
    seed: (prisma, db, seedOptions) =>
      seed(prisma, db, keys, options.now(), { ...seedOptions, publishedCredentials: !options.production }),
  });
}

/** Account, access-policy, purpose-registry and resource (rate limits, usage) administration share Query and Mutation. */
function withAccessPolicies(
  resolvers: ReturnType<typeof createResolvers>,
  options: ReturnType<typeof resolveOptions>,
): ReturnType<typeof createResolvers> {
  const access = accessPolicyResolvers({ now: options.now, supergraphPath: options.supergraphPath });
  const purposes = purposeResolvers({ now: options.now });
  const apps = appLifecycleResolvers(options);
  const resources = resourceResolvers({ now: options.now });
  return {
    ...resolvers,
    ...access,
    ...purposes,
    ...resources,
    Query: { ...resolvers.Query, ...access.Query, ...purposes.Query, ...resources.Query, ...apps.Query },
    Mutation: {
      ...resolvers.Mutation,
      ...access.Mutation,
      ...purposes.Mutation,
      ...resources.Mutation,
      ...apps.Mutation,
    },
    IntegratorApp: { ...(resolvers.IntegratorApp as object), ...apps.IntegratorApp },
    IntegratorAppEvent: apps.IntegratorAppEvent,
  } as ReturnType<typeof createResolvers>;
}

/**
 * The identity options in an environment: IDENTITY_ISSUER, IDENTITY_KEY_ENCRYPTION_SECRET, SUPERGRAPH_PATH,
 * RESIDENT_DIRECTORY_KEY, IDENTITY_HASHING_BURST / IDENTITY_HASHING_PER_SECOND (the hashing budget per client address),
 * PUBLIC_ORIGIN (lib/publicOrigin.ts: the OpenID Connect issuer is `<origin>/oidc`), OIDC_PORTAL_CLIENT_SECRET,
 * OIDC_PORTAL_REDIRECT_URIS / OIDC_PORTAL_POST_LOGOUT_REDIRECT_URIS (the portal's OIDC client), OIDC_PORTAL_SPA_REDIRECT_URIS /
 * OIDC_PORTAL_SPA_POST_LOGOUT_REDIRECT_URIS (the portal web app's public client) and NODE_ENV. Without a secret the development one is used — which the identity service refuses at start in
 * production (productionSafety.ts), naming the variable. Only the process edges (scripts/subgraph.ts,
 * scripts/identityBootstrap.ts) call this; nothing reads the environment when this module is imported.
 */
export function optionsFromEnvironment(env: Environment): IdentityOptions {
  return {
    issuer: env.IDENTITY_ISSUER || undefined,
    supergraphPath: env.SUPERGRAPH_PATH || undefined,
    keyEncryptionSecret: env.IDENTITY_KEY_ENCRYPTION_SECRET || undefined,
    production: env.NODE_ENV === "production",
    residentDirectoryKey: env.RESIDENT_DIRECTORY_KEY || undefined,
    publicOrigin: parseConfig(z.object({ PUBLIC_ORIGIN: publicOriginSchema }), env).PUBLIC_ORIGIN,
    portalClient: {
      secret: env.OIDC_PORTAL_CLIENT_SECRET || undefined,
      redirectUris: listOf(env.OIDC_PORTAL_REDIRECT_URIS),
      postLogoutRedirectUris: listOf(env.OIDC_PORTAL_POST_LOGOUT_REDIRECT_URIS),
    },
    portalSpaClient: {
      redirectUris: listOf(env.OIDC_PORTAL_SPA_REDIRECT_URIS),
      postLogoutRedirectUris: listOf(env.OIDC_PORTAL_SPA_POST_LOGOUT_REDIRECT_URIS),
    },
    hashingBudget: {
      burst: env.IDENTITY_HASHING_BURST ? Number(env.IDENTITY_HASHING_BURST) : undefined,
      perSecond: env.IDENTITY_HASHING_PER_SECOND ? Number(env.IDENTITY_HASHING_PER_SECOND) : undefined,
    },
  };
}

/** A comma-separated list, or undefined when empty. */
function listOf(value: string | undefined): string[] | undefined {
  const items = (value ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
  return items.length > 0 ? items : undefined;
}

/** The service as configured by an environment (the edge, scripts/subgraph.ts, passes the process's). */
export function configure(env: Environment) {
  return createIdentitySubgraph(optionsFromEnvironment(env));
}

/**
 * The module with default options, for composition, the registry and tests: development secret, not production. A
 * running service is built by `configure(env)` instead.
 */
export default createIdentitySubgraph();
