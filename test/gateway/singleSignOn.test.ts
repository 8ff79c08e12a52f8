/**
 * Single sign-on (issue 15) end to end through the gateway's one origin: the real identity service (PGlite) as the
 * OpenID Connect provider and the real gateway in front of it. A real HTTP client with a cookie jar follows every
 * redirect: discovery, the authorization request with PKCE (S256), the login form, the consent page, the code
 * exchange with the portal's client secret, the ID token verified against the JWKS that discovery names, userinfo,
 * the graph token (resource `<origin>/graphql`) queried at the gateway, and RP-initiated logout, after which the
 * gateway refuses that graph token. Refused: no PKCE, `plain` PKCE, a redirect URI not registered, a wrong password.
 */
import { createHash, createPublicKey, randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import jwt, { type JwtPayload } from "jsonwebtoken";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GatewayServer } from "../../gateway/server.ts";
import { composeSupergraph } from "../../scripts/composeSupergraph.ts";
import { createIdentitySubgraph } from "../../subgraphs/identity/index.ts";
import type { IdentityPrisma } from "../../subgraphs/identity/loaders.ts";
import {
  DEVELOPMENT_PORTAL_CLIENT_SECRET,
  PORTAL_CLIENT_ID,
  PORTAL_SPA_CLIENT_ID,
  resolveOptions,
} from "../../subgraphs/identity/options.ts";
import type { SubgraphService } from "../../subgraphs/kit/service.ts";
import { startTestGateway } from "../support/gateway.ts";
import { startTestSubgraph } from "../support/subgraphs.ts";

/** A port nobody holds now, so the gateway's public origin is known before identity starts. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A browser's cookie handling, as much as these pages need: name, path prefix, deletion by expiry. */
class CookieJar {
  private readonly cookies = new Map<string, { value: string; path: string }>();
  store(headers: Headers) {
    for (const line of headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";").map((part) => part.trim());
      const eq = (pair ?? "").indexOf("=");
      const name = (pair ?? "").slice(0, eq);
      const value = (pair ?? "").slice(eq + 1);
      const path = attributes.find((a) => a.toLowerCase().startsWith("path="))?.slice(5) ?? "/";
      const expires = attributes.find((a) => a.toLowerCase().startsWith("expires="))?.slice(8);
      const key = `${name}|${path}`;
      if (!value || (expires && Date.parse(expires) < Date.now())) this.cookies.delete(key);
      else this.cookies.set(key, { value, path });
    }
  }
  header(pathname: string): string {
    return [...this.cookies.entries()]
      .filter(([, cookie]) => pathname.startsWith(cookie.path))
      .map(([key, cookie]) => `${key.split("|")[0]}=${cookie.value}`)
      .join("; ");
  }
}

interface Step {
  status: number;
  url: string;
  location: string | null;
  body: string;
}

describe("single sign-on through the gateway (OpenID Connect)", () => {
  let dir: string;
  let identity: SubgraphService<IdentityPrisma>;
  let gateway: GatewayServer;
  let origin: string;
  let redirectUri: string;
  let discovery: Record<string, any>;

  /** One request with the jar; redirects are followed while they stay on the platform's origin. */
  async function browse(
    jar: CookieJar,
    url: string,
    init: { method?: string; form?: Record<string, string> } = {},
  ): Promise<Step> {
    let current = new URL(url, origin);
    let method = init.method ?? "GET";
    let body: string | undefined = init.form ? new URLSearchParams(init.form).toString() : undefined;
    for (let hops = 0; hops < 10; hops++) {
      const response = await fetch(current, {
        method,
        redirect: "manual",
        headers: {
          cookie: jar.header(current.pathname),
          accept: "text/html",
          ...(body ? { "content-type": "application/x-www-form-urlencoded" } : {}),
        },
        body,
      });
      jar.store(response.headers);
      const location = response.headers.get("location");
      const text = await response.text();
      if (response.status >= 300 && response.status < 400 && location) {
        const next = new URL(location, current);
        // The client's redirect URI is the portal's: the flow ends there, with the code in the query.
        if (next.origin !== origin || next.pathname.startsWith("/portal/")) {
          return { status: response.status, url: current.href, location: next.href, body: text };
        }
        current = next;
        method = "GET";
        body = undefined;
        continue;
      }
      return { status: response.status, url: current.href, location, body: text };
    }
    throw new Error("too many redirects");
  }

  const formAction = (html: string) => {
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
    if (!action) throw new Error(`no form in ${html.slice(0, 300)}`);
    return action.replaceAll("&#47;", "/");
  };

  function pkce() {
    const verifier = randomBytes(32).toString("base64url");
    return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
  }

  function authorizeUrl(params: Record<string, string | undefined>) {
    const url = new URL(discovery.authorization_endpoint);
    for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
    return url.href;
  }

  /** Logs in through the form and consents: the code the portal would receive, and the PKCE verifier. */
  async function signIn(
    jar: CookieJar,
    username: string,
    password: string,
    scope: string,
    clientId = PORTAL_CLIENT_ID,
  ) {
    const { verifier, challenge } = pkce();
    const state = randomBytes(8).toString("hex");
    const nonce = randomBytes(8).toString("hex");
    const login = await browse(
      jar,
      authorizeUrl({
        client_id: clientId,
        response_type: "code",
        redirect_uri: redirectUri,
        scope,
        state,
        nonce,
        code_challenge: challenge,
        code_challenge_method: "S256",
        resource: `${origin}/graphql`,
      }),
    );
    expect(login.status).toBe(200);
    expect(login.body).toContain('<label for="password">');
    let step = await browse(jar, formAction(login.body), { method: "POST", form: { username, password } });
    if (step.status === 200 && step.body.includes("授权确认")) {
      expect(step.body).toMatch(/name and username|the enterprise you act for/);
      step = await browse(jar, formAction(step.body), { method: "POST", form: { consent: "yes" } });
    }
    expect(step.location, step.body.slice(0, 400)).toBeTruthy();
    const back = new URL(step.location as string);
    expect(back.origin + back.pathname).toBe(redirectUri);
    expect(back.searchParams.get("state")).toBe(state);
    return { code: back.searchParams.get("code") as string, verifier, nonce };
  }

  async function tokenRequest(params: Record<string, string>) {
    const response = await fetch(discovery.token_endpoint, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `Basic ${Buffer.from(`${PORTAL_CLIENT_ID}:${DEVELOPMENT_PORTAL_CLIENT_SECRET}`).toString("base64")}`,
      },
      body: new URLSearchParams(params).toString(),
    });
    return { status: response.status, body: (await response.json()) as any };
  }

  async function graph(bearer: string, query: string) {
    const response = await fetch(gateway.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${bearer}` },
      body: JSON.stringify({ query }),
    });
    return { status: response.status, body: (await response.json()) as any };
  }

  async function verifyWithDiscoveredKeys(token: string): Promise<JwtPayload> {
    const keySet = (await (await fetch(discovery.jwks_uri)).json()) as { keys: Array<Record<string, string>> };
    const { header } = jwt.decode(token, { complete: true }) as { header: { kid: string; alg: string } };
    const jwk = keySet.keys.find((key) => key.kid === header.kid);
    expect(jwk, "the ID token's key is in the discovered JWKS").toBeTruthy();
    return jwt.verify(token, createPublicKey({ key: jwk as any, format: "jwk" }), {
      algorithms: ["ES256"],
      issuer: discovery.issuer,
      audience: PORTAL_CLIENT_ID,
    }) as JwtPayload;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "og-sso-"));
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    redirectUri = `${origin}/portal/callback`;
    const supergraphPath = join(dir, "supergraph.graphql");
    const module = createIdentitySubgraph({
      supergraphPath,
      publicOrigin: origin,
      hashingBudget: { burst: 1000, perSecond: 1000 },
    });
    identity = await startTestSubgraph(module, { snapshot: true });
    const composed = composeSupergraph([{ name: "identity", url: identity.url, typeDefs: module.typeDefs }]);
    if (!composed.ok) throw new Error(composed.errors.join("\n"));
    await writeFile(supergraphPath, composed.supergraphSdl);
    gateway = await startTestGateway({
      PORT: String(port),
      PUBLIC_ORIGIN: origin,
      SUPERGRAPH_PATH: supergraphPath,
      IDENTITY_URL: identity.url.replace(/\/graphql$/, ""),
      REVOCATION_POLL_MS: "100",
    });
    const response = await fetch(`${origin}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    discovery = (await response.json()) as Record<string, any>;
  });

  afterAll(async () => {
    await gateway?.stop();
    await identity?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("discovery names the gateway's origin for every endpoint, code flow and S256 only", () => {
    expect(discovery.issuer).toBe(`${origin}/oidc`);
    for (const endpoint of ["authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri"]) {
      expect(discovery[endpoint].startsWith(`${origin}/oidc/`), endpoint).toBe(true);
    }
    expect(discovery.end_session_endpoint).toBe(`${origin}/oidc/session/end`);
    expect(discovery.response_types_supported).toEqual(["code"]);
    expect(discovery.code_challenge_methods_supported).toEqual(["S256"]);
    expect(discovery.id_token_signing_alg_values_supported).toEqual(["ES256"]);
    expect(discovery.grant_types_supported).not.toContain("password");
  });

  it("a resident signs in with code + PKCE: ID token, userinfo, a graph token the gateway accepts, then logout", async () => {
    const jar = new CookieJar();
    const { code, verifier, nonce } = await signIn(jar, "zhang.wei", "Resident#2026", "openid profile resident:self");

    const exchanged = await tokenRequest({
      grant_type: "authorization_code",
      code,
      code_verifier: verifier,
      redirect_uri: redirectUri,
    });
    expect(exchanged.status, JSON.stringify(exchanged.body)).toBe(200);
    const { id_token, access_token, refresh_token } = exchanged.body;

    const idClaims = await verifyWithDiscoveredKeys(id_token);
    expect(idClaims.sub).toBe("person-000001");
    expect(idClaims.nonce).toBe(nonce);

    const userinfo = await fetch(discovery.userinfo_endpoint, { headers: { authorization: `Bearer ${access_token}` } });
    expect(userinfo.status, `${userinfo.headers.get("www-authenticate")} ${access_token}`).toBe(200);
    expect(await userinfo.json()).toEqual({
      sub: "person-000001",
      name: "张伟",
      preferred_username: "zhang.wei",
      resident_id: "resident-000001",
    });

    // The graph token: the platform's JWT for the resource <origin>/graphql.
    const graphToken = await tokenRequest({
      grant_type: "refresh_token",
      refresh_token,
      resource: `${origin}/graphql`,
    });
    expect(graphToken.status, JSON.stringify(graphToken.body)).toBe(200);
    const claims = jwt.decode(graphToken.body.access_token) as JwtPayload;
    expect(claims).toMatchObject({
      iss: `${origin}/oidc`,
      aud: `${origin}/graphql`,
      sub: "person-000001",
      kind: "resident",
      rid: "resident-000001",
      roles: ["resident"],
    });
    expect(claims.scopes).toContain("resident:self");
    expect(String(claims.sid)).toMatch(/^oidc-/);
    const me = await graph(graphToken.body.access_token, "{ me { id kind displayName } }");
    expect(me.body).toEqual({ data: { me: { id: "person-000001", kind: "RESIDENT", displayName: "张伟" } } });

    // RP-initiated logout: the confirmation page, then back to the portal; the session's graph token is refused.
    const confirm = await browse(
      jar,
      `${discovery.end_session_endpoint}?${new URLSearchParams({
        id_token_hint: id_token,
        post_logout_redirect_uri: `${origin}/portal/`,
      })}`,
    );
    expect(confirm.status).toBe(200);
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirm.body)?.[1] as string;
    const action = /<form[^>]*action="([^"]+)"/.exec(confirm.body)?.[1] as string;
    expect(xsrf && action).toBeTruthy();
    const loggedOut = await browse(jar, action, { method: "POST", form: { xsrf, logout: "yes" } });
    expect(loggedOut.location).toBe(`${origin}/portal/`);
    const refused = await tokenRequest({ grant_type: "refresh_token", refresh_token, resource: `${origin}/graphql` });
    expect([refused.status, refused.body.error]).toEqual([400, "invalid_grant"]);
    let status = 200;
    for (let i = 0; i < 50 && status === 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = (await graph(graphToken.body.access_token, "{ me { id } }")).status;
    }
    expect(status).toBe(401);
  });

  it("an enterprise user (法人) signs in: consent for enterprise:self, its enterprise in userinfo and in the graph token", async () => {
    const jar = new CookieJar();
    const { code, verifier } = await signIn(jar, "ent.yiyuan", "Enterprise#2026", "openid enterprise:self");
    const exchanged = await tokenRequest({
      grant_type: "authorization_code",
      code,
      code_verifier: verifier,
      redirect_uri: redirectUri,
      resource: `${origin}/graphql`,
    });
    expect(exchanged.status, JSON.stringify(exchanged.body)).toBe(200);
    expect(jwt.decode(exchanged.body.access_token)).toMatchObject({
      sub: "person-000009",
      kind: "enterprise",
      ent: "ent-000025",
      roles: ["enterprise"],
      scopes: ["enterprise:self", "graph:read"],
    });
    const me = await graph(exchanged.body.access_token, "{ me { id kind } }");
    expect(me.body).toEqual({ data: { me: { id: "person-000009", kind: "ENTERPRISE" } } });
    const userinfoToken = await tokenRequest({
      grant_type: "refresh_token",
      refresh_token: exchanged.body.refresh_token,
    });
    const userinfo = await fetch(discovery.userinfo_endpoint, {
      headers: { authorization: `Bearer ${userinfoToken.body.access_token}` },
    });
    expect(await userinfo.json()).toEqual({ sub: "person-000009", enterprise_id: "ent-000025" });
  });

  it("the portal web app's public client: code + PKCE without a secret, no refresh token, silent sign-in with prompt=none", async () => {
    const jar = new CookieJar();
    const { code, verifier } = await signIn(jar, "zhang.wei", "Resident#2026", "openid", PORTAL_SPA_CLIENT_ID);
    const exchange = (params: Record<string, string>) =>
      fetch(discovery.token_endpoint, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(params).toString(),
      });
    const withoutVerifier = await exchange({
      grant_type: "authorization_code",
      client_id: PORTAL_SPA_CLIENT_ID,
      code,
      redirect_uri: redirectUri,
      resource: `${origin}/graphql`,
    });
    expect(withoutVerifier.status).toBe(400);
    const exchanged = await exchange({
      grant_type: "authorization_code",
      client_id: PORTAL_SPA_CLIENT_ID,
      code,
      code_verifier: verifier,
      redirect_uri: redirectUri,
      resource: `${origin}/graphql`,
    });
    // A missing verifier is refused before the code is spent; with it, tokens and no refresh token.
    const first = (await exchanged.json()) as Record<string, string>;
    expect(exchanged.status, JSON.stringify(first)).toBe(200);
    expect(first.refresh_token).toBeUndefined();
    const silent = async (cookies: CookieJar) => {
      const { verifier: v, challenge } = pkce();
      const step = await browse(
        cookies,
        authorizeUrl({
          client_id: PORTAL_SPA_CLIENT_ID,
          response_type: "code",
          redirect_uri: redirectUri,
          scope: "openid",
          state: "silent",
          prompt: "none",
          code_challenge: challenge,
          code_challenge_method: "S256",
          resource: `${origin}/graphql`,
        }),
      );
      return { back: new URL(step.location as string), verifier: v };
    };
    const { back, verifier: silentVerifier } = await silent(jar);
    expect(back.origin + back.pathname).toBe(redirectUri);
    const silentCode = back.searchParams.get("code");
    expect(silentCode, back.href).toBeTruthy();
    const tokens = await exchange({
      grant_type: "authorization_code",
      client_id: PORTAL_SPA_CLIENT_ID,
      code: silentCode as string,
      code_verifier: silentVerifier,
      redirect_uri: redirectUri,
      resource: `${origin}/graphql`,
    });
    const body = (await tokens.json()) as { access_token: string; refresh_token?: string };
    expect(tokens.status, JSON.stringify(body)).toBe(200);
    expect(body.refresh_token).toBeUndefined();
    expect(jwt.decode(body.access_token)).toMatchObject({
      sub: "person-000001",
      kind: "resident",
      aud: `${origin}/graphql`,
    });
    const me = await graph(body.access_token, "{ me { id } }");
    expect(me.body).toEqual({ data: { me: { id: "person-000001" } } });

    // Without the provider's session cookie, prompt=none answers login_required at the redirect URI: no form.
    const { back: anonymous } = await silent(new CookieJar());
    expect(anonymous.searchParams.get("error")).toBe("login_required");
    expect(anonymous.searchParams.get("code")).toBeNull();
  });

  it("the portal web app's redirect URIs must be on the public origin exactly", () => {
    expect(() =>
      resolveOptions({
        publicOrigin: "https://portal.jingan.example",
        portalSpaClient: { redirectUris: ["https://portal.jingan.example.evil.example/portal/callback"] },
      }),
    ).toThrow(/not on the public origin https:\/\/portal\.jingan\.example/);
    expect(() =>
      resolveOptions({
        publicOrigin: "https://portal.jingan.example",
        portalSpaClient: { postLogoutRedirectUris: ["http://portal.jingan.example/portal/"] },
      }),
    ).toThrow(/not on the public origin/);
    expect(resolveOptions({ publicOrigin: "https://portal.jingan.example" }).portalSpaClient).toEqual({
      redirectUris: ["https://portal.jingan.example/portal/callback"],
      postLogoutRedirectUris: ["https://portal.jingan.example/portal/"],
    });
  });

  it("refuses an authorization request without PKCE, with plain PKCE, or with an unregistered redirect URI", async () => {
    const jar = new CookieJar();
    const base = { client_id: PORTAL_CLIENT_ID, response_type: "code", scope: "openid", state: "s1" };
    const missing = await browse(jar, authorizeUrl({ ...base, redirect_uri: redirectUri }));
    expect(new URL(missing.location as string).searchParams.get("error")).toBe("invalid_request");
    expect(new URL(missing.location as string).searchParams.get("error_description")).toContain("PKCE");

    const plain = await browse(
      jar,
      authorizeUrl({
        ...base,
        redirect_uri: redirectUri,
        code_challenge: "a".repeat(43),
        code_challenge_method: "plain",
      }),
    );
    expect(new URL(plain.location as string).searchParams.get("error")).toBe("invalid_request");

    // Never redirected to a URI the client did not register: the error is shown on the provider's own page.
    const elsewhere = await browse(
      jar,
      authorizeUrl({
        ...base,
        redirect_uri: "https://attacker.example/cb",
        code_challenge: pkce().challenge,
        code_challenge_method: "S256",
      }),
    );
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.location).toBeNull();
    expect(elsewhere.body).toContain("redirect_uri");
  });

  it("a code is exchanged once: its reuse is refused and revokes what the first exchange gave", async () => {
    const { code, verifier } = await signIn(new CookieJar(), "li.na", "Resident#2026", "openid");
    const wrongVerifier = await tokenRequest({
      grant_type: "authorization_code",
      code,
      code_verifier: pkce().verifier,
      redirect_uri: redirectUri,
    });
    expect([wrongVerifier.status, wrongVerifier.body.error]).toEqual([400, "invalid_grant"]);
    const exchange = { grant_type: "authorization_code", code, code_verifier: verifier, redirect_uri: redirectUri };
    const first = await tokenRequest(exchange);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const again = await tokenRequest(exchange);
    expect([again.status, again.body.error]).toEqual([400, "invalid_grant"]);
    const userinfo = await fetch(discovery.userinfo_endpoint, {
      headers: { authorization: `Bearer ${first.body.access_token}` },
    });
    expect(userinfo.status).toBe(401);
  });

  it("a wrong password on the login form is refused on the form, coded as a failed login", async () => {
    const jar = new CookieJar();
    const login = await browse(
      jar,
      authorizeUrl({
        client_id: PORTAL_CLIENT_ID,
        response_type: "code",
        redirect_uri: redirectUri,
        scope: "openid",
        code_challenge: pkce().challenge,
        code_challenge_method: "S256",
      }),
    );
    const wrong = await browse(jar, formAction(login.body), {
      method: "POST",
      form: { username: "li.na", password: "not-the-password" },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toContain("用户名或密码错误");
    const attempts = await identity.prisma.loginAttempt.findMany({ where: { usernameKey: "li.na" } });
    expect(attempts.map((a) => a.outcome)).toContain("BAD_PASSWORD");
    expect(attempts.every((a) => a.clientIp === "127.0.0.1")).toBe(true);
  });
  it("disabling a person ends their single sign-on: the graph token is refused, the refresh token dead", async () => {
    const { code, verifier } = await signIn(new CookieJar(), "officer.education", "Officer#2026", "openid");
    const issued = await tokenRequest({
      grant_type: "authorization_code",
      code,
      code_verifier: verifier,
      redirect_uri: redirectUri,
      resource: `${origin}/graphql`,
    });
    expect(issued.status, JSON.stringify(issued.body)).toBe(200);
    expect((await graph(issued.body.access_token, "{ me { id } }")).body.data.me.id).toBe("person-000005");

    const adminLogin = await fetch(`${origin}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "password", username: "admin.security", password: "Admin#2026" }),
    });
    const admin = ((await adminLogin.json()) as any).access_token as string;
    const disabled = await graph(admin, 'mutation { disablePerson(id: "person-000005") { status } }');
    expect(disabled.body).toEqual({ data: { disablePerson: { status: "DISABLED" } } });

    const refresh = await tokenRequest({
      grant_type: "refresh_token",
      refresh_token: issued.body.refresh_token,
      resource: `${origin}/graphql`,
    });
    expect([refresh.status, refresh.body.error]).toEqual([400, "invalid_grant"]);
    let status = 200;
    for (let i = 0; i < 50 && status === 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = (await graph(issued.body.access_token, "{ me { id } }")).status;
    }
    expect(status).toBe(401);
  });
});
