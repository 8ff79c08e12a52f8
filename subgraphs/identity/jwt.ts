/**
 * Signing and checking this service's access tokens with `jsonwebtoken` (ES256: ECDSA on P-256 with SHA-256, the
 * signature as raw r‖s per RFC 7518 §3.4). The gateway verifies the same tokens with the same library against the
 * JWKS; here verification serves only /oauth/revoke.
 */
import { createPublicKey, type KeyObject } from "node:crypto";
import jwt from "jsonwebtoken";
import type { PublicJwk } from "./signingKeys.ts";

/** Signs the claims as they are: `iat`, `nbf` and `exp` come from the caller's clock, not the library's. */
export function signJwt(payload: Record<string, unknown>, kid: string, privateKey: KeyObject): string {
  return jwt.sign(payload, privateKey, { algorithm: "ES256", keyid: kid });
}

/**
 * The payload of a token signed by one of `keys`, or null. Checks the signature and the algorithm only: callers
 * decide what the times mean for them (revoking an expired token is harmless, and the clock is injectable).
 */
export function verifyJwtSignature(token: string, keys: PublicJwk[]): Record<string, unknown> | null {
  const decoded = jwt.decode(token, { complete: true });
  const jwk = decoded ? keys.find((key) => key.kid === decoded.header.kid) : undefined;
  if (!decoded || !jwk || decoded.header.alg !== "ES256") return null;
  try {
    const payload = jwt.verify(token, publicKeyOf(jwk), {
      algorithms: ["ES256"],
      ignoreExpiration: true,
      ignoreNotBefore: true,
    });
    return typeof payload === "object" && payload !== null ? (payload as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function publicKeyOf(jwk: PublicJwk): KeyObject {
  return createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, format: "jwk" });
}
