import { utcOffsetMinutesOf } from "@tributary/schemas";

/** An ISO-8601 timestamp read once: the instant (Unix ms) and the UTC offset it was written in. */
export interface Instant {
  ms: number;
  /** Minutes east of UTC; 0 for "Z" and for a local time written without an offset. */
  offsetMinutes: number;
}

const digit = (s: string, i: number) => s.charCodeAt(i) - 48;
const two = (s: string, i: number) => digit(s, i) * 10 + digit(s, i + 1);

/**
 * Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil). Month and day out
 * of range carry over as Date.UTC's do (month 13 is January of the next year).
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  return era * 146097 + yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear - 719468;
}

/**
 * Unix ms of a Terra timestamp. Terra's form ("2026-11-02T07:04:11.000000+01:00") is read by position,
 * since a one-hour activity has tens of thousands of sample timestamps; anything else goes to Date.parse.
 * A local time without an offset is read as UTC: FIT keeps UTC, and the wall clock is all it says.
 */
export function instantMs(value: string): number {
  const n = value.length;
  // Terra's own form, every character where it always is: read without looking for where parts end.
  if (n === 32 && value.charCodeAt(19) === 46 /* . */ && value.charCodeAt(29) === 58 /* : */ && value.charCodeAt(10) === 84 /* T */) {
    const sign = value.charCodeAt(26);
    if (sign === 43 || sign === 45) {
      const offset = (two(value, 27) * 60 + two(value, 30)) * (sign === 45 ? -1 : 1);
      const days = daysFromCivil(two(value, 0) * 100 + two(value, 2), two(value, 5), two(value, 8));
      const seconds = ((days * 24 + two(value, 11)) * 60 + two(value, 14) - offset) * 60 + two(value, 17);
      // Microseconds to the nearest millisecond.
      return seconds * 1000 + digit(value, 20) * 100 + two(value, 21) + (digit(value, 23) >= 5 ? 1 : 0);
    }
  }
  if (n >= 19 && value.charCodeAt(10) === 84 /* T */ && value.charCodeAt(4) === 45 && value.charCodeAt(13) === 58 && value.charCodeAt(16) === 58) {
    let i = 19;
    let fraction = 0;
    if (value.charCodeAt(i) === 46 /* . */) {
      let scale = 100;
      for (i++; i < n; i++) {
        const d = value.charCodeAt(i) - 48;
        if (d < 0 || d > 9) break;
        fraction += d * scale;
        scale /= 10;
      }
    }
    let offset = 0;
    if (i < n) {
      const sign = value.charCodeAt(i);
      if (sign === 43 || sign === 45) {
        const colon = value.charCodeAt(i + 3) === 58 ? 1 : 0;
        offset = (two(value, i + 1) * 60 + two(value, i + 3 + colon)) * (sign === 45 ? -1 : 1);
      } else if (sign !== 90 && sign !== 122) return Date.parse(value);
    }
    const days = daysFromCivil(digit(value, 0) * 1000 + digit(value, 1) * 100 + two(value, 2), two(value, 5), two(value, 8));
    const seconds = ((days * 24 + two(value, 11)) * 60 + two(value, 14) - offset) * 60 + two(value, 17);
    return seconds * 1000 + Math.round(fraction);
  }
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) || utcOffsetMinutesOf(value) !== undefined ? parsed : Date.parse(`${value}Z`);
}

export function readInstant(value: string): Instant {
  return { ms: instantMs(value), offsetMinutes: utcOffsetMinutesOf(value) ?? 0 };
}
