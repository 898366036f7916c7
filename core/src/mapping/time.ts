/**
 * Moments in time as providers write them (epoch numbers, ISO-8601 with or without an offset, dates) and
 * as the Terra Standard wants them: ISO-8601 local wall-clock time with microseconds and the UTC offset in
 * force at that instant ("2022-03-27T03:30:00.000000+02:00"). IANA zones are resolved with the runtime's
 * own time-zone database (Intl), so daylight-saving changes fall where the zone's rules put them.
 */

/** An instant and the offset (seconds east of UTC) it is shown in. */
export interface ZonedInstant {
  epochMs: number;
  offsetSeconds: number;
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => pad2(n));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, n) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n)));

/** "+02:00" for 7200, "-05:30" for -19800. */
export function offsetSuffix(offsetSeconds: number): string {
  const sign = offsetSeconds < 0 ? "-" : "+";
  const minutes = Math.round(Math.abs(offsetSeconds) / 60);
  return `${sign}${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}`;
}

// Formatting runs once per sample (3,600 times for a one-hour workout at 1 Hz, for each sample list), so
// the text is assembled from cached pieces: "YYYY-MM-DDTHH:" per hour of local time, "MM:SS" from a table,
// and ".mmm000+HH:MM" per millisecond value and offset.
const MINUTE_SECOND = Array.from({ length: 3600 }, (_, n) => `${pad2(Math.floor(n / 60))}:${pad2(n % 60)}`);
let lastHourKey = Number.NaN;
let lastOffset = Number.NaN;
let lastHourPrefix = "";
let lastSuffix = "";
let wholeSecondTail = "";

// A record's sample lists usually share their instants (heart rate, power, cadence… at the same second):
// the text of recent instants is kept, so each is formatted once and the lists share one string.
const RECENT_SLOTS = 8192;
const recentInstants = new Float64Array(RECENT_SLOTS).fill(Number.NaN);
const recentOffsets = new Float64Array(RECENT_SLOTS);
const recentTexts: string[] = new Array<string>(RECENT_SLOTS).fill("");

/** Terra's timestamp text for an instant shown at an offset. */
export function formatTimestamp(epochMs: number, offsetSeconds: number): string {
  // Seconds and milliseconds spread instants over the slots; `%` on an epoch in ms (past 2^31) would be a
  // floating-point remainder, far slower than this subtraction.
  const seconds = Math.floor(epochMs / 1000);
  const slot = (seconds + (epochMs - seconds * 1000)) & (RECENT_SLOTS - 1);
  if (recentInstants[slot] === epochMs && recentOffsets[slot] === offsetSeconds) return recentTexts[slot]!;
  const text = formatUncached(epochMs, offsetSeconds);
  recentInstants[slot] = epochMs;
  recentOffsets[slot] = offsetSeconds;
  recentTexts[slot] = text;
  return text;
}

function formatUncached(epochMs: number, offsetSeconds: number): string {
  const localMs = Math.round(epochMs + offsetSeconds * 1000);
  const hourKey = Math.floor(localMs / 3_600_000);
  if (offsetSeconds !== lastOffset) {
    lastOffset = offsetSeconds;
    lastSuffix = offsetSuffix(offsetSeconds);
    wholeSecondTail = `.000000${lastSuffix}`;
    lastHourKey = Number.NaN;
  }
  if (hourKey !== lastHourKey) {
    const local = new Date(hourKey * 3_600_000);
    const year = local.getUTCFullYear();
    const yearText = year >= 0 && year <= 9999 ? String(year).padStart(4, "0") : (year < 0 ? "-" : "+") + String(Math.abs(year)).padStart(6, "0");
    lastHourPrefix = `${yearText}-${TWO_DIGITS[local.getUTCMonth() + 1]}-${TWO_DIGITS[local.getUTCDate()]}T${TWO_DIGITS[local.getUTCHours()]}:`;
    lastHourKey = hourKey;
  }
  const withinHour = localMs - hourKey * 3_600_000;
  const milli = withinHour % 1000;
  const tail = milli === 0 ? wholeSecondTail : `.${THREE_DIGITS[milli]}000${lastSuffix}`;
  return lastHourPrefix + MINUTE_SECOND[(withinHour - milli) / 1000] + tail;
}

/** The local calendar date ("YYYY-MM-DD") of an instant shown at an offset. */
export function formatDate(epochMs: number, offsetSeconds: number): string {
  return formatTimestamp(epochMs, offsetSeconds).slice(0, 10);
}

// ---------------------------------------------------------------------------------------------------------
// Offsets and zones

const OFFSET_TEXT = /^(?:Z|([+-])(\d{2}):?(\d{2})(?::?(\d{2}))?)$/i;

/** "+02:00", "-0530", "Z" → seconds east; undefined when the text is not an offset. */
export function parseOffsetText(text: string): number | undefined {
  const match = OFFSET_TEXT.exec(text.trim());
  if (!match) return undefined;
  if (match[1] === undefined) return 0;
  const seconds = Number(match[2]) * 3600 + Number(match[3]) * 60 + Number(match[4] ?? 0);
  if (seconds > 18 * 3600) return undefined;
  return match[1] === "-" ? -seconds : seconds;
}

/** An offset given as seconds east or as text; throws a readable TypeError otherwise. */
export function readOffset(value: unknown): number {
  if (typeof value === "number" && Number.isFinite(value) && Math.abs(value) <= 18 * 3600) return Math.round(value);
  if (typeof value === "string") {
    const parsed = parseOffsetText(value);
    if (parsed !== undefined) return parsed;
    const numeric = value.trim() === "" ? Number.NaN : Number(value);
    if (Number.isFinite(numeric) && Math.abs(numeric) <= 18 * 3600) return Math.round(numeric);
  }
  throw new TypeError(`not a UTC offset (seconds east, or text like "+02:00"): ${JSON.stringify(value)}`);
}

export interface TimeZone {
  readonly name: string;
  /** Offset from UTC, in seconds east, in force at an instant. */
  offsetAt(epochMs: number): number;
}

const zones = new Map<string, TimeZone>();
// Zone offsets change only at transitions, which fall on whole quarter hours of UTC; the offset of each
// quarter hour is cached so a series of samples asks Intl a handful of times instead of once per sample.
const QUARTER_HOUR_MS = 900_000;
const MAX_CACHED_QUARTERS = 4096;

/**
 * An IANA time zone ("Europe/Paris", "UTC"). Strava's "(GMT-08:00) America/Los_Angeles" is accepted: the
 * prefix in parentheses is ignored. A fixed offset ("+01:00") is a zone too: what a connection learned from
 * a provider that gives offsets only. Throws a readable RangeError for an unknown zone.
 */
let lastZone: TimeZone | undefined;
let lastZoneText = "";
// Names found not to be zones, so a provider that sends a bad zone in every sample costs one lookup.
const unknownZones = new Set<string>();

export function timeZone(nameText: string): TimeZone {
  if (nameText === lastZoneText && lastZone) return lastZone;
  const cached = zones.get(nameText);
  if (cached) {
    lastZoneText = nameText;
    lastZone = cached;
    return cached;
  }
  const name = nameText.replace(/^\s*\([^()]{0,32}\)\s*/, "").trim();
  const fixed = name === "" ? undefined : parseOffsetText(name);
  if (fixed !== undefined) {
    const zone: TimeZone = { name, offsetAt: () => fixed };
    if (zones.size >= 1024) zones.clear();
    zones.set(nameText, zone);
    return zone;
  }
  const unknown = () =>
    new RangeError(`unknown time zone ${JSON.stringify(nameText)} (an IANA name such as "Europe/Paris", or an offset such as "+01:00", is expected)`);
  if (unknownZones.has(nameText)) throw unknown();
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: name,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      era: "short",
    });
  } catch {
    if (unknownZones.size >= 1024) unknownZones.clear();
    unknownZones.add(nameText);
    throw unknown();
  }
  const quarters = new Map<number, number>();
  const compute = (epochMs: number): number => {
    let year = 0,
      month = 0,
      day = 0,
      hour = 0,
      minute = 0,
      second = 0,
      bc = false;
    for (const part of format.formatToParts(epochMs)) {
      switch (part.type) {
        case "year":
          year = Number(part.value);
          break;
        case "month":
          month = Number(part.value);
          break;
        case "day":
          day = Number(part.value);
          break;
        case "hour":
          hour = Number(part.value);
          break;
        case "minute":
          minute = Number(part.value);
          break;
        case "second":
          second = Number(part.value);
          break;
        case "era":
          bc = part.value === "BC" || part.value === "B";
          break;
      }
    }
    const wall = Date.UTC(bc ? 1 - year : year, month - 1, day, hour, minute, second);
    const floored = Math.floor(epochMs / 1000) * 1000;
    return Math.round((wall - floored) / 1000);
  };
  let lastQuarter = Number.NaN;
  let quarterOffset = 0;
  const zone: TimeZone = {
    name,
    offsetAt(epochMs) {
      const quarter = Math.floor(epochMs / QUARTER_HOUR_MS);
      if (quarter === lastQuarter) return quarterOffset;
      let offset = quarters.get(quarter);
      if (offset === undefined) {
        offset = compute(quarter * QUARTER_HOUR_MS);
        if (quarters.size >= MAX_CACHED_QUARTERS) quarters.clear();
        quarters.set(quarter, offset);
      }
      lastQuarter = quarter;
      quarterOffset = offset;
      return offset;
    },
  };
  if (zones.size >= 1024) zones.clear();
  zones.set(nameText, zone);
  return zone;
}

/**
 * The instant of a local wall-clock time in a zone. In the hour that repeats when clocks go back, the
 * earlier instant is chosen; a time skipped when clocks go forward is moved forward by the gap (as
 * `Temporal`'s "compatible" disambiguation does).
 */
export function localToInstant(localAsUtcMs: number, zone: TimeZone): number {
  const before = zone.offsetAt(localAsUtcMs - 86_400_000);
  const after = zone.offsetAt(localAsUtcMs + 86_400_000);
  const early = localAsUtcMs - before * 1000;
  if (before === after) {
    // No transition within a day either side (the usual case), unless the zone changed its rules twice.
    const actual = zone.offsetAt(early);
    return actual === before ? early : localAsUtcMs - actual * 1000;
  }
  const late = localAsUtcMs - after * 1000;
  const earlyValid = zone.offsetAt(early) === before;
  const lateValid = zone.offsetAt(late) === after;
  if (earlyValid && lateValid) return Math.min(early, late);
  if (earlyValid) return early;
  if (lateValid) return late;
  return early; // in the gap: the wall time with the offset from before the change, i.e. moved forward
}

// ---------------------------------------------------------------------------------------------------------
// Parsing

/** A parsed ISO-8601 text: the wall-clock time read as if UTC, and its offset when it had one. */
export interface ParsedDateTime {
  readonly localAsUtcMs: number;
  readonly offsetSeconds?: number;
  readonly dateOnly: boolean;
}

// Date, optional time (T or space), optional fraction of any length, optional offset.
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s?(Z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)?)?$/i;

// Sample times are often one start time plus each sample's offset: the same text, once per sample of
// every sample list. The last text read is kept, so it is parsed once.
let lastParsedText: string | undefined;
let lastParsed: ParsedDateTime | undefined;

/** Reads "2024-04-10", "2024-04-10T07:00:00.000+02:00", "2017-11-02 13:54:15.000000", "…Z". */
export function parseDateTime(text: string): ParsedDateTime | undefined {
  if (text === lastParsedText) return lastParsed;
  const parsed = parseInstantText(text) ?? parseUncached(text);
  lastParsedText = text;
  lastParsed = parsed;
  return parsed;
}

// Sample lists are mostly Terra's own text read back (a FIT file decoded, a provider that writes Terra's
// format): "YYYY-MM-DDTHH:mm:ss(.fraction)?(Z|±HH:MM)", a distinct text per sample, so the cache above
// misses, and the regular expression, its checks and the offset's own parse were two thirds of mapping a
// ride's seven sample lists (`pnpm bench:mapping`). That one form is read character by character; anything
// else — or anything unusual in it (a leap second, 24:00, a date that rolls over, digits past the
// milliseconds) — is left to the general path, so the result is the general path's. Results are not
// frozen (ParsedDateTime is read-only to the compiler): freezing one per sample cost about 3 ms a ride.
let lastDayKey = -1;
let lastDayMs = Number.NaN;

/** The value of `count` ASCII digits at `at`, or -1. */
function digitsAt(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

function parseInstantText(text: string): ParsedDateTime | undefined {
  const length = text.length;
  if (length < 20 || length > 35) return undefined;
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 84 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58)
    return undefined; // "-", "-", "T", ":", ":"
  const year = digitsAt(text, 0, 4),
    month = digitsAt(text, 5, 2),
    day = digitsAt(text, 8, 2),
    hour = digitsAt(text, 11, 2),
    minute = digitsAt(text, 14, 2),
    second = digitsAt(text, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;
  let at = 19;
  let millis = 0;
  if (text.charCodeAt(at) === 46) {
    // "." and 1–9 digits: milliseconds exactly when nothing past them is non-zero.
    const start = ++at;
    while (at < length && at - start < 10 && text.charCodeAt(at) >= 48 && text.charCodeAt(at) <= 57) at++;
    const count = at - start;
    if (count === 0 || count > 9) return undefined;
    for (let i = start + 3; i < at; i++) if (text.charCodeAt(i) !== 48) return undefined;
    millis = digitsAt(text, start, Math.min(count, 3)) * (count === 1 ? 100 : count === 2 ? 10 : 1);
  }
  let offsetSeconds: number;
  const sign = text.charCodeAt(at);
  if (sign === 90 && at + 1 === length)
    offsetSeconds = 0; // "Z"
  else if ((sign === 43 || sign === 45) && at + 6 === length && text.charCodeAt(at + 3) === 58) {
    const hours = digitsAt(text, at + 1, 2);
    const minutes = digitsAt(text, at + 4, 2);
    if (hours < 0 || minutes < 0) return undefined;
    const seconds = hours * 3600 + minutes * 60;
    if (seconds > 18 * 3600) return undefined;
    offsetSeconds = sign === 45 ? -seconds : seconds;
  } else return undefined;
  // The date's midnight, computed (and checked for rolling over, 2023-02-30) once per date.
  const dayKey = (year * 100 + month) * 100 + day;
  if (dayKey !== lastDayKey) {
    const midnight = Date.UTC(year, month - 1, day);
    if (new Date(midnight).getUTCDate() !== day) return undefined;
    lastDayKey = dayKey;
    lastDayMs = midnight;
  }
  const localAsUtcMs = lastDayMs + hour * 3_600_000 + minute * 60_000 + second * 1000 + millis;
  return { localAsUtcMs, offsetSeconds, dateOnly: false };
}

function parseUncached(text: string): ParsedDateTime | undefined {
  const match = text.length <= 64 ? ISO_DATE_TIME.exec(text.trim()) : null;
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, fraction, offsetText] = match;
  const year = Number(y),
    month = Number(mo),
    day = Number(d);
  const hour = Number(h ?? 0),
    minute = Number(mi ?? 0),
    second = Number(s ?? 0);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || second > 60) return undefined;
  if (hour === 24 && (minute !== 0 || second !== 0)) return undefined;
  const millis = fraction ? Math.round(Number(`0.${fraction}`) * 1000) : 0;
  const localAsUtcMs = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59)) + millis;
  // Reject dates that roll over (2023-02-30).
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCDate() !== day) return undefined;
  const dateOnly = h === undefined;
  if (offsetText === undefined) return { localAsUtcMs, dateOnly };
  const offsetSeconds = parseOffsetText(offsetText.length === 3 ? `${offsetText}:00` : offsetText);
  if (offsetSeconds === undefined) return undefined;
  return { localAsUtcMs, offsetSeconds, dateOnly };
}
