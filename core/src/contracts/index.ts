/** The only surface connector and destination plugins import from core. */
export * from "./auth.ts";
export * from "./aws-error.ts";
export * from "./connector.ts";
export * from "./data-types.ts";
export * from "./destination.ts";
export * from "./is-record.ts";
export { singleHeader, singleQuery, type WebhookRequest } from "../ingress/webhook-request.ts";
export * from "./natural-key.ts";
export * from "./payload-store.ts";
export * from "./percent-decoding.ts";
export * from "./terra-signature.ts";
export * from "./safe-equal.ts";
export * from "../errors/index.ts";
export type { Logger } from "../log/logger.ts";
