/**
 * Sessions revoked at the identity service (logout, refresh-token reuse, disabled person), and integrator apps
 * disabled or expired there, polled every few seconds so that every gateway replica refuses their access tokens for
 * as long as it would otherwise accept them.
 *
 * A token is accepted until its `exp` plus the clock tolerance (`clockToleranceSeconds`), and every token of a
 * revoked session expires by the session's `until` (revocation + access-token lifetime). So an entry must revoke
 * until `until` + tolerance, not `until`: otherwise the last tolerance-seconds of every revoked token's life would be
 * open again. Both ends hold to that: the poll asks the identity service for sessions whose `until` + tolerance is
 * still ahead (`?skew=`), and entries already known are kept until then by this gateway's own clock, even when a
 * later list leaves them out (the identity service's clock may run ahead of ours). A session is never un-revoked,
 * so keeping an entry longer is always safe.
 *
 * The list is read against its contract (lib/contracts/revokedSessions.ts, which the identity service serves with): a
 * payload that does not match is refused whole (`PayloadRefused` to `onError`) and the entries held stay in force.
 */
import { readPayload } from "../../lib/contracts/payload.ts";
import { revokedSessionsSchema } from "../../lib/contracts/revokedSessions.ts";
import { poolFetch } from "../../lib/http/poolFetch.ts";

export interface RevocationListOptions {
  url: string;
  /** Signed gateway headers for one poll of this exact URL (a GET; the envelope is bound to it). */
  headers?: (url: string) => Record<string, string>;
  intervalMs?: number;
  timeoutMs?: number;
  /** The token verifier's clock tolerance in seconds: entries revoke until `until` + this. Default 30. */
  clockToleranceSeconds?: number;
  now?: () => number;
  onError?: (error: unknown) => void;
}

export interface RevocationList {
  isRevoked(sessionId: string): boolean;
  /**
   * Whether a token of this subject issued at `issuedAt` (epoch s) is refused because its integrator app was disabled
   * or expired after issuing it (the identity service lists such apps beside the sessions).
   */
  isSubjectRevoked(subject: string, issuedAt: number): boolean;
  /** Fetches now (tests, and start-up). */
  refresh(): Promise<void>;
  /** Sessions currently held (revoked, and not yet past `until` + tolerance). */
  size(): number;
  stop(): void;
}

export function createRevocationList(options: RevocationListOptions): RevocationList {
  const { url, intervalMs = 2000, timeoutMs = 1500, clockToleranceSeconds = 30, now = Date.now } = options;
  const toleranceMs = clockToleranceSeconds * 1000;
  /** sid → epoch ms until which its tokens are refused (`until` + tolerance). */
  let revoked = new Map<string, number>();
  /** app id → tokens issued at or before `issuedBefore` (epoch s) are refused until `refusedUntil` (epoch ms). */
  let revokedApps = new Map<string, { issuedBefore: number; refusedUntil: number }>();
  const pollUrl = `${url}${url.includes("?") ? "&" : "?"}skew=${clockToleranceSeconds}`;

  async function refresh() {
    try {
      const response = await poolFetch(pollUrl, {
        headers: options.headers?.(pollUrl),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) {
        await response.body.cancel();
        throw new Error(`revoked sessions answered HTTP ${response.status}`);
      }
      const body = await readPayload("revoked-sessions", revokedSessionsSchema, response);
      const at = now();
      const next = new Map<string, number>();
      for (const [sid, refusedUntil] of revoked) if (refusedUntil > at) next.set(sid, refusedUntil);
      for (const { sid, until } of body.sessions) {
        next.set(sid, Math.max(next.get(sid) ?? 0, until * 1000 + toleranceMs));
      }
      revoked = next;
      // Apps the same way: kept until their last refused token's exp + tolerance, and never narrowed by a later list.
      const nextApps = new Map<string, { issuedBefore: number; refusedUntil: number }>();
      for (const [id, entry] of revokedApps) if (entry.refusedUntil > at) nextApps.set(id, entry);
      for (const { id, issuedBefore, until } of body.apps ?? []) {
        if (typeof id !== "string" || typeof issuedBefore !== "number" || typeof until !== "number") continue;
        const known = nextApps.get(id);
        nextApps.set(id, {
          issuedBefore: Math.max(known?.issuedBefore ?? 0, issuedBefore),
          refusedUntil: Math.max(known?.refusedUntil ?? 0, until * 1000 + toleranceMs),
        });
      }
      revokedApps = nextApps;
    } catch (error) {
      // Keep the last known list: a revoked session stays revoked while the identity service is unreachable.
      options.onError?.(error);
    }
  }

  const timer = setInterval(() => void refresh(), intervalMs);
  timer.unref();
  return {
    isRevoked: (sessionId) => {
      const refusedUntil = revoked.get(sessionId);
      return refusedUntil !== undefined && refusedUntil > now();
    },
    isSubjectRevoked: (subject, issuedAt) => {
      const entry = revokedApps.get(subject);
      return entry !== undefined && entry.refusedUntil > now() && issuedAt <= entry.issuedBefore;
    },
    refresh,
    size: () => revoked.size,
    stop: () => clearInterval(timer),
  };
}
