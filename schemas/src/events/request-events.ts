import { Type, type Static } from "@sinclair/typebox";
import { defineEvent, eventUser, looseStatus } from "./define-event.ts";

// Events about an asynchronous data request (REST call with to_webhook, or a backfill).

/** A request spanning more than a month was accepted; the data follows in chunks sharing `reference`. */
export const LargeRequestProcessingEventSchema = defineEvent("LargeRequestProcessingEvent", "large-request-processing", {
  type: Type.Literal("large_request_processing"),
  status: Type.Literal("processing"),
  message: Type.String(),
  user: eventUser(),
  reference: Type.String(),
});
export type LargeRequestProcessingEvent = Static<typeof LargeRequestProcessingEventSchema>;

/** Chunks are about to arrive; `expected_payloads` says how many. */
export const LargeRequestSendingEventSchema = defineEvent("LargeRequestSendingEvent", "large-request-sending", {
  type: Type.Literal("large_request_sending"),
  status: looseStatus(),
  user: eventUser(),
  reference: Type.String(),
  message: Type.String(),
  expected_payloads: Type.Integer({ minimum: 0 }),
});
export type LargeRequestSendingEvent = Static<typeof LargeRequestSendingEventSchema>;

/** Legacy: the provider rate-limited an asynchronous request; Terra retries at `retrying_at`. */
export const RateLimitHitEventSchema = defineEvent("RateLimitHitEvent", "rate-limit-hit", {
  type: Type.Literal("rate_limit_hit"),
  status: looseStatus(),
  user: eventUser(),
  start_date: Type.String(),
  end_date: Type.String(),
  retrying_at: Type.String(),
  message: Type.String(),
});
export type RateLimitHitEvent = Static<typeof RateLimitHitEventSchema>;

/** Returned (not pushed) when the provider needs an asynchronous fetch, e.g. a Garmin backfill. */
export const ProcessingEventSchema = defineEvent("ProcessingEvent", "processing", {
  type: Type.Literal("processing"),
  status: Type.Literal("success"),
  message: Type.String(),
  user: eventUser(),
  retry_after_seconds: Type.Number({ minimum: 0 }),
});
export type ProcessingEvent = Static<typeof ProcessingEventSchema>;
