import type { TimeFormat } from "@tributary/schemas";

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;
const DATETIME_LOCAL = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const NUMBER = /^-?\d+(\.\d+)?$/;
/** Epoch seconds pass 1e11 in the year 5138; epoch milliseconds passed it in 1973. */
const SECONDS_MS_BOUNDARY = 1e11;

export type ParsedTime = { ok: true; ms: number } | { ok: false; problem: string };

/**
 * Reads a date-range parameter the way a strict provider does: the declared format and nothing else
 * (milliseconds where seconds are declared are refused, not guessed), so a connector that writes its
 * window in the wrong format fails against the mock as it would against the provider.
 */
export function parseTimeParam(text: string, format: TimeFormat): ParsedTime {
  const refuse = (expected: string): ParsedTime => ({ ok: false, problem: `"${text}" is not ${expected}` });
  if (format === "date") {
    const match = DATE.exec(text);
    if (!match) return refuse("a date (YYYY-MM-DD)");
    const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
    return new Date(ms).toISOString().startsWith(text) ? { ok: true, ms } : refuse("a valid calendar date");
  }
  if (format === "datetime" || format === "datetime_local") {
    const pattern = format === "datetime" ? DATETIME : DATETIME_LOCAL;
    if (!pattern.test(text)) return refuse(format === "datetime" ? "an ISO-8601 date-time with an offset" : "an ISO-8601 date-time without an offset");
    const ms = isoMs(text, format === "datetime_local");
    return Number.isNaN(ms) ? refuse("a valid date-time") : { ok: true, ms };
  }
  if (!NUMBER.test(text)) return refuse(format === "unix_seconds" ? "epoch seconds" : "epoch milliseconds");
  const value = Number(text);
  if (format === "unix_seconds")
    return Math.abs(value) >= SECONDS_MS_BOUNDARY ? refuse("epoch seconds (it looks like milliseconds)") : { ok: true, ms: value * 1000 };
  return Math.abs(value) < SECONDS_MS_BOUNDARY ? refuse("epoch milliseconds (it looks like seconds)") : { ok: true, ms: value };
}

/**
 * Reads a time field of a fixture record leniently: providers write "2017-11-02 13:54:15.000000"
 * (Xert), numbers as numbers, dates without offsets; undefined when it cannot be read.
 */
export function recordTime(value: unknown, format: TimeFormat): number | undefined {
  if (typeof value === "number") return format === "unix_ms" ? value : format === "unix_seconds" ? value * 1000 : undefined;
  if (typeof value !== "string") return undefined;
  if (format === "unix_seconds" || format === "unix_ms") return NUMBER.test(value) ? Number(value) * (format === "unix_seconds" ? 1000 : 1) : undefined;
  if (format === "date") {
    const match = DATE.exec(value.slice(0, 10));
    return match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : undefined;
  }
  const ms = isoMs(value, format === "datetime_local" || !/(Z|[+-]\d{2}:?\d{2})$/i.test(value));
  return Number.isNaN(ms) ? undefined : ms;
}

function isoMs(text: string, local: boolean): number {
  // Date.parse wants "T" and at most milliseconds.
  const normal = text.replace(" ", "T").replace(/(\.\d{3})\d+/, "$1");
  return Date.parse(local ? `${normal}Z` : normal);
}
