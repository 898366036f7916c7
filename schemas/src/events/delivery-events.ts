import { Type, type Static } from "@sinclair/typebox";
import { str } from "../typebox.ts";
import { defineEvent, looseStatus } from "./define-event.ts";

// Events about the delivery channel itself rather than a user.

/**
 * Pointer to a payload too large to inline (or any payload, in ping mode). Terra names the webhook
 * `s3_upload` but the body says `s3_payload`; both are accepted.
 */
export const S3PayloadEventSchema = defineEvent("S3PayloadEvent", "s3-payload", {
  // A plain enum (not anyOf of consts) so the envelope's discriminator can map both values here.
  type: Type.Unsafe<"s3_payload" | "s3_upload">({ type: "string", enum: ["s3_payload", "s3_upload"] }),
  status: Type.Literal("success"),
  url: Type.String({ format: "uri" }),
  expires_in: Type.Integer({ minimum: 0 }),
  payload_reference: str(),
});
export type S3PayloadEvent = Static<typeof S3PayloadEventSchema>;

/** Periodic liveness ping with delivery statistics. */
export const HealthcheckEventSchema = defineEvent("HealthcheckEvent", "healthcheck", {
  type: Type.Literal("healthcheck"),
  status: looseStatus(),
  creation_timestamp: Type.String(),
  trend_percentage: Type.Number(),
  sent_webhooks_last_hour: Type.Integer({ minimum: 0 }),
});
export type HealthcheckEvent = Static<typeof HealthcheckEventSchema>;
