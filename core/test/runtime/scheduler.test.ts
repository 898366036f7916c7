import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Job, Queue } from "bullmq";
import { Priority, type PollAllJobData, type PullJobData } from "@tributary/core/queue";
import { startScheduler } from "@tributary/core/runtime";
import { startTestRuntime, type RuntimeHarness } from "@tributary/test-kit";
import { processPollAll } from "../../src/runtime/processors/poll-all-processor.ts";

const DAY_MS = 86_400_000;

/** No workers: the tests look at what the schedulers and their fan-out put on the pull queue. */
describe("scheduled polling and reconciliation", () => {
  let harness: RuntimeHarness;
  const queue = () => harness.runtime.ctx.queues.pull as unknown as Queue<PullJobData | PollAllJobData>;

  beforeAll(async () => {
    harness = await startTestRuntime({
      destinations: {},
      workers: false,
      providers: { SANDBOX: { pollIntervalSeconds: 600 }, INSIDERS: { clientId: "scheduler-test", clientSecret: "scheduler-test-secret" } },
    });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it("upserting from several processes leaves one poll and one reconcile scheduler per provider", async () => {
    const { ctx } = harness.runtime;
    // A scheduler left by an earlier configuration (a provider since removed) is cleaned up.
    await queue().upsertJobScheduler(
      "poll-GONE",
      { every: 60_000 },
      { name: "poll:GONE", data: { kind: "poll-all", provider: "GONE", reason: "poll", lookbackDays: 3, bucketSeconds: 60 } },
    );

    const first = await startScheduler(ctx);
    const second = await startScheduler(ctx);
    expect(second).toEqual(first);
    // INSIDERS pushes and has a stream: reconciled daily, never polled (it declares no interval). PELOTON
    // (a pasted token) and XERT (a public client) can be connected without settings, INSIDERS has a client configured above; STRAVA,
    // FITBIT and the other OAuth providers have no client here, so nothing of theirs is scheduled.
    expect(first.map((tick) => tick.id).sort()).toEqual(["poll-PELOTON", "poll-SANDBOX", "poll-XERT", "reconcile-INSIDERS", "reconcile-SANDBOX"]);

    const schedulers = await queue().getJobSchedulers(0, -1);
    expect(schedulers.map((s) => s.key).sort()).toEqual([
      "poll-PELOTON",
      "poll-SANDBOX",
      "poll-XERT",
      "reconcile-INSIDERS",
      "reconcile-SANDBOX",
      "stale-check",
    ]);
    expect(schedulers.find((s) => s.key === "stale-check")).toMatchObject({ name: "stale-check", every: 3_600_000 });
    // The operator's interval wins over the connector's 900 s.
    expect(schedulers.find((s) => s.key === "poll-SANDBOX")).toMatchObject({ name: "poll:SANDBOX", every: 600_000 });
    expect(schedulers.find((s) => s.key === "reconcile-SANDBOX")).toMatchObject({ name: "reconcile:SANDBOX", pattern: "0 3 * * *", tz: "UTC" });
    // Each scheduler has exactly one next tick queued, however many processes upserted it.
    const ticks = (await queue().getJobs(["waiting", "delayed", "prioritized"])).filter((job) => /^(poll|reconcile):/.test(job.name));
    expect(ticks.map((job) => job.name).sort()).toEqual(["poll:GONE", "poll:PELOTON", "poll:SANDBOX", "poll:XERT", "reconcile:INSIDERS", "reconcile:SANDBOX"]);
    // The removed scheduler's tick that was already due does nothing when it runs.
    expect(await processPollAll(ctx, await tickJob("poll:GONE"))).toEqual({ connections: 0, enqueued: 0 });
  });

  it("a poll tick fans out one scheduled pull per active, unpaused user and data type, once per bucket", async () => {
    const { ctx } = harness.runtime;
    const store = harness.store;
    const users = await Promise.all(Array.from({ length: 3 }, () => store.createConnection({ provider: "SANDBOX" })));
    const gone = await store.createConnection({ provider: "SANDBOX" });
    await store.deactivate(gone.user_id);
    const paused = await store.createConnection({ provider: "SANDBOX" });
    await store.pause(paused.user_id);
    const now = Date.now();
    const polledAt = new Date(now - 2 * 3600_000);
    await store.markPolled(users[0]!.user_id, polledAt);

    const tick = await tickJob("poll:SANDBOX");
    expect(await processPollAll(ctx, tick, now)).toEqual({ connections: 3, enqueued: 21 });
    expect(await processPollAll(ctx, tick, now)).toEqual({ connections: 3, enqueued: 21 }); // same bucket: no new jobs

    const pulls = await scheduledPulls("poll");
    expect(pulls).toHaveLength(3 * 7);
    expect(new Set(pulls.map((job) => `${job.data.userId}/${job.data.dataType}`)).size).toBe(21);
    expect(pulls.some((job) => job.data.userId === gone.user_id || job.data.userId === paused.user_id)).toBe(false);
    for (const job of pulls) {
      expect(job.opts.priority).toBe(Priority.scheduled);
      expect(job.data.end).toBe(new Date(now).toISOString());
      // Since the last poll (less one interval of overlap), else the lookback bound.
      const start = job.data.userId === users[0]!.user_id ? polledAt.getTime() - 600_000 : now - 3 * DAY_MS;
      expect(job.data.start).toBe(new Date(start).toISOString());
    }

    const reconcile = await tickJob("reconcile:SANDBOX");
    expect(await processPollAll(ctx, reconcile, now)).toEqual({ connections: 3, enqueued: 21 });
    const reconciling = await scheduledPulls("reconcile");
    expect(reconciling).toHaveLength(21);
    for (const job of reconciling) expect(job.data.start).toBe(new Date(now - 2 * DAY_MS).toISOString());
  });

  async function tickJob(name: string): Promise<Job<PollAllJobData>> {
    const jobs = await queue().getJobs(["waiting", "delayed", "prioritized"]);
    const tick = jobs.find((job) => job.name === name);
    if (!tick) throw new Error(`no ${name} tick queued`);
    return tick as Job<PollAllJobData>;
  }

  async function scheduledPulls(reason: string): Promise<Array<Job<PullJobData>>> {
    const jobs = (await queue().getJobs(["waiting", "prioritized"], 0, -1)) as Array<Job<PullJobData>>;
    return jobs.filter((job) => job.data.reason === reason && "userId" in job.data);
  }
});
