import { deliveryBodyTtlSeconds } from "./delivery-bodies.ts";
import type { RuntimeContext } from "./runtime-context.ts";

const DAY_MS = 86_400_000;
/** Rows per DELETE: each statement is short, so a table that grew for years is pruned without a long lock or transaction. */
export const DELIVERY_PRUNE_BATCH = 1000;

/**
 * How many days a finished delivery's audit row is kept (`delivery.keepAuditDays`), never less than a delivery
 * can still run: its stored payload's lifetime (twice the retry schedule plus a day). A job re-run after a crash
 * reads the row to know it delivered already, and must not find it pruned. Undefined: kept for ever (0).
 */
export function keepAuditDays(ctx: Pick<RuntimeContext, "policy">): number | undefined {
  const configured = ctx.policy.keepAuditDays;
  if (configured === 0) return undefined;
  return Math.max(configured, Math.ceil(deliveryBodyTtlSeconds(ctx) / 86_400));
}

/**
 * Removes the audit rows of deliveries finished more than the keeping time ago (run with the hourly stale
 * check, once per deployment), a batch at a time: without it the deliveries table grows by a row per payload
 * and destination for ever. The "failed" rows earlier versions left go the same way (see the repository).
 */
export async function pruneDeliveries(ctx: Pick<RuntimeContext, "policy" | "store" | "log" | "metrics">, now = Date.now()): Promise<number> {
  const days = keepAuditDays(ctx);
  if (days === undefined) return 0;
  const before = new Date(now - days * DAY_MS);
  let pruned = 0;
  for (;;) {
    const batch = await ctx.store.pruneDeliveries({ before, limit: DELIVERY_PRUNE_BATCH });
    pruned += batch;
    ctx.metrics.prunedRows.inc({ table: "deliveries" }, batch);
    if (batch < DELIVERY_PRUNE_BATCH) break;
  }
  if (pruned > 0) ctx.log.info({ pruned, keepAuditDays: days }, "audit rows of finished deliveries pruned");
  return pruned;
}
