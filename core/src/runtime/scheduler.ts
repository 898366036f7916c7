import { effectiveSync } from "../connectors/connector-sync.ts";
import { unavailableReason } from "../services/provider-availability.ts";
import { Priority, type PollAllJobData, type RenewSubscriptionsJobData, type StaleCheckJobData } from "../queue/topology.ts";
import type { RuntimeContext } from "./runtime-context.ts";

export interface SchedulerOptions {
  /** Cron (UTC) of the daily reconciliation pull of push providers. @default "0 3 * * *" */
  reconcileCron?: string;
  /** Days one reconciliation pulls. @default each connector's sync.reconcileDays (2 unless it says) */
  reconcileDays?: number;
  /** Longest window one poll tick pulls, however long the user went unpolled. @default 3 */
  pollLookbackDays?: number;
  /** Milliseconds between looks for connections gone quiet. @default 1 hour */
  staleCheckEveryMs?: number;
  /** Cron (UTC) of the daily renewal of application subscriptions that expire. @default "30 3 * * *" */
  renewCron?: string;
}

export interface ScheduledTick {
  /** The BullMQ job scheduler id (fixed per provider and kind). */
  id: string;
  provider: string;
  kind: "poll" | "reconcile" | "renew";
  /** Poll interval, or the reconciliation cron. */
  every?: number;
  pattern?: string;
}

const SCHEDULER_ID = /^(poll|reconcile|renew)-(.+)$/;
export const STALE_CHECK_ID = "stale-check";
const DAY_SECONDS = 86_400;

/**
 * Register this deployment's recurring pulls as BullMQ job schedulers on the pull queue:
 * - every provider with a poll interval (`providers.<P>.pollIntervalSeconds`, else the connector's) gets
 *   a `poll:<PROVIDER>` tick at that interval;
 * - every provider that pushes (has a `webhook`) gets a daily `reconcile:<PROVIDER>` tick, which re-pulls
 *   the last days in case a push was lost;
 * - every provider whose application subscription expires (`webhook.subscription.renew`, Oura) gets a
 *   daily `renew-subscriptions:<PROVIDER>` tick, which renews those about to.
 * Each tick is one fan-out job; the pull worker turns it into one pull per user and data type.
 *
 * Why BullMQ schedulers and not node-cron: every API and worker process runs this at start-up, and a
 * node-cron timer lives in each process — N processes would poll every user N times. A job scheduler
 * lives in Redis under a fixed id: upserting it from every process is idempotent, and each tick becomes
 * exactly one job, taken by exactly one worker, cluster-wide. It also survives restarts (the next tick is
 * already in the queue) and shows in the queue dashboard.
 *
 * Schedulers of providers that are disabled or no longer scheduled are removed, so the set in Redis
 * follows the configuration. (Processes started with different configurations would undo each other's
 * changes: run one configuration per deployment prefix.)
 */
export async function startScheduler(ctx: RuntimeContext, options: SchedulerOptions = {}): Promise<ScheduledTick[]> {
  const queue = ctx.queues.pull;
  const reconcileCron = options.reconcileCron ?? "0 3 * * *";
  const renewCron = options.renewCron ?? "30 3 * * *";
  const pollLookbackDays = options.pollLookbackDays ?? 3;

  const wanted: ScheduledTick[] = [];
  for (const connector of ctx.registry.connectors()) {
    const settings = ctx.providers[connector.name];
    // A provider end users cannot connect here (disabled, or OAuth with no client) has nothing to poll.
    if (unavailableReason(ctx.registry, connector.name, settings) !== undefined) continue;
    const interval = connector.pullTypes.length > 0 ? effectiveSync(connector, settings).pollIntervalSeconds : undefined;
    if (typeof interval === "number" && interval > 0) {
      const data: PollAllJobData = { kind: "poll-all", provider: connector.name, reason: "poll", lookbackDays: pollLookbackDays, bucketSeconds: interval };
      await queue.upsertJobScheduler(
        `poll-${connector.name}`,
        { every: interval * 1000 },
        {
          name: `poll:${connector.name}`,
          data,
          opts: { priority: Priority.scheduled },
        },
      );
      wanted.push({ id: `poll-${connector.name}`, provider: connector.name, kind: "poll", every: interval * 1000 });
    }
    if (connector.definition.spec.webhook && connector.pullTypes.length > 0) {
      const data: PollAllJobData = {
        kind: "poll-all",
        provider: connector.name,
        reason: "reconcile",
        lookbackDays: options.reconcileDays ?? connector.sync.reconcileDays,
        bucketSeconds: DAY_SECONDS,
      };
      await queue.upsertJobScheduler(
        `reconcile-${connector.name}`,
        { pattern: reconcileCron, tz: "UTC" },
        {
          name: `reconcile:${connector.name}`,
          data,
          opts: { priority: Priority.scheduled },
        },
      );
      wanted.push({ id: `reconcile-${connector.name}`, provider: connector.name, kind: "reconcile", pattern: reconcileCron });
    }
    if (connector.definition.spec.webhook?.subscription?.renew) {
      const data: RenewSubscriptionsJobData = { kind: "renew-subscriptions", provider: connector.name };
      await queue.upsertJobScheduler(
        `renew-${connector.name}`,
        { pattern: renewCron, tz: "UTC" },
        {
          name: `renew-subscriptions:${connector.name}`,
          data,
          opts: { priority: Priority.scheduled },
        },
      );
      wanted.push({ id: `renew-${connector.name}`, provider: connector.name, kind: "renew", pattern: renewCron });
    }
  }

  // One look for quiet connections, whatever the providers: it covers those with a staleness threshold.
  const staleCheck: StaleCheckJobData = { kind: "stale-check", provider: "*" };
  await queue.upsertJobScheduler(
    STALE_CHECK_ID,
    { every: options.staleCheckEveryMs ?? 3_600_000 },
    {
      name: STALE_CHECK_ID,
      data: staleCheck,
      opts: { priority: Priority.scheduled },
    },
  );

  const keep = new Set(wanted.map((tick) => tick.id));
  const existing = await queue.getJobSchedulers(0, -1);
  for (const scheduler of existing) {
    const id = scheduler.key;
    if (SCHEDULER_ID.test(id) && !keep.has(id)) {
      await queue.removeJobScheduler(id);
      ctx.log.info({ scheduler: id }, "removed a scheduled pull the configuration no longer asks for");
    }
  }
  ctx.log.info({ schedulers: [...wanted.map((tick) => tick.id), STALE_CHECK_ID] }, "scheduled pulls registered");
  return wanted;
}
