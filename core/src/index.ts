export * from "./contracts/index.ts";
export * from "./registry/index.ts";
export * from "./runtime/index.ts";
export * from "./queue/index.ts";
export * from "./ingress/index.ts";
export * from "./demo/index.ts";
export { createLogger, silentLogger } from "./log/logger.ts";
export * from "./config/index.ts";
