import type { RateLimitHeadersSpec } from "@tributary/schemas";

/** A rate window as the headers see it: its name and length, to match `;window=` policies. */
export interface HeaderWindow {
  name: string;
  scope: "client" | "user";
  perSeconds: number;
}

/** What a provider's rate-limit headers said about one window; undefined = not said. */
export interface WindowReading {
  used?: number;
  remaining?: number;
  /** ms from now until the provider's window resets. */
  resetMs?: number;
  limit?: number;
}

export interface HeaderReading extends WindowReading {
  /** Index into the windows given to `readRateLimitHeaders`. */
  window: number;
}

/**
 * What a provider's rate-limit headers say about each window. Comma lists map to the header set's
 * windows in order (Strava `X-RateLimit-Usage: 12,340` → 15-minute, daily). Limits written as policies
 * (`X-RateLimit-Limit: 100, 100;window=60, 10000;window=86400`, WHOOP and the IETF draft) match windows
 * by length instead. Reset is seconds from now unless the spec says epoch seconds or ms.
 */
export function readRateLimitHeaders(
  specs: readonly RateLimitHeadersSpec[],
  windows: readonly HeaderWindow[],
  headers: Readonly<Record<string, string>>,
  now = Date.now(),
): HeaderReading[] {
  const readings = new Map<number, HeaderReading>();
  const reading = (window: number) => {
    let found = readings.get(window);
    if (!found) readings.set(window, (found = { window }));
    return found;
  };
  for (const spec of specs) {
    const targets = targetsOf(spec, windows);
    if (targets.length === 0) continue;
    const list = (header: string | undefined) => (header ? numbers(headers[header.toLowerCase()]) : []);
    list(spec.usage).forEach((value, i) => {
      if (targets[i] !== undefined) reading(targets[i]!).used = value;
    });
    list(spec.remaining).forEach((value, i) => {
      if (targets[i] !== undefined) reading(targets[i]!).remaining = value;
    });
    list(spec.reset).forEach((value, i) => {
      if (targets[i] === undefined) return;
      const ms = spec.resetUnit === "epoch_seconds" ? value * 1000 - now : spec.resetUnit === "ms" ? value : value * 1000;
      reading(targets[i]!).resetMs = Math.max(0, ms);
    });
    if (spec.limit) {
      const raw = headers[spec.limit.toLowerCase()];
      const policies = raw ? policiesOf(raw) : [];
      if (policies.length > 0) {
        for (const policy of policies) {
          const target = targets.find((t) => windows[t]!.perSeconds === policy.seconds);
          if (target !== undefined) reading(target).limit = policy.quota;
        }
      } else {
        numbers(raw).forEach((value, i) => {
          if (targets[i] !== undefined) reading(targets[i]!).limit = value;
        });
      }
    }
  }
  return [...readings.values()];
}

function targetsOf(spec: RateLimitHeadersSpec, windows: readonly HeaderWindow[]): number[] {
  if (spec.windows) return spec.windows.map((name) => windows.findIndex((w) => w.name === name)).filter((i) => i >= 0);
  const scope = spec.scope ?? "client";
  return windows.flatMap((w, i) => (w.scope === scope ? [i] : []));
}

/** "12,340" → [12, 340]; items that are not numbers are skipped. */
function numbers(raw: string | undefined): number[] {
  if (!raw) return [];
  return raw.split(",").flatMap((item) => {
    const text = item.split(";")[0]!.trim();
    if (!/^\d+(\.\d+)?$/.test(text)) return [];
    return [Number(text)];
  });
}

/** `10000;window=86400` or `100;w=60` items of a limit header. */
function policiesOf(raw: string): { quota: number; seconds: number }[] {
  return raw.split(",").flatMap((item) => {
    const [quota, ...params] = item.split(";").map((p) => p.trim());
    const window = params.map((p) => /^(?:window|w)\s*=\s*(\d+)$/i.exec(p)).find((m) => m !== null);
    if (!window || !/^\d+$/.test(quota ?? "")) return [];
    return [{ quota: Number(quota), seconds: Number(window[1]) }];
  });
}
