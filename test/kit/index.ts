export * from "./payloads.ts";
export * from "./destination-conformance.ts";
export * from "./mongo-wire-server/index.ts";
export * from "./runtime-harness.ts";
export { readMongoRecords, MONGO_EVENTS_COLLECTION, type MongoPlace } from "./read-back/mongodb.ts";
export * from "./destination-context.ts";
export * from "./free-port.ts";
export * from "./redis-cluster.ts";
export * from "./provider-budget.ts";
