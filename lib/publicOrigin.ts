/**
 * PUBLIC_ORIGIN: the one origin browsers reach the platform at (`scheme://host[:port]`, the gateway's public address:
 * the graph, the OpenID Connect provider and the portal are all served there). Parsed here only; the gateway's config
 * and the identity service's options both take it from this schema, and derive from it:
 *
 * - the OpenID Connect issuer `<PUBLIC_ORIGIN>/oidc` (discovery at `<issuer>/.well-known/openid-configuration`);
 * - the graph's resource indicator `<PUBLIC_ORIGIN>/graphql`, the `aud` of access tokens issued through OIDC.
 */
import { z } from "zod";

/** The one-command start's gateway (`npm start`, port 4000). */
export const DEFAULT_PUBLIC_ORIGIN = "http://127.0.0.1:4000";

export const publicOriginSchema = z
  .string()
  .default(DEFAULT_PUBLIC_ORIGIN)
  .refine((value) => URL.canParse(value) && new URL(value).origin === value, {
    message: "is not an origin (scheme://host[:port], no path, e.g. https://one.jingan.gov.cn)",
  });

/** The OpenID Connect issuer at an origin. */
export function oidcIssuerOf(publicOrigin: string): string {
  return `${publicOrigin}/oidc`;
}

/** The graph's resource indicator (RFC 8707) at an origin: the audience of OIDC-issued access tokens. */
export function graphResourceOf(publicOrigin: string): string {
  return `${publicOrigin}/graphql`;
}
