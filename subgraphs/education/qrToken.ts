/**
 * The entrance code of a school sports ground (学校体育场地开放, 二维码扫码登记入场).
 *
 * The code at a ground's entrance encodes a token that changes every local day:
 *
 *     token = base64url( HMAC-SHA256( key = ground.qrSecret, message = "<groundId>|<YYYY-MM-DD>" ) )
 *
 * where the date is the local (Asia/Shanghai) day. Each ground has its own random secret, stored only in this
 * subgraph's database (never served by the API) and provisioned to the screen or print run at the entrance, which
 * computes the same token. A token therefore proves that the resident saw that ground's code that day: a code from
 * another ground, or yesterday's photo, does not verify. A printed code is valid for its whole day; a screen that
 * wants shorter-lived codes would add a time step to the message.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** The token the entrance code of `groundId` carries on local day `date` (YYYY-MM-DD). */
export function schoolGroundQrToken(secret: string, groundId: string, date: string): string {
  return createHmac("sha256", secret).update(`${groundId}|${date}`).digest("base64url");
}

/** True when `token` is the code of `groundId` on `date`. Compares in constant time. */
export function verifySchoolGroundQrToken(secret: string, groundId: string, date: string, token: string): boolean {
  const expected = Buffer.from(schoolGroundQrToken(secret, groundId, date), "utf8");
  const given = Buffer.from(token.trim(), "utf8");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A fresh per-ground secret: 32 random bytes. */
export function newQrSecret(): string {
  return randomBytes(32).toString("base64url");
}
