import { Job, type Queue } from "bullmq";
import { deadLetterFailedJob, failedJobKey } from "./failed-jobs.ts";
import type { RuntimeContext } from "./runtime-context.ts";

/** How often each worker process looks for failed jobs without a dead letter. */
export const FAILED_JOB_SWEEP_INTERVAL_MS = 30_000;
/** Looked at again on each sweep: covers the clocks of the processes that stamped the failures. */
const OVERLAP_MS = 60_000;
const PAGE = 200;
/** Jobs one sweep reads per queue at most; the next sweep carries on from where it stopped. */
const MAX_PER_SWEEP = 2000;

export interface FailedJobSweeper {
  /** One pass over every queue; resolves with how many dead letters it wrote. */
  sweep(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * The backstop of `deadLetterFailedJob`: a worker writes the dead letter when it sees a job fail, but a
 * process can die between BullMQ moving the job to `failed` and that write. BullMQ keeps failed jobs in a
 * sorted set by the time they failed; each sweep reads those failed since the last sweep (a watermark per
 * queue in Redis, shared by every process, minus an overlap for clock differences) and dead-letters the
 * ones that have none yet. The first sweep of a deployment starts from now.
 */
export function startFailedJobSweeper(ctx: RuntimeContext, queues: () => Queue[], intervalMs = FAILED_JOB_SWEEP_INTERVAL_MS): FailedJobSweeper {
  // Failures this process has settled, so the overlap is not settled again on every sweep.
  const settled = new Map<string, number>();

  const sweepQueue = async (queue: Queue): Promise<number> => {
    // Beside the queue's own keys (its hash tag), under its BullMQ prefix.
    const watermarkKey = queue.toKey("dead-letter-watermark");
    const since = Number(await ctx.redis.get(watermarkKey));
    if (!since) {
      await ctx.redis.set(watermarkKey, String(Date.now()), "NX");
      return 0;
    }
    let written = 0;
    let newest = since;
    for (let offset = 0; offset < MAX_PER_SWEEP; offset += PAGE) {
      const found = await ctx.redis.zrangebyscore(queue.keys.failed!, since - OVERLAP_MS, "+inf", "WITHSCORES", "LIMIT", offset, PAGE);
      for (let i = 0; i < found.length; i += 2) {
        newest = Math.max(newest, Number(found[i + 1]));
        const job = await Job.fromId(queue, found[i]!);
        if (!job || settled.has(failedJobKey(job))) continue;
        if ((await deadLetterFailedJob(ctx, job, undefined, { sweep: true })) === "dead_lettered") written++;
        settled.set(failedJobKey(job), Date.now());
      }
      if (found.length < PAGE * 2) break;
    }
    if (newest > since) await ctx.redis.set(watermarkKey, String(newest));
    return written;
  };

  const sweep = async () => {
    let written = 0;
    for (const queue of queues()) written += await sweepQueue(queue);
    const forgetBefore = Date.now() - 2 * OVERLAP_MS - intervalMs;
    for (const [key, at] of settled) if (at < forgetBefore) settled.delete(key);
    if (written > 0) ctx.log.warn({ written }, "failed jobs found without a dead letter (their worker died while failing them); dead-lettered");
    return written;
  };

  let running: Promise<unknown> = Promise.resolve();
  const run = (): Promise<number> => {
    const pass = running.then(sweep, sweep);
    running = pass.catch((error: unknown) => ctx.log.warn({ err: (error as Error).message }, "sweeping failed jobs failed; the next sweep tries again"));
    return pass;
  };
  void run().catch(() => undefined);
  const timer = setInterval(() => void run().catch(() => undefined), intervalMs);
  timer.unref();
  return {
    sweep: run,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
