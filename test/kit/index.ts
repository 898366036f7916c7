export * from "./payloads.ts";
export * from "./destination-conformance.ts";
export * from "./mongo-wire-server/index.ts";
