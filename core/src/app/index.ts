export * from "./build-app.ts";
export * from "./build-destinations.ts";
export * from "./runtime-settings.ts";
export * from "./shutdown-on-signal.ts";
