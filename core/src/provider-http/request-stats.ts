/**
 * What one session's provider requests cost: counts, and where the time went. `waitedMs` is time spent
 * waiting in-process (rate budget, Retry-After, retry backoff); `waitShare` relates it to the session's
 * whole life, the number to watch when a connector's pulls get slow.
 */
export interface RequestStats {
  /** Requests asked for (each may take several attempts). */
  requests: number;
  /** Requests sent on the wire. */
  attempts: number;
  retries: number;
  refreshes: number;
  /** 429s (and rate_limited rules) seen. */
  rateLimited: number;
  /** Times the rate budget made a request wait in-process. */
  budgetWaits: number;
  waitedMs: number;
  /** Time spent in the transport (sending, waiting for and reading answers). */
  transportMs: number;
  /** Bytes of answer bodies received (every attempt's): what a reader holds in memory grows with it. */
  bytesReceived: number;
  startedAt: number;
}

export function newRequestStats(now = Date.now()): RequestStats {
  return { requests: 0, attempts: 0, retries: 0, refreshes: 0, rateLimited: 0, budgetWaits: 0, waitedMs: 0, transportMs: 0, bytesReceived: 0, startedAt: now };
}

/** Share (0–1) of the session's elapsed time spent waiting in-process. */
export function waitShare(stats: RequestStats, now = Date.now()): number {
  const elapsed = now - stats.startedAt;
  return elapsed <= 0 ? 0 : Math.min(1, stats.waitedMs / elapsed);
}
