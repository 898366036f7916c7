import { WEBHOOK_EVENT_SCHEMA_ID } from "../ids.ts";
import { getSchemaRegistry } from "./default-registry.ts";
import { SchemaRegistryError } from "./errors.ts";
import type { ValidationResult } from "./registry.ts";

export type PayloadValidationResult = ValidationResult & {
  /** The `$id` the payload was validated against. */
  schemaId: string;
  /** Human name of that schema (its title, e.g. "Activity" or "WebhookEvent"). */
  schemaName: string;
};

/**
 * Validates a payload against a named schema, or - without a name - as a webhook event when it is an
 * object with a string `type`. Throws `SchemaRegistryError` (ERR_SCHEMA_UNKNOWN / ERR_SCHEMA_REQUIRED)
 * only when it cannot tell which schema to use; invalid data is reported in the result.
 */
export function validatePayload(data: unknown, name?: string): PayloadValidationResult {
  const registry = getSchemaRegistry();
  let schemaId: string;
  if (name === undefined || name === "") {
    const looksLikeEvent = typeof data === "object" && data !== null && !Array.isArray(data) && typeof (data as { type?: unknown }).type === "string";
    if (!looksLikeEvent) {
      throw new SchemaRegistryError(
        "ERR_SCHEMA_REQUIRED",
        'cannot tell which schema to use: the payload is not a webhook event (an object with a string "type"); name a schema such as "activity", "ActivityEvent" or "TerraUser"',
      );
    }
    schemaId = WEBHOOK_EVENT_SCHEMA_ID;
  } else {
    const resolved = registry.resolve(name);
    if (resolved === undefined) {
      throw new SchemaRegistryError(
        "ERR_SCHEMA_UNKNOWN",
        `unknown schema "${name}": use a model (activity, body, daily, sleep, nutrition, menstruation, athlete), an event type (auth, deauth, ...), a Terra schema name (ActivityEvent, TerraUser, ...) or "webhook"`,
      );
    }
    schemaId = resolved;
  }
  const title = registry.get(schemaId)?.["title"];
  return { ...registry.validate(schemaId, data), schemaId, schemaName: typeof title === "string" ? title : schemaId };
}
