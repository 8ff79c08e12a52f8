/**
 * A production start of the identity service refuses the published development secrets (subgraphs/identity/
 * productionSafety.ts): the key-encryption secret and the portal's OpenID Connect client secret
 * (OIDC_PORTAL_CLIENT_SECRET), each named in a sentence that says what to set. Read from the environment as
 * scripts/subgraph.ts reads it; no database is needed for these two.
 */
import { describe, expect, it } from "vitest";
import { optionsFromEnvironment } from "../../subgraphs/identity/index.ts";
import { DEVELOPMENT_PORTAL_CLIENT_SECRET, resolveOptions } from "../../subgraphs/identity/options.ts";
import { developmentSecretProblems } from "../../subgraphs/identity/productionSafety.ts";

const OWN_KEY_SECRET = `${"k".repeat(24)}-own-key-encryption-secret`;
const OWN_PORTAL_SECRET = `${"p".repeat(20)}-own-portal-secret`;
const problemsOf = (env: Record<string, string>) =>
  developmentSecretProblems(resolveOptions(optionsFromEnvironment({ NODE_ENV: "production", ...env })));

describe("identity's production secrets", () => {
  it("refuses the development portal client secret, unset or set to the published value, naming the variable", () => {
    for (const portal of [{}, { OIDC_PORTAL_CLIENT_SECRET: DEVELOPMENT_PORTAL_CLIENT_SECRET }] as Array<
      Record<string, string>
    >) {
      const problems = problemsOf({ IDENTITY_KEY_ENCRYPTION_SECRET: OWN_KEY_SECRET, ...portal });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(
        /^OIDC_PORTAL_CLIENT_SECRET is not set, or is the development value "portal-web-dev-secret"/,
      );
      expect(problems[0]).toContain("app-portal-web");
    }
  });

  it("names every development secret at once, and none when both are the operator's own", () => {
    expect(problemsOf({}).map((p) => p.split(" ")[0])).toEqual([
      "IDENTITY_KEY_ENCRYPTION_SECRET",
      "OIDC_PORTAL_CLIENT_SECRET",
    ]);
    expect(
      problemsOf({ IDENTITY_KEY_ENCRYPTION_SECRET: OWN_KEY_SECRET, OIDC_PORTAL_CLIENT_SECRET: OWN_PORTAL_SECRET }),
    ).toEqual([]);
  });
});
