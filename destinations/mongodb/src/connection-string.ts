import { percentDecoded } from "@tributary/core/contracts";

const PARTS = /^(mongodb(?:\+srv)?:\/\/)(?:([^:@/]*)(?::([^@/]*))?@)?([^/?]*)/;

/** What may be shown of a connection string: the host list, never the credentials. */
export function hostsOf(url: string): string {
  return PARTS.exec(url)?.[4] || "(unparseable url)";
}

/**
 * A function that removes the URL's password (raw and percent-decoded) and the URL itself from any text,
 * for messages built from driver errors, which may quote what they were given.
 */
export function secretScrubber(url: string): (text: string) => string {
  const password = PARTS.exec(url)?.[3];
  const secrets = [url, ...(password ? [password, percentDecoded(password)] : [])].filter((s) => s.length > 0);
  return (text) => secrets.reduce((out, secret) => out.split(secret).join("***"), text);
}
