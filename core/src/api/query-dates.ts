import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";

const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const UNIX_SECONDS = /^\d{1,10}$/;

/**
 * Terra's `start_date`/`end_date`: a date (YYYY-MM-DD, a whole UTC day; an end date includes its day) or
 * unix seconds. A missing end means now; an end before or at the start is refused.
 */
export function parseQueryRange(startDate: string, endDate: string | undefined, now = new Date()): { start: Date; end: Date } {
  const start = parseQueryDate("start_date", startDate, false);
  const end = endDate === undefined ? now : parseQueryDate("end_date", endDate, true);
  if (end.getTime() <= start.getTime()) {
    throw new UserError(
      ErrorCodes.DATE_RANGE_INVALID,
      endDate === undefined ? `start_date ${startDate} is in the future` : `end_date ${endDate} is not after start_date ${startDate}`,
      { hint: "Give an end_date after the start_date (or none, for now)." },
    );
  }
  return { start, end };
}

function parseQueryDate(name: string, value: string, endOfDay: boolean): Date {
  if (UNIX_SECONDS.test(value)) return new Date(Number(value) * 1000);
  if (DATE.test(value)) {
    const day = new Date(`${value}T00:00:00.000Z`);
    // Date accepts 2024-02-30 as March 1st: only a date that reads back the same is one.
    if (!Number.isNaN(day.getTime()) && day.toISOString().startsWith(value)) return endOfDay ? new Date(day.getTime() + DAY_MS) : day;
  }
  const looksLikeMilliseconds = /^\d{13}$/.test(value);
  throw new UserError(ErrorCodes.DATE_RANGE_INVALID, `invalid ${name} "${value}"`, {
    hint: looksLikeMilliseconds ? "That looks like milliseconds: give unix seconds (10 digits)." : "Use a date, YYYY-MM-DD, or unix seconds (10 digits).",
  });
}
