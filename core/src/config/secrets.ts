/**
 * Which config values are secrets, so that errors, logs and `check` output never show them. A value is
 * secret when any field on its path is named like one (clientSecret, password, apiKeys, verifyToken, ...)
 * or when a destination plugin lists the option in `secretOptions`.
 */

import { REDACTED } from "../redaction/index.ts";

export { REDACTED };

// "key" only as a whole word or suffix: encryptionKey and apiKeys are secrets, keyPrefix is not.
const SECRET_NAME = /secret|passw(or)?d|token|credential|private_?key|(^|[a-z_])keys?$/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/**
 * @param path field names and array indexes from the root, e.g. ["destinations", 0, "options", "password"]
 * @param secretOptions per destination index, the option names its plugin declares secret
 */
export function isSecretPath(path: readonly (string | number)[], secretOptions?: (index: number) => readonly string[]): boolean {
  if (path.some((segment) => typeof segment === "string" && isSecretName(segment))) return true;
  const [root, index, field, option] = path;
  if (root === "destinations" && typeof index === "number" && field === "options" && typeof option === "string") {
    return secretOptions?.(index).includes(option) ?? false;
  }
  return false;
}

/** `postgres://user:pw@host/db` → `postgres://user:[redacted]@host/db`, wherever such a URL sits in the text. */
export function maskUrlPassword(value: string): string {
  return value.replace(/\b([a-z][a-z0-9+.-]*:\/\/[^/?#@:\s]*):([^/?#@\s]+)@/gi, `$1:${REDACTED}@`);
}

/** The password part of a URL with credentials, if it has one. */
export function urlPassword(value: string): string | undefined {
  return /^[a-z][a-z0-9+.-]*:\/\/[^/?#@:\s]*:([^/?#@\s]+)@/i.exec(value)?.[1];
}
