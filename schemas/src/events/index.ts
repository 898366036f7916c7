import { Type, type TSchema } from "@sinclair/typebox";
import { EVENT_TYPES, type EventType } from "../event-types.ts";
import { WEBHOOK_EVENT_SCHEMA_ID } from "../ids.ts";
import { JSON_SCHEMA_DIALECT } from "../version.ts";
import { AuthCancelledEventSchema, AuthEventSchema, type AuthCancelledEvent, type AuthEvent } from "./auth.ts";
import {
  AccessRevokedEventSchema,
  ConnectionErrorEventSchema,
  ConnectionStaleEventSchema,
  DeauthEventSchema,
  GoogleNoDatasourceEventSchema,
  PermissionChangeEventSchema,
  UserReauthEventSchema,
  type AccessRevokedEvent,
  type ConnectionErrorEvent,
  type ConnectionStaleEvent,
  type DeauthEvent,
  type GoogleNoDatasourceEvent,
  type PermissionChangeEvent,
  type UserReauthEvent,
} from "./connection-events.ts";
import {
  ActivityEventSchema,
  AthleteEventSchema,
  BodyEventSchema,
  DailyEventSchema,
  MenstruationEventSchema,
  NutritionEventSchema,
  SleepEventSchema,
  type DataEvent,
} from "./data-events.ts";
import { HealthcheckEventSchema, S3PayloadEventSchema, type HealthcheckEvent, type S3PayloadEvent } from "./delivery-events.ts";
import {
  LargeRequestProcessingEventSchema,
  LargeRequestSendingEventSchema,
  ProcessingEventSchema,
  RateLimitHitEventSchema,
  type LargeRequestProcessingEvent,
  type LargeRequestSendingEvent,
  type ProcessingEvent,
  type RateLimitHitEvent,
} from "./request-events.ts";

/** Any webhook event Tributary emits or accepts. */
export type WebhookEvent =
  | AuthEvent
  | AuthCancelledEvent
  | DeauthEvent
  | UserReauthEvent
  | AccessRevokedEvent
  | ConnectionErrorEvent
  | ConnectionStaleEvent
  | PermissionChangeEvent
  | GoogleNoDatasourceEvent
  | LargeRequestProcessingEvent
  | LargeRequestSendingEvent
  | RateLimitHitEvent
  | HealthcheckEvent
  | S3PayloadEvent
  | ProcessingEvent
  | DataEvent;

/** The schema that validates each wire `type` value. */
export const EVENT_SCHEMAS: Readonly<Record<EventType, TSchema>> = Object.freeze({
  auth: AuthEventSchema,
  auth_cancelled: AuthCancelledEventSchema,
  deauth: DeauthEventSchema,
  user_reauth: UserReauthEventSchema,
  access_revoked: AccessRevokedEventSchema,
  connection_error: ConnectionErrorEventSchema,
  connection_stale: ConnectionStaleEventSchema,
  permission_change: PermissionChangeEventSchema,
  google_no_datasource: GoogleNoDatasourceEventSchema,
  large_request_processing: LargeRequestProcessingEventSchema,
  large_request_sending: LargeRequestSendingEventSchema,
  rate_limit_hit: RateLimitHitEventSchema,
  healthcheck: HealthcheckEventSchema,
  s3_payload: S3PayloadEventSchema,
  s3_upload: S3PayloadEventSchema,
  processing: ProcessingEventSchema,
  activity: ActivityEventSchema,
  athlete: AthleteEventSchema,
  body: BodyEventSchema,
  daily: DailyEventSchema,
  menstruation: MenstruationEventSchema,
  nutrition: NutritionEventSchema,
  sleep: SleepEventSchema,
});

/**
 * The envelope: one schema for every event, discriminated on `type` so that a bad payload is reported
 * against the event it claims to be (and an unknown `type` is reported as exactly that).
 */
export const WebhookEventSchema = Type.Unsafe<WebhookEvent>({
  $schema: JSON_SCHEMA_DIALECT,
  $id: WEBHOOK_EVENT_SCHEMA_ID,
  title: "WebhookEvent",
  type: "object",
  // The enum lets an unknown `type` be reported with the list of known ones.
  properties: { type: { type: "string", title: "event type", enum: [...EVENT_TYPES] } },
  required: ["type"],
  discriminator: { propertyName: "type" },
  oneOf: [...new Set(Object.values(EVENT_SCHEMAS))].map((schema) => ({ $ref: schema.$id as string })),
});

export * from "./auth.ts";
export * from "./connection-events.ts";
export * from "./data-events.ts";
export * from "./delivery-events.ts";
export * from "./event-type.ts";
export * from "./request-events.ts";
