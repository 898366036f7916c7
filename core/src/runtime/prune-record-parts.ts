import { effectiveSync } from "../connectors/connector-sync.ts";
import type { RuntimeContext } from "./runtime-context.ts";

const DAY_MS = 86_400_000;
/** Parts are kept this many days past the provider's history window (its backfill) by default. */
export const RECORD_PARTS_EXTRA_DAYS = 14;

/**
 * How many days the parts of a merged record (a day in parts) are kept after the last of them arrived:
 * the operator's `providers.<P>.keepRecordPartsDays`, else the provider's backfill window plus two weeks —
 * a part that arrives later (a re-sent history) starts its record again from the parts then sent.
 */
export function keepRecordPartsDays(ctx: Pick<RuntimeContext, "registry" | "providers">, provider: string): number {
  const configured = ctx.providers[provider]?.keepRecordPartsDays;
  if (typeof configured === "number" && configured > 0) return configured;
  return effectiveSync(ctx.registry.connector(provider), ctx.providers[provider]).backfillDays + RECORD_PARTS_EXTRA_DAYS;
}

/**
 * Removes the kept parts of records no part arrived for within each provider's keeping time (run with the
 * hourly stale check, once per deployment): without it they stay until the connection goes, ~60 KB per
 * Garmin user-day. Only connectors that merge records keep any.
 */
export async function pruneRecordParts(ctx: RuntimeContext, now = Date.now()): Promise<number> {
  let pruned = 0;
  for (const connector of ctx.registry.connectors()) {
    if (!Object.values(connector.definition.spec.mappings ?? {}).some((mapping) => mapping?.merge)) continue;
    const days = keepRecordPartsDays(ctx, connector.name);
    pruned += await ctx.store.pruneRecordParts({ provider: connector.name, before: new Date(now - days * DAY_MS) });
  }
  ctx.metrics.prunedRows.inc({ table: "record_parts" }, pruned);
  if (pruned > 0) ctx.log.info({ pruned }, "kept parts of merged records pruned");
  return pruned;
}
