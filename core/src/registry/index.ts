export * from "./plugin-registry.ts";
export * from "./builtin-plugins.ts";
