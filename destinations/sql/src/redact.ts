// Short "secrets" would blank out ordinary words of a message and protect nothing worth protecting.
const MIN_SECRET_LENGTH = 3;

/** Remove passwords and URL credentials from a driver message before it reaches an error or a log line. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text.replace(/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):[^\s@/]*@/gi, "$1:***@");
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join("***");
  }
  return out;
}
