import { isDataType, type DataType } from "./data-types.ts";
import { isEventType, type EventType } from "./event-types.ts";
import { SCHEMA_BASE_URL } from "./version.ts";

/**
 * One id convention for every schema:
 *   top-level documents  <base>/<slug>.json           (the seven models, terra-user, webhook-event)
 *   sub-objects          <base>/objects/<slug>.json
 *   enums                <base>/enums/<slug>.json
 *   webhook events       <base>/events/<slug>.json
 */
export const documentSchemaId = (slug: string): string => `${SCHEMA_BASE_URL}/${slug}.json`;
export const objectSchemaId = (slug: string): string => `${SCHEMA_BASE_URL}/objects/${slug}.json`;
export const enumSchemaId = (slug: string): string => `${SCHEMA_BASE_URL}/enums/${slug}.json`;
export const eventDocumentId = (slug: string): string => `${SCHEMA_BASE_URL}/events/${slug}.json`;

/** The whole discriminated webhook envelope. */
export const WEBHOOK_EVENT_SCHEMA_ID = documentSchemaId("webhook-event");
export const TERRA_USER_SCHEMA_ID = documentSchemaId("terra-user");

export function modelSchemaId(dataType: DataType): string {
  if (!isDataType(dataType)) throw new TypeError(`unknown data type "${String(dataType)}"`);
  return documentSchemaId(dataType);
}

export function eventSchemaId(eventType: EventType): string {
  if (!isEventType(eventType)) throw new TypeError(`unknown event type "${String(eventType)}"`);
  // Both wire names of the pointer event share one schema.
  const slug = eventType === "s3_upload" ? "s3-payload" : eventType.replaceAll("_", "-");
  return eventDocumentId(slug);
}
