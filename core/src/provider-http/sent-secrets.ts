import { isSecretName } from "../redaction/index.ts";
import type { ProviderRequest } from "./transport.ts";

/** `Bearer abc` → `abc`: a provider that echoes a credential echoes it without its scheme. */
const SCHEME = /^(?:Bearer|Basic|OAuth|Token)\s+/i;

/**
 * The credentials a request carries to the provider — the values of its secret-named headers
 * (Authorization, API keys, cookies) and query parameters, and the given ones (a client secret sent in
 * its body) — so that an error quoting them back is scrubbed by value, whatever shape they have.
 */
export function sentSecrets(wire: Pick<ProviderRequest, "headers" | "url">, more: readonly string[] = []): string[] {
  const out = [...more];
  for (const [name, value] of Object.entries(wire.headers)) if (isSecretName(name)) out.push(value, value.replace(SCHEME, ""));
  for (const [name, value] of new URL(wire.url).searchParams) if (isSecretName(name, undefined, "query")) out.push(value);
  return out;
}
