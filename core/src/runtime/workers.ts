import { hostname } from "node:os";
import { UnrecoverableError, Worker, type ConnectionOptions, type Job, type WorkerOptions as BullWorkerOptions } from "bullmq";
import { RateLimitedError } from "../errors/tributary-error.ts";
import { queueKeyPrefix } from "../queue/redis-keys.ts";
import { deliverQueueName, Queues, type DeliverJobData, type IngestJobData, type PullQueueJobData } from "../queue/topology.ts";
import { backoffDelayMs } from "./delivery-policy.ts";
import { processDelivery } from "./processors/deliver-processor.ts";
import { processPull } from "./processors/pull-processor.ts";
import { processIngest } from "./processors/ingest-processor.ts";
import { startFailedJobSweeper, type FailedJobSweeper } from "./failed-job-sweeper.ts";
import { deadLetterFailedJob, STALLED_OUT_REASON } from "./failed-jobs.ts";
import type { RuntimeContext } from "./runtime-context.ts";

/**
 * Jobs each queue of one process runs at once. Ingest and delivery jobs mostly wait on Redis, PostgreSQL
 * and HTTP, and more of them in flight lets each event-loop turn batch more I/O (the benchmark's end-to-end
 * rate rose ~15 % from 8 to 32). An ingest job carries every notification the API took in one turn, each
 * processed at once, so 8 of them keep enough in flight; more only held more parsed notifications alive
 * across young-generation collections (copied, then promoted): from 32 to 8 the benchmark's worker spent
 * ~15 % less CPU per record and its peak RSS fell from ~290 to ~250 MB. Pulls hold a provider's pages in
 * memory, so fewer of them run at once.
 */
export const DEFAULT_CONCURRENCY = { pull: 4, ingest: 8, deliver: 32 } as const;

export interface WorkerConcurrency {
  pull?: number;
  ingest?: number;
  /** Per destination. @default 32 */
  deliver?: number;
}

/**
 * How fast a crashed worker's jobs run again. A worker holds a lock on each active job and renews it
 * every `lockDurationMs / 2`; when the process dies (SIGKILL, OOM, lost machine) the lock expires, and
 * the stalled-job check of any live worker (every `stalledIntervalMs`) puts the job back in the queue.
 * BullMQ's 30 s defaults leave a dead worker's jobs waiting for up to a minute.
 */
export interface WorkerOptions {
  /** @default 10_000 */
  lockDurationMs?: number;
  /** @default 5_000 */
  stalledIntervalMs?: number;
  /** How often this process sweeps the failed jobs for ones without a dead letter. @default 30_000 */
  failedJobSweepIntervalMs?: number;
  /** Stored on every job this process runs (`job.processedBy`). @default "<hostname>:<pid>" */
  name?: string;
}

/**
 * How often a job may stall — its worker died while running it — before it fails for good (and becomes a
 * dead letter) instead of running again. A job that kills its worker (heap exhaustion) would otherwise
 * kill every worker that takes it, for ever; but every job that process was running stalls with it, so
 * the limit must also spare the innocent ones. Pulls and ingest jobs run provider data, the likely
 * killers: after 2 stalls they end. A delivery writes one payload with a bound on time: it is far more
 * likely a bystander, and gets 5.
 */
export const MAX_STALLS = { pull: 2, ingest: 2, deliver: 5 } as const;

/**
 * A job that stalled more than `maxStalls` times fails instead of running again. BullMQ's stall check
 * fails such a job itself — except a job scheduler's tick (scheduled polls, reconciliations, the stale
 * check), which it puts back in the queue however often it stalled: a tick that kills its worker would
 * kill every worker that takes it, for ever. Each tick is a job of its own (the next one was scheduled
 * when this one first started), so failing it ends the crash loop, not the schedule.
 */
function stallLimited<J extends Job, R>(maxStalls: number, processor: (job: J, token?: string, signal?: AbortSignal) => Promise<R>) {
  return async (job: J, token?: string, signal?: AbortSignal): Promise<R> => {
    if (job.stalledCounter > maxStalls) throw new UnrecoverableError(STALLED_OUT_REASON);
    return processor(job, token, signal);
  };
}

export interface RuntimeWorkers {
  workers: Worker[];
  /** Stop taking jobs and wait for the running ones (SIGTERM path). */
  close(): Promise<void>;
}

/** The producer queue of a worker's queue name (the sweep reads failed jobs through it). */
function queueOf(ctx: RuntimeContext, name: string) {
  if (name === Queues.pull) return ctx.queues.pull;
  if (name === Queues.ingest) return ctx.queues.ingest;
  const destination = [...ctx.destinations.keys()].find((candidate) => deliverQueueName(candidate) === name);
  return ctx.queues.deliverTo(destination ?? name);
}

/** Start this process's workers (pull, ingest, one per destination); run more processes against the same Redis to scale out. */
export function startWorkers(
  ctx: RuntimeContext,
  connection: ConnectionOptions,
  concurrency: WorkerConcurrency = {},
  options: WorkerOptions = {},
): RuntimeWorkers {
  const prefix = ctx.queues.prefix;
  const lifecycle = {
    lockDuration: options.lockDurationMs ?? 10_000,
    stalledInterval: options.stalledIntervalMs ?? 5_000,
    name: options.name ?? `${hostname()}:${process.pid}`,
  };
  const backoffStrategy = (attemptsMade: number, _type?: string, error?: Error) =>
    error instanceof RateLimitedError ? error.retryAfterMs : backoffDelayMs(ctx.policy, attemptsMade);

  /** A worker of one kind of job: its stall limit both BullMQ's and the processor's own check, its concurrency. */
  const workerOf = <T>(
    queue: string,
    kind: keyof typeof MAX_STALLS,
    processor: (job: Job<T>, token?: string, signal?: AbortSignal) => Promise<unknown>,
    extra: Partial<BullWorkerOptions> = {},
  ) =>
    new Worker<T>(queue, stallLimited(MAX_STALLS[kind], processor), {
      connection,
      prefix: queueKeyPrefix(prefix, queue),
      ...lifecycle,
      maxStalledCount: MAX_STALLS[kind],
      concurrency: concurrency[kind] ?? DEFAULT_CONCURRENCY[kind],
      ...extra,
    });

  const workers = [
    workerOf(Queues.pull, "pull", (job: Job<PullQueueJobData>, token, signal) => processPull(ctx, job, token, signal), { settings: { backoffStrategy } }),
    workerOf(Queues.ingest, "ingest", (job: Job<IngestJobData>) => processIngest(ctx, job)),
    // One worker per destination queue: each destination gets its own concurrency, so one that hangs
    // cannot take the slots the others need.
    // A destination's rate limit is its queue's BullMQ limiter, which every worker shares through Redis.
    ...[...ctx.destinations].map(([destination, active]) =>
      workerOf(deliverQueueName(destination), "deliver", (job: Job<DeliverJobData>, token) => processDelivery(ctx, job, token), {
        settings: { backoffStrategy },
        ...(active.rateLimit ? { limiter: { max: active.rateLimit.max, duration: active.rateLimit.perSeconds * 1000 } } : {}),
      }),
    ),
  ];
  // Dead letters being written, awaited on close (a sweep of the failed jobs catches any a crash interrupts).
  const writing = new Set<Promise<unknown>>();
  const deadLetter = (job: Job, err: Error) => {
    const pending = deadLetterFailedJob(ctx, job, err).catch((error: unknown) =>
      ctx.log.error(
        { queue: job.queueName, jobId: job.id, err: (error as Error).message },
        "writing the dead letter of a failed job failed; the sweep of failed jobs will retry",
      ),
    );
    writing.add(pending);
    void pending.finally(() => writing.delete(pending));
  };
  for (const worker of workers) {
    worker.on("error", (err) => ctx.log.error({ queue: worker.name, err: err.message }, "worker error"));
    worker.on("completed", () => ctx.metrics.jobs.inc({ queue: worker.name, outcome: "completed" }));
    worker.on("failed", (job, err) => {
      const final = !job || err.name === "UnrecoverableError" || job.attemptsMade >= (job.opts.attempts ?? 1);
      ctx.metrics.jobs.inc({ queue: worker.name, outcome: final ? "failed" : "retried" });
      if (final && job) deadLetter(job, err);
    });
  }
  const sweeper: FailedJobSweeper = startFailedJobSweeper(ctx, () => workers.map((worker) => queueOf(ctx, worker.name)), options.failedJobSweepIntervalMs);
  let closed: Promise<void> | undefined;
  return {
    workers,
    close: () =>
      (closed ??= (async () => {
        await Promise.all(workers.map((w) => w.close()));
        await Promise.all(writing);
        await sweeper.stop();
      })()),
  };
}
