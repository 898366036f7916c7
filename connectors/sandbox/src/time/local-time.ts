import type { DateRange } from "@tributary/core/contracts";

/**
 * Calendar arithmetic on "day numbers": whole days since 1970-01-01 in the user's local time. Each sandbox
 * user lives at one fixed UTC offset (no daylight saving), which keeps day boundaries exact and the
 * generators free of a timezone database.
 */
export const DAY_MS = 86_400_000;
export const DAY_SECONDS = 86_400;

export function localDayNumber(epochMs: number, offsetMinutes: number): number {
  return Math.floor((epochMs + offsetMinutes * 60_000) / DAY_MS);
}

/** The instant of local midnight at the start of `day`. */
export function localMidnightMs(day: number, offsetMinutes: number): number {
  return day * DAY_MS - offsetMinutes * 60_000;
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function dayOfWeek(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

export function isWeekend(day: number): boolean {
  const weekday = dayOfWeek(day);
  return weekday === 0 || weekday === 6;
}

/** "YYYY-MM-DD" of a day number. */
export function isoDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function dayNumberOfIsoDate(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

/**
 * Local days whose [midnight, next midnight) window overlaps the range: a day-based record (daily, body,
 * nutrition, menstruation) is returned when any part of its day was asked for.
 */
export function localDaysOverlapping(range: DateRange, offsetMinutes: number): number[] {
  const start = range.start.getTime();
  const end = range.end.getTime();
  if (!(end > start)) return [];
  const first = localDayNumber(start, offsetMinutes);
  const last = localDayNumber(end - 1, offsetMinutes);
  const days: number[] = [];
  for (let day = first; day <= last; day++) days.push(day);
  return days;
}

/** Whether an instant falls in the half-open range [start, end): how sessions are selected. */
export function inRange(epochMs: number, range: DateRange): boolean {
  return epochMs >= range.start.getTime() && epochMs < range.end.getTime();
}
