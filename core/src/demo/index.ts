export * from "./local-receiver.ts";
export * from "./run-demo.ts";
export * from "./demo-widget.ts";
export * from "./config-destinations.ts";
