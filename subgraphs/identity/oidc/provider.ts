/**
 * Single sign-on: the identity service as an OpenID Connect provider, built on `oidc-provider` (not a hand-written
 * protocol), mounted at `/oidc` and reached by browsers through the gateway on the platform's one origin
 * (`PUBLIC_ORIGIN`; issuer `<PUBLIC_ORIGIN>/oidc`). docs/identity.md "Single sign-on" is the contract.
 *
 * - Authorization code with PKCE only (S256; `plain` and a missing challenge are refused), discovery, ID tokens,
 *   userinfo, RP-initiated logout, refresh tokens; no implicit or hybrid flow, no dynamic registration.
 * - Accounts are the identity service's people: the login form checks the password with the same budget, login gate
 *   and audit as `POST /oauth/token` (oauthRoutes.ts `passwordChecker`), on the client address the gateway signed.
 * - Consent is asked when an app requests a personal scope (`profile`, `resident:self`, `enterprise:self`); `openid`
 *   and the graph's resource scope alone are granted without a page.
 * - The access token for the graph (resource indicator `<PUBLIC_ORIGIN>/graphql`) is a JWT in the platform's format —
 *   the claims `kind roles scopes dept streets rid sid` of tokens.ts, ES256 with the identity's active signing key —
 *   so the gateway verifies it with the same JWKS and principal mapping; its `sid` is `oidc-<grant id>`, revoked (and
 *   listed for the gateway) when the grant is revoked: at logout or when a used refresh token comes back.
 * - State (sessions, interactions, grants, codes, tokens) lives in the identity database (./adapter.ts).
 * - Signing keys are the identity's own (signingKeys.ts): the provider is rebuilt when the active key changes.
 */
import { hkdfSync } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import Provider, { type ClientMetadata, type Configuration, errors, type KoaContextWithOIDC } from "oidc-provider";
import { graphResourceOf, oidcIssuerOf } from "../../../lib/publicOrigin.ts";
import { SYSTEM_SCOPES } from "../../../lib/wire.ts";
import type { RouteDependencies } from "../../kit/module.ts";
import type { HashingBudget } from "../hashingBudget.ts";
import type { IdentityPrisma } from "../loaders.ts";
import { rememberAddress } from "../loginThrottle.ts";
import { normaliseAddress, OAuthError, passwordChecker } from "../oauthRoutes.ts";
import {
  DEVELOPMENT_PORTAL_CLIENT_SECRET,
  PORTAL_CLIENT_ID,
  PORTAL_SPA_CLIENT_ID,
  type ResolvedIdentityOptions,
} from "../options.ts";
import { revokeSession } from "../sessions.ts";
import type { SigningKeyStore } from "../signingKeys.ts";
import { PERSON_GRANTS, type PersonWithGrants, personSubject, scopesOf } from "../tokens.ts";
import { oidcAdapterClass, sweepExpired } from "./adapter.ts";
import { consentPage, loginPage, messagePage, PAGE_SECURITY_POLICY } from "./views.ts";

/** Where the provider is mounted, on the identity service and on the gateway alike. */
export const OIDC_MOUNT = "/oidc";
/** Scopes that read something about the person: asking for any of them shows the consent page. */
export const PERSONAL_SCOPES = ["profile", "resident:self", "enterprise:self"] as const;
/** The graph's one resource scope: "act on the graph as me"; what the person may do there is in `scopes`. */
export const GRAPH_RESOURCE_SCOPE = "graph:read";

const MAX_BODY_BYTES = 56 * 1024;
const SWEEP_EVERY_MS = 10 * 60 * 1000;

export interface OidcContext {
  options: ResolvedIdentityOptions;
  keys: SigningKeyStore;
  hashing: HashingBudget;
}

/** The `sid` claim of the graph tokens issued under one grant. */
export const oidcSessionId = (grantId: string) => `oidc-${grantId}`;

export function createOidcRoutes(
  dependencies: RouteDependencies<IdentityPrisma>,
  { options, keys, hashing }: OidcContext,
): Record<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>> {
  const { prisma, envelopes, log } = dependencies;
  const issuer = oidcIssuerOf(options.publicOrigin);
  const graphResource = graphResourceOf(options.publicOrigin);
  const publicUrl = new URL(options.publicOrigin);
  const { checkPassword } = passwordChecker({ prisma, log }, { hashing });
  const cookieKey = Buffer.from(
    hkdfSync("sha256", options.keyEncryptionSecret, "jingan-one-graph", "oidc-provider cookies", 32),
  ).toString("base64url");
  const Adapter = oidcAdapterClass(prisma, options.now);

  let current: { kid: string; provider: Provider } | null = null;
  let building: Promise<{ kid: string; provider: Provider }> | null = null;
  let lastSweep = 0;

  async function personOf(id: string): Promise<PersonWithGrants | null> {
    const person = (await prisma.person.findUnique({
      where: { id },
      include: PERSON_GRANTS,
    })) as PersonWithGrants | null;
    return person?.status === "ACTIVE" ? person : null;
  }

  // In production the published development secret never opens the portal client: a production start refuses it
  // (productionSafety.ts); should a provider be built without that step, the client is not registered at all.
  const portalClientOff = options.production && options.portalClient.secret === DEVELOPMENT_PORTAL_CLIENT_SECRET;
  if (portalClientOff) {
    log.warn(
      "OIDC_PORTAL_CLIENT_SECRET is not set: the portal's OpenID Connect client app-portal-web is not registered",
    );
  }

  function configuration(signingJwk: Record<string, unknown>): Configuration {
    return {
      adapter: Adapter as unknown as Configuration["adapter"],
      clients: [
        // The portal web app (portal/, docs/portal.md): a public client in the browser, so no secret; PKCE S256 is
        // required of every client, and its redirect URIs are on the public origin only (options.ts).
        {
          client_id: PORTAL_SPA_CLIENT_ID,
          client_name: "静安一网通办门户 (web)",
          redirect_uris: options.portalSpaClient.redirectUris,
          post_logout_redirect_uris: options.portalSpaClient.postLogoutRedirectUris,
          grant_types: ["authorization_code"],
          response_types: ["code"],
          token_endpoint_auth_method: "none",
          id_token_signed_response_alg: "ES256",
        },
        ...(portalClientOff
          ? []
          : ([
              {
                client_id: PORTAL_CLIENT_ID,
                client_name: "静安一网通办门户 (portal)",
                client_secret: options.portalClient.secret,
                redirect_uris: options.portalClient.redirectUris,
                post_logout_redirect_uris: options.portalClient.postLogoutRedirectUris,
                grant_types: ["authorization_code", "refresh_token"],
                response_types: ["code"],
                token_endpoint_auth_method: "client_secret_basic",
                id_token_signed_response_alg: "ES256",
              },
            ] satisfies ClientMetadata[])),
      ],
      jwks: { keys: [signingJwk as never] },
      cookies: { keys: [cookieKey] },
      clientDefaults: { id_token_signed_response_alg: "ES256", grant_types: ["authorization_code"] },
      enabledJWA: { idTokenSigningAlgValues: ["ES256"], userinfoSigningAlgValues: ["ES256"] },
      responseTypes: ["code"],
      pkce: { required: () => true },
      scopes: ["openid", "offline_access", ...PERSONAL_SCOPES],
      claims: {
        openid: ["sub"],
        profile: ["name", "preferred_username"],
        "resident:self": ["resident_id"],
        "enterprise:self": ["enterprise_id"],
      },
      findAccount: async (_ctx, id) => {
        const person = await personOf(id);
        if (!person) return undefined;
        return {
          accountId: person.id,
          claims: async () => ({
            sub: person.id,
            name: person.displayName,
            preferred_username: person.username,
            resident_id: person.resident?.id ?? undefined,
            enterprise_id: person.kind === "ENTERPRISE" ? (person.enterpriseId ?? undefined) : undefined,
          }),
        };
      },
      features: {
        devInteractions: { enabled: false },
        userinfo: { enabled: true },
        revocation: { enabled: true },
        rpInitiatedLogout: {
          enabled: true,
          logoutSource: async (ctx, form) => {
            ctx.set("content-security-policy", PAGE_SECURITY_POLICY);
            ctx.body = logoutPage(form);
          },
          postLogoutSuccessSource: async (ctx) => {
            ctx.set("content-security-policy", PAGE_SECURITY_POLICY);
            ctx.body = messagePage("已退出 · Signed out", "您已退出登录。You are signed out.");
          },
        },
        resourceIndicators: {
          enabled: true,
          defaultResource: async () => undefined as unknown as string,
          useGrantedResource: async () => false,
          getResourceServerInfo: async (_ctx, resourceIndicator) => {
            if (resourceIndicator !== graphResource) throw new errors.InvalidTarget();
            return {
              scope: GRAPH_RESOURCE_SCOPE,
              audience: graphResource,
              accessTokenTTL: options.accessTokenTtlSeconds,
              accessTokenFormat: "jwt",
              jwt: { sign: { alg: "ES256" } },
            };
          },
        },
      },
      // The graph token carries the platform's claims (tokens.ts), so the gateway maps it like any district token.
      extraTokenClaims: async (_ctx, token) => {
        if (token.kind !== "AccessToken" || !token.resourceServer || !token.accountId) return undefined;
        const person = await personOf(token.accountId);
        if (!person) throw new errors.InvalidGrant("the account is disabled");
        const { sub: _sub, ...subject } = personSubject(person, scopesOf(person));
        return { ...subject, sid: oidcSessionId(token.grantId ?? "none") };
      },
      issueRefreshToken: async (_ctx, client, code) =>
        client.grantTypeAllowed("refresh_token") && code.scopes.has("openid"),
      ttl: {
        AccessToken: options.accessTokenTtlSeconds,
        AuthorizationCode: 60,
        IdToken: 3600,
        Interaction: 600,
        Session: 8 * 3600,
        Grant: options.refreshTokenTtlSeconds,
        RefreshToken: options.refreshTokenTtlSeconds,
      },
      interactions: { url: (_ctx, interaction) => `${OIDC_MOUNT}/interaction/${interaction.uid}` },
      renderError: async (ctx, out) => {
        ctx.type = "html";
        ctx.set("content-security-policy", PAGE_SECURITY_POLICY);
        ctx.body = messagePage(
          "出错了 · Error",
          `${String(out.error)}: ${String(out.error_description ?? "")}`.slice(0, 300),
        );
      },
    };
  }

  /** The provider signing with the active key; rebuilt after a rotation (its state is in the database). */
  async function provider(): Promise<Provider> {
    const active = await keys.active(prisma);
    if (current?.kid === active.kid) return current.provider;
    building ??= (async () => {
      const jwk = { ...active.privateKey.export({ format: "jwk" }), kid: active.kid, alg: "ES256", use: "sig" };
      const built = new Provider(issuer, configuration(jwk));
      built.proxy = true;
      built.on("grant.revoked", (_ctx: unknown, grantId: string) => {
        revokeSession(prisma, oidcSessionId(grantId), "logout", options.now(), options.accessTokenTtlSeconds).catch(
          (error: unknown) => log.error({ err: error }, "could not record a revoked OIDC grant"),
        );
      });
      built.on("server_error", (_ctx: unknown, error: Error) => log.error({ err: error }, "OIDC provider error"));
      return { kid: active.kid, provider: built };
    })().finally(() => {
      building = null;
    });
    current = await building;
    return current.provider;
  }

  /** The request as the provider must see it: at the public origin, whatever the socket or the headers say. */
  function asPublic(req: IncomingMessage) {
    for (const name of Object.keys(req.headers)) if (name.startsWith("x-forwarded-")) delete req.headers[name];
    req.headers["x-forwarded-host"] = publicUrl.host;
    req.headers["x-forwarded-proto"] = publicUrl.protocol.slice(0, -1);
  }

  /** Reads the body (bounded), checks the gateway's envelope when there is one; the client address. */
  async function admit(req: IncomingMessage): Promise<{ raw: Buffer; clientIp: string }> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) throw new OAuthError(413, "invalid_request", "The request body is too large.");
      chunks.push(chunk as Buffer);
    }
    const raw = Buffer.concat(chunks);
    let clientIp = normaliseAddress(req.socket.remoteAddress ?? "") ?? "unknown";
    if (envelopes.present(req)) {
      const decision = await envelopes.check(req, raw, {
        scope: SYSTEM_SCOPES.identityProxy,
        what: "the OpenID Connect provider",
      });
      if (!decision.ok) throw new OAuthError(decision.status, "invalid_request", decision.message);
      clientIp = normaliseAddress(decision.envelope.clientAddress ?? "") ?? clientIp;
    }
    return { raw, clientIp };
  }

  function sendPage(res: ServerResponse, status: number, html: string, headers: Record<string, string> = {}) {
    res.statusCode = status;
    res.setHeader("content-type", "text/html; charset=utf-8");
    res.setHeader("cache-control", "no-store");
    res.setHeader("content-security-policy", PAGE_SECURITY_POLICY);
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    res.end(html);
  }

  async function interaction(
    oidc: Provider,
    req: IncomingMessage,
    res: ServerResponse,
    uid: string,
    action: string,
    raw: Buffer,
    clientIp: string,
  ) {
    const details = await oidc.interactionDetails(req, res);
    if (details.uid !== uid) throw new errors.SessionNotFound("interaction mismatch");
    const client = await oidc.Client.find(String(details.params.client_id));
    const clientName = client?.clientName ?? String(details.params.client_id);
    const base = `${OIDC_MOUNT}/interaction/${uid}`;
    const form = new URLSearchParams(raw.toString("utf8"));
    const method = (req.method ?? "GET").toUpperCase();

    if (details.prompt.name === "login") {
      if (method === "GET" && action === "") {
        sendPage(res, 200, loginPage({ action: `${base}/login`, clientName }));
        return;
      }
      if (method !== "POST" || action !== "login") throw new errors.InvalidRequest("unexpected interaction step");
      const username = form.get("username") ?? "";
      const password = form.get("password") ?? "";
      if (!username || !password || username.length > 256 || password.length > 1024) {
        sendPage(res, 400, loginPage({ action: `${base}/login`, clientName, username, error: "请填写用户名和密码。" }));
        return;
      }
      const at = options.now();
      try {
        const { person, audit } = await checkPassword(username, password, clientIp, at);
        if (person.mustChangePassword) {
          await prisma.loginAttempt.create({ data: audit("PASSWORD_CHANGE_REQUIRED") });
          throw new OAuthError(
            400,
            "password_change_required",
            "这是一次性密码：请先修改密码。This is a one-time password: change it first (POST /oauth/password).",
          );
        }
        await prisma.$transaction(async (tx) => {
          await tx.loginAttempt.create({ data: audit("SUCCESS") });
          await rememberAddress(tx, person.id, clientIp, at);
        });
        log.info({ personId: person.id }, "OIDC login succeeded");
        await oidc.interactionFinished(
          req,
          res,
          { login: { accountId: person.id } },
          { mergeWithLastSubmission: false },
        );
      } catch (error) {
        if (!(error instanceof OAuthError)) throw error;
        const message =
          error.error === "invalid_grant" ? "用户名或密码错误。The username or password is wrong." : error.message;
        sendPage(
          res,
          error.status,
          loginPage({ action: `${base}/login`, clientName, username, error: message }),
          error.headers,
        );
      }
      return;
    }

    if (details.prompt.name !== "consent") throw new errors.InvalidRequest(`unsupported prompt ${details.prompt.name}`);
    const missing = details.prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    const personal = (missing.missingOIDCScope ?? []).filter((scope) =>
      (PERSONAL_SCOPES as readonly string[]).includes(scope),
    );
    if (action === "abort" && method === "POST") {
      await oidc.interactionFinished(req, res, { error: "access_denied", error_description: "consent refused" });
      return;
    }
    const confirmed = action === "confirm" && method === "POST";
    if (personal.length > 0 && !confirmed) {
      sendPage(
        res,
        200,
        consentPage({ action: `${base}/confirm`, abort: `${base}/abort`, clientName, scopes: personal }),
      );
      return;
    }
    const accountId = details.session?.accountId;
    if (!accountId) throw new errors.SessionNotFound("no session");
    const grant = details.grantId
      ? await oidc.Grant.find(details.grantId)
      : new oidc.Grant({ accountId, clientId: String(details.params.client_id) });
    if (!grant) throw new errors.InvalidGrant("grant not found");
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(" "));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(" "));
    }
    const grantId = await grant.save();
    await oidc.interactionFinished(
      req,
      res,
      { consent: details.grantId ? {} : { grantId } },
      { mergeWithLastSubmission: true },
    );
  }

  const route = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://identity");
    let admitted: { raw: Buffer; clientIp: string };
    try {
      admitted = await admit(req);
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      res.statusCode = error.status;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ error: error.error, error_description: error.message }));
      return;
    }
    const at = options.now().getTime();
    if (at - lastSweep > SWEEP_EVERY_MS) {
      lastSweep = at;
      sweepExpired(prisma, options.now()).catch((error: unknown) => log.warn({ err: error }, "OIDC sweep failed"));
    }
    asPublic(req);
    const oidc = await provider();
    const step = /^\/oidc\/interaction\/([A-Za-z0-9_-]{1,64})(?:\/(login|confirm|abort))?$/.exec(url.pathname);
    if (step) {
      try {
        await interaction(oidc, req, res, step[1] as string, step[2] ?? "", admitted.raw, admitted.clientIp);
      } catch (error) {
        if (!(error instanceof errors.OIDCProviderError)) throw error;
        sendPage(
          res,
          error.statusCode,
          messagePage("出错了 · Error", `${error.error}: ${error.error_description ?? ""}`),
        );
      }
      return;
    }
    // The provider's own endpoints: its router sees the path below the mount, its URLs keep the mount.
    const original = req.url ?? "/";
    (req as IncomingMessage & { originalUrl?: string; body?: Buffer }).originalUrl = original;
    req.url = original.slice(OIDC_MOUNT.length) || "/";
    if ((req.method ?? "GET").toUpperCase() === "POST")
      (req as IncomingMessage & { body?: Buffer }).body = admitted.raw;
    await (oidc.callback() as (req: IncomingMessage, res: ServerResponse) => Promise<void>)(req, res);
  };

  return { [`${OIDC_MOUNT}/*`]: route };
}

function logoutPage(form: string): string {
  // `form` is the provider's own hidden form (id op.logoutForm, with its anti-forgery token).
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>退出登录 · Sign out</title></head><body><main>
<h1>退出登录？<span>Sign out?</span></h1>${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes">退出 · Sign out</button>
<button type="submit" form="op.logoutForm">保持登录 · Stay signed in</button></main></body></html>`;
}

export type { KoaContextWithOIDC };
