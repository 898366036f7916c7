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
const QUERY_PAIR = /(^|[?&;])([^=&#?;\s"'<>]+)=([^&#;\s"'<>]*)/g;
/**
 * A name bound to a value in text that is not a query: JSON or a repr quoted in an error (`"access_token":
 * "…"`, `'token': '…'`), a header line (`X-Api-Key: …`, `Authorization: Bearer …`), a message
 * (`invalid userAccessToken: …`). Up to the value: `boundValueEnd` finds where it ends.
 */
const NAME_BINDING = /(?<![A-Za-z0-9_.-])(["']?)([A-Za-z][A-Za-z0-9_.-]{0,63})\1\s*[:=]\s*(["']?)/g;
/** An unquoted value is one word: what follows it is the message again. */
const WORD = /[^\s"'&,;<>()[\]{}]+/y;
/** The scheme word before a credential (`Bearer …`), kept. */
const SCHEME = /(?:Bearer|Basic|OAuth)\s+/iy;
/** A cookie header's value is a list of pairs: all of it goes, to the end of the line or the quote. */
const COOKIE_HEADER = /(?<![A-Za-z0-9_.-])((?:set-)?cookie["']?\s*:\s*["']?)[^\r\n"']+/gi;
/** A credential after its scheme word, as an Authorization header carries it. */
const AUTH_SCHEME = /(?<![A-Za-z0-9_-])(Bearer|Basic|OAuth)\s+([A-Za-z0-9._~+/=-]{8,})/gi;
/** A JWT (JWS or JWE): its header is base64url JSON, so it starts `eyJ`, and two or four dots follow. */
const JWT = /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*){2,4}/g;
/** JSON words a secret-named field may hold that are not secrets. */
const LITERALS = new Set(["null", "true", "false", "undefined"]);

function decodedName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, " "));
  } catch {
    return name;
  }
}

/**
 * Whether a word after a scheme is a credential rather than prose ("Basic authentication failed", "OAuth
 * application"): credentials carry digits, capitals past the first letter, or base64's symbols.
 */
const looksLikeCredential = (word: string): boolean => /[0-9+/=_~]/.test(word) || /[A-Z]/.test(word.slice(1));

/** Where the value bound at `at` ends: its closing quote (a backslash escapes one), or the end of its word. */
function boundValueEnd(text: string, at: number, quote: string): number {
  if (quote !== "") {
    for (let i = at; i < text.length; i++) {
      if (text[i] === "\\") i += 1;
      else if (text[i] === quote) return i;
    }
    return text.length;
  }
  WORD.lastIndex = at;
  return WORD.test(text) ? WORD.lastIndex : at;
}

/** Replaces the values of secret-named `name: value` bindings; a binding of another name is scanned again from its value. */
function scrubNamedValues(text: string, extra: ReadonlySet<string> | undefined): string {
  let out = "";
  let from = 0;
  NAME_BINDING.lastIndex = 0;
  for (let match = NAME_BINDING.exec(text); match !== null; match = NAME_BINDING.exec(text)) {
    // `Error: access_token=…`: the value of a name that is not a secret may hold a binding that is, so the
    // scan goes on from the value either way.
    if (!isSecretName(match[2]!, extra)) continue;
    const quote = match[3]!;
    let at = NAME_BINDING.lastIndex;
    SCHEME.lastIndex = at;
    if (SCHEME.test(text)) at = SCHEME.lastIndex;
    const end = boundValueEnd(text, at, quote);
    const value = text.slice(at, end);
    if (value === "" || value === REDACTED || LITERALS.has(value.toLowerCase())) continue;
    out += text.slice(from, at) + REDACTED;
    from = end;
    NAME_BINDING.lastIndex = end;
  }
  return from === 0 ? text : out + text.slice(from);
}

/**
 * A string with its secrets replaced, wherever they sit in it: the values of secret-named query and form
 * parameters (`…&token=abc`, a Garmin ping's callbackURL; `?code=` too), of secret-named fields quoted as
 * JSON or as a header line, cookie headers, `Bearer …` credentials, JWTs, and the given secret values.
 * Everything else — ids, timestamps, names, the message itself — stays as it was, so an operator reading
 * a provider's error still sees which object it was about.
 * @param extra more secret names (normalized)
 */
export function scrubString(value: string, options: { extra?: ReadonlySet<string>; values?: readonly (string | undefined)[] } = {}): string {
  let out = value;
  if (out.includes("=")) {
    out = out.replace(QUERY_PAIR, (pair, lead: string, name: string, secret: string) =>
      secret !== "" && secret !== REDACTED && isSecretName(decodedName(name), options.extra, "query") ? `${lead}${name}=${REDACTED}` : pair,
    );
  }
  if (out.includes(":") || out.includes("=")) out = scrubNamedValues(out, options.extra);
  if (/cookie/i.test(out)) out = out.replace(COOKIE_HEADER, (_match, name: string) => `${name}${REDACTED}`);
  if (/bearer|basic|oauth/i.test(out)) {
    out = out.replace(AUTH_SCHEME, (match, scheme: string, credential: string) => (looksLikeCredential(credential) ? `${scheme} ${REDACTED}` : match));
  }
  if (out.includes("eyJ")) out = out.replace(JWT, REDACTED);
  return options.values && options.values.length > 0 ? scrubSecrets(out, options.values) : out;
}
