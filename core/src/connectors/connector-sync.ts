import type { ConnectorSpec, RequestSpec } from "@tributary/schemas";
import type { ProviderSettings } from "../runtime/runtime-context.ts";

/** A connector's sync settings, the spec's defaults applied. */
export interface ConnectorSync {
  /** Days pulled when a user connects. */
  backfillDays: number;
  /** The furthest back the provider serves data; undefined: the runtime's default bound. */
  maxHistoryDays?: number | undefined;
  /** Scheduled pull interval; undefined for connectors that are not polled. */
  pollIntervalSeconds?: number | undefined;
  /** Each user's polls spread by up to this much. */
  pollJitterSeconds: number;
  /** Floor under any poll interval, the operator's included. */
  minPollIntervalSeconds?: number | undefined;
  /** Push providers: days re-pulled daily to catch missed pushes. */
  reconcileDays: number;
  /** Data types whose history is asked for (then pushed) instead of pulled, with the requests that ask. */
  backfillRequests: Readonly<Record<string, readonly RequestSpec[]>>;
}

export const DEFAULT_BACKFILL_DAYS = 28;
export const DEFAULT_RECONCILE_DAYS = 2;

export function specSync(spec: ConnectorSpec): ConnectorSync {
  const sync = spec.sync ?? {};
  return {
    backfillDays: sync.backfillDays ?? DEFAULT_BACKFILL_DAYS,
    maxHistoryDays: sync.maxHistoryDays,
    pollIntervalSeconds: sync.pollIntervalSeconds,
    pollJitterSeconds: sync.pollJitterSeconds ?? 0,
    minPollIntervalSeconds: sync.minPollIntervalSeconds,
    reconcileDays: sync.reconcileDays ?? DEFAULT_RECONCILE_DAYS,
    backfillRequests: Object.fromEntries(
      Object.entries(sync.backfillRequests ?? {}).map(([dataType, requests]) => [dataType, Array.isArray(requests) ? requests : [requests]]),
    ),
  };
}

/**
 * The sync a deployment runs: the operator's `providers.<NAME>` overrides (backfillDays,
 * pollIntervalSeconds) over the connector's, never polling faster than the connector's floor.
 */
export function effectiveSync(connector: { sync: ConnectorSync }, settings: ProviderSettings | undefined): ConnectorSync {
  const base = connector.sync;
  const backfillDays = atLeast(0, settings?.backfillDays) ?? base.backfillDays;
  const interval = atLeast(1, settings?.pollIntervalSeconds) ?? base.pollIntervalSeconds;
  const floor = base.minPollIntervalSeconds;
  return {
    ...base,
    backfillDays,
    pollIntervalSeconds: interval !== undefined && floor !== undefined ? Math.max(interval, floor) : interval,
  };
}

const atLeast = (min: number, value: unknown): number | undefined => (typeof value === "number" && Number.isFinite(value) && value >= min ? value : undefined);
