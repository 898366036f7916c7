import { ref } from "./terra-components.ts";

type JsonSchema = Record<string, unknown>;

const nullableString = (description: string, format?: string): JsonSchema => ({
  anyOf: [{ type: "string", ...(format ? { format } : {}) }, { type: "null" }],
  description,
});

/** Schemas of the REST answers themselves (the data models come from @tributary/schemas). */
export function apiComponents(): Record<string, JsonSchema> {
  return {
    Problem: {
      type: "object",
      description:
        "An error (RFC 9457 problem details), sent as application/problem+json with every 4xx and 5xx status. `code` is a stable error code to search the documentation for.",
      required: ["type", "title", "instance"],
      properties: {
        type: { type: "string", description: "Always about:blank." },
        title: { type: "string", description: "The HTTP status text, lower case." },
        instance: { type: "string", description: "The request's path and query string." },
        detail: { type: "string", description: "What went wrong with this request." },
        code: { type: "string", description: "Stable error code, e.g. ERR_DATE_RANGE_INVALID." },
      },
    },
    UserInfo: {
      description: "A user (provider connection) with the bookkeeping userInfo reports.",
      allOf: [
        ref("TerraUser"),
        {
          type: "object",
          properties: {
            last_polled_at: nullableString("Last time the provider was asked for this user's data.", "date-time"),
            most_recent_data_at: nullableString("Time of the newest data point received for this user.", "date-time"),
            paused_at: nullableString("Set while the user's data is paused (Tributary extension).", "date-time"),
          },
        },
      ],
    },
    DataSentToWebhook: {
      type: "object",
      description:
        "The answer to a data request delivered to your destinations (to_webhook=true, or a range too long to answer at once): the data follows, each payload carrying this reference in its terra-reference header.",
      required: ["status", "type", "reference", "trace_id", "user"],
      properties: {
        status: { type: "string", enum: ["success"] },
        type: { type: "string", description: "The data type requested." },
        reference: { type: "string", description: "Sent as terra-reference with every payload of this request." },
        trace_id: { type: "string", description: "Equal to reference." },
        message: { type: "string", description: "Present for large requests, which arrive announced and in chunks." },
        user: ref("TerraUser"),
      },
    },
    WidgetSessionRequest: {
      type: "object",
      description: "What the hosted connect widget offers and where it sends the user.",
      properties: {
        providers: { type: "string", description: "Comma-separated providers to offer, e.g. GARMIN,FITBIT. Default: every provider of the developer." },
        language: { type: "string", description: "Display language of the widget, e.g. en." },
        reference_id: { type: "string", description: "Your own id of the end user." },
        auth_success_redirect_url: { type: "string", description: "Where the user lands after connecting (absolute http(s) URL)." },
        auth_failure_redirect_url: { type: "string", description: "Where the user lands when connecting fails (absolute http(s) URL)." },
      },
    },
    IntegrationProvider: {
      type: "object",
      required: ["provider", "name", "enabled", "types"],
      properties: {
        provider: { type: "string", description: "Provider resource name, e.g. FITBIT." },
        name: { type: "string", description: "Display name." },
        icon: { anyOf: [{ type: "string" }, { type: "null" }], description: "URL of the provider's icon." },
        setup: {
          type: "string",
          description: "How the integration is set up: API_KEYS_MANAGED (the operator's client credentials) or NONE (no credentials needed).",
        },
        enabled: { type: "boolean", description: "Whether the developer can connect users of this provider." },
        types: {
          type: "object",
          description: "The data types the provider serves.",
          properties: Object.fromEntries(["activity", "body", "nutrition", "daily", "sleep", "menstruation"].map((type) => [type, { type: "boolean" }])),
        },
      },
    },
  };
}
