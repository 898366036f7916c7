import { randomUUID } from "node:crypto";
import { Queue, Worker } from "bullmq";
import { createRedisConnection } from "@tributary/core/queue";

export interface BareResult {
  jobs: number;
  jobsPerSecond: number;
}

/**
 * The ceiling everything else is compared to: BullMQ add → process with a no-op processor, same Redis,
 * same machine, same job options style as the runtime (trimmed completed jobs).
 */
export async function benchBareBullmq(redisUrl: string, jobs: number, concurrency = 32): Promise<BareResult> {
  const prefix = `bench-${randomUUID().slice(0, 8)}`;
  const connection = createRedisConnection(redisUrl);
  const queue = new Queue("bare", { connection, prefix, defaultJobOptions: { removeOnComplete: { count: 1000 } } });
  let done = 0;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const worker = new Worker("bare", async () => undefined, { connection, prefix, concurrency, autorun: false });
  worker.on("completed", () => {
    if (++done === jobs) finish();
  });
  const started = performance.now();
  void worker.run();
  for (let i = 0; i < jobs; i += 500) {
    const batch = Array.from({ length: Math.min(500, jobs - i) }, (_, k) => ({ name: "noop", data: { i: i + k } }));
    await queue.addBulk(batch);
  }
  await finished;
  const seconds = (performance.now() - started) / 1000;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  connection.disconnect();
  return { jobs, jobsPerSecond: jobs / seconds };
}
