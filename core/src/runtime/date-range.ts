import type { DateRange } from "../contracts/data-types.ts";
import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";

const DAY_MS = 86_400_000;

export const rangeDays = (range: DateRange): number => (range.end.getTime() - range.start.getTime()) / DAY_MS;

export const isLargeRange = (range: DateRange, largeRequestDays: number): boolean => rangeDays(range) > largeRequestDays;

/** The last `days` days up to now. */
export function lastDays(days: number, now = new Date()): DateRange {
  return { start: new Date(now.getTime() - days * DAY_MS), end: now };
}

/**
 * Parse Terra's `start_date`/`end_date`: YYYY-MM-DD (a whole UTC day; end is inclusive of that day) or
 * 10-digit unix seconds. A missing end means now.
 */
export function parseDateRange(startDate: string, endDate?: string, now = new Date()): DateRange {
  const start = parseDateParam("start_date", startDate, false);
  const end = endDate ? parseDateParam("end_date", endDate, true) : now;
  if (end.getTime() <= start.getTime()) {
    throw new UserError(ErrorCodes.DATE_RANGE_INVALID, `end_date (${endDate}) must be after start_date (${startDate})`);
  }
  return { start, end };
}

function parseDateParam(name: string, value: string, endOfDay: boolean): Date {
  if (/^\d{10}$/.test(value)) return new Date(Number(value) * 1000);
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const day = new Date(`${value}T00:00:00.000Z`);
    if (!Number.isNaN(day.getTime())) return endOfDay ? new Date(day.getTime() + DAY_MS) : day;
  }
  const parsed = new Date(value);
  if (!Number.isNaN(parsed.getTime()) && /^\d{4}-\d{2}-\d{2}T/.test(value)) return parsed;
  throw new UserError(ErrorCodes.DATE_RANGE_INVALID, `${name} "${value}" is not a date`, {
    hint: "Use YYYY-MM-DD, an ISO-8601 date-time, or unix seconds (10 digits).",
  });
}
