import { DATA_TYPES } from "../data-types.ts";
import { EVENT_TYPES } from "../event-types.ts";
import { eventSchemaId, modelSchemaId, TERRA_USER_SCHEMA_ID, WEBHOOK_EVENT_SCHEMA_ID } from "../ids.ts";

/**
 * Extra lookup names on top of each schema's title (Terra's schema name). Order matters: the first
 * registration of a name wins, so "activity" means the model and "activity_event" the event.
 */
export function builtInAliases(): Array<[name: string, id: string]> {
  const aliases: Array<[string, string]> = [];
  for (const dataType of DATA_TYPES) {
    aliases.push([dataType, modelSchemaId(dataType)]);
    aliases.push([`${dataType}_event`, eventSchemaId(dataType)]);
    // Terra's bundled spec names each event's webhook "<Type>Webhook".
    aliases.push([`${dataType}_webhook`, eventSchemaId(dataType)]);
  }
  for (const eventType of EVENT_TYPES) aliases.push([eventType, eventSchemaId(eventType)]);
  for (const name of ["event", "webhook", "webhook_event", "WebhookEventType", "WebhookEvents", "envelope"]) {
    aliases.push([name, WEBHOOK_EVENT_SCHEMA_ID]);
  }
  aliases.push(["user", TERRA_USER_SCHEMA_ID]);
  // Names the bundled spec gives to the same event schemas.
  const specNames: Array<[string, Parameters<typeof eventSchemaId>[0]]> = [
    ["UserAuthWebhook", "auth"],
    ["AuthenticationFailedWebhook", "auth_cancelled"],
    ["UserAuthWebhookError", "auth_cancelled"],
    ["UserDeauthWebhook", "deauth"],
    ["UserReauthWebhook", "user_reauth"],
    ["AccessRevokedWebhook", "access_revoked"],
    ["ConnectionErrorWebhook", "connection_error"],
    ["PermissionChangeWebhook", "permission_change"],
    ["GoogleNoDataSourceWebhook", "google_no_datasource"],
    ["LargeRequestProcessingResponse", "large_request_processing"],
    ["LargeRequestSendingWebhook", "large_request_sending"],
    ["S3UploadWebhook", "s3_upload"],
    ["HealthCheckWebhook", "healthcheck"],
    ["DataProcessingWebhook", "processing"],
  ];
  for (const [name, eventType] of specNames) aliases.push([name, eventSchemaId(eventType)]);
  return aliases;
}
