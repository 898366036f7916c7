import type { MockClock } from "./clock.ts";

/** A quota: `max` requests per `perSeconds`, counted per OAuth client (all its users) or per user. */
export interface BudgetWindow {
  name?: string;
  scope: "client" | "user";
  max: number;
  perSeconds: number;
  /** Reset at multiples of perSeconds since the epoch (Strava's :00/:15/:30/:45) instead of sliding. */
  aligned?: boolean;
}

/**
 * Headers that tell the client what is left, named as the provider names them. Comma lists follow the
 * windows' order (Strava `X-RateLimit-Usage: 12,340`). A provider may send several sets (Strava's
 * X-RateLimit-* for all requests and X-ReadRateLimit-* for reads).
 */
export interface BudgetHeaders {
  limit?: string;
  usage?: string;
  remaining?: string;
  reset?: string;
  /** seconds from now (default), an epoch in seconds, or milliseconds from now. */
  resetUnit?: "seconds" | "epoch_seconds" | "ms";
  /** Which windows the headers describe. @default "client" */
  scope?: "client" | "user";
  /** By name, the windows of that scope the headers describe, in order (WHOOP's Remaining speaks of its minute only). @default all of them */
  windows?: readonly string[];
}

export interface BudgetKey {
  clientId: string;
  userId?: string;
}

export type BudgetDecision =
  | { allowed: true; headers: Record<string, string> }
  /** `freeAt`: when (epoch ms) the window lets a request in again; Retry-After is that, rounded up to whole seconds. */
  | { allowed: false; retryAfterSeconds: number; freeAt: number; window: BudgetWindow; headers: Record<string, string> };

export interface RequestBudget {
  /** Counts one request against every window that applies, or refuses it (a refused request is not counted). */
  take(key: BudgetKey): BudgetDecision;
  /** Requests used in each window for this key, in window order. */
  usage(key: BudgetKey): number[];
  reset(): void;
}

interface Counter {
  /** Sliding: times of the requests still inside the window, oldest first. */
  times: number[];
  /** Aligned: the window's start and its count. */
  start: number;
  count: number;
}

/**
 * A provider's rate limits, enforced: several windows at once, sliding or aligned, per client or per
 * user. Refusals carry Retry-After (seconds until a request would be let in) and the provider's
 * rate-limit headers.
 */
export function createRequestBudget(options: { windows: BudgetWindow[]; clock: MockClock; headers?: BudgetHeaders | readonly BudgetHeaders[] }): RequestBudget {
  const { windows, clock } = options;
  const counters = new Map<string, Counter>();

  const keyOf = (window: BudgetWindow, index: number, key: BudgetKey): string | undefined =>
    window.scope === "client" ? `${index}|c|${key.clientId}` : key.userId === undefined ? undefined : `${index}|u|${key.clientId}|${key.userId}`;

  const counter = (id: string): Counter => {
    let found = counters.get(id);
    if (!found) counters.set(id, (found = { times: [], start: 0, count: 0 }));
    return found;
  };

  /** Requests counted now and when the window next lets one more in. */
  const state = (window: BudgetWindow, id: string | undefined, now: number): { used: number; resetAt: number } => {
    const span = window.perSeconds * 1000;
    if (id === undefined) return { used: 0, resetAt: now + span };
    const c = counter(id);
    if (window.aligned) {
      const start = Math.floor(now / span) * span;
      if (c.start !== start) {
        c.start = start;
        c.count = 0;
      }
      return { used: c.count, resetAt: start + span };
    }
    let drop = 0;
    while (drop < c.times.length && (c.times[drop] as number) <= now - span) drop++;
    if (drop > 0) c.times.splice(0, drop);
    return { used: c.times.length, resetAt: (c.times[0] ?? now) + span };
  };

  const headerSets = options.headers === undefined ? [] : Array.isArray(options.headers) ? options.headers : [options.headers as BudgetHeaders];

  /** One header set's values: the windows it describes, in its order. */
  const headersOf = (spec: BudgetHeaders, key: BudgetKey, now: number): Record<string, string> => {
    const scope = spec.scope ?? "client";
    const named = spec.windows;
    const described = windows
      .map((w, i) => ({ w, i }))
      .filter(({ w }) => w.scope === scope && (named === undefined || (w.name !== undefined && named.includes(w.name))))
      .sort((a, b) => (named === undefined ? 0 : named.indexOf(a.w.name!) - named.indexOf(b.w.name!)));
    if (described.length === 0) return {};
    const states = described.map(({ w, i }) => ({ w, ...state(w, keyOf(w, i, key), now) }));
    const out: Record<string, string> = {};
    if (spec.limit) out[spec.limit.toLowerCase()] = states.map((s) => s.w.max).join(",");
    if (spec.usage) out[spec.usage.toLowerCase()] = states.map((s) => s.used).join(",");
    if (spec.remaining) out[spec.remaining.toLowerCase()] = states.map((s) => Math.max(0, s.w.max - s.used)).join(",");
    if (spec.reset) {
      out[spec.reset.toLowerCase()] = states
        .map((s) => {
          if (spec.resetUnit === "epoch_seconds") return String(Math.ceil(s.resetAt / 1000));
          if (spec.resetUnit === "ms") return String(Math.max(0, s.resetAt - now));
          return String(Math.max(0, Math.ceil((s.resetAt - now) / 1000)));
        })
        .join(",");
    }
    return out;
  };
  const headersFor = (key: BudgetKey, now: number): Record<string, string> => Object.assign({}, ...headerSets.map((spec) => headersOf(spec, key, now)));

  return {
    take(key) {
      const now = clock.now();
      let refusal: { window: BudgetWindow; retryAt: number } | undefined;
      windows.forEach((window, index) => {
        const { used, resetAt } = state(window, keyOf(window, index, key), now);
        if (used >= window.max && (!refusal || resetAt > refusal.retryAt)) refusal = { window, retryAt: resetAt };
      });
      if (refusal) {
        const retryAfterSeconds = Math.max(1, Math.ceil((refusal.retryAt - now) / 1000));
        return { allowed: false, retryAfterSeconds, freeAt: refusal.retryAt, window: refusal.window, headers: headersFor(key, now) };
      }
      windows.forEach((window, index) => {
        const id = keyOf(window, index, key);
        if (id === undefined) return;
        const c = counter(id);
        if (window.aligned) c.count++;
        else c.times.push(now);
      });
      return { allowed: true, headers: headersFor(key, now) };
    },
    usage(key) {
      const now = clock.now();
      return windows.map((window, index) => state(window, keyOf(window, index, key), now).used);
    },
    reset() {
      counters.clear();
    },
  };
}
