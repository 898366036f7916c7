// The connector spec: what a provider connector declares (auth, HTTP, pull streams, mappings, webhook),
// as TypeBox → JSON Schema 2020-12, registered in the schema registry beside the Terra Standard.
export { CONNECTOR_SPEC_BASE_URL, connectorSpecPartId } from "./define.ts";
export type { TimeFormat } from "./define.ts";
export * from "./auth.ts";
export * from "./http.ts";
export * from "./streams.ts";
export * from "./mapping.ts";
export * from "./webhook.ts";
export * from "./spec.ts";
export * from "./recording.ts";
export * from "./mock-fixtures.ts";
