/**
 * Single sign-on from the browser (docs/portal.md "Where tokens live"): OpenID Connect authorization code with PKCE
 * (S256) against the platform's provider at `/oidc`, as the public client `app-portal-spa` (no secret).
 *
 * - The access token (for the graph, resource `<origin>/graphql`) and the ID token live in this module's variables
 *   only: never in localStorage, sessionStorage, cookies or the URL. A reload forgets them.
 * - After a reload the page signs in again silently: the same authorization request with `prompt=none`, answered at
 *   once by the provider's own session cookie (HttpOnly, on `/oidc`), or with `login_required` when there is none.
 * - What must survive the round trip to the provider is one-time and not a credential: the PKCE verifier, state and
 *   nonce (sessionStorage, deleted as soon as the provider answers), and a flag saying "try silently" (no token).
 * - No refresh token is asked for; when the access token expires the page signs in silently again.
 */

export const CLIENT_ID = "app-portal-spa";
const PENDING_KEY = "og.portal.pending";
const SIGNED_IN_KEY = "og.portal.signedIn";

export interface Claims {
  sub: string;
  kind: string;
  roles: string[];
  scopes: string[];
  dept: string | null;
  rid: string | null;
  ent: string | null;
  exp: number;
}

interface Session {
  accessToken: string;
  idToken: string;
  claims: Claims;
}

let session: Session | null = null;

const origin = () => window.location.origin;
export const redirectUri = () => `${origin()}/portal/callback`;
export const graphResource = () => `${origin()}/graphql`;

function base64url(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function randomString(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

function payloadOf(jwt: string): Record<string, unknown> {
  const part = jwt.split(".")[1] ?? "";
  const padded = part.replaceAll("-", "+").replaceAll("_", "/");
  const json = new TextDecoder().decode(Uint8Array.from(atob(padded), (c) => c.charCodeAt(0)));
  return JSON.parse(json) as Record<string, unknown>;
}

export function currentClaims(): Claims | null {
  return session?.claims ?? null;
}

/** The bearer for the graph, or null when signed out or expired (then `signIn({ silent: true })`). */
export function accessToken(): string | null {
  if (!session) return null;
  if (session.claims.exp * 1000 <= Date.now() + 5_000) return null;
  return session.accessToken;
}

/** Whether this tab signed in before (a flag, not a token): a reload then tries the provider's session silently. */
export function signedInBefore(): boolean {
  return sessionStorage.getItem(SIGNED_IN_KEY) === "1";
}

/** Goes to the provider's authorization endpoint; with `silent`, `prompt=none` (no page is shown). */
export async function signIn({ silent = false, returnTo = window.location.hash } = {}): Promise<void> {
  const verifier = randomString();
  const challenge = base64url(
    new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))),
  );
  const state = randomString();
  const nonce = randomString();
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ state, verifier, nonce, returnTo, silent }));
  const params = new URLSearchParams({
    client_id: CLIENT_ID,
    response_type: "code",
    redirect_uri: redirectUri(),
    scope: "openid",
    state,
    nonce,
    code_challenge: challenge,
    code_challenge_method: "S256",
    resource: graphResource(),
    ui_locales: document.documentElement.lang || "zh-CN",
  });
  if (silent) params.set("prompt", "none");
  window.location.assign(`/oidc/auth?${params}`);
}

export type CallbackOutcome = { kind: "signed-in" } | { kind: "signed-out"; error?: string } | { kind: "none" };

/** On `/portal/callback`: exchanges the code (with the verifier) for tokens, kept in memory; cleans the URL. */
export async function completeSignIn(): Promise<CallbackOutcome> {
  if (window.location.pathname !== "/portal/callback") return { kind: "none" };
  const query = new URLSearchParams(window.location.search);
  const pendingText = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  const pending = pendingText
    ? (JSON.parse(pendingText) as { state: string; verifier: string; nonce: string; returnTo: string; silent: boolean })
    : null;
  const back = (hash: string) => window.history.replaceState(null, "", `/portal/${hash}`);
  if (!pending || query.get("state") !== pending.state) {
    back("");
    return { kind: "signed-out", error: "state" };
  }
  const error = query.get("error");
  const code = query.get("code");
  if (error || !code) {
    sessionStorage.removeItem(SIGNED_IN_KEY);
    back(pending.returnTo);
    // A silent attempt without a provider session is not an error to show: the person simply signs in.
    return { kind: "signed-out", ...(pending.silent && error === "login_required" ? {} : { error: error ?? "code" }) };
  }
  const response = await fetch("/oidc/token", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      client_id: CLIENT_ID,
      code,
      code_verifier: pending.verifier,
      redirect_uri: redirectUri(),
      resource: graphResource(),
    }),
  });
  back(pending.returnTo);
  if (!response.ok) return { kind: "signed-out", error: "token" };
  const tokens = (await response.json()) as { access_token: string; id_token: string };
  if (payloadOf(tokens.id_token).nonce !== pending.nonce) return { kind: "signed-out", error: "nonce" };
  const claims = payloadOf(tokens.access_token);
  session = {
    accessToken: tokens.access_token,
    idToken: tokens.id_token,
    claims: {
      sub: String(claims.sub),
      kind: String(claims.kind),
      roles: (claims.roles as string[]) ?? [],
      scopes: (claims.scopes as string[]) ?? [],
      dept: (claims.dept as string | null) ?? null,
      rid: (claims.rid as string | null) ?? null,
      ent: (claims.ent as string | null) ?? null,
      exp: Number(claims.exp),
    },
  };
  sessionStorage.setItem(SIGNED_IN_KEY, "1");
  return { kind: "signed-in" };
}

/** RP-initiated logout at the provider, then back to the portal's start page. */
export function signOut(): void {
  const idToken = session?.idToken;
  session = null;
  sessionStorage.removeItem(SIGNED_IN_KEY);
  const params = new URLSearchParams({ client_id: CLIENT_ID, post_logout_redirect_uri: `${origin()}/portal/` });
  if (idToken) params.set("id_token_hint", idToken);
  window.location.assign(`/oidc/session/end?${params}`);
}
