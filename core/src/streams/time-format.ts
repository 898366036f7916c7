import type { DateRangeSpec, TimeFormat } from "@tributary/schemas";

const DAY_MS = 86_400_000;

export type DateBound = DateRangeSpec["start"];

/** One moment as a provider writes it (UTC for dates and local date-times). */
export function formatTime(ms: number, format: TimeFormat): string {
  switch (format) {
    case "date":
      return new Date(ms).toISOString().slice(0, 10);
    case "datetime":
      return `${isoSeconds(ms)}Z`;
    case "datetime_local":
      return isoSeconds(ms);
    case "unix_seconds":
      return String(Math.floor(ms / 1000));
    case "unix_ms":
      return String(Math.floor(ms));
  }
}

/**
 * The `{start}` of a window [start, end): its first day or instant, rounded down to the format's
 * precision so nothing at the start is left out.
 */
export function renderStart(startMs: number, bound: DateBound): string {
  return formatTime(startMs, bound.format as TimeFormat);
}

/**
 * The `{end}` of a window [start, end). Exclusive (the default): rounded up to the format's precision
 * so the last moments are inside. Inclusive (`inclusive: true`, e.g. date ranges): the last day or
 * instant inside the window.
 */
export function renderEnd(endMs: number, bound: DateBound): string {
  const format = bound.format as TimeFormat;
  if (bound.inclusive) {
    if (format === "unix_ms") return String(Math.ceil(endMs) - 1);
    if (format === "unix_seconds") return String(Math.ceil(endMs / 1000) - 1);
    return formatTime(endMs - 1, format);
  }
  if (format === "date") return formatTime(Math.ceil(endMs / DAY_MS) * DAY_MS, format);
  if (format === "unix_seconds") return String(Math.ceil(endMs / 1000));
  if (format === "unix_ms") return String(Math.ceil(endMs));
  return formatTime(endMs, format);
}

/**
 * A provider's time field in the declared format → epoch ms; undefined when it is not one. Local
 * date-times (no offset) are read as UTC; a space instead of "T" and microseconds are accepted (PHP
 * writes "2017-11-02 13:54:15.000000").
 */
export function parseTime(value: unknown, format: TimeFormat): number | undefined {
  if (format === "unix_seconds" || format === "unix_ms") {
    const number = typeof value === "number" ? value : typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : Number.NaN;
    if (!Number.isFinite(number)) return undefined;
    return format === "unix_seconds" ? number * 1000 : number;
  }
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  if (format === "date") {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined;
    return finite(Date.parse(`${text}T00:00:00Z`));
  }
  const normalized = text.replace(/^(\d{4}-\d{2}-\d{2})[ T]/, "$1T").replace(/(\.\d{3})\d+/, "$1");
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(normalized)) return undefined;
  const hasOffset = /(Z|[+-]\d{2}:?\d{2})$/i.test(normalized);
  return finite(Date.parse(hasOffset ? normalized : `${normalized}Z`));
}

function isoSeconds(ms: number): string {
  const iso = new Date(ms).toISOString();
  // Whole seconds are written without ".000": some providers refuse fractions.
  return iso.endsWith(".000Z") ? iso.slice(0, 19) : iso.slice(0, 23);
}

const finite = (n: number) => (Number.isFinite(n) ? n : undefined);
