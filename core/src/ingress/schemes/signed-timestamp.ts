/**
 * A signed timestamp header read in its one spelling per unit: canonical digits for seconds and
 * milliseconds (no sign, no leading zero, no fraction), RFC 3339 for `iso`. Unix seconds, fractional for
 * milliseconds; undefined when the text is not one.
 */
export function readSignedTimestamp(text: string, unit: "seconds" | "ms" | "iso"): number | undefined {
  if (unit === "seconds") return /^(?:0|[1-9][0-9]{0,11})$/.test(text) ? Number(text) : undefined;
  if (unit === "ms") return /^(?:0|[1-9][0-9]{0,14})$/.test(text) ? Number(text) / 1000 : undefined;
  if (!RFC3339.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms / 1000;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;
