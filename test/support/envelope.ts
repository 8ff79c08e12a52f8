/**
 * One envelope key pair for the whole test process, as the gateway and subgraphs share one in a deployment.
 * Tests that talk to a subgraph directly sign as the gateway would (`signedHeaders`).
 */

import { createPublicKey, verify } from "node:crypto";
import { type Principal, systemPrincipal } from "../../lib/principal.ts";
import {
  type BoundRequest,
  createEnvelopeSigner,
  ENVELOPE_HEADER,
  type Envelope,
  generateEnvelopeKeys,
  type SystemScope,
} from "../../lib/wire.ts";

export const testEnvelopeKeys = generateEnvelopeKeys();
const sign = createEnvelopeSigner(testEnvelopeKeys.privateKey);

/** The principal tests act as when they do not name one: the harness itself, a system principal without scopes. */
export const TEST_PRINCIPAL: Principal = systemPrincipal("test-harness");

/** The gateway's system caller that holds `scope` (the audit writer, a poller, the identity proxy …). */
export function gatewayCaller(scope: SystemScope): Principal {
  return systemPrincipal(`test-${scope}`, [scope]);
}

export interface SignOptions {
  principal?: Principal;
  purpose?: string | null;
  requestId?: string;
  clientAddress?: string | null;
}

/** The envelope header for one request (method, path with query, exact body), as the gateway would sign it. */
export function signedHeaders(
  audience: string,
  request: BoundRequest,
  options: SignOptions = {},
): Record<string, string> {
  return {
    [ENVELOPE_HEADER]: sign(
      {
        aud: audience,
        requestId: options.requestId ?? `test-${Math.random().toString(36).slice(2, 12)}`,
        purpose: options.purpose ?? null,
        principal: options.principal ?? TEST_PRINCIPAL,
        clientAddress: options.clientAddress ?? null,
      },
      request,
    ),
  };
}

/** A signed GET of `url` (a full URL) for `audience`, as the gateway's pollers send it. */
export function signedGet(audience: string, url: string, options: SignOptions = {}): Record<string, string> {
  const parsed = new URL(url);
  return signedHeaders(audience, { method: "GET", path: `${parsed.pathname}${parsed.search}` }, options);
}

/** An officer of a department at its front desk (may act for any resident in that department's mutations). */
export function officerOf(departmentId: string): Principal {
  return {
    kind: "officer",
    id: `person-officer-${departmentId}`,
    roles: ["officer"],
    scopes: [],
    departmentId,
    streetIds: [],
    residentId: null,
    sessionId: null,
    issuer: "test",
  };
}

/** A logged-in resident. */
export function residentPrincipal(residentId: string): Principal {
  return {
    ...officerOf("none"),
    kind: "resident",
    id: `person-${residentId}`,
    roles: ["resident"],
    departmentId: null,
    residentId,
  };
}

/**
 * The envelope a foreign test subgraph received (which records headers, not body bytes): its signature checked with
 * the test key, its payload returned. Binding and nonce are the kit's checks (subgraphs/kit/envelopeGuard.ts).
 */
export function openEnvelope(header: string | string[] | undefined): Envelope {
  const value = Array.isArray(header) ? header[0] : header;
  const [version, kid, payload, signature] = (value ?? "").split(".");
  const key = createPublicKey({ key: Buffer.from(testEnvelopeKeys.publicKey, "base64"), format: "der", type: "spki" });
  if (version !== "v2" || !kid || !payload || !signature) throw new Error("no v2 envelope received");
  if (!verify(null, Buffer.from(`v2.${kid}.${payload}`), key, Buffer.from(signature, "base64url"))) {
    throw new Error("the envelope's signature does not verify with the test key");
  }
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Envelope;
}
