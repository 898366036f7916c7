import { Worker, type ConnectionOptions } from "bullmq";
import { RateLimitedError } from "../errors/tributary-error.ts";
import { Queues } from "../queue/topology.ts";
import { backoffDelayMs } from "./delivery-policy.ts";
import { processDelivery } from "./processors/deliver-processor.ts";
import { processPull } from "./processors/pull-processor.ts";
import { processIngest } from "./processors/ingest-processor.ts";
import type { RuntimeContext } from "./runtime-context.ts";

export interface WorkerConcurrency {
  pull?: number;
  ingest?: number;
  deliver?: number;
}

export interface RuntimeWorkers {
  workers: Worker[];
  /** Stop taking jobs and wait for the running ones (SIGTERM path). */
  close(): Promise<void>;
}

/** Start the three workers of this process; run more processes against the same Redis to scale out. */
export function startWorkers(ctx: RuntimeContext, connection: ConnectionOptions, concurrency: WorkerConcurrency = {}): RuntimeWorkers {
  const prefix = ctx.queues.prefix;
  const backoffStrategy = (attemptsMade: number, _type?: string, error?: Error) =>
    error instanceof RateLimitedError ? error.retryAfterMs : backoffDelayMs(ctx.policy, attemptsMade);

  const workers = [
    new Worker(Queues.pull, (job, _token, signal) => processPull(ctx, job, signal), {
      connection,
      prefix,
      concurrency: concurrency.pull ?? 4,
      settings: { backoffStrategy },
    }),
    new Worker(Queues.ingest, (job) => processIngest(ctx, job), { connection, prefix, concurrency: concurrency.ingest ?? 8 }),
    new Worker(Queues.deliver, (job) => processDelivery(ctx, job), {
      connection,
      prefix,
      concurrency: concurrency.deliver ?? 16,
      settings: { backoffStrategy },
    }),
  ];
  for (const worker of workers) {
    worker.on("error", (err) => ctx.log.error({ queue: worker.name, err: err.message }, "worker error"));
  }
  let closed: Promise<void> | undefined;
  return { workers, close: () => (closed ??= Promise.all(workers.map((w) => w.close())).then(() => undefined)) };
}
