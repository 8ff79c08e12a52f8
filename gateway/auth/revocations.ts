/**
 * Sessions revoked at the identity service (logout, refresh-token reuse, disabled person), polled every few
 * seconds so that every gateway replica refuses their access tokens until those expire. Entries drop out once the
 * last token of the session has expired.
 */
export interface RevocationListOptions {
  url: string;
  headers?: () => Record<string, string>;
  intervalMs?: number;
  timeoutMs?: number;
  now?: () => number;
  onError?: (error: unknown) => void;
}

export interface RevocationList {
  isRevoked(sessionId: string): boolean;
  /** Fetches now (tests, and start-up). */
  refresh(): Promise<void>;
  stop(): void;
}

export function createRevocationList(options: RevocationListOptions): RevocationList {
  const { url, intervalMs = 2000, timeoutMs = 1500, now = Date.now } = options;
  let revoked = new Map<string, number>();

  async function refresh() {
    try {
      const response = await fetch(url, { headers: options.headers?.(), signal: AbortSignal.timeout(timeoutMs) });
      if (!response.ok) throw new Error(`revoked sessions answered HTTP ${response.status}`);
      const body = (await response.json()) as { sessions?: Array<{ sid: string; until: number }> };
      revoked = new Map((body.sessions ?? []).map(({ sid, until }) => [sid, until * 1000]));
    } catch (error) {
      // Keep the last known list: a revoked session stays revoked while the identity service is unreachable.
      options.onError?.(error);
    }
  }

  const timer = setInterval(() => void refresh(), intervalMs);
  timer.unref();
  return {
    isRevoked: (sessionId) => {
      const until = revoked.get(sessionId);
      return until !== undefined && until > now();
    },
    refresh,
    stop: () => clearInterval(timer),
  };
}
