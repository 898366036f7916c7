import { isSecretName, REDACTED } from "./secret-names.ts";

/** The spellings a secret value travels in: as is, URL-encoded, form-encoded. */
export function secretSpellings(secret: string): string[] {
  return [...new Set([secret, encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2)])];
}

/**
 * Replaces every occurrence of the given secret values (in each spelling), longest first so a secret
 * containing a shorter one goes whole. The last line of defence for text we do not control: a provider's
 * error that quotes its request, a driver's error that quotes its connection string.
 * @param minLength shorter values are skipped: replacing "1" or an empty secret would shred ordinary words
 */
export function scrubSecrets(text: string, secrets: Iterable<string | undefined>, minLength = 6): string {
  const forms = [...new Set([...secrets].filter((value): value is string => value !== undefined && value.length >= minLength).flatMap(secretSpellings))];
  forms.sort((a, b) => b.length - a.length);
  let out = text;
  for (const form of forms) if (out.includes(form)) out = out.split(form).join(REDACTED);
  return out;
}

/** `name=value` pairs of a query or form text, wherever one sits in a string (a URL inside a message too). */
const QUERY_PAIR = /(^|[?&;\s])([^=&#?;\s"'<>]+)=([^&#;\s"'<>]*)/g;
/** A credential after its scheme word, as an Authorization header carries it. */
const AUTH_SCHEME = /\b(Bearer|Basic|OAuth)\s+[A-Za-z0-9._~+/=-]{8,}/gi;

function decodedName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, " "));
  } catch {
    return name;
  }
}

/**
 * A string with the values of secret-named query parameters (`…&token=abc`, a Garmin ping's callbackURL)
 * and of `Bearer …` credentials replaced, and the given secret values too.
 * @param extra more secret names (normalized)
 */
export function scrubString(value: string, options: { extra?: ReadonlySet<string>; values?: readonly (string | undefined)[] } = {}): string {
  let out = value;
  if (out.includes("=")) {
    out = out.replace(QUERY_PAIR, (pair, lead: string, name: string, secret: string) =>
      secret !== "" && secret !== REDACTED && isSecretName(decodedName(name), options.extra) ? `${lead}${name}=${REDACTED}` : pair,
    );
  }
  if (/bearer|basic|oauth/i.test(out)) out = out.replace(AUTH_SCHEME, (_match, scheme: string) => `${scheme} ${REDACTED}`);
  return options.values && options.values.length > 0 ? scrubSecrets(out, options.values) : out;
}
