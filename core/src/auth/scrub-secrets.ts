/**
 * Provider error texts sometimes quote what they were sent (Fitbit's "Access token expired: eyJ…"), so
 * every text taken from a provider answer loses the secrets of the request before it reaches an error,
 * a log line or the database.
 */
const REDACTED = "[redacted]";
const MAX_LENGTH = 300;

export function scrubSecrets(text: string, secrets: Iterable<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    // Very short values (an empty client secret, "1") would shred ordinary words.
    if (secret === undefined || secret.length < 6) continue;
    for (const form of new Set([secret, encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2)])) {
      out = out.replaceAll(form, REDACTED);
    }
  }
  return out.length > MAX_LENGTH ? `${out.slice(0, MAX_LENGTH)}…` : out;
}
