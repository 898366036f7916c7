export * from "./json-pointer.ts";
export * from "./verify-webhook.ts";
export * from "./extract-notifications.ts";
