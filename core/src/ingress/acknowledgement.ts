import type { WebhookSpec } from "@tributary/schemas";

/** What an accepted push is answered when the spec declares nothing: what most providers document. */
export const DEFAULT_ACKNOWLEDGE_STATUS = 200;

/** Statuses HTTP forbids a body with (RFC 9110 §15.3.5, §15.3.6). */
const BODILESS = new Set([204, 205]);

export interface Acknowledgement {
  status: number;
  /** Whether the answer carries the JSON summary (false for 204 and 205). */
  withBody: boolean;
}

/**
 * The answer to a push the provider should count as delivered (`webhook.acknowledge`): the provider's
 * documented status (Fitbit: 204, anything else counts as a failure and repeated failures disable the
 * subscriber), else 200. The route answers every accepted push with it — ignored and skipped
 * notifications, and a subscription's ping, included — and the mock counts exactly it as delivered.
 */
export function acknowledgement(webhook: Pick<WebhookSpec, "acknowledge">): Acknowledgement {
  const status = webhook.acknowledge?.status ?? DEFAULT_ACKNOWLEDGE_STATUS;
  return { status, withBody: !BODILESS.has(status) };
}
