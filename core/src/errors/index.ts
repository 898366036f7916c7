export * from "./tributary-error.ts";
export * from "./codes.ts";
