import { ErrorCodes, UserError, type DateRange } from "@tributary/core/contracts";

/** The pull range, refused when it is not a pair of valid dates (retrying the same job cannot fix it). */
export function checkedRange(range: DateRange): DateRange {
  const start = range.start.getTime();
  const end = range.end.getTime();
  if (Number.isNaN(start) || Number.isNaN(end)) {
    throw new UserError(ErrorCodes.DATE_RANGE_INVALID, "The sandbox pull range has an invalid start or end date", {
      hint: "Pass start_date/end_date as YYYY-MM-DD or unix seconds.",
    });
  }
  return range;
}
