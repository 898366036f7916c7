import type { ResponseRule } from "@tributary/schemas";

export type RetryAfterSpec = NonNullable<ResponseRule["retryAfter"]>;

const NUMBER = /^\d+(\.\d+)?$/;

/**
 * How long a provider asks us to wait, in ms, from the header a rule names (default Retry-After, then
 * the common retry-after-ms): delta seconds ("120", "1.5"), an HTTP-date ("Wed, 21 Oct 2015 07:28:00
 * GMT"), or, when the rule says so, ms or epoch seconds. A moment in the past means now (0).
 * Undefined when no header says anything readable.
 */
export function retryAfterMs(headers: Readonly<Record<string, string>>, spec: RetryAfterSpec = {}, now = Date.now()): number | undefined {
  if (spec.header) return parse(headers[spec.header.toLowerCase()], spec.unit, now);
  return parse(headers["retry-after"], spec.unit, now) ?? parse(headers["retry-after-ms"], "ms", now);
}

function parse(raw: string | undefined, unit: RetryAfterSpec["unit"], now: number): number | undefined {
  const value = raw?.split(",")[0]?.trim();
  if (!value) return undefined;
  if (unit === "http_date" || (unit === undefined && !NUMBER.test(value))) {
    // An HTTP-date's own comma ("Wed, 21 Oct …") must not split it.
    const at = Date.parse(raw!.trim());
    return Number.isNaN(at) ? undefined : Math.max(0, at - now);
  }
  if (!NUMBER.test(value)) return undefined;
  const number = Number(value);
  switch (unit) {
    case "ms":
      return Math.ceil(number);
    case "epoch_seconds":
      return Math.max(0, Math.ceil(number * 1000 - now));
    default:
      return Math.ceil(number * 1000);
  }
}
