import { localToInstant, type TimeZone } from "../mapping/time.ts";

const DAY_MS = 86_400_000;

/** A span of time [start, end) in epoch ms. */
export interface TimeWindow {
  start: number;
  end: number;
}

export interface ClampOptions {
  now: number;
  /** The provider serves nothing older than this many days. */
  maxHistoryDays?: number | undefined;
  /** How far past now a window may reach (clock skew, records written "now"). */
  futureMarginMs: number;
  /** Widen to whole UTC days (the stream's dates are days): steps then never split a day. */
  wholeDays: boolean;
  /** Whole days are this zone's (dateRange.localDays): local midnight to local midnight. */
  zone?: TimeZone | undefined;
}

/**
 * The part of a requested window the provider can serve: no older than maxHistoryDays, no later than
 * now plus a small margin. Undefined when nothing is left.
 */
export function clampWindow(window: TimeWindow, options: ClampOptions): TimeWindow | undefined {
  let start = window.start;
  let end = Math.min(window.end, options.now + options.futureMarginMs);
  if (options.maxHistoryDays !== undefined) start = Math.max(start, options.now - options.maxHistoryDays * DAY_MS);
  if (options.wholeDays) {
    const zone = options.zone;
    if (zone) {
      start = localMidnight(start, zone);
      const last = localMidnight(end, zone);
      end = last === end ? end : addLocalDays(last, 1, zone);
    } else {
      start = Math.floor(start / DAY_MS) * DAY_MS;
      end = Math.ceil(end / DAY_MS) * DAY_MS;
    }
  }
  return end > start ? { start, end } : undefined;
}

/**
 * The windows one request at a time may ask for: at most maxWindowDays each, oldest first (from the
 * start) or newest first (from the end). Lazily, so a five-year range is never materialised.
 */
export function* stepWindows(
  window: TimeWindow,
  maxWindowDays: number | undefined,
  order: "oldest_first" | "newest_first" = "oldest_first",
  zone?: TimeZone,
): Generator<TimeWindow> {
  if (zone && maxWindowDays !== undefined && Number.isInteger(maxWindowDays)) {
    // Local days: a step of one day is 23 or 25 hours when the clocks change.
    if (order === "newest_first") {
      for (let end = window.end; end > window.start; ) {
        const start = Math.max(window.start, addLocalDays(end, -maxWindowDays, zone));
        yield { start, end };
        end = start;
      }
    } else {
      for (let start = window.start; start < window.end; ) {
        const end = Math.min(window.end, addLocalDays(start, maxWindowDays, zone));
        yield { start, end };
        start = end;
      }
    }
    return;
  }
  const step = maxWindowDays === undefined ? Number.POSITIVE_INFINITY : Math.max(1, Math.round(maxWindowDays * DAY_MS));
  if (order === "newest_first") {
    for (let end = window.end; end > window.start; end -= step) yield { start: Math.max(window.start, end - step), end };
  } else {
    for (let start = window.start; start < window.end; start += step) yield { start, end: Math.min(window.end, start + step) };
  }
}

/** The instant the local day holding an instant began, in a zone. */
function localMidnight(epochMs: number, zone: TimeZone): number {
  const local = epochMs + zone.offsetAt(epochMs) * 1000;
  return localToInstant(Math.floor(local / DAY_MS) * DAY_MS, zone);
}

/** The instant at the same local wall-clock time some days later (or earlier), in a zone. */
function addLocalDays(epochMs: number, days: number, zone: TimeZone): number {
  return localToInstant(epochMs + zone.offsetAt(epochMs) * 1000 + days * DAY_MS, zone);
}
