import { randomUUID } from "node:crypto";
import { Worker, type Queue } from "bullmq";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ErrorCodes, type Destination } from "@tributary/core/contracts";
import { jobId, Priority, type DeliverJobData, type IngestJobData, type PollAllJobData, type PullJobData } from "@tributary/core/queue";
import { MAX_STALLS } from "@tributary/core/runtime";
import type { DeadLetter } from "@tributary/core/state";
import { startTestRuntime, type RuntimeHarness } from "@tributary/test-kit";
import { until } from "../../../test/kit/until.ts";
import { deliveryBodies } from "../../src/runtime/delivery-bodies.ts";

const written: string[] = [];
const sink: Destination = {
  name: "sink",
  type: "test",
  write: async (deliveries) => void written.push(...deliveries.map((d) => d.traceId)),
  delete: async () => undefined,
  check: async () => undefined,
  close: async () => undefined,
};

/**
 * A job that kills the process running it (heap exhaustion, a crash in native code) is seen by BullMQ's
 * stall check only: its lock expires and the job goes back to the queue, for the next process to die
 * of. Whatever the queue, after its queue's number of stalls it must end as a dead letter that says
 * why — never run again. The deaths here are real as far as Redis can tell: a worker takes the job and
 * stops renewing its lock (force-closed), and BullMQ's own stall check counts it.
 */
describe("a job that keeps killing its worker", () => {
  let h: RuntimeHarness;
  beforeEach(async () => {
    h = await startTestRuntime({ destinations: { sink }, workers: false });
  });
  afterEach(async () => {
    await h?.close();
  });

  /** Runs job `id` in `times` workers that each die holding it, as `maxStalls` processes count stalls. */
  const killWorkersWith = async (queue: Queue, id: string, maxStalls: number, times: number) => {
    const { ctx } = h.runtime;
    // A lock of 1 s: the dying worker renews it every 0.5 s until it is closed, so only an event-loop stall
    // longer than that (a loaded machine) could count a stall the test did not cause.
    const options = { connection: ctx.redis, prefix: queue.opts.prefix, lockDuration: 1000, stalledInterval: 500, maxStalledCount: maxStalls };
    // A live process's stall check, as every worker runs one (this one takes no jobs).
    const checker = new Worker(queue.name, async () => undefined, { ...options, autorun: false });
    void checker.startStalledCheckTimer();
    try {
      for (let run = 1; run <= times; run++) {
        const dying = new Worker(queue.name, () => new Promise<never>(() => undefined), options);
        await until(`run ${run} to start`, async () => ((await queue.getJob(id))?.attemptsStarted === run ? true : undefined));
        await dying.close(true);
        await until(`stall ${run} to be noticed`, async () => {
          const job = await queue.getJob(id);
          return job?.stalledCounter === run && (await job.getState()) !== "active" ? true : undefined;
        });
      }
    } finally {
      await checker.close();
    }
  };

  /** Kills `maxStalls + 1` workers with job `id`, then starts Tributary's: the job's dead letter, checked for its reason. */
  const stalledOut = async (queue: Queue, id: string, maxStalls: number, which: (letter: DeadLetter) => boolean) => {
    await killWorkersWith(queue, id, maxStalls, maxStalls + 1);
    h.runtime.startWorkers();
    const letter = await until("the dead letter", async () => (await h.store.listDeadLetters({ limit: 1000 })).find(which), 30_000);
    expect(letter.error_code).toBe(ErrorCodes.JOB_STALLED);
    expect(letter.error).toContain(`stalled ${maxStalls + 1} times`);
    return letter;
  };

  it("a pull", async () => {
    const { queues } = h.runtime.ctx;
    const data: PullJobData = {
      userId: randomUUID(),
      provider: "SANDBOX",
      dataType: "daily",
      start: new Date(0).toISOString(),
      end: new Date().toISOString(),
      reason: "ping",
      withSamples: false,
      traceId: randomUUID(),
    };
    const job = await queues.pull.add("SANDBOX:daily", data, { jobId: jobId("ping", data.userId, "daily", 0) });
    const letter = await stalledOut(queues.pull, job.id!, MAX_STALLS.pull, (l) => l.trace_id === data.traceId);
    expect(letter).toMatchObject({ queue: "pull", job_name: "SANDBOX:daily", job_data: data });
  }, 120_000);

  it("an ingest job", async () => {
    const { queues } = h.runtime.ctx;
    const traceId = randomUUID();
    const data: IngestJobData = {
      notifications: [
        {
          id: jobId("hook", randomUUID(), 0),
          provider: "SANDBOX",
          userId: randomUUID(),
          providerUserId: "p",
          eventType: "test",
          notification: {},
          receivedAt: Date.now(),
          traceId,
        },
      ],
    };
    const job = await queues.ingest.add("1 notification", data);
    const letter = await stalledOut(queues.ingest, job.id!, MAX_STALLS.ingest, (l) => l.trace_id === traceId);
    expect(letter).toMatchObject({ queue: "ingest", job_data: data });
  }, 120_000);

  it("a delivery: dead-lettered with its payload, recorded dead, never written", async () => {
    const traceId = randomUUID();
    const body = '{"type":"healthcheck"}';
    await deliveryBodies(h.runtime.ctx).put(traceId, body, ["sink"]);
    const data: DeliverJobData = { destination: "sink", traceId, orderingTimestamp: Date.now(), bodyRef: traceId, eventType: "healthcheck" };
    const queue = h.runtime.ctx.queues.deliverTo("sink");
    const job = await queue.add("healthcheck", data);
    const letter = await stalledOut(queue, job.id!, MAX_STALLS.deliver, (l) => l.trace_id === traceId);
    const { bodyRef: _stored, ...rest } = data;
    expect(letter).toMatchObject({ queue: "deliver", destination: "sink", job_data: { ...rest, payloadJson: body } });
    expect(await h.store.listDeliveries({ traceId, destination: "sink" })).toMatchObject([{ status: "dead" }]);
    expect(written).not.toContain(traceId);
  }, 120_000);

  it("a scheduler's tick (which BullMQ's stall check never fails itself); the schedule goes on", async () => {
    const { queues } = h.runtime.ctx;
    const data: PollAllJobData = { kind: "poll-all", provider: "SANDBOX", reason: "poll", lookbackDays: 3, bucketSeconds: 3600 };
    const tick = await queues.pull.upsertJobScheduler(
      "poll-SANDBOX",
      { every: 3_600_000 },
      { name: "poll:SANDBOX", data, opts: { priority: Priority.scheduled } },
    );
    const letter = await stalledOut(queues.pull, tick.id!, MAX_STALLS.pull, (l) => l.job_name === "poll:SANDBOX");
    expect(letter).toMatchObject({ queue: "pull", job_data: data });
    expect(await (await queues.pull.getJob(tick.id!))?.getState()).toBe("failed");
    // The next tick is already waiting for its time.
    expect(await queues.pull.getJobScheduler("poll-SANDBOX")).toBeDefined();
    expect((await queues.pull.getJobs(["delayed"])).filter((job) => job.name === "poll:SANDBOX" && job.id !== tick.id)).toHaveLength(1);
  }, 120_000);
});
