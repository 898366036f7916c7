export * from "./json-pointer.ts";
export * from "./verify-webhook.ts";
export * from "./replay-fingerprint.ts";
export * from "./parse-push-body.ts";
export * from "./extract-notifications.ts";
export { SIGNATURE_SCHEMES, type SignatureScheme, type SchemeResult } from "./schemes/index.ts";
