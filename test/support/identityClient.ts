/**
 * The identity service's HTTP endpoints as the gateway calls them (an envelope bound to the request, with the
 * client's address signed inside), for tests that talk to an identity subgraph directly. How the client address
 * travels is decided here only.
 */
import { SYSTEM_SCOPES } from "../../lib/wire.ts";
import { gatewayCaller, signedHeaders } from "./envelope.ts";

/** The gateway's identity proxy. */
export const IDENTITY_PROXY = gatewayCaller(SYSTEM_SCOPES.identityProxy);

export interface IdentityPostOptions {
  /** The client address the gateway signs into the envelope. */
  ip?: string;
  /** Send the request without an envelope, as a caller that reaches the service directly. */
  direct?: boolean;
  headers?: Record<string, string>;
}

export interface IdentityAnswer {
  status: number;
  headers: Headers;
  body: any;
}

export function identityClient(base: string) {
  async function post(path: string, params: Record<string, string>, options: IdentityPostOptions = {}) {
    const body = new URLSearchParams(params).toString();
    const envelope = options.direct
      ? {}
      : signedHeaders(
          "identity",
          { method: "POST", path, body },
          { principal: IDENTITY_PROXY, purpose: "authentication", clientAddress: options.ip ?? "192.0.2.1" },
        );
    const response = await fetch(`${base}${path}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...envelope, ...options.headers },
      body,
    });
    return { status: response.status, headers: response.headers, body: await response.json() } as IdentityAnswer;
  }
  return {
    post,
    login: (username: string, password: string, options?: IdentityPostOptions) =>
      post("/oauth/token", { grant_type: "password", username, password }, options),
    clientCredentials: (clientId: string, secret: string, options?: IdentityPostOptions) =>
      post("/oauth/token", { grant_type: "client_credentials", client_id: clientId, client_secret: secret }, options),
    changePassword: (username: string, password: string, newPassword: string, options?: IdentityPostOptions) =>
      post("/oauth/password", { username, password, new_password: newPassword }, options),
  };
}
