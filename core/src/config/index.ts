export * from "./config-schema.ts";
export * from "./config-error.ts";
export * from "./load-config.ts";
export * from "./default-config.ts";
export * from "./redact-config.ts";
export * from "./check-destinations.ts";
export { isSecretName, REDACTED } from "./secrets.ts";
