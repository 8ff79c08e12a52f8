/**
 * Options of the identity service, with their defaults. `optionsFromEnvironment` in `index.ts` turns the environment
 * the process edge hands it into these; everything below receives these typed values and never sees the environment.
 */
import { fileURLToPath } from "node:url";
import { DEFAULT_PUBLIC_ORIGIN } from "../../lib/publicOrigin.ts";
import { MIN_DIRECTORY_KEY_LENGTH } from "../kit/residentDirectory.ts";

export interface IdentityOptions {
  /** The current time. Tests fix and advance it (throttling, key rotation overlap); the service uses the real clock. */
  now?: () => Date;
  /** `iss` of the access tokens. Default `https://id.jingan.one-graph.local`. */
  issuer?: string;
  /** Lifetime of access tokens in seconds. Default 300 (5 minutes). */
  accessTokenTtlSeconds?: number;
  /** Lifetime of refresh tokens in seconds. Default 7 days. */
  refreshTokenTtlSeconds?: number;
  /**
   * Secret that encrypts the signing keys' private halves at rest (AES-256-GCM, key derived with HKDF). Default:
   * a development-only value that is public in this repository; production must set IDENTITY_KEY_ENCRYPTION_SECRET.
   */
  keyEncryptionSecret?: string;
  /**
   * The composed supergraph the access-policy simulation judges operations against: the file the gateway serves.
   * Default: the repository's schema/supergraph.graphql.
   */
  supergraphPath?: string;
  /**
   * The scrypt budget per client address shared by password logins, `client_credentials` and password changes
   * (hashingBudget.ts). Default 10 checks at once, 2 more per second.
   */
  hashingBudget?: { burst?: number; perSecond?: number };
  /**
   * Production mode (NODE_ENV=production): start-up refuses every published development secret (productionSafety.ts),
   * and an explicit seed creates no published credentials. Default false.
   */
  production?: boolean;
  /**
   * The key the other subgraphs present on `POST /residents/streets` (RESIDENT_DIRECTORY_KEY, at least 32
   * characters): where residents live, for jurisdiction. Absent: the route answers nobody.
   */
  residentDirectoryKey?: string;
  /**
   * How long an integrator app's previous client secret keeps working after `rotateAppSecret`, in seconds, when the
   * rotation does not say (0 to 7 days). Default 1 day.
   */
  appSecretOverlapSeconds?: number;
  /**
   * The platform's public origin (PUBLIC_ORIGIN, lib/publicOrigin.ts): the OpenID Connect provider issues as
   * `<origin>/oidc` and its graph access tokens for `<origin>/graphql`. Default `http://127.0.0.1:4000`.
   */
  publicOrigin?: string;
  /**
   * The portal's OpenID Connect client `app-portal-web` (confidential): its secret (OIDC_PORTAL_CLIENT_SECRET; default
   * the published development value, refused in production) and where it may be sent back to after login and logout
   * (default `<origin>/portal/callback` and `<origin>/portal/`).
   */
  portalClient?: { secret?: string; redirectUris?: string[]; postLogoutRedirectUris?: string[] };
  /**
   * The portal web app's own OpenID Connect client `app-portal-spa` (public: no secret, `token_endpoint_auth_method`
   * none, PKCE S256 required, no refresh token): where it may be sent back to after login and logout
   * (OIDC_PORTAL_SPA_REDIRECT_URIS, OIDC_PORTAL_SPA_POST_LOGOUT_REDIRECT_URIS; default `<origin>/portal/callback` and
   * `<origin>/portal/`). Every URI must be on the public origin exactly: a public client's code must never be sent
   * to another site (docs/portal.md).
   */
  portalSpaClient?: { redirectUris?: string[]; postLogoutRedirectUris?: string[] };
}

export interface ResolvedIdentityOptions {
  now: () => Date;
  issuer: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  keyEncryptionSecret: string;
  supergraphPath: string;
  hashingBudget: { burst: number; perSecond: number };
  production: boolean;
  residentDirectoryKey: string | null;
  appSecretOverlapSeconds: number;
  publicOrigin: string;
  portalClient: { secret: string; redirectUris: string[]; postLogoutRedirectUris: string[] };
  portalSpaClient: { redirectUris: string[]; postLogoutRedirectUris: string[] };
}

export const DEFAULT_SUPERGRAPH_PATH = fileURLToPath(new URL("../../schema/supergraph.graphql", import.meta.url));
export const DEFAULT_ISSUER = "https://id.jingan.one-graph.local";
/** `aud` of every access token: the graph as a whole (the gateway checks it). */
export const ACCESS_TOKEN_AUDIENCE = "jingan-one-graph";
export const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = 300;
export const DEFAULT_APP_SECRET_OVERLAP_SECONDS = 24 * 60 * 60;
export const MAX_APP_SECRET_OVERLAP_SECONDS = 7 * 24 * 60 * 60;
export const DEFAULT_REFRESH_TOKEN_TTL_SECONDS = 7 * 24 * 60 * 60;
/** DEVELOPMENT ONLY (README): the portal client's secret when OIDC_PORTAL_CLIENT_SECRET is unset; refused in production. */
export const DEVELOPMENT_PORTAL_CLIENT_SECRET = "portal-web-dev-secret";
/** The portal's OpenID Connect client id. */
export const PORTAL_CLIENT_ID = "app-portal-web";
/** The portal web app's public OpenID Connect client id (PKCE, no secret; docs/portal.md). */
export const PORTAL_SPA_CLIENT_ID = "app-portal-spa";
/** DEVELOPMENT ONLY: published in this repository, so it protects nothing. Never use it outside a laptop or tests. */
export const DEVELOPMENT_KEY_ENCRYPTION_SECRET = "development-only/jingan-one-graph/identity-signing-keys";

export function resolveOptions(options: IdentityOptions = {}): ResolvedIdentityOptions {
  const accessTokenTtlSeconds = options.accessTokenTtlSeconds ?? DEFAULT_ACCESS_TOKEN_TTL_SECONDS;
  const refreshTokenTtlSeconds = options.refreshTokenTtlSeconds ?? DEFAULT_REFRESH_TOKEN_TTL_SECONDS;
  const keyEncryptionSecret = options.keyEncryptionSecret ?? DEVELOPMENT_KEY_ENCRYPTION_SECRET;
  const problems: string[] = [];
  if (!Number.isInteger(accessTokenTtlSeconds) || accessTokenTtlSeconds < 30 || accessTokenTtlSeconds > 3600) {
    problems.push(`accessTokenTtlSeconds is ${accessTokenTtlSeconds}; use a whole number from 30 to 3600.`);
  }
  if (!Number.isInteger(refreshTokenTtlSeconds) || refreshTokenTtlSeconds <= accessTokenTtlSeconds) {
    problems.push(
      `refreshTokenTtlSeconds is ${refreshTokenTtlSeconds}; use a whole number above the access-token TTL.`,
    );
  }
  const hashingBudget = { burst: options.hashingBudget?.burst ?? 10, perSecond: options.hashingBudget?.perSecond ?? 2 };
  if (!Number.isInteger(hashingBudget.burst) || hashingBudget.burst < 1 || hashingBudget.burst > 1000) {
    problems.push(`hashingBudget.burst is ${hashingBudget.burst}; use a whole number from 1 to 1000.`);
  }
  if (!(hashingBudget.perSecond > 0 && hashingBudget.perSecond <= 1000)) {
    problems.push(`hashingBudget.perSecond is ${hashingBudget.perSecond}; use a number above 0, at most 1000.`);
  }
  if (keyEncryptionSecret.length < 32) {
    problems.push("The key-encryption secret has fewer than 32 characters; use a long random value.");
  }
  if (options.residentDirectoryKey !== undefined && options.residentDirectoryKey.length < MIN_DIRECTORY_KEY_LENGTH) {
    problems.push(
      `The resident directory key has fewer than ${MIN_DIRECTORY_KEY_LENGTH} characters; use a long random value.`,
    );
  }
  const appSecretOverlapSeconds = options.appSecretOverlapSeconds ?? DEFAULT_APP_SECRET_OVERLAP_SECONDS;
  if (
    !Number.isInteger(appSecretOverlapSeconds) ||
    appSecretOverlapSeconds < 0 ||
    appSecretOverlapSeconds > MAX_APP_SECRET_OVERLAP_SECONDS
  ) {
    problems.push(
      `appSecretOverlapSeconds is ${appSecretOverlapSeconds}; use a whole number from 0 to ${MAX_APP_SECRET_OVERLAP_SECONDS}.`,
    );
  }
  const publicOrigin = options.publicOrigin ?? DEFAULT_PUBLIC_ORIGIN;
  if (!URL.canParse(publicOrigin) || new URL(publicOrigin).origin !== publicOrigin) {
    problems.push(`publicOrigin "${publicOrigin}" is not an origin (scheme://host[:port]).`);
  }
  const portalSecret = options.portalClient?.secret ?? DEVELOPMENT_PORTAL_CLIENT_SECRET;
  if (portalSecret.length < 16) problems.push("The portal client secret has fewer than 16 characters.");
  const redirectUris = options.portalClient?.redirectUris ?? [`${publicOrigin}/portal/callback`];
  const postLogoutRedirectUris = options.portalClient?.postLogoutRedirectUris ?? [`${publicOrigin}/portal/`];
  for (const uri of [...redirectUris, ...postLogoutRedirectUris]) {
    if (!URL.canParse(uri)) problems.push(`The portal client's redirect URI "${uri}" is not a URL.`);
  }
  const spaRedirectUris = options.portalSpaClient?.redirectUris ?? [`${publicOrigin}/portal/callback`];
  const spaPostLogoutRedirectUris = options.portalSpaClient?.postLogoutRedirectUris ?? [`${publicOrigin}/portal/`];
  for (const uri of [...spaRedirectUris, ...spaPostLogoutRedirectUris]) {
    if (!URL.canParse(uri) || new URL(uri).origin !== publicOrigin) {
      problems.push(
        `The portal web app's redirect URI "${uri.slice(0, 200)}" is not on the public origin ${publicOrigin}: a public client is sent back to its own origin only.`,
      );
    }
  }
  if (problems.length > 0) throw new Error(`Identity options are invalid: ${problems.join(" ")}`);
  return {
    now: options.now ?? (() => new Date()),
    issuer: options.issuer ?? DEFAULT_ISSUER,
    accessTokenTtlSeconds,
    refreshTokenTtlSeconds,
    keyEncryptionSecret,
    supergraphPath: options.supergraphPath ?? DEFAULT_SUPERGRAPH_PATH,
    hashingBudget,
    production: options.production ?? false,
    residentDirectoryKey: options.residentDirectoryKey ?? null,
    appSecretOverlapSeconds,
    publicOrigin,
    portalClient: { secret: portalSecret, redirectUris, postLogoutRedirectUris },
    portalSpaClient: { redirectUris: spaRedirectUris, postLogoutRedirectUris: spaPostLogoutRedirectUris },
  };
}
