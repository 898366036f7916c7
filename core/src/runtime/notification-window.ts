import type { DateRange } from "../contracts/data-types.ts";
import { compilePointer } from "../spec/pointer.ts";

const DAY_MS = 86_400_000;
/** The widest offset from UTC a local day can have (UTC+14, UTC−12): a local date lies within these bounds. */
const LOCAL_DAY_SLACK_MS = 14 * 3_600_000;

export interface NotificationWindow extends DateRange {
  /** False when the notification named no (readable) window and the default was used. */
  fromNotification: boolean;
}

/** Where a `pull_window` action finds its window in the notification (JSON pointers). */
export interface WindowPointers {
  start?: string | undefined;
  end?: string | undefined;
  /** A day whose data changed (Fitbit's `date`, Withings' `date`): that day, whatever the user's time zone. */
  date?: string | undefined;
}

/**
 * The window a provider ping asks us to pull. `start`/`end` are ISO-8601 strings or unix seconds
 * (number or digit string; 13 digits are read as milliseconds; beyond what a Date holds, unreadable); `date` is a local day `YYYY-MM-DD`,
 * pulled from its earliest to its latest instant in any time zone. Missing or unreadable bounds fall
 * back to the 24 hours before `receivedAt` — pulling a little too much is harmless (natural keys),
 * pulling nothing would lose the data the ping announced.
 */
export function notificationWindow(notification: unknown, pointers: WindowPointers, receivedAt: number): NotificationWindow {
  const day = pointers.date ? localDay(compilePointer(pointers.date)(notification)) : undefined;
  if (day !== undefined) return { start: new Date(day - LOCAL_DAY_SLACK_MS), end: new Date(day + DAY_MS + LOCAL_DAY_SLACK_MS), fromNotification: true };
  const end = pointers.end ? notificationInstant(compilePointer(pointers.end)(notification)) : undefined;
  const start = pointers.start ? notificationInstant(compilePointer(pointers.start)(notification)) : undefined;
  const until = end ?? receivedAt;
  const from = start ?? until - DAY_MS;
  if (from >= until) return { start: new Date(receivedAt - DAY_MS), end: new Date(receivedAt), fromNotification: false };
  return { start: new Date(from), end: new Date(until), fromNotification: start !== undefined || end !== undefined };
}

/** The furthest instant from 1970 a Date holds (ms): beyond it a bound is unreadable, not an Invalid Date. */
const MAX_DATE_MS = 8.64e15;

/** An instant a notification names, in unix ms: ISO 8601 text, or unix seconds (13 digits: ms), as a number or digits; else undefined. */
export function notificationInstant(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) {
    const ms = value > 1e12 ? value : value * 1000;
    return Math.abs(ms) <= MAX_DATE_MS ? ms : undefined;
  }
  if (typeof value !== "string" || value.trim() === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return notificationInstant(Number(value));
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : parsed;
}

/** Midnight UTC of a `YYYY-MM-DD` day (also the date part of a longer ISO string), or undefined. */
function localDay(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const match = /^(\d{4}-\d{2}-\d{2})(?:$|T)/.exec(value);
  if (!match) return undefined;
  const parsed = Date.parse(`${match[1]}T00:00:00Z`);
  return Number.isNaN(parsed) ? undefined : parsed;
}
