export * from "./create-http-server.ts";
export * from "./provider-user-cache.ts";
export * from "./replay-guard.ts";
export * from "./api-key-auth.ts";
export { ADMIN_QUEUES_PATH } from "./admin-queues.ts";
export { RETRY_AFTER_SECONDS, QUEUE_UNAVAILABLE } from "./unavailable.ts";
export type { WebhookOutcome } from "./http-metrics.ts";
