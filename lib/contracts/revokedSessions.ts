/**
 * GET /oauth/revoked-sessions?skew=<seconds> (identity → gateway): the token sessions every gateway replica must
 * refuse, each until the `exp` of its last access token. The identity service serves it
 * (subgraphs/identity/oauthRoutes.ts), the gateway polls it (gateway/auth/revocations.ts); both import this schema.
 * A payload that does not match is refused whole and the gateway keeps the list it had (a revoked session stays
 * revoked while the list cannot be read).
 */
import { z } from "zod";

export const revokedSessionSchema = z.object({
  /** The session id (the `sid` claim of its tokens). */
  sid: z.string().min(1).max(200),
  /** Epoch seconds: the `exp` of the session's last access token (revocation + access-token lifetime). */
  until: z.number().int().nonnegative(),
});

/** An integrator app disabled or expired (subgraphs/identity/apps/appLifecycle.ts): its tokens issued before are refused. */
export const refusedAppSchema = z.object({
  /** The app's id (the `sub` of its tokens). */
  id: z.string().min(1).max(200),
  /** Epoch seconds: tokens issued before this moment (the disabling or the expiry) are refused. */
  issuedBefore: z.number().int().nonnegative(),
  /** Epoch seconds: until when the entry matters (the last such token's exp). */
  until: z.number().int().nonnegative(),
});

export const revokedSessionsSchema = z.object({
  sessions: z.array(revokedSessionSchema),
  /** Apps whose earlier tokens every gateway refuses; absent from an identity service older than app lifecycles. */
  apps: z.array(refusedAppSchema).optional(),
});

export type RevokedSession = z.infer<typeof revokedSessionSchema>;
export type RefusedApp = z.infer<typeof refusedAppSchema>;
export type RevokedSessionsPayload = z.infer<typeof revokedSessionsSchema>;
