// JSON.stringify writes a `\uXXXX` escape only for control characters and for lone UTF-16 surrogates
// (paired ones come out as the characters themselves), so an escape in its output is one of those.
const REFUSED_ESCAPE = /(\\+)u(0000|d[89a-f][0-9a-f]{2})/g;

/**
 * The record as JSON text both servers accept. PostgreSQL's jsonb refuses `\u0000` and lone surrogates,
 * MariaDB's JSON check refuses lone surrogates; one such string from a provider would fail the whole
 * batch, so each becomes U+FFFD. Only an odd run of backslashes makes an escape (an even run is an
 * escaped backslash followed by plain text).
 */
export function storableJson(value: unknown): string {
  const json = JSON.stringify(value);
  if (!json.includes("\\u")) return json;
  return json.replace(REFUSED_ESCAPE, (match, slashes: string) => (slashes.length % 2 === 1 ? `${slashes.slice(1)}\\ufffd` : match));
}
