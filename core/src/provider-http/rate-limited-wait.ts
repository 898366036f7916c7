import type { HttpSpec, RateLimitHeadersSpec, RateLimitSpec, ResponseRule } from "@tributary/schemas";
import { readRateLimitHeaders, type HeaderWindow } from "./rate-limit-headers.ts";
import { retryAfterMs } from "./retry-after.ts";

/** When a 429 says nothing about how long: a minute, the shortest window providers commonly use. */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;

/** A window the spec declares, as the client knows it: named like the budget names it. */
export interface DeclaredWindow extends HeaderWindow {
  max: number;
  aligned: boolean;
}

/** The spec's `rateLimits` with the names the budget and the header sets use (an unnamed one gets `<scope>_<seconds>s_<index>`). */
export function declaredWindows(limits: readonly RateLimitSpec[] | undefined): DeclaredWindow[] {
  return (limits ?? []).map((limit, index) => ({
    name: limit.name ?? `${limit.scope}_${limit.perSeconds}s_${index}`,
    scope: limit.scope,
    max: limit.max,
    perSeconds: limit.perSeconds,
    aligned: limit.aligned ?? false,
  }));
}

/** `http.rateLimitHeaders` as a list: one set, or several (Strava's X-RateLimit-* and X-ReadRateLimit-*). */
export function headerSetsOf(declared: RateLimitHeadersSpec | readonly RateLimitHeadersSpec[] | undefined): readonly RateLimitHeadersSpec[] {
  return declared === undefined ? [] : Array.isArray(declared) ? declared : [declared as RateLimitHeadersSpec];
}

/**
 * How long a refused request (a `rate_limited` answer) waits before it is made again, from what the
 * provider said and what the spec knows, first that answers:
 * 1. the Retry-After the rule reads (Fitbit, Oura);
 * 2. the rate-limit headers: a window they report spent — its reset (WHOOP's X-RateLimit-Reset), or for
 *    an aligned window its next boundary (Strava's X-RateLimit-Usage at its limit: the next quarter hour
 *    or midnight UTC);
 * 3. the rule's `retryAfter.defaultSeconds`;
 * 4. the shortest declared window: until its next boundary when aligned, else its whole length (Wahoo
 *    says nothing at all);
 * 5. a minute.
 * A wait computed from a boundary gets a tenth of the window (at most a second) more, for clock skew.
 */
export function rateLimitedWaitMs(
  http: Pick<HttpSpec, "rateLimits" | "rateLimitHeaders">,
  headers: Readonly<Record<string, string>>,
  rule: ResponseRule | undefined,
  now = Date.now(),
): number {
  const said = retryAfterMs(headers, rule?.retryAfter, now);
  if (said !== undefined) return said;
  const windows = declaredWindows(http.rateLimits);
  const spent = spentWindowWaits(windows, headerSetsOf(http.rateLimitHeaders), headers, now);
  if (spent.length > 0) return Math.max(...spent);
  if (rule?.retryAfter?.defaultSeconds !== undefined) return rule.retryAfter.defaultSeconds * 1000;
  const shortest = [...windows].sort((a, b) => a.perSeconds - b.perSeconds)[0];
  if (shortest) return shortest.aligned ? untilBoundary(shortest, now) : shortest.perSeconds * 1000;
  return DEFAULT_RATE_LIMIT_WAIT_MS;
}

/** For each window the headers report spent, how long until it lets a request in again (when that can be told). */
function spentWindowWaits(
  windows: readonly DeclaredWindow[],
  sets: readonly RateLimitHeadersSpec[],
  headers: Readonly<Record<string, string>>,
  now: number,
): number[] {
  if (sets.length === 0 || windows.length === 0) return [];
  const waits: number[] = [];
  for (const reading of readRateLimitHeaders(sets, windows, headers, now)) {
    const window = windows[reading.window]!;
    const limit = reading.limit ?? window.max;
    const isSpent = reading.remaining !== undefined ? reading.remaining <= 0 : reading.used !== undefined && reading.used >= limit;
    if (!isSpent) continue;
    if (reading.resetMs !== undefined) waits.push(reading.resetMs);
    else if (window.aligned) waits.push(untilBoundary(window, now));
  }
  return waits;
}

function untilBoundary(window: Pick<DeclaredWindow, "perSeconds">, now: number): number {
  const span = window.perSeconds * 1000;
  return Math.ceil(now / span) * span - now + Math.min(1000, span / 10);
}
