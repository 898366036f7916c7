// The runtime's model of a connector: a plugin's definition (spec + hooks) compiled once, with what
// pulls, maps and schedules need.
export { compileConnector } from "./compile-connector.ts";
export { effectiveSync, specSync, DEFAULT_BACKFILL_DAYS, DEFAULT_RECONCILE_DAYS, type ConnectorSync } from "./connector-sync.ts";
export type { ConnectorMapContext, ConnectorReadContext, NormalizedSlice, RuntimeConnector } from "./runtime-connector.ts";
