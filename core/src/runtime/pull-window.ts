import type { DateRange } from "../contracts/data-types.ts";

const DAY_MS = 86_400_000;

/**
 * How far back a connector that declares no `maxHistoryDays` is pulled: providers keep a few years at
 * most, and a window reaching further (a ping naming 1970) only costs time and memory.
 */
export const DEFAULT_MAX_HISTORY_DAYS = 5 * 365 + 1;

/** How far ahead of now a window may reach: a day for clocks and time zones, then a margin for plans. */
export const MAX_FUTURE_DAYS = 7;

export interface ClampedWindow extends DateRange {
  /** True when the asked window reached outside what can hold data and was cut. */
  clamped: boolean;
}

/**
 * The part of a pull window that can hold data: no earlier than the provider's history reaches
 * (`maxHistoryDays`), no later than `MAX_FUTURE_DAYS` from now. Every pull — ping, on-demand request,
 * backfill, poll — goes through it, whatever the window's origin (a provider's notification, an API
 * caller). An invalid date or a window entirely outside comes back empty (start = end).
 */
export function clampPullWindow(range: DateRange, sync: { maxHistoryDays?: number | undefined }, now = Date.now()): ClampedWindow {
  const earliest = now - (sync.maxHistoryDays ?? DEFAULT_MAX_HISTORY_DAYS) * DAY_MS;
  const latest = now + MAX_FUTURE_DAYS * DAY_MS;
  const asked = { start: range.start.getTime(), end: range.end.getTime() };
  if (Number.isNaN(asked.start) || Number.isNaN(asked.end)) return { start: new Date(now), end: new Date(now), clamped: true };
  const start = Math.min(Math.max(asked.start, earliest), latest);
  const end = Math.max(Math.min(asked.end, latest), start);
  return { start: new Date(start), end: new Date(end), clamped: start !== asked.start || end !== asked.end };
}
