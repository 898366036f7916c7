import type { WebhookSpec } from "@tributary/schemas";
import { compilePointer } from "../spec/pointer.ts";
import { decodePushBody } from "./parse-push-body.ts";

/** A ping is a few fields: anything longer is not one, and is not parsed to find out. */
const MAX_PING_BYTES = 4096;

/**
 * Whether a push that failed verification is the provider's subscription ping (`subscription.ping`):
 * Polar signs its PING with a key it shows only in the answer that follows, so no deployment can verify
 * it. Such a push is acknowledged (`webhook.acknowledge`) and nothing is done; anything else still fails.
 */
export function isSubscriptionPing(webhook: WebhookSpec, rawBody: Buffer): boolean {
  const ping = webhook.subscription?.ping;
  if (!ping || rawBody.length > MAX_PING_BYTES) return false;
  const parsed = decodePushBody(rawBody, webhook.body);
  if (!parsed.ok) return false;
  return Object.entries(ping.when).every(([pointer, expected]) => asText(compilePointer(pointer)(parsed.body)) === asText(expected));
}

const asText = (value: unknown): string => (value === undefined || value === null ? "" : typeof value === "object" ? JSON.stringify(value) : String(value));
