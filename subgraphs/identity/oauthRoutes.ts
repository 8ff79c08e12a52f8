/**
 * The identity service's HTTP endpoints beside /graphql (OAuth 2.0, RFC 6749 / 7009 / 7517), which the gateway proxies:
 *
 * - POST /oauth/token — grants `password`, `client_credentials`, `refresh_token` (rotating, with reuse detection);
 * - POST /oauth/password — changes a password with the current one (how a one-time password is replaced);
 * - POST /oauth/revoke — revokes a refresh token's session (or an access token's), always 200;
 * - GET /.well-known/jwks.json — the public keys that verify access tokens;
 * - GET /oauth/revoked-sessions — sessions the gateway must refuse, and disabled or expired integrator apps whose
 *   earlier tokens it must refuse, for the gateway only (signed envelope with scope `identity:revocations:read`).
 *
 * The gateway's identity proxy signs each request it forwards (scope `identity:proxy`), bound to its method, path and
 * exact body bytes, with the client's address inside the signature. The address that login throttles, hashing budgets
 * and known addresses use is that signed one — never a header; a request with no envelope (a caller that reaches the
 * service directly) is judged by its socket address; a request with an envelope that fails any check is refused.
 *
 * Errors follow RFC 6749 §5.2: `{ error, error_description }`. Answers never say whether a username exists.
 * Every password or client-secret check draws on the client address's hashing budget (hashingBudget.ts) and, for
 * passwords, passes the login gate (loginThrottle.ts) first.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { isIP } from "node:net";
import type { RevokedSessionsPayload } from "../../lib/contracts/revokedSessions.ts";
import { type ErrorCode, errorBody } from "../../lib/errors.ts";
import { answerThenClose, bodyStillArriving, type Route, sendJson } from "../../lib/http/graphqlHttp.ts";
import {
  BodyTooLargeError,
  parseJsonBody,
  RequestBodyError,
  readBody,
  requireContentType,
} from "../../lib/http/requestBody.ts";
import { SYSTEM_SCOPES } from "../../lib/wire.ts";
import type { RouteDependencies } from "../kit/module.ts";
import { RouteRefusal, signedRoute } from "../kit/signedRoute.ts";
import { manifestScopes } from "./access/departmentManifests.ts";
import { mayGetTokens, refusedApps } from "./apps/appLifecycle.ts";
import type { LoginOutcome } from "./generated/prisma/client.ts";
import type { HashingBudget } from "./hashingBudget.ts";
import { verifyJwtSignature } from "./jwt.ts";
import type { IdentityPrisma } from "./loaders.ts";
import { loginAttemptId, loginGate, rememberAddress } from "./loginThrottle.ts";
import type { ResolvedIdentityOptions } from "./options.ts";
import { hashSecret, passwordProblem, verifySecret } from "./passwords.ts";
import { isKnownScope } from "./roles.ts";
import { hashToken, newRefreshToken, newSessionId, revokePersonSessions, revokeSession } from "./sessions.ts";
import type { SigningKeyStore } from "./signingKeys.ts";
import {
  type AccessTokenIssuer,
  appSubject,
  PERSON_GRANTS,
  type PersonWithGrants,
  personSubject,
  scopesOf,
} from "./tokens.ts";

const MAX_BODY_BYTES = 16 * 1024;
/** Longer inputs are refused before any hashing, so a huge "password" cannot buy seconds of scrypt. */
const MAX_USERNAME_LENGTH = 256;
const MAX_SECRET_LENGTH = 1024;
const AUDIT_USERNAME_LENGTH = 64;

export type OAuthErrorCode =
  | "invalid_request"
  | "invalid_client"
  | "invalid_grant"
  | "invalid_scope"
  | "unsupported_grant_type"
  | "slow_down"
  | "account_locked"
  | "password_change_required";

/** An RFC 6749 error answer, thrown by a grant and written by the route. */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: OAuthErrorCode,
    description: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(description);
  }
}

/** A refused gateway envelope: answered with its coded error (lib/errors.ts), not an OAuth error. */
class EnvelopeRefused extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const WRONG_CREDENTIALS = "The username or password is wrong.";
const INVALID_REFRESH = "The refresh token is not valid (unknown, expired, revoked or already used); log in again.";

export interface OAuthRouteContext {
  options: ResolvedIdentityOptions;
  keys: SigningKeyStore;
  issuer: AccessTokenIssuer;
  /** The scrypt budget per client address (one per service instance). */
  hashing: HashingBudget;
}

const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 15_000 } as const;

/** 429 for an address over its hashing budget: answered without running scrypt. */
function overBudget(retryAfterSeconds: number): OAuthError {
  return new OAuthError(
    429,
    "slow_down",
    `Too many password or client-secret checks from this address; retry in ${retryAfterSeconds} seconds.`,
    { "retry-after": String(retryAfterSeconds) },
  );
}

type Params = Map<string, string>;

export function createOAuthRoutes(
  { prisma, envelopes, log }: RouteDependencies<IdentityPrisma>,
  { options, keys, issuer, hashing }: OAuthRouteContext,
): Record<string, Route> {
  const now = options.now;

  const { withinBudget, checkPassword } = passwordChecker({ prisma, log }, { hashing });

  /**
   * Reads a POST's parameters and the client's address. With an envelope, the envelope is checked first — against
   * this method, path and the exact body bytes, once, with scope `identity:proxy` — and the address is the one the
   * gateway signed in it; without one, the socket's. Headers such as x-forwarded-for are never read.
   */
  async function admit(req: IncomingMessage): Promise<{ params: Params; clientIp: string }> {
    const socketAddress = normaliseAddress(req.socket.remoteAddress ?? "") ?? "unknown";
    const { contentType, raw } = await readParamBytes(req);
    let clientIp = socketAddress;
    if (envelopes.present(req)) {
      const decision = await envelopes.check(req, raw, {
        scope: SYSTEM_SCOPES.identityProxy,
        what: "the token endpoints",
      });
      if (!decision.ok) throw new EnvelopeRefused(decision.status, decision.code, decision.message);
      clientIp = normaliseAddress(decision.envelope.clientAddress ?? "") ?? socketAddress;
    }
    return { params: parseParams(contentType, raw), clientIp };
  }

  async function passwordGrant(params: Params, clientIp: string) {
    const username = required(params, "username");
    const password = required(params, "password");
    if (username.length > MAX_USERNAME_LENGTH || password.length > MAX_SECRET_LENGTH) {
      throw new OAuthError(400, "invalid_request", "The username or password is longer than this service accepts.");
    }
    const requested = requestedScopes(params);
    const defined = requested?.some((scope) => !isKnownScope(scope)) ? await manifestScopes(prisma) : null;
    const unknown = requested?.filter((scope) => !isKnownScope(scope) && !defined?.has(scope)) ?? [];
    if (unknown.length > 0) {
      throw new OAuthError(
        400,
        "invalid_scope",
        `Scope "${unknown[0]?.slice(0, 40)}" does not exist; see docs/identity.md.`,
      );
    }
    const at = now();
    const { person, audit } = await checkPassword(username, password, clientIp, at);
    if (person.mustChangePassword) {
      // A one-time password (createPerson, resetCredentials, identity:bootstrap) opens nothing until it is replaced:
      // whoever handed it out must not be able to act as the person.
      await prisma.loginAttempt.create({ data: audit("PASSWORD_CHANGE_REQUIRED") });
      throw new OAuthError(
        400,
        "password_change_required",
        "This is a one-time password: choose your own with POST /oauth/password (username, password, new_password), then log in with it.",
      );
    }

    // RFC 6749 §3.3: the grant may be narrower than the request; the answer's `scope` says what was granted.
    const held = scopesOf(person);
    const scopes = requested ? held.filter((scope) => requested.includes(scope)) : held;
    const sid = newSessionId();
    const refreshToken = newRefreshToken();
    await prisma.$transaction(async (tx) => {
      await tx.loginAttempt.create({ data: audit("SUCCESS") });
      await rememberAddress(tx, person.id, clientIp, at);
      await tx.refreshToken.create({
        data: {
          id: `rt-${randomBytes(12).toString("base64url")}`,
          tokenHash: hashToken(refreshToken),
          sid,
          personId: person.id,
          scope: requested ? scopes.join(" ") : null,
          issuedAt: at,
          expiresAt: new Date(at.getTime() + options.refreshTokenTtlSeconds * 1000),
        },
      });
    }, TRANSACTION_OPTIONS);
    const access = await issuer.issue(prisma, personSubject(person, scopes), sid, at);
    log.info({ personId: person.id, sid }, "password login succeeded");
    return tokenResponse(access, scopes, refreshToken);
  }

  async function clientCredentialsGrant(params: Params, clientIp: string, req: IncomingMessage) {
    const basic = basicCredentials(req);
    const clientId = basic?.clientId ?? params.get("client_id");
    const secret = basic?.clientSecret ?? params.get("client_secret");
    const challenge: Record<string, string> = basic ? { "www-authenticate": 'Basic realm="identity"' } : {};
    if (!clientId || !secret || clientId.length > MAX_USERNAME_LENGTH || secret.length > MAX_SECRET_LENGTH) {
      throw new OAuthError(401, "invalid_client", "Send client_id and client_secret (or HTTP Basic).", challenge);
    }
    // Every client-secret check runs scrypt (unknown clients against a dummy hash): it is paid from the budget.
    const at = now();
    const { app, secretMatches } = await withinBudget(clientIp, async () => {
      const app = await prisma.integratorApp.findUnique({ where: { clientId } });
      if (await verifySecret(secret, app?.clientSecretHash ?? null)) return { app, secretMatches: true };
      // After a rotation the previous secret works until the end of its overlap window (apps/appLifecycle.ts).
      const previous = app?.previousSecretHash && app.previousSecretUntil && app.previousSecretUntil > at;
      return { app, secretMatches: previous ? await verifySecret(secret, app.previousSecretHash) : false };
    });
    // PENDING, REJECTED, DISABLED and expired apps are refused exactly like a wrong secret.
    if (!app || !secretMatches || !mayGetTokens(app, at)) {
      log.info({ clientId: clientId.slice(0, 64) }, "client authentication failed");
      throw new OAuthError(401, "invalid_client", "Client authentication failed.", challenge);
    }
    const scopes = narrowScopes([...app.allowedScopes].sort(), requestedScopes(params));
    // Client credentials get no refresh token (RFC 6749 §4.4.3): the app authenticates again instead.
    const access = await issuer.issue(prisma, appSubject(app, scopes), newSessionId(), at);
    return tokenResponse(access, scopes);
  }

  async function refreshTokenGrant(params: Params) {
    const presented = required(params, "refresh_token");
    const at = now();
    const row = await prisma.refreshToken.findUnique({ where: { tokenHash: hashToken(presented) } });
    if (!row || row.revokedAt) throw new OAuthError(400, "invalid_grant", INVALID_REFRESH);
    if (row.usedAt) {
      // A rotated token came back: either the client or a thief holds a copy. Kill the whole chain (RFC 6819
      // §5.2.2.3), so the thief's newer token dies too, and the rightful user logs in again.
      await revokeSession(prisma, row.sid, "refresh-token-reuse", at, options.accessTokenTtlSeconds);
      log.warn({ sid: row.sid, personId: row.personId }, "refresh token reused: session revoked");
      throw new OAuthError(400, "invalid_grant", INVALID_REFRESH);
    }
    if (row.expiresAt <= at) throw new OAuthError(400, "invalid_grant", INVALID_REFRESH);
    const [person, revoked] = await Promise.all([
      prisma.person.findUnique({
        where: { id: row.personId },
        include: PERSON_GRANTS,
      }) as Promise<PersonWithGrants | null>,
      prisma.revokedSession.findUnique({ where: { sid: row.sid } }),
    ]);
    if (person?.status !== "ACTIVE" || revoked) throw new OAuthError(400, "invalid_grant", INVALID_REFRESH);

    // Roles may have changed since login: the new token carries today's grants, narrowed to what was asked for then.
    const held = scopesOf(person);
    const scopes = row.scope ? held.filter((scope) => row.scope?.split(" ").includes(scope)) : held;
    const successor = newRefreshToken();
    const successorId = `rt-${randomBytes(12).toString("base64url")}`;
    const rotated = await prisma.$transaction(async (tx) => {
      // Conditional: of two simultaneous refreshes with the same token exactly one claims it.
      const claimed = await tx.refreshToken.updateMany({
        where: { id: row.id, usedAt: null, revokedAt: null },
        data: { usedAt: at, replacedBy: successorId },
      });
      if (claimed.count !== 1) return false;
      await tx.refreshToken.create({
        data: {
          id: successorId,
          tokenHash: hashToken(successor),
          sid: row.sid,
          personId: row.personId,
          scope: row.scope,
          issuedAt: at,
          expiresAt: new Date(at.getTime() + options.refreshTokenTtlSeconds * 1000),
        },
      });
      return true;
    });
    if (!rotated) {
      await revokeSession(prisma, row.sid, "refresh-token-reuse", at, options.accessTokenTtlSeconds);
      log.warn({ sid: row.sid, personId: row.personId }, "refresh token used twice at once: session revoked");
      throw new OAuthError(400, "invalid_grant", INVALID_REFRESH);
    }
    const access = await issuer.issue(prisma, personSubject(person, scopes), row.sid, at);
    return tokenResponse(access, scopes, successor);
  }

  /**
   * POST /oauth/password (username, password, new_password): the person changes their password with the current one —
   * the way a one-time password is replaced before the first login. Same budget and gate as a login; every session
   * of the person is revoked; the address becomes a known one. Answers `{ password_changed: true }`, no tokens: log
   * in with the new password.
   */
  const changePassword: Route = async (req, res) => {
    noStore(res);
    try {
      if (req.method !== "POST") {
        req.resume();
        res.setHeader("allow", "POST");
        throw new OAuthError(405, "invalid_request", "Use POST to change a password.");
      }
      const { params, clientIp } = await admit(req);
      const username = required(params, "username");
      const password = required(params, "password");
      const newPassword = required(params, "new_password");
      if (username.length > MAX_USERNAME_LENGTH || password.length > MAX_SECRET_LENGTH) {
        throw new OAuthError(400, "invalid_request", "The username or password is longer than this service accepts.");
      }
      // Judged before the current password is checked: a weak choice costs no scrypt and reveals nothing.
      const problem = passwordProblem(newPassword, username.trim());
      if (problem) throw new OAuthError(400, "invalid_request", problem);
      if (newPassword === password) {
        throw new OAuthError(400, "invalid_request", "Choose a new password different from the current one.");
      }
      const at = now();
      const { person, audit } = await checkPassword(username, password, clientIp, at);
      const passwordHash = await withinBudget(clientIp, () => hashSecret(newPassword));
      await prisma.$transaction(async (tx) => {
        await tx.person.update({
          where: { id: person.id },
          data: { passwordHash, passwordChangedAt: at, mustChangePassword: false },
        });
        await revokePersonSessions(tx, person.id, "password-changed", at, options.accessTokenTtlSeconds);
        await tx.loginAttempt.create({ data: audit("PASSWORD_CHANGED") });
        await rememberAddress(tx, person.id, clientIp, at);
      }, TRANSACTION_OPTIONS);
      log.info({ personId: person.id }, "password changed");
      sendJson(res, 200, { password_changed: true });
    } catch (error) {
      sendOAuthError(req, res, error);
    }
  };

  const token: Route = async (req, res) => {
    noStore(res);
    try {
      if (req.method !== "POST") {
        req.resume();
        res.setHeader("allow", "POST");
        throw new OAuthError(405, "invalid_request", "Use POST for the token endpoint.");
      }
      const { params, clientIp } = await admit(req);
      const grantType = params.get("grant_type");
      let body: Record<string, unknown>;
      if (grantType === "password") body = await passwordGrant(params, clientIp);
      else if (grantType === "client_credentials") body = await clientCredentialsGrant(params, clientIp, req);
      else if (grantType === "refresh_token") body = await refreshTokenGrant(params);
      else if (!grantType) throw new OAuthError(400, "invalid_request", "grant_type is missing.");
      else {
        throw new OAuthError(
          400,
          "unsupported_grant_type",
          `grant_type "${grantType.slice(0, 40)}" is not supported; use password, client_credentials or refresh_token.`,
        );
      }
      sendJson(res, 200, body);
    } catch (error) {
      sendOAuthError(req, res, error);
    }
  };

  const revoke: Route = async (req, res) => {
    noStore(res);
    try {
      if (req.method !== "POST") {
        req.resume();
        res.setHeader("allow", "POST");
        throw new OAuthError(405, "invalid_request", "Use POST for the revocation endpoint.");
      }
      const { params } = await admit(req);
      const presented = required(params, "token");
      const at = now();
      const row = await prisma.refreshToken.findUnique({ where: { tokenHash: hashToken(presented) } });
      if (row) {
        await revokeSession(prisma, row.sid, "logout", at, options.accessTokenTtlSeconds);
      } else if (presented.split(".").length === 3) {
        const claims = verifyJwtSignature(presented, await keys.publishedKeys(prisma, at));
        if (
          claims &&
          typeof claims.sid === "string" &&
          typeof claims.exp === "number" &&
          claims.exp * 1000 > at.getTime()
        ) {
          await revokeSession(prisma, claims.sid, "access-token-revoked", at, options.accessTokenTtlSeconds);
        }
      }
      // RFC 7009 §2.2: unknown and already revoked tokens are answered 200 as well.
      sendJson(res, 200, {});
    } catch (error) {
      sendOAuthError(req, res, error);
    }
  };

  const jwks: Route = async (req, res) => {
    req.resume();
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("allow", "GET");
      sendJson(res, 405, { error: "invalid_request", error_description: "Use GET for the key set." });
      return;
    }
    const keySet = await keys.publishedKeys(prisma, now());
    res.setHeader("cache-control", "public, max-age=60");
    sendJson(res, 200, { keys: keySet });
  };

  const revokedSessions = signedRoute(
    envelopes,
    { method: "GET", scope: SYSTEM_SCOPES.revocationsRead, what: "the revoked-sessions list" },
    async ({ req, res }) => {
      // A gateway accepts a token until its exp + its clock tolerance, so a session stays on the list until its
      // `until` (the last token's exp) + that tolerance: the gateway says how much with ?skew= (default the most any
      // gateway may be configured with).
      const skew = skewSeconds(req.url);
      if (skew === null) {
        throw new RouteRefusal(
          "BAD_REQUEST",
          `skew must be a whole number of seconds from 0 to ${MAX_GATEWAY_SKEW_SECONDS}.`,
        );
      }
      const at = now();
      const rows = await prisma.revokedSession.findMany({
        where: { until: { gt: new Date(at.getTime() - skew * 1000) } },
        orderBy: [{ until: "asc" }, { sid: "asc" }],
        select: { sid: true, until: true },
      });
      res.setHeader("cache-control", "no-store");
      const payload: RevokedSessionsPayload = {
        sessions: rows.map((row) => ({ sid: row.sid, until: Math.ceil(row.until.getTime() / 1000) })),
        apps: await refusedApps(prisma, at, skew, options.accessTokenTtlSeconds),
      };
      sendJson(res, 200, payload);
    },
  );

  return {
    "/oauth/token": token,
    "/oauth/password": changePassword,
    "/oauth/revoke": revoke,
    "/.well-known/jwks.json": jwks,
    "/oauth/revoked-sessions": revokedSessions,
  };
}

/**
 * The password and client-secret checks every login path shares (the token endpoint's password grant, password
 * changes, the OpenID Connect login form in oidc/): the address's hashing budget, the login gate, scrypt, one
 * `LoginAttempt` row per check. Throws `OAuthError` (400 invalid_grant, 429 slow_down, 423 account_locked).
 */
export function passwordChecker(
  { prisma, log }: Pick<RouteDependencies<IdentityPrisma>, "prisma" | "log">,
  { hashing }: { hashing: HashingBudget },
) {
  /**
   * Runs a password or client-secret check on the address's hashing budget (after its earlier checks), or throws 429
   * without running it. One log line per exhaustion, not per refused request: a flood must not become a log flood.
   */
  async function withinBudget<T>(clientIp: string, check: () => Promise<T>): Promise<T> {
    const outcome = await hashing.run(clientIp, check);
    if ("value" in outcome) return outcome.value;
    if (outcome.decision.firstRefusal) {
      log.warn({ clientIp }, "hashing budget exhausted: password and client-secret checks from this address refused");
    }
    throw overBudget(outcome.decision.retryAfterSeconds);
  }

  /**
   * One password check as the token and password endpoints make it, paid from the address's hashing budget (an
   * exhausted address costs no database work): the account's id, status and hash, the login gate — whose refusals are
   * recorded and answered 429 / 423 without checking — then scrypt, and the person's roles and grants only on success. Unknown and disabled accounts are checked against a dummy hash, so timing
   * tells nothing either.
   */
  function checkPassword(username: string, password: string, clientIp: string, at: Date) {
    return withinBudget(clientIp, () => gatedCheck(username, password, clientIp, at));
  }

  async function gatedCheck(username: string, password: string, clientIp: string, at: Date) {
    const usernameKey = username.trim().toLowerCase().slice(0, AUDIT_USERNAME_LENGTH);
    // Only what the gate and the check need: a refused attempt (most of a flood) loads no roles or grants.
    const account = await prisma.person.findUnique({
      where: { username: username.trim().toLowerCase() },
      select: { id: true, status: true, passwordHash: true },
    });
    const audit = (outcome: LoginOutcome) => ({
      id: loginAttemptId(at),
      username: username.slice(0, AUDIT_USERNAME_LENGTH),
      usernameKey,
      personId: account?.id ?? null,
      clientIp,
      outcome,
      at,
    });
    const gate = await loginGate(prisma, { usernameKey, personId: account?.id ?? null, clientIp }, at);
    if (gate.state !== "open") {
      await prisma.loginAttempt.create({ data: audit(gate.state === "locked" ? "LOCKED" : "THROTTLED") });
      const retryAfter = { "retry-after": String(gate.retryAfterSeconds) };
      if (gate.state === "locked") {
        throw new OAuthError(
          423,
          "account_locked",
          `The account is locked after repeated failed logins; retry in ${gate.retryAfterSeconds} seconds, log in from an address you used before, or ask a security administrator.`,
          retryAfter,
        );
      }
      throw new OAuthError(
        429,
        "slow_down",
        `Too many failed logins for this account or address; retry in ${gate.retryAfterSeconds} seconds.`,
        retryAfter,
      );
    }
    const passwordMatches = await verifySecret(password, account?.passwordHash ?? null);
    const outcome: LoginOutcome = !account
      ? "UNKNOWN_USER"
      : account.status === "DISABLED"
        ? "DISABLED"
        : passwordMatches
          ? "SUCCESS"
          : "BAD_PASSWORD";
    // The person with roles and grants, for a success only; the same status is required of it, so an account disabled
    // between the two reads is refused like any disabled one.
    const person =
      outcome === "SUCCESS" && account
        ? ((await prisma.person.findUnique({
            where: { id: account.id },
            include: PERSON_GRANTS,
          })) as PersonWithGrants | null)
        : null;
    if (!person || person.status === "DISABLED") {
      const refused: LoginOutcome = outcome !== "SUCCESS" ? outcome : person ? "DISABLED" : "UNKNOWN_USER";
      await prisma.loginAttempt.create({ data: audit(refused) });
      log.info({ outcome: refused, personId: account?.id ?? null }, "password check refused");
      throw new OAuthError(400, "invalid_grant", WRONG_CREDENTIALS);
    }
    return { person, audit };
  }

  return { withinBudget, checkPassword };
}

/** The largest clock tolerance a gateway may be configured with (TOKEN_CLOCK_SKEW_SECONDS, gateway/config.ts). */
export const MAX_GATEWAY_SKEW_SECONDS = 300;

/** `?skew=30` → 30; absent → the largest tolerance; anything else → null. */
function skewSeconds(url: string | undefined): number | null {
  const raw = new URL(url ?? "/", "http://identity").searchParams.get("skew");
  if (raw === null) return MAX_GATEWAY_SKEW_SECONDS;
  const skew = Number(raw);
  return /^\d{1,3}$/.test(raw) && skew <= MAX_GATEWAY_SKEW_SECONDS ? skew : null;
}

function tokenResponse(access: { token: string; expiresIn: number }, scopes: string[], refreshToken?: string) {
  return {
    access_token: access.token,
    token_type: "Bearer",
    expires_in: access.expiresIn,
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
    scope: scopes.join(" "),
  };
}

function noStore(res: ServerResponse) {
  res.setHeader("cache-control", "no-store");
  res.setHeader("pragma", "no-cache");
}

function sendOAuthError(req: IncomingMessage, res: ServerResponse, error: unknown) {
  if (error instanceof EnvelopeRefused) {
    res.statusCode = error.status;
    res.setHeader("content-type", "application/json; charset=utf-8");
    res.end(errorBody(error.code, error.message));
    return;
  }
  if (!(error instanceof OAuthError)) throw error;
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  const body = { error: error.error, error_description: error.message };
  // An oversized upload gets its answer in full before the connection closes (lib/http/graphqlHttp.ts).
  if (bodyStillArriving(req)) answerThenClose(req, res, error.status, JSON.stringify(body));
  else sendJson(res, error.status, body);
}

function required(params: Params, name: string): string {
  const value = params.get(name);
  if (!value) throw new OAuthError(400, "invalid_request", `${name} is missing.`);
  return value;
}

function requestedScopes(params: Params): string[] | null {
  const scope = params.get("scope")?.trim();
  return scope ? [...new Set(scope.split(/\s+/))].sort() : null;
}

/** The requested scopes when all are held; all held scopes when none were requested. */
function narrowScopes(held: string[], requested: string[] | null): string[] {
  if (!requested) return held;
  const missing = requested.filter((scope) => !held.includes(scope));
  if (missing.length > 0) {
    throw new OAuthError(
      400,
      "invalid_scope",
      `Scope ${missing.map((s) => `"${s.slice(0, 40)}"`).join(", ")} is not granted here; ask for some of: ${held.join(" ")}.`,
    );
  }
  return requested;
}

/** `::ffff:10.1.2.3` → `10.1.2.3`; anything that is not an IP address → null. */
export function normaliseAddress(value: string): string | null {
  const address = value.startsWith("::ffff:") && isIP(value.slice(7)) === 4 ? value.slice(7) : value;
  return isIP(address) ? address : null;
}

function basicCredentials(req: IncomingMessage): { clientId: string; clientSecret: string } | null {
  const header = req.headers.authorization;
  if (!header?.toLowerCase().startsWith("basic ")) return null;
  const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) throw new OAuthError(401, "invalid_client", "The Basic credentials are malformed.");
  // RFC 6749 §2.3.1: both halves are form-urlencoded before Basic encoding.
  const decode = (s: string) => decodeURIComponent(s.replaceAll("+", " "));
  try {
    return { clientId: decode(decoded.slice(0, colon)), clientSecret: decode(decoded.slice(colon + 1)) };
  } catch {
    throw new OAuthError(401, "invalid_client", "The Basic credentials are malformed.");
  }
}

/** Reads a form-urlencoded or JSON body's bytes (bounded), refusing other content types before reading. */
async function readParamBytes(req: IncomingMessage): Promise<{ contentType: string; raw: Buffer }> {
  let contentType: string;
  try {
    contentType = requireContentType(req, ["application/x-www-form-urlencoded", "application/json"]);
  } catch {
    req.resume();
    throw new OAuthError(
      400,
      "invalid_request",
      "Send the parameters as application/x-www-form-urlencoded (or application/json).",
    );
  }
  try {
    return { contentType, raw: await readBody(req, MAX_BODY_BYTES) };
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    throw new OAuthError(413, "invalid_request", error.message);
  }
}

/** Parses a body into single-valued parameters (RFC 6749 §3.2: no repeated parameters). */
function parseParams(contentType: string, bytes: Buffer): Params {
  const raw = bytes.toString("utf8");
  const params: Params = new Map();
  if (contentType === "application/json") {
    let body: unknown;
    try {
      body = parseJsonBody(bytes, { maxDepth: 2, example: "a JSON object of string parameters" });
    } catch (error) {
      if (!(error instanceof RequestBodyError)) throw error;
      throw new OAuthError(400, "invalid_request", error.message);
    }
    if (body === null || typeof body !== "object" || Array.isArray(body)) {
      throw new OAuthError(400, "invalid_request", "The request body must be a JSON object of parameters.");
    }
    for (const [name, value] of Object.entries(body)) {
      if (typeof value !== "string")
        throw new OAuthError(400, "invalid_request", `${name.slice(0, 40)} must be a string.`);
      params.set(name, value);
    }
    return params;
  }
  for (const [name, value] of new URLSearchParams(raw)) {
    if (params.has(name)) throw new OAuthError(400, "invalid_request", `${name.slice(0, 40)} is sent more than once.`);
    params.set(name, value);
  }
  return params;
}
