export * from "./topology.ts";
export * from "./redis-connection.ts";
export * from "./ensure-redis.ts";
export * from "./job-id.ts";
export * from "./delivery-bodies.ts";
export * from "./queues.ts";
export * from "./producer-queues.ts";
