/** What a secret is replaced by wherever Tributary stores or logs provider traffic. */
export const REDACTED = "[redacted]";

/** `access_token`, `accessToken`, `Access-Token` and `hub.verify_token` compare alike. */
export const normalizeName = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, "");

/** Short names that are secrets as they are (normalized): as endings they would catch ordinary words. */
const SECRET_NAMES = new Set(["sig", "pwd"]);
/**
 * Every name ending in one of these is a secret, whatever comes before it: `userAccessToken`,
 * `client-secret`, `X-Hub-Signature-256`, Polar's `signature_secret_key`, `x-code-verifier`, Peloton's
 * `peloton_session_id` cookie.
 */
const SECRET_SUFFIXES = [
  "token",
  "secret",
  "password",
  "passwd",
  "passphrase",
  "signature",
  "apikey",
  "secretkey",
  "secretaccesskey",
  "privatekey",
  "signingkey",
  "encryptionkey",
  "authorization",
  "cookie",
  "credential",
  "credentials",
  "codeverifier",
  "authorizationcode",
  "authcode",
  "assertion",
  "sessionid",
  "sessionkey",
];
/**
 * Names that end like a secret but name an identifier, kept visible so an operator can find the object:
 * Wahoo's `workout_token` is supplied by the application that creates a workout to identify it (Wahoo's
 * API reference, "Create a Workout": "Can be used by the application to identify the workout"); a paging
 * cursor (Oura's and WHOOP's `next_token`) names a page, and is worth nothing without the access token.
 */
const IDENTIFIER_NAMES = new Set(["workouttoken", "nexttoken", "pagetoken", "nextpagetoken", "continuationtoken"]);
/** Only in a query or form text: OAuth's `?code=` is the authorization code; a JSON field `code` is an error code. */
const QUERY_SECRET_NAMES = new Set(["code"]);

/**
 * The one rule for field, parameter and header names whose values are secrets in provider traffic, in
 * every spelling (camelCase, snake_case, kebab-case, upper case): access and refresh tokens (Garmin's
 * userAccessToken, Wahoo's webhook_token), any *secret, password, authorization, cookie, signature, API
 * key, authorization code and PKCE verifier. Identifiers that merely end in "token" stay visible.
 * @param extra more names (normalized with `normalizeName`), e.g. those a connector spec declares
 * @param where `query` for a URL query or form text, where `code` is OAuth's authorization code
 */
export function isSecretName(name: string, extra?: ReadonlySet<string>, where: "field" | "query" = "field"): boolean {
  const key = normalizeName(name);
  if (key === "") return false;
  if (SECRET_NAMES.has(key) || extra?.has(key)) return true;
  if (where === "query" && QUERY_SECRET_NAMES.has(key)) return true;
  if (IDENTIFIER_NAMES.has(key)) return false;
  // A version number after the name (`X-Hub-Signature-256`) does not make it less of a secret.
  const stem = key.replace(/[0-9]+$/, "");
  return SECRET_SUFFIXES.some((suffix) => stem.endsWith(suffix));
}
