import { DATA_TYPES } from "./data-types.ts";

/** Lifecycle (non-data) event `type` values, as they appear on the wire. */
export const LIFECYCLE_EVENT_TYPES = [
  "auth",
  "auth_cancelled",
  "deauth",
  "user_reauth",
  "access_revoked",
  "connection_error",
  "permission_change",
  "google_no_datasource",
  "large_request_processing",
  "large_request_sending",
  "rate_limit_hit",
  "healthcheck",
  "s3_payload",
  // Terra names the webhook `s3_upload` (and lists it in its EventType enum) while the payload says `s3_payload`.
  "s3_upload",
  "processing",
  // Tributary's own: no data for a while from a connection that normally sends it daily.
  "connection_stale",
] as const;

/** Every webhook event `type` value the envelope accepts. */
export const EVENT_TYPES = [...LIFECYCLE_EVENT_TYPES, ...DATA_TYPES] as const;
export type EventType = (typeof EVENT_TYPES)[number];
export type LifecycleEventType = (typeof LIFECYCLE_EVENT_TYPES)[number];

export function isEventType(value: unknown): value is EventType {
  return typeof value === "string" && (EVENT_TYPES as readonly string[]).includes(value);
}
