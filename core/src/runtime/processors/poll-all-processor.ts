import { createHash } from "node:crypto";
import type { Job } from "bullmq";
import { jobId } from "../../queue/job-id.ts";
import { pullPriority, type PollAllJobData, type PullJobData } from "../../queue/topology.ts";
import type { Connection } from "../../state/index.ts";
import type { RuntimeContext } from "../runtime-context.ts";
import { deterministicTraceId } from "../trace-id.ts";

export interface PollAllResult {
  connections: number;
  enqueued: number;
}

const DAY_MS = 86_400_000;
/** Connections read (and pull jobs added) per round trip. */
const PAGE_SIZE = 500;

/**
 * A scheduler tick: one pull per active connection of the provider and data type it supports, at
 * scheduled priority (behind live work, ahead of backfill).
 *
 * - `poll` pulls each user's window since their last poll (minus one tick of overlap, for records the
 *   provider makes available late), never further back than `lookbackDays`;
 * - `reconcile` pulls the last `lookbackDays` for everyone, catching pushes the provider never sent.
 *
 * Job ids are (reason, user, type, tick bucket): a second tick in the same bucket — a scheduler update
 * firing early, an operator triggering one by hand — enqueues nothing new. Natural keys make the overlaps
 * between consecutive windows harmless downstream.
 */
export async function processPollAll(ctx: RuntimeContext, job: Job<PollAllJobData>, now = Date.now()): Promise<PollAllResult> {
  const { provider, reason, lookbackDays, bucketSeconds } = job.data;
  if (!ctx.registry.hasConnector(provider) || ctx.providers[provider]?.enabled === false) {
    // A tick of an earlier configuration (startScheduler removes the scheduler, not a tick already due).
    ctx.log.warn({ provider, reason }, "scheduled pull for a provider that is no longer loaded or enabled; skipped");
    return { connections: 0, enqueued: 0 };
  }
  const connector = ctx.registry.connector(provider);
  const dataTypes = connector.pullTypes;
  // Polls of one provider spread over its jitter, each user at a fixed offset (Peloton locks accounts polled in lockstep).
  const jitterMs = reason === "poll" ? connector.sync.pollJitterSeconds * 1000 : 0;
  const bucketMs = Math.max(1, bucketSeconds) * 1000;
  const bucket = Math.floor(now / bucketMs);
  const earliest = now - lookbackDays * DAY_MS;
  const traceId = deterministicTraceId(job.id ?? `${reason}:${provider}`, bucket);

  const windowStart = (connection: Connection): number => {
    if (reason === "reconcile" || !connection.last_polled_at) return earliest;
    return Math.max(earliest, Date.parse(connection.last_polled_at) - bucketMs);
  };

  let connections = 0;
  let enqueued = 0;
  // Offset paging over connections ordered oldest first: users who connect meanwhile land on later
  // pages; one deactivated mid-tick may shift a user past this tick, and the next tick catches them up.
  for (let offset = 0; ; offset += PAGE_SIZE) {
    const page = await ctx.store.listConnections({ provider, active: true, paused: false, limit: PAGE_SIZE, offset });
    const jobs = page.flatMap((connection) =>
      dataTypes.map((dataType) => {
        const data: PullJobData = {
          userId: connection.user_id,
          provider,
          dataType,
          start: new Date(windowStart(connection)).toISOString(),
          end: new Date(now).toISOString(),
          reason,
          withSamples: true,
          traceId,
        };
        return {
          name: `${provider}:${dataType}`,
          data,
          opts: {
            priority: pullPriority(reason),
            jobId: jobId(reason, connection.user_id, dataType, bucket),
            ...(jitterMs > 0 ? { delay: jitterOf(connection.user_id, jitterMs) } : {}),
          },
        };
      }),
    );
    if (jobs.length > 0) await ctx.queues.pull.addBulk(jobs);
    connections += page.length;
    enqueued += jobs.length;
    if (page.length < PAGE_SIZE) break;
  }
  ctx.log.info({ provider, reason, connections, enqueued }, "scheduled pulls enqueued");
  return { connections, enqueued };
}

/** A user's fixed offset within the jitter: the same every tick, different between users. */
export function jitterOf(userId: string, jitterMs: number): number {
  return createHash("sha256").update(userId).digest().readUInt32BE(0) % (jitterMs + 1);
}
