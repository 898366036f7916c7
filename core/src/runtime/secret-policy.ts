import type { SecretPolicy } from "../redaction/index.ts";
import type { RuntimeContext } from "./runtime-context.ts";

/**
 * What a provider's traffic keeps secret beyond the generic rule, for storing its pushes and records
 * scrubbed: the field, header or parameter its spec's `webhook.verify` names as the shared token (Wahoo's
 * `/webhook_token`), and the deployment's secrets for it (push secret, verify token, client secret),
 * replaced wherever their values appear.
 */
export function providerSecretPolicy(ctx: Pick<RuntimeContext, "registry" | "providers">, provider: string | null | undefined): SecretPolicy {
  if (!provider) return {};
  const settings = ctx.providers[provider];
  const values = [settings?.pushSecret, settings?.clientSecret, typeof settings?.verifyToken === "string" ? settings.verifyToken : undefined];
  let verify;
  try {
    verify = ctx.registry.connector(provider).definition.spec.webhook?.verify;
  } catch {
    // A provider no longer installed: the generic rule and the values still apply.
  }
  const names = verify?.scheme === "token" ? [verify.name.split("/").pop() ?? verify.name] : [];
  return { names, values };
}
