import { randomUUID } from "node:crypto";
import { Queue, Worker } from "bullmq";
import { afterEach, describe, expect, it } from "vitest";
import { createRedisConnection, Priority, pullPriority } from "@tributary/core/queue";

const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** Live work (pushes, pings, on-demand requests) runs before scheduled polls, which run before backfill. */
describe("job priorities on real Redis", () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("a live job added after a backlog of backfill and scheduled jobs runs first", async () => {
    const connection = createRedisConnection(redisUrl);
    const prefix = `test-priority-${randomUUID().slice(0, 8)}`;
    const queue = new Queue("pull", { connection, prefix });
    cleanups.push(async () => {
      await queue.obliterate({ force: true });
      await queue.close();
      connection.disconnect();
    });

    // The backlog arrives first, as on a day thousands of users connect at once.
    for (let i = 0; i < 5; i++) await queue.add("backfill", { i }, { priority: pullPriority("backfill") });
    for (let i = 0; i < 3; i++) await queue.add("poll", { i }, { priority: pullPriority("poll") });
    await queue.add("ping", {}, { priority: pullPriority("ping") });
    await queue.add("request", {}, { priority: pullPriority("request") });

    const order: string[] = [];
    const worker = new Worker("pull", async (job) => void order.push(job.name), { connection, prefix, concurrency: 1 });
    cleanups.push(() => worker.close());
    await new Promise<void>((resolve) => worker.on("completed", () => order.length === 10 && resolve()));

    expect(order).toEqual(["ping", "request", "poll", "poll", "poll", "backfill", "backfill", "backfill", "backfill", "backfill"]);
    expect(Priority.live).toBeLessThan(Priority.scheduled);
    expect(Priority.scheduled).toBeLessThan(Priority.backfill);
  });
});
