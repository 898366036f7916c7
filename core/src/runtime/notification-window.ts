import type { DateRange } from "../contracts/data-types.ts";
import { getByPointer } from "../ingress/json-pointer.ts";

const DAY_MS = 86_400_000;

export interface NotificationWindow extends DateRange {
  /** False when the notification named no (readable) window and the default was used. */
  fromNotification: boolean;
}

/**
 * The window a provider ping asks us to pull: `startPointer`/`endPointer` into the notification, each an
 * ISO-8601 string or unix seconds (number or digit string; 13 digits are read as milliseconds). Missing
 * or unreadable bounds fall back to the 24 hours before `receivedAt` — pulling a little too much is
 * harmless (natural keys), pulling nothing would lose the data the ping announced.
 */
export function notificationWindow(notification: unknown, pointers: { startPointer?: string; endPointer?: string }, receivedAt: number): NotificationWindow {
  const end = pointers.endPointer ? instant(getByPointer(notification, pointers.endPointer)) : undefined;
  const start = pointers.startPointer ? instant(getByPointer(notification, pointers.startPointer)) : undefined;
  const until = end ?? receivedAt;
  const from = start ?? until - DAY_MS;
  if (from >= until) return { start: new Date(receivedAt - DAY_MS), end: new Date(receivedAt), fromNotification: false };
  return { start: new Date(from), end: new Date(until), fromNotification: start !== undefined || end !== undefined };
}

function instant(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value > 1e12 ? value : value * 1000;
  if (typeof value !== "string" || value.trim() === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return instant(Number(value));
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : parsed;
}
