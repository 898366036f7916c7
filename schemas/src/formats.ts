/**
 * Custom string formats. Terra types its timestamps as plain strings documented as ISO-8601; its own
 * examples mix microsecond precision with "+01:00" offsets ("2022-10-28T10:00:00.000000+01:00") and "Z"
 * ("2024-01-15T09:30:00Z"), and local-time payloads may carry no offset at all. RFC 3339 `date-time`
 * rejects the offset-less form, so we validate the ISO-8601 profile Terra actually emits.
 */
export const DATE_TIME_FORMAT = 'iso-date-time';
/** Date-only fields (birth dates, period start dates) that some providers fill with a full timestamp. */
export const DATE_OR_DATE_TIME_FORMAT = 'iso-date-or-date-time';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d{1,9})?)?(?:Z|[+-](\d{2}):?(\d{2}))?$/i;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function isValidDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  return day <= daysInMonth;
}

export function isIsoDate(value: string): boolean {
  const m = DATE.exec(value);
  return m !== null && isValidDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

export function isIsoDateTime(value: string): boolean {
  const m = DATE_TIME.exec(value);
  if (m === null) return false;
  const [, year, month, day, hour, minute, second, offsetHour, offsetMinute] = m;
  if (!isValidDate(Number(year), Number(month), Number(day))) return false;
  // 60 is allowed for leap seconds, as RFC 3339 does.
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second ?? 0) > 60) return false;
  return offsetHour === undefined || (Number(offsetHour) <= 23 && Number(offsetMinute) <= 59);
}

export function isIsoDateOrDateTime(value: string): boolean {
  return isIsoDate(value) || isIsoDateTime(value);
}

/** Human wording for format names, used in validation messages. */
export const FORMAT_DESCRIPTIONS: Readonly<Record<string, string>> = {
  [DATE_TIME_FORMAT]: 'an ISO-8601 date-time such as "2022-10-28T10:00:00.000000+01:00"',
  [DATE_OR_DATE_TIME_FORMAT]: 'an ISO-8601 date ("2022-10-28") or date-time',
  uri: 'an absolute URI',
};
