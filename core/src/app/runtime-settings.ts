import type { DeliveryConfig, ProviderConfig } from "../config/config-schema.ts";
import type { DeliveryPolicy } from "../runtime/delivery-policy.ts";
import type { ProviderSettings } from "../runtime/runtime-context.ts";

/** The config's `delivery` block is the runtime's delivery policy, field for field. */
export function deliveryPolicyFrom(delivery: DeliveryConfig): DeliveryPolicy {
  return {
    attempts: delivery.attempts,
    backoffSeconds: delivery.backoffSeconds,
    maxBackoffSeconds: delivery.maxBackoffSeconds,
    largeRequestDays: delivery.largeRequestDays,
    chunkSize: delivery.chunkSize,
    maxPayloadRecords: delivery.maxPayloadRecords,
    maxPayloadBytes: delivery.maxPayloadBytes,
    keepAuditDays: delivery.keepAuditDays,
  };
}

/**
 * Per-provider settings the runtime and the ingress read. The push secret is `pushSecret` (partner
 * push, SANDBOX) or else `webhookSecret` (OAuth providers that sign their webhooks); an empty value —
 * `${VAR:-}` with VAR unset — counts as not configured.
 */
export function providerSettingsFrom(providers: Record<string, ProviderConfig>): Record<string, ProviderSettings> {
  const settings: Record<string, ProviderSettings> = {};
  for (const [name, provider] of Object.entries(providers)) {
    const { pushSecret, webhookSecret, verifyToken, ...rest } = provider;
    const secret = nonEmpty(pushSecret) ?? nonEmpty(webhookSecret);
    const token = nonEmpty(verifyToken);
    settings[name] = { ...rest, ...(secret ? { pushSecret: secret } : {}), ...(token ? { verifyToken: token } : {}) };
  }
  return settings;
}

const nonEmpty = (value: string | undefined): string | undefined => (value ? value : undefined);
