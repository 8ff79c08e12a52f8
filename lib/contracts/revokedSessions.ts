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

export const revokedSessionsSchema = z.object({
  sessions: z.array(revokedSessionSchema),
});

export type RevokedSession = z.infer<typeof revokedSessionSchema>;
export type RevokedSessionsPayload = z.infer<typeof revokedSessionsSchema>;
