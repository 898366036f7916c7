/**
 * Custom string formats. Terra types its timestamps as plain strings documented as ISO-8601; its own
 * examples mix microsecond precision with "+01:00" offsets ("2022-10-28T10:00:00.000000+01:00") and "Z"
 * ("2024-01-15T09:30:00Z"), and local-time payloads may carry no offset at all. RFC 3339 `date-time`
 * rejects the offset-less form, so we validate the ISO-8601 profile Terra actually emits.
 */
export const DATE_TIME_FORMAT = "iso-date-time";
/** Date-only fields (birth dates, period start dates) that some providers fill with a full timestamp. */
export const DATE_OR_DATE_TIME_FORMAT = "iso-date-or-date-time";

// Shape only (no capture groups): the numeric ranges are checked by reading digits at fixed offsets,
// which costs far less than materializing a match array and parsing each group. Validation runs this
// for every timestamp of every record, so it is on the ingest hot path.
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?$/i;

const PLUS = 43;
const MINUS = 45;
const COLON = 58;

/** The two-digit number at `i` (the caller's regex has checked both are digits). */
function twoDigits(value: string, i: number): number {
  return (value.charCodeAt(i) - 48) * 10 + (value.charCodeAt(i + 1) - 48);
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Year, month and day of a string starting with YYYY-MM-DD. */
function isValidDatePrefix(value: string): boolean {
  const month = twoDigits(value, 5);
  const day = twoDigits(value, 8);
  if (month < 1 || month > 12 || day < 1) return false;
  if (day <= DAYS_IN_MONTH[month - 1]!) return true;
  return month === 2 && day === 29 && isLeapYear(twoDigits(value, 0) * 100 + twoDigits(value, 2));
}

export function isIsoDate(value: string): boolean {
  return DATE.test(value) && isValidDatePrefix(value);
}

export function isIsoDateTime(value: string): boolean {
  if (!DATE_TIME.test(value) || !isValidDatePrefix(value)) return false;
  // 60 is allowed for leap seconds, as RFC 3339 does.
  if (twoDigits(value, 11) > 23 || twoDigits(value, 14) > 59) return false;
  const hasSeconds = value.charCodeAt(16) === COLON;
  if (hasSeconds && twoDigits(value, 17) > 60) return false;
  // Past the minutes only an offset can hold a sign.
  for (let i = 16; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === PLUS || c === MINUS) {
      const minutesAt = value.charCodeAt(i + 3) === COLON ? i + 4 : i + 3;
      return twoDigits(value, i + 1) <= 23 && twoDigits(value, minutesAt) <= 59;
    }
  }
  return true;
}

export function isIsoDateOrDateTime(value: string): boolean {
  return isIsoDate(value) || isIsoDateTime(value);
}

/** Human wording for format names, used in validation messages. */
export const FORMAT_DESCRIPTIONS: Readonly<Record<string, string>> = {
  [DATE_TIME_FORMAT]: 'an ISO-8601 date-time such as "2022-10-28T10:00:00.000000+01:00"',
  [DATE_OR_DATE_TIME_FORMAT]: 'an ISO-8601 date ("2022-10-28") or date-time',
  uri: "an absolute URI",
};
