// @tributary/schemas: the Terra Standard (payload version 2022-03-16) as TypeBox/JSON Schema 2020-12,
// with one Ajv-backed registry to validate models and webhook events.

export { PAYLOAD_VERSION, SCHEMA_BASE_URL, JSON_SCHEMA_DIALECT } from "./version.ts";
export type { PayloadVersion } from "./version.ts";
export { DATA_TYPES, isDataType } from "./data-types.ts";
export type { DataType } from "./data-types.ts";
export { EVENT_TYPES, LIFECYCLE_EVENT_TYPES, isEventType } from "./event-types.ts";
export type { EventType, LifecycleEventType } from "./event-types.ts";
export {
  modelSchemaId,
  eventSchemaId,
  enumSchemaId,
  objectSchemaId,
  documentSchemaId,
  eventDocumentId,
  WEBHOOK_EVENT_SCHEMA_ID,
  TERRA_USER_SCHEMA_ID,
} from "./ids.ts";
export { terraTimestamp, utcOffsetSuffix, utcOffsetMinutesOf } from "./terra-timestamp.ts";
export { DATE_TIME_FORMAT, DATE_OR_DATE_TIME_FORMAT, isIsoDate, isIsoDateTime, isIsoDateOrDateTime } from "./formats.ts";

export * from "./enums/index.ts";
export * from "./objects/index.ts";
export * from "./models/index.ts";
export * from "./events/index.ts";

export { SchemaRegistry, createSchemaRegistry, nameKey } from "./registry/registry.ts";
export type { ValidationResult, RegisteredSchema } from "./registry/registry.ts";
export { getSchemaRegistry, resolveSchema } from "./registry/default-registry.ts";
export { builtInSchemas } from "./registry/built-in-schemas.ts";
export { validatePayload } from "./registry/validate-payload.ts";
export type { PayloadValidationResult } from "./registry/validate-payload.ts";
export { formatIssues, EXPECTED_KEYWORD } from "./registry/issues.ts";
export { pathSegments, pointerToPath } from "./registry/issue-path.ts";
export { closestName } from "./registry/closest-name.ts";
export type { ValidationIssue } from "./registry/issues.ts";
export { SchemaRegistryError, isSchemaRegistryError, SCHEMA_ERROR_CODES } from "./registry/errors.ts";
export type { SchemaErrorCode } from "./registry/errors.ts";

// Cross-checking against Terra's published OpenAPI examples (the caller parses the YAML).
export { checkSpecDocument, extractSpecExamples } from "./spec-examples/index.ts";
export type { ExtractedSpecExamples, SkippedSpecExample, SpecCheckReport, SpecExample, SpecExampleResult } from "./spec-examples/index.ts";

// What providers declare: the connector meta-schema (validated through the same registry).
export * from "./connector-spec/index.ts";
