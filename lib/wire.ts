/**
 * The wire contract between the gateway and the subgraphs, in one module both ends import: header names, and the
 * signed identity envelope.
 *
 * The envelope carries the principal, the declared purpose and the request id from the gateway to one subgraph.
 * Format: `v1.<kid>.<payload>.<signature>` — payload is base64url JSON, signature is Ed25519 over
 * `v1.<kid>.<payload>`. It is bound to one subgraph (`aud`) and lives 30 seconds, so a captured envelope is useless
 * against another department and soon useless everywhere. Only the gateway holds the private key; subgraphs hold
 * the public keys (several during a key rotation) and refuse any request without a valid envelope.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from "node:crypto";
import { isPrincipal, type Principal } from "./principal.ts";

export const REQUEST_ID_HEADER = "x-request-id";
export const ENVELOPE_HEADER = "x-og-envelope";
/** Declared purpose of processing (PIPL art. 6), e.g. `medical-treatment`; must be in the purpose registry. */
export const PURPOSE_HEADER = "x-og-purpose";
/** The case the purpose serves (案件/办件编号), e.g. `WJW-2026-000123`; required by some purposes, always audited. */
export const CASE_HEADER = "x-og-case";

export const ENVELOPE_TTL_SECONDS = 30;
/** Clock difference tolerated between gateway and subgraph hosts. */
export const ENVELOPE_CLOCK_SKEW_SECONDS = 5;

/** Request ids from clients are accepted only in this shape; anything else is replaced by a fresh id. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export function acceptRequestId(value: string | string[] | undefined, fresh: () => string): string {
  const candidate = Array.isArray(value) ? value[0] : value;
  return candidate && REQUEST_ID.test(candidate) ? candidate : fresh();
}

export interface Envelope {
  /** The subgraph this envelope was signed for. */
  aud: string;
  /** Issued at / expires, in seconds since the epoch. */
  iat: number;
  exp: number;
  requestId: string;
  purpose: string | null;
  /** The case reference declared with the purpose (x-og-case), if any. */
  caseReference?: string | null;
  principal: Principal;
}

/** Ed25519 keys, exchanged as single-line base64 DER (pkcs8 private, spki public) so they fit in environment variables. */
export interface EnvelopeKeyPair {
  privateKey: string;
  publicKey: string;
}

export function generateEnvelopeKeys(): EnvelopeKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return {
    privateKey: privateKey.export({ format: "der", type: "pkcs8" }).toString("base64"),
    publicKey: publicKey.export({ format: "der", type: "spki" }).toString("base64"),
  };
}

/** Key id: a short hash of the public key, so signer and verifiers agree without configuration. */
export function envelopeKeyId(publicKey: KeyObject): string {
  return createHash("sha256")
    .update(publicKey.export({ format: "der", type: "spki" }))
    .digest("base64url")
    .slice(0, 12);
}

export type EnvelopeSigner = (envelope: Omit<Envelope, "iat" | "exp">) => string;

export function createEnvelopeSigner(privateKeyBase64: string, now: () => number = Date.now): EnvelopeSigner {
  const privateKey = createPrivateKey({ key: Buffer.from(privateKeyBase64, "base64"), format: "der", type: "pkcs8" });
  if (privateKey.asymmetricKeyType !== "ed25519") throw new Error("The envelope signing key must be an Ed25519 key.");
  const kid = envelopeKeyId(createPublicKey(privateKey));
  return (envelope) => {
    const iat = Math.floor(now() / 1000);
    const payload = Buffer.from(JSON.stringify({ ...envelope, iat, exp: iat + ENVELOPE_TTL_SECONDS })).toString(
      "base64url",
    );
    const signed = `v1.${kid}.${payload}`;
    return `${signed}.${sign(null, Buffer.from(signed), privateKey).toString("base64url")}`;
  };
}

export type EnvelopeFailure = "missing" | "malformed" | "unknown-key" | "bad-signature" | "expired" | "wrong-audience";

export type EnvelopeResult = { ok: true; envelope: Envelope } | { ok: false; reason: EnvelopeFailure };

export type EnvelopeVerifier = (header: string | string[] | undefined) => EnvelopeResult;

/**
 * Verifies envelopes for one subgraph (`audience`), against any of the gateway's current public keys.
 */
export function createEnvelopeVerifier(
  publicKeysBase64: string[],
  audience: string,
  now: () => number = Date.now,
): EnvelopeVerifier {
  const keys = new Map<string, KeyObject>();
  for (const base64 of publicKeysBase64) {
    const key = createPublicKey({ key: Buffer.from(base64, "base64"), format: "der", type: "spki" });
    if (key.asymmetricKeyType !== "ed25519") throw new Error("Envelope verification keys must be Ed25519 keys.");
    keys.set(envelopeKeyId(key), key);
  }
  return (header) => {
    const value = Array.isArray(header) ? header[0] : header;
    if (!value) return { ok: false, reason: "missing" };
    const parts = value.split(".");
    if (parts.length !== 4 || parts[0] !== "v1") return { ok: false, reason: "malformed" };
    const [, kid, payload, signature] = parts as [string, string, string, string];
    const key = keys.get(kid);
    if (!key) return { ok: false, reason: "unknown-key" };
    let valid = false;
    try {
      valid = verify(null, Buffer.from(`v1.${kid}.${payload}`), key, Buffer.from(signature, "base64url"));
    } catch {
      return { ok: false, reason: "malformed" };
    }
    if (!valid) return { ok: false, reason: "bad-signature" };
    let envelope: Envelope;
    try {
      envelope = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Envelope;
    } catch {
      return { ok: false, reason: "malformed" };
    }
    if (
      typeof envelope.iat !== "number" ||
      typeof envelope.exp !== "number" ||
      typeof envelope.requestId !== "string" ||
      !(
        envelope.caseReference === undefined ||
        envelope.caseReference === null ||
        typeof envelope.caseReference === "string"
      ) ||
      !isPrincipal(envelope.principal)
    ) {
      return { ok: false, reason: "malformed" };
    }
    if (envelope.aud !== audience) return { ok: false, reason: "wrong-audience" };
    const seconds = now() / 1000;
    if (
      envelope.exp < seconds - ENVELOPE_CLOCK_SKEW_SECONDS ||
      envelope.iat > seconds + ENVELOPE_CLOCK_SKEW_SECONDS ||
      envelope.exp - envelope.iat > ENVELOPE_TTL_SECONDS
    ) {
      return { ok: false, reason: "expired" };
    }
    return { ok: true, envelope };
  };
}
