export * from "./api-key.ts";
export * from "./developer.ts";
export * from "./developer-directory.ts";
export * from "./developers-from-config.ts";
