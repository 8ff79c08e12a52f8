/**
 * PUBLIC_ORIGIN (lib/publicOrigin.ts), parsed in one place for the gateway and the identity service: an origin only,
 * from which the OpenID Connect issuer and the graph's resource indicator are derived.
 */
import { describe, expect, it } from "vitest";
import { loadGatewayConfig } from "../../gateway/config.ts";
import { ConfigError } from "../../lib/config.ts";
import { DEFAULT_PUBLIC_ORIGIN, graphResourceOf, oidcIssuerOf, publicOriginSchema } from "../../lib/publicOrigin.ts";
import { optionsFromEnvironment } from "../../subgraphs/identity/index.ts";
import { resolveOptions } from "../../subgraphs/identity/options.ts";
import { testEnvelopeKeys } from "../support/envelope.ts";

describe("PUBLIC_ORIGIN", () => {
  it("is an origin, defaulting to the one-command start's gateway; issuer and resource derive from it", () => {
    expect(publicOriginSchema.parse(undefined)).toBe(DEFAULT_PUBLIC_ORIGIN);
    expect(publicOriginSchema.parse("https://one.jingan.gov.cn")).toBe("https://one.jingan.gov.cn");
    for (const wrong of ["https://one.jingan.gov.cn/", "https://one.jingan.gov.cn/oidc", "one.jingan.gov.cn", ""]) {
      expect(publicOriginSchema.safeParse(wrong).success, wrong).toBe(false);
    }
    expect(oidcIssuerOf("https://one.jingan.gov.cn")).toBe("https://one.jingan.gov.cn/oidc");
    expect(graphResourceOf("https://one.jingan.gov.cn")).toBe("https://one.jingan.gov.cn/graphql");
  });

  it("the gateway and identity read the same variable, and both refuse a value that is not an origin", () => {
    const env = { ENVELOPE_PRIVATE_KEY: testEnvelopeKeys.privateKey, PUBLIC_ORIGIN: "https://one.jingan.gov.cn" };
    expect(loadGatewayConfig(env).PUBLIC_ORIGIN).toBe("https://one.jingan.gov.cn");
    expect(resolveOptions(optionsFromEnvironment(env)).publicOrigin).toBe("https://one.jingan.gov.cn");
    expect(resolveOptions(optionsFromEnvironment(env)).portalClient.redirectUris).toEqual([
      "https://one.jingan.gov.cn/portal/callback",
    ]);
    const wrong = { ...env, PUBLIC_ORIGIN: "https://one.jingan.gov.cn/portal" };
    expect(() => loadGatewayConfig(wrong)).toThrow(ConfigError);
    expect(() => loadGatewayConfig(wrong)).toThrow(/PUBLIC_ORIGIN: is not an origin/);
    expect(() => optionsFromEnvironment(wrong)).toThrow(/PUBLIC_ORIGIN: is not an origin/);
  });
});
