/**
 * What both drivers receive for a statement's parameters: `undefined` as NULL (pg sends NULL, PGlite may
 * reject it), and text PostgreSQL cannot store made storable. PostgreSQL text has no NUL character
 * (U+0000), yet provider ids, records and error messages can carry one; a refused parameter would fail
 * the whole lookup or write (a 503 a provider retries for ever, a record neither delivered nor
 * quarantined). Every NUL is written as the six characters `\u0000` instead — the same way on every
 * write and every lookup, so a value finds itself again.
 */
export function normalizeParams(params: readonly unknown[] | undefined): unknown[] {
  return params === undefined ? [] : params.map(storable);
}

export const NUL_ESCAPE = "\\u0000";

function storable(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === "string") return value.includes("\u0000") ? value.replaceAll("\u0000", NUL_ESCAPE) : value;
  if (Array.isArray(value)) return value.some((item) => typeof item === "string" && item.includes("\u0000")) ? value.map(storable) : value;
  return value;
}

/**
 * Escapes jsonb refuses, in JSON.stringify's output: `\u0000`, and the `\udXXX` it writes for a lone
 * surrogate (half of a character). Only those preceded by an even number of backslashes are escapes (after
 * an odd number the backslash itself is escaped).
 */
const UNSTORABLE_JSON_ESCAPE = /(?<!\\)((?:\\\\)*)\\u(0000|d[89a-f][0-9a-f]{2})/g;

/**
 * JSON text jsonb can store: a NUL or a lone surrogate in any string or key becomes the six characters
 * of its escape (`\u0000`, `\udc00`), as text params do in `normalizeParams`.
 */
export function storableJson(text: string): string {
  return text.includes("\\u") ? text.replace(UNSTORABLE_JSON_ESCAPE, "$1\\\\u$2") : text;
}
