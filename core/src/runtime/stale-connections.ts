import { Gauge, type Registry } from "prom-client";
import type { Logger } from "../log/logger.ts";
import { Priority } from "../queue/topology.ts";
import type { StateStore } from "../state/index.ts";
import { emitPayload } from "./emit-payload.ts";
import { lifecyclePayload } from "./envelope.ts";
import type { RuntimeContext } from "./runtime-context.ts";
import { toTerraUser } from "./terra-user.ts";
import { deterministicTraceId } from "./trace-id.ts";

const DAY_MS = 86_400_000;
/** Providers with daily data normally send something every day: three quiet days are worth a look. */
export const DEFAULT_STALE_AFTER_DAYS = 3;
const PAGE = 500;

/**
 * After how many days without new data a connection of the provider is stale: the operator's
 * `providers.<P>.staleAfterDays`, else 3 for a provider that serves daily data (it normally sends every
 * day), else never.
 */
export function staleAfterDays(ctx: Pick<RuntimeContext, "registry" | "providers">, provider: string): number | undefined {
  const configured = ctx.providers[provider]?.staleAfterDays;
  if (typeof configured === "number" && configured > 0) return configured;
  return ctx.registry.hasConnector(provider) && ctx.registry.connector(provider).dataTypes.includes("daily") ? DEFAULT_STALE_AFTER_DAYS : undefined;
}

export interface StaleCheckResult {
  reported: number;
}

/**
 * Report every active, unpaused connection that has sent no data for its provider's threshold with one
 * `connection_stale` event to its developer's destinations, and remember it was reported: the next report
 * waits for new data and another quiet spell. The event's trace id is named after the connection and its
 * last data, so a check that dies between emitting and remembering re-emits the same event, which the
 * queues take once.
 */
export async function checkStaleConnections(ctx: RuntimeContext, now = Date.now()): Promise<StaleCheckResult> {
  let reported = 0;
  for (const connector of ctx.registry.connectors()) {
    const provider = connector.name;
    const days = staleAfterDays(ctx, provider);
    if (days === undefined || ctx.providers[provider]?.enabled === false) continue;
    for (;;) {
      const quiet = await ctx.store.staleCandidates({ provider, before: new Date(now - days * DAY_MS), limit: PAGE });
      for (const connection of quiet) {
        const lastDataAt = connection.most_recent_data_at;
        await emitPayload(
          ctx,
          lifecyclePayload("connection_stale", {
            status: "warning",
            user: toTerraUser(connection),
            message: `No new data from ${provider} for ${days} days`,
            last_data_at: lastDataAt,
            stale_after_days: days,
          }),
          {
            traceId: deterministicTraceId(connection.user_id, "connection_stale", lastDataAt ?? connection.created_at),
            priority: Priority.live,
            developer: connection.developer_id,
          },
        );
      }
      const marked = await ctx.store.markStale(quiet.map((connection) => connection.user_id));
      if (marked.length > 0) ctx.metrics.staleReports.inc({ provider }, marked.length);
      reported += marked.length;
      if (quiet.length < PAGE) break;
    }
  }
  if (reported > 0) ctx.log.info({ reported }, "connections reported stale");
  return { reported };
}

const STALE_GAUGE = "tributary_stale_connections";

/**
 * `tributary_stale_connections{provider}`: connections reported stale and still without new data, read
 * from the state store at each scrape — the truth whichever process ran the check (every process of a
 * cluster reports the same count, hence the `max` aggregation).
 */
export function registerStaleGauge(registry: Registry, store: Pick<StateStore, "countStale">, log: Logger): void {
  if (registry.getSingleMetric(STALE_GAUGE)) return;
  new Gauge({
    name: STALE_GAUGE,
    help: "Active, unpaused connections with no new data for their provider's staleAfterDays, by provider.",
    labelNames: ["provider"] as const,
    aggregator: "max",
    registers: [registry],
    async collect() {
      try {
        const counts = await store.countStale();
        this.reset();
        for (const [provider, count] of counts) this.set({ provider }, count);
      } catch (error) {
        // A scrape while the database is away keeps the last counts rather than failing the scrape.
        log.debug({ err: (error as Error).message }, "could not count stale connections");
      }
    },
  });
}
