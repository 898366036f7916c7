import type { ConnectorSpec } from "@tributary/schemas";

const clientFields = { in: "query", id: "client_id", secret: "client_secret" } as const;

/** One subscription per application, checked with a hub.challenge GET; its id is what pushes carry. */
export const oneApp: ConnectorSpec = {
  name: "ACME_ONE",
  displayName: "Acme",
  dataTypes: ["activity"],
  auth: {
    type: "oauth2",
    authorizeUrl: "https://acme.example/authorize",
    tokenUrl: "https://acme.example/token",
    scopes: [],
    pkce: false,
    providerUserId: { from: "token", path: "/user_id" },
  },
  http: { baseUrl: "https://api.acme.example/v1" },
  streams: { activity: [{ name: "workouts", request: { path: "/workouts" }, id: "/id", object: { request: { path: "/workouts/{object_id}" } } }] },
  mappings: { activity: { template: { metadata: { summary_id: { path: "/id", required: true } } } } },
  options: { subscription_id: { description: "the subscription pushes name" } },
  webhook: {
    verify: { scheme: "none", reason: "unsigned", match: { path: "/subscription_id", setting: "subscription_id" } },
    handshakes: [{ type: "challenge", param: "hub.challenge", verifyTokenParam: "hub.verify_token", respond: "json" }],
    userId: "/owner_id",
    events: { "*": { action: "pull_object", dataType: "activity", id: "/object_id" } },
    subscription: {
      list: {
        request: { path: "/push_subscriptions", auth: clientFields },
        example: [{ id: 7, callback_url: "https://x.example/hooks/ACME_ONE", created_at: "2026-01-01T00:00:00Z" }],
      },
      fields: { id: "/id", callbackUrl: "/callback_url" },
      create: [
        {
          method: "POST",
          path: "/push_subscriptions",
          bodyEncoding: "form",
          body: { callback_url: "{webhook_url}", verify_token: "{verify_token}" },
          auth: { ...clientFields, in: "body" },
        },
      ],
      settings: [{ setting: "options.subscription_id", path: "/id" }],
      delete: { method: "DELETE", path: "/push_subscriptions/{subscription_id}", auth: clientFields },
    },
  },
};

/** Subscriptions per event and data type that expire, and are renewed. */
export const perType: ConnectorSpec = {
  ...oneApp,
  name: "ACME_TYPES",
  options: {},
  webhook: {
    verify: { scheme: "hmac", header: "x-sig", algorithm: "sha256", encoding: "hex", secret: "clientSecret" },
    handshakes: [{ type: "challenge", param: "challenge", verifyTokenParam: "verification_token", respond: "json" }],
    userId: "/user_id",
    events: { "*": { action: "pull_object", dataType: "activity", id: "/object_id" } },
    subscription: {
      list: {
        request: { path: "/webhook/subscription", auth: { in: "header", id: "x-client-id", secret: "x-client-secret" } },
        example: [{ id: "a1", callback_url: "https://x.example", event_type: "create", data_type: "workout", expiration_time: "2026-01-01T00:00:00+00:00" }],
      },
      fields: { id: "/id", callbackUrl: "/callback_url", expires: { path: "/expiration_time", format: "datetime" }, key: ["/event_type", "/data_type"] },
      create: ["create", "update"].map((event) => ({
        method: "POST" as const,
        path: "/webhook/subscription",
        auth: { in: "header" as const, id: "x-client-id", secret: "x-client-secret" },
        body: { callback_url: "{webhook_url}", verification_token: "{verify_token}", event_type: event, data_type: "workout" },
      })),
      delete: { method: "DELETE", path: "/webhook/subscription/{subscription_id}", auth: { in: "header", id: "x-client-id", secret: "x-client-secret" } },
      renew: {
        request: { method: "PUT", path: "/webhook/subscription/renew/{subscription_id}", auth: { in: "header", id: "x-client-id", secret: "x-client-secret" } },
        beforeSeconds: 7 * 86_400,
      },
    },
  },
};
