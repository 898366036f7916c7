import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobId, Priority, type PollAllJobData, type PullJobData } from "@tributary/core/queue";
import { waitForIdle } from "@tributary/core/runtime";
import { deterministicTraceId } from "../../src/runtime/trace-id.ts";
import { daysAgo, naturalKeys, receivedFor, startPipeline, utcDays, type Pipeline } from "./pipeline.ts";

/**
 * What holds when a pull runs again:
 * - under a NEW job id (same data: an operator's replay, an overlapping poll) every natural key arrives
 *   again, under new trace ids — receivers upsert on the natural key;
 * - under the SAME job id (a BullMQ retry, or the job re-added once forgotten) the payloads carry the
 *   same trace ids, so the deliver queue drops them while it remembers the first, and receivers that
 *   dedupe on `x-terra-trace-id` drop them after.
 */
describe("the pull queue", () => {
  let pipeline: Pipeline;

  beforeAll(async () => {
    pipeline = await startPipeline();
  });
  afterAll(async () => {
    await pipeline?.close();
  });

  it("re-running a pull delivers the same natural keys; the same job id re-emits the same trace id", async () => {
    const { ctx, receiver } = pipeline;
    const userId = (await ctx.store.createConnection({ provider: "SANDBOX" })).user_id;
    const window = utcDays(daysAgo(300), 6);
    const data: PullJobData = {
      userId,
      provider: "SANDBOX",
      dataType: "daily",
      start: window.start.toISOString(),
      end: window.end.toISOString(),
      reason: "poll",
      withSamples: false,
      traceId: randomUUID(),
    };
    const run = async (id: string) => {
      await ctx.queues.pull.add("SANDBOX:daily", data, { jobId: id, priority: Priority.scheduled });
      await waitForIdle(ctx.queues, { timeoutMs: 30_000 });
    };
    const first = jobId("test", randomUUID());
    const second = jobId("test", randomUUID());

    await run(first);
    await run(second);
    await run(first); // still known to BullMQ: a no-op
    let received = receivedFor(receiver, userId, "daily");
    expect(received.map((r) => r.traceId)).toEqual([deterministicTraceId(first, "daily", 0), deterministicTraceId(second, "daily", 0)]);
    expect(naturalKeys([received[0]!]).length).toBeGreaterThanOrEqual(6); // local days may straddle UTC
    expect(naturalKeys([received[1]!])).toEqual(naturalKeys([received[0]!]));

    // Forget the first run (its pull job and its delivery job), then run it again under the same id.
    const firstTrace = deterministicTraceId(first, "daily", 0);
    await (await ctx.queues.pull.getJob(first))?.remove();
    await (await ctx.queues.deliverTo("receiver").getJob(jobId(firstTrace, "receiver")))?.remove();
    await run(first);
    received = receivedFor(receiver, userId, "daily");
    expect(received).toHaveLength(3);
    expect(received[2]).toMatchObject({ traceId: firstTrace, duplicate: true });
    expect(naturalKeys([received[2]!])).toEqual(naturalKeys([received[0]!]));
  });

  it("a scheduler tick runs through the pull worker: every active user's data arrives", async () => {
    const { ctx, receiver } = pipeline;
    const users = await Promise.all(Array.from({ length: 2 }, () => ctx.store.createConnection({ provider: "SANDBOX" })));
    const tick: PollAllJobData = { kind: "poll-all", provider: "SANDBOX", reason: "reconcile", lookbackDays: 2, bucketSeconds: 86_400 };
    // The pull queue's declared type lists pulls; scheduler ticks share it.
    await ctx.queues.pull.add("reconcile:SANDBOX", tick as never, { priority: Priority.scheduled });
    await waitForIdle(ctx.queues, { timeoutMs: 60_000 });
    for (const user of users) {
      const types = new Set(receivedFor(receiver, user.user_id).map((r) => r.payload.type));
      // Two days always hold a daily, a sleep and the athlete profile; other types depend on the user.
      for (const type of ["daily", "sleep", "athlete"]) expect(types.has(type), `${type} for ${user.user_id}`).toBe(true);
      expect((await ctx.store.getConnection(user.user_id))?.last_polled_at).not.toBeNull();
    }
  });
});
