/** What a secret is replaced by wherever Tributary stores or logs provider traffic. */
export const REDACTED = "[redacted]";

/** `access_token`, `accessToken`, `Access-Token` and `hub.verify_token` compare alike. */
export const normalizeName = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, "");

/** Names that are secrets as they are; every name ending in one of the suffixes is one too. */
const SECRET_NAMES = new Set([
  "token",
  "password",
  "passwd",
  "secret",
  "authorization",
  "proxyauthorization",
  "signature",
  "sig",
  "apikey",
  "cookie",
  "setcookie",
  "credential",
  "credentials",
  "encryptionkey",
  "codeverifier",
  "assertion",
  "clientassertion",
  "sessionid",
  "privatekey",
]);
const SECRET_SUFFIXES = ["token", "secret", "password", "signature", "apikey"];

/**
 * The one rule for field, parameter and header names whose values are secrets in provider traffic:
 * access_token, refresh_token, Garmin's userAccessToken, Wahoo's webhook_token, any *secret, password,
 * authorization, signature. A few non-secrets match too (Wahoo's workout_token names a device session):
 * losing them from a quarantined payload costs less than keeping one real token.
 * @param extra more names (normalized with `normalizeName`), e.g. those a connector spec declares
 */
export function isSecretName(name: string, extra?: ReadonlySet<string>): boolean {
  const key = normalizeName(name);
  if (key === "") return false;
  if (SECRET_NAMES.has(key) || extra?.has(key)) return true;
  return SECRET_SUFFIXES.some((suffix) => key.endsWith(suffix));
}
