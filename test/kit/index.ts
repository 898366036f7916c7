export * from "./payloads.ts";
export * from "./destination-conformance.ts";
export * from "./mongo-wire-server/index.ts";
export * from "./runtime-harness.ts";
