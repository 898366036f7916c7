import { randomUUID } from "node:crypto";
import { QueueEvents, UnrecoverableError, Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorCodes, TransientError, type Destination } from "@tributary/core/contracts";
import {
  deliveryBodyKeys,
  jobId,
  type DeadDeliveryData,
  type DeliverJobData,
  type IngestJobData,
  type IngestNotification,
  type PullJobData,
} from "@tributary/core/queue";
import { emitPayload, startFailedJobSweeper, waitForIdle } from "@tributary/core/runtime";
import { deliveryBodies } from "../../src/runtime/delivery-bodies.ts";
import { connectUser } from "@tributary/core/services";
import type { DeadLetter } from "@tributary/core/state";
import { startTestRuntime, type RuntimeHarness } from "@tributary/test-kit";
import { TEST_REDIS_URL } from "../../../test/kit/runtime-harness.ts";
import { until } from "../../../test/kit/until.ts";

/** A destination that keeps failing the way a down server does (retried, never delivered). */
const down: Destination = {
  name: "down",
  type: "test",
  write: async () => {
    throw new TransientError(ErrorCodes.DESTINATION_UNAVAILABLE, "the destination answered 503");
  },
  delete: async () => undefined,
  check: async () => undefined,
  close: async () => undefined,
};
const written: string[] = [];
const sink: Destination = { ...down, name: "sink", write: async (deliveries) => void written.push(...deliveries.map((d) => d.traceId)) };

/**
 * Every job that fails for good, on every queue and for every reason, ends as one dead letter with its
 * reason, an error log line and a metric — and a delivery that did reach its destination never does.
 */
describe("jobs that fail for good", () => {
  let h: RuntimeHarness;
  const deadLetters = (filter: (letter: DeadLetter) => boolean) => h.store.listDeadLetters({ limit: 1000 }).then((all) => all.filter(filter));
  const deadLetterOf = (filter: (letter: DeadLetter) => boolean) => until("the dead letter", async () => (await deadLetters(filter))[0]);
  const metric = async (queue: string, destination = "") =>
    (await h.runtime.ctx.metrics.deadLetters.get()).values.find((v) => v.labels.queue === queue && v.labels.destination === destination)?.value ?? 0;
  /** The dead-letter count once it is counted: the worker writes the letter first, then counts it after more awaits. */
  const counted = (queue: string, destination = "") =>
    until(`the ${queue} dead letter counted`, async () => ((await metric(queue, destination)) >= 1 ? true : undefined), 30_000);

  beforeAll(async () => {
    h = await startTestRuntime({
      destinations: { down, sink },
      policy: { attempts: 2, backoffSeconds: 1, maxBackoffSeconds: 1 },
      providers: { SANDBOX: { backfillDays: 0 } },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("a pull that fails with an error retrying cannot fix", async () => {
    const traceId = randomUUID();
    const data: PullJobData = {
      userId: randomUUID(),
      provider: "SANDBOX",
      dataType: "daily",
      start: new Date(0).toISOString(),
      end: new Date().toISOString(),
      reason: "ping",
      withSamples: false,
      traceId,
    };
    await h.runtime.ctx.queues.pull.add("SANDBOX:daily", data);
    const letter = await deadLetterOf((l) => l.trace_id === traceId);
    expect(letter).toMatchObject({ queue: "pull", destination: null, error_code: ErrorCodes.CONNECTION_NOT_FOUND, job_data: data });
    await counted("pull");
  });

  it("an ingest job keeps only its failed notifications, and its dead letter holds those alone", async () => {
    const providerUserId = `sbx-${randomUUID()}`;
    const { user } = await connectUser(h.runtime.ctx, { provider: "SANDBOX", providerUserId });
    const notification = (provider: string, event: string): IngestNotification => ({
      id: jobId("hook", randomUUID(), 0),
      provider,
      userId: user.user_id,
      providerUserId,
      eventType: event,
      notification: { event, owner_id: providerUserId },
      receivedAt: Date.now(),
      traceId: randomUUID(),
    });
    const good = notification("SANDBOX", "test");
    const bad = notification("GONE", "test");
    await h.runtime.ctx.queues.ingest.add("2 notifications", { notifications: [good, bad] });
    const letter = await deadLetterOf((l) => l.queue === "ingest" && (l.job_data as IngestJobData).notifications.some((n) => n.id === bad.id));
    expect(letter.error_code).toBe(ErrorCodes.PLUGIN_UNKNOWN);
    expect(letter.error).toContain("1 of 2 notifications failed");
    expect((letter.job_data as IngestJobData).notifications.map((n) => n.id)).toEqual([bad.id]);
  });

  it("a delivery whose attempts are used up carries its payload, and the stored body is released", async () => {
    const traceId = randomUUID();
    await emitPayload(h.runtime.ctx, { type: "healthcheck", status: "ok" }, { traceId, developer: null });
    const letter = await deadLetterOf((l) => l.trace_id === traceId && l.destination === "down");
    expect(letter).toMatchObject({ queue: "deliver", error_code: ErrorCodes.DESTINATION_UNAVAILABLE, attempts: 2 });
    expect(JSON.parse((letter.job_data as DeadDeliveryData).payloadJson!)).toEqual({ type: "healthcheck", status: "ok" });
    expect((letter.job_data as DeadDeliveryData).bodyRef).toBeUndefined();
    expect(written).toContain(traceId);
    await until("the body to be released by both destinations", async () =>
      (await h.runtime.ctx.redis.exists(deliveryBodyKeys(h.runtime.ctx.queues.prefix, traceId).body)) === 0 ? true : undefined,
    );
    expect(await h.store.listDeliveries({ traceId, destination: "down" })).toMatchObject([{ status: "dead" }]);
    await counted("deliver", "down");
  });

  it("a job that stalled past its limit (it kept killing its worker) ends as an ERR_JOB_STALLED dead letter", async () => {
    const traceId = randomUUID();
    const queue = h.runtime.ctx.queues.deliverTo("sink");
    const body = '{"type":"healthcheck"}';
    await deliveryBodies(h.runtime.ctx).put(traceId, body, ["sink"]);
    const data: DeliverJobData = { destination: "sink", traceId, orderingTimestamp: Date.now(), bodyRef: traceId, eventType: "healthcheck" };
    const job = await queue.add("healthcheck", data, { delay: 300, attempts: 2 });
    // What BullMQ's stall check leaves on a job that stalled more often than maxStalledCount.
    await h.runtime.ctx.redis.hset(`${queue.qualifiedName}:${job.id}`, "defa", "job stalled more than allowable limit", "stc", "6");
    const letter = await deadLetterOf((l) => l.trace_id === traceId);
    const { bodyRef: _stored, ...rest } = data;
    expect(letter).toMatchObject({ queue: "deliver", destination: "sink", error_code: ErrorCodes.JOB_STALLED, job_data: { ...rest, payloadJson: body } });
    expect(letter.error).toContain("stalled 6 times");
    expect(written).not.toContain(traceId);
  });

  it("a delivery the audit shows delivered is never dead-lettered: not when its body is gone, not when it stalls out", async () => {
    const queue = h.runtime.ctx.queues.deliverTo("sink");
    const delivered = async () => {
      const traceId = randomUUID();
      await h.store.recordDelivery({ traceId, destination: "sink", eventType: "healthcheck", status: "delivered", attempts: 1 });
      return traceId;
    };
    // Delivered, body released, then the worker died before the job was recorded complete: it runs again.
    const rerun = await delivered();
    const again = await queue.add(
      "healthcheck",
      { destination: "sink", traceId: rerun, orderingTimestamp: Date.now(), bodyRef: rerun, eventType: "healthcheck" },
      { jobId: jobId(rerun, "sink") },
    );
    await until("the re-run to complete", async () => ((await again.getState()) === "completed" ? true : undefined));
    // The same, stalled past its limit.
    const stalled = await delivered();
    const job = await queue.add(
      "healthcheck",
      { destination: "sink", traceId: stalled, orderingTimestamp: Date.now(), bodyRef: stalled, eventType: "healthcheck" },
      { delay: 300 },
    );
    await h.runtime.ctx.redis.hset(`${queue.qualifiedName}:${job.id}`, "defa", "job stalled more than allowable limit");
    await until("the stalled job to fail", async () => ((await job.getState()) === "failed" ? true : undefined));
    await waitForIdle(h.runtime.ctx.queues, { timeoutMs: 10_000 });
    expect(await deadLetters((l) => l.trace_id === rerun || l.trace_id === stalled)).toEqual([]);
    expect(written).not.toContain(rerun);
  });

  it("an ingest job that stalled runs each of its notifications as a job of its own", async () => {
    const providerUserId = `sbx-${randomUUID()}`;
    const { user } = await connectUser(h.runtime.ctx, { provider: "SANDBOX", providerUserId });
    const notifications = Array.from(
      { length: 3 },
      (): IngestNotification => ({
        id: jobId("hook", randomUUID(), 0),
        provider: "SANDBOX",
        userId: user.user_id,
        providerUserId,
        eventType: "test",
        notification: { event: "test", owner_id: providerUserId },
        receivedAt: Date.now(),
        traceId: randomUUID(),
      }),
    );
    // A handled ingest job leaves Redis at once (it holds raw pushes): its completion is seen as an event.
    const ingest = h.runtime.ctx.queues.ingest;
    const redis = new URL(TEST_REDIS_URL);
    const events = new QueueEvents(ingest.name, { connection: { host: redis.hostname, port: Number(redis.port || 6379) }, prefix: ingest.opts.prefix });
    const completed = new Map<string, string>();
    events.on("completed", ({ jobId: id, returnvalue }) => completed.set(id, JSON.stringify(returnvalue)));
    await events.waitUntilReady();
    const added: IngestJobData[] = [];
    const add = ingest.addBulk.bind(ingest);
    ingest.addBulk = async (jobs) => {
      added.push(...jobs.map((one) => one.data));
      return add(jobs);
    };
    try {
      const job = await ingest.add("3 notifications", { notifications }, { delay: 300 });
      await h.runtime.ctx.redis.hset(`${ingest.qualifiedName}:${job.id}`, "stc", "1");
      await until("the stalled job and its notifications' jobs to complete", async () =>
        [job.id!, ...notifications.map((n) => jobId("isolated", n.id))].every((id) => completed.has(id)) ? true : undefined,
      );
      await waitForIdle(h.runtime.ctx.queues, { timeoutMs: 10_000 });
      expect(completed.get(job.id!)).toContain("isolated");
      expect(added.map((data) => data.notifications.map((n) => n.id))).toEqual(notifications.map((n) => [n.id]));
      for (const notification of notifications) expect(await ingest.getJob(jobId("isolated", notification.id))).toBeUndefined();
    } finally {
      ingest.addBulk = add;
      await events.close();
    }
  });
});

describe("the sweep of failed jobs", () => {
  let h: RuntimeHarness;
  beforeAll(async () => {
    h = await startTestRuntime({ destinations: { sink }, workers: false });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("dead-letters a failed job whose worker died before writing its dead letter, once", async () => {
    const { ctx } = h.runtime;
    const sweeper = startFailedJobSweeper(ctx, () => [ctx.queues.ingest], 3_600_000);
    try {
      await sweeper.sweep();
      // A worker that fails jobs and writes nothing, like one killed right after BullMQ failed its job.
      const bare = new Worker(
        ctx.queues.ingest.name,
        async () => {
          throw new UnrecoverableError("ERR_WEBHOOK_PAYLOAD: the notification cannot be read");
        },
        { connection: ctx.redis, prefix: ctx.queues.ingest.opts.prefix },
      );
      const traceId = randomUUID();
      const job = await ctx.queues.ingest.add("lost", { notifications: [{ traceId } as IngestNotification] });
      await until("the job to fail", async () => ((await job.getState()) === "failed" ? true : undefined));
      await bare.close();
      expect(await h.store.listDeadLetters({ queue: "ingest" })).toEqual([]);

      expect(await sweeper.sweep()).toBe(1);
      expect(await h.store.listDeadLetters({ queue: "ingest" })).toMatchObject([{ trace_id: traceId, error_code: ErrorCodes.WEBHOOK_PAYLOAD }]);
      expect(await sweeper.sweep()).toBe(0);
      // Another process's sweeper, which has not seen it settled, finds its dead letter and writes none.
      const other = startFailedJobSweeper(ctx, () => [ctx.queues.ingest], 3_600_000);
      expect(await other.sweep()).toBe(0);
      await other.stop();
      expect(await h.store.listDeadLetters({ queue: "ingest" })).toHaveLength(1);
    } finally {
      await sweeper.stop();
    }
  });
});
