import type { Check } from "./check.ts";
import { actionDataTypes } from "../action-data-types.ts";
import { specActions } from "./spec-parts.ts";

/**
 * Scheduling a connector cannot carry out is refused: a connector without pull streams (one that only
 * receives pushes) gets no polls, no reconciliation and no backfill, unless its backfill is requested
 * from the provider and arrives by push.
 */
export const checkSync: Check = ({ spec }, report) => {
  const sync = spec.sync;
  if (!sync) return;
  const pulls = Object.values(spec.streams ?? {}).some((streams) => streams.length > 0);
  const backfillRequests = Object.keys(sync.backfillRequests ?? {});
  if (!pulls) {
    const why = "this connector has no pull streams, so nothing would be pulled";
    if (sync.pollIntervalSeconds !== undefined) report(["sync", "pollIntervalSeconds"], `never used: ${why} — remove it`);
    if (sync.minPollIntervalSeconds !== undefined) report(["sync", "minPollIntervalSeconds"], `never used: ${why} — remove it`);
    if (sync.pollJitterSeconds !== undefined) report(["sync", "pollJitterSeconds"], `never used: ${why} — remove it`);
    if (sync.reconcileDays !== undefined) report(["sync", "reconcileDays"], `never used: ${why} to reconcile — remove it`);
    if (sync.backfillDays !== undefined && backfillRequests.length === 0)
      report(["sync", "backfillDays"], `never used: ${why} at connect — remove it, or request the history with sync.backfillRequests`);
  }
  if (pulls && sync.reconcileDays !== undefined && !spec.webhook) {
    report(["sync", "reconcileDays"], "never used: reconciliation re-pulls what pushes may have missed, and this connector has no webhook — remove it");
  }
  if (pulls && sync.pollJitterSeconds !== undefined && sync.pollIntervalSeconds === undefined) {
    report(["sync", "pollJitterSeconds"], "never used: there is no pollIntervalSeconds, so nothing is polled — remove it, or set the interval");
  }
  if (sync.pollIntervalSeconds !== undefined && sync.minPollIntervalSeconds !== undefined && sync.pollIntervalSeconds < sync.minPollIntervalSeconds) {
    report(["sync", "pollIntervalSeconds"], `${sync.pollIntervalSeconds} is below minPollIntervalSeconds (${sync.minPollIntervalSeconds}) — raise it`);
  }

  const pushed = new Set(specActions(spec).flatMap(({ action }) => actionDataTypes(action)));
  const served = new Set<string>(spec.dataTypes);
  for (const dataType of backfillRequests) {
    if (!served.has(dataType)) report(["sync", "backfillRequests", dataType], `"${dataType}" is not in dataTypes — add it there, or remove this request`, true);
    else if (!pushed.has(dataType))
      report(
        ["sync", "backfillRequests", dataType],
        `the ${dataType} history it requests arrives by push, but no webhook event brings ${dataType} — add one`,
        true,
      );
  }
};
