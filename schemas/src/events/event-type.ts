import { Type } from "@sinclair/typebox";
import { EVENT_TYPES, type EventType } from "../event-types.ts";
import { enumSchemaId } from "../ids.ts";
import { JSON_SCHEMA_DIALECT } from "../version.ts";

/** The wire `type` values of webhook events, as a schema of its own (Terra's "EventType"). */
export const EventTypeSchema = Type.Unsafe<EventType>({
  $schema: JSON_SCHEMA_DIALECT,
  $id: enumSchemaId("event-type"),
  title: "EventType",
  description: `Webhook event type: ${EVENT_TYPES.join(", ")}`,
  type: "string",
  enum: [...EVENT_TYPES],
});
