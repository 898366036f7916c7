import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pingNotification, pushNotification, sandboxProviderRecords, sandboxTerraRecords, type SandboxWorkout } from "@tributary/connector-sandbox";
import { recordKey, type DataType } from "@tributary/core/contracts";
import { jobId, type IngestJobData, type IngestNotification } from "@tributary/core/queue";
import { waitForIdle } from "@tributary/core/runtime";
import { connectUser } from "@tributary/core/services";
import { deterministicTraceId } from "../../src/runtime/trace-id.ts";
import { daysAgo, naturalKeys, receivedFor, startPipeline, utcDays, type Pipeline } from "./pipeline.ts";

/**
 * Provider push notifications through the ingest queue (as the HTTP ingress enqueues them, user already
 * resolved), on the real Redis, to a receiver that verifies signatures and schemas.
 */
describe("ingest: provider pushes and pings", () => {
  let pipeline: Pipeline;

  beforeAll(async () => {
    // No backfill: what the receiver gets about a user comes from the notifications under test.
    pipeline = await startPipeline({ providers: { SANDBOX: { backfillDays: 0 } } });
  });
  afterAll(async () => {
    await pipeline?.close();
  });

  async function connectSandboxUser() {
    const providerUserId = `sbx-${randomUUID()}`;
    const { user } = await connectUser(pipeline.ctx, { provider: "SANDBOX", providerUserId });
    // This is how the HTTP ingress finds the user of a notification.
    const found = await pipeline.ctx.store.findByProviderUserId("SANDBOX", providerUserId);
    expect(found?.user_id).toBe(user.user_id);
    return { userId: user.user_id, providerUserId };
  }

  /** A notification as the ingress accepts it: user resolved, an id of its own. */
  function accepted(
    user: { userId: string; providerUserId: string },
    notification: { event: string },
    id = jobId("hook", randomUUID(), 0),
  ): IngestNotification {
    return {
      id,
      provider: "SANDBOX",
      userId: user.userId,
      providerUserId: user.providerUserId,
      eventType: notification.event,
      notification,
      receivedAt: Date.now(),
      traceId: randomUUID(),
    };
  }

  async function ingest(user: { userId: string; providerUserId: string }, notification: { event: string }, id = jobId("hook", randomUUID(), 0)) {
    // One notification per job, the job named like the notification: as when one request comes in alone.
    const data: IngestJobData = { notifications: [accepted(user, notification, id)] };
    await pipeline.ctx.queues.ingest.add(`SANDBOX:${notification.event}`, data, { jobId: id });
    await waitForIdle(pipeline.ctx.queues, { timeoutMs: 30_000 });
    return id;
  }

  it("a push delivers the pushed records, in payloads under the size cap, traced from the ingest job", async () => {
    const user = await connectSandboxUser();
    // Two weeks of workouts with samples: more than the 1 MiB one payload may carry.
    const records = [...sandboxProviderRecords("activity", { userId: user.userId, range: utcDays("2026-03-02", 14), withSamples: true })];
    expect(records.length).toBeGreaterThan(1);

    const id = await ingest(user, pushNotification(user.providerUserId, "activity", records));

    const payloads = receivedFor(pipeline.receiver, user.userId, "activity");
    expect(payloads.length).toBeGreaterThan(1);
    for (const payload of payloads) expect(payload.issues).toEqual([]);
    expect(payloads.map((payload) => payload.traceId).sort()).toEqual(payloads.map((_, n) => deterministicTraceId(id, "activity", n)).sort());
    expect(naturalKeys(payloads).sort()).toEqual(records.map((r) => `activity/${r.id}`).sort());
    const connection = await pipeline.ctx.store.getConnection(user.userId);
    expect(connection?.last_webhook_update).not.toBeNull();
  });

  it("one job of several notifications (as the ingress batches a busy turn): each delivered, traced from its own id", async () => {
    const [a, b] = [await connectSandboxUser(), await connectSandboxUser()];
    const records = (user: { userId: string }, day: string) => [
      ...sandboxProviderRecords("activity", { userId: user.userId, range: utcDays(day, 7), withSamples: false }),
    ];
    const window = utcDays(daysAgo(230), 2);
    const notifications = [
      { user: a, notification: pushNotification(a.providerUserId, "activity", records(a, "2026-04-01")) },
      { user: b, notification: pushNotification(b.providerUserId, "activity", records(b, "2026-04-02")) },
      { user: b, notification: pingNotification(b.providerUserId, "daily", window) },
    ].map(({ user, notification }) => accepted(user, notification));
    await pipeline.ctx.queues.ingest.add("3 notifications", { notifications });
    await waitForIdle(pipeline.ctx.queues, { timeoutMs: 30_000 });

    expect(receivedFor(pipeline.receiver, a.userId, "activity").map((r) => r.traceId)).toEqual([deterministicTraceId(notifications[0]!.id, "activity", 0)]);
    expect(receivedFor(pipeline.receiver, b.userId, "activity").map((r) => r.traceId)).toEqual([deterministicTraceId(notifications[1]!.id, "activity", 0)]);
    const daily = receivedFor(pipeline.receiver, b.userId, "daily");
    expect(daily).toHaveLength(1);
    expect(naturalKeys(daily).length).toBeGreaterThanOrEqual(2);
  });

  it("a ping pulls the notified window and delivers that window's data; the same ping again adds nothing", async () => {
    const user = await connectSandboxUser();
    const window = utcDays(daysAgo(290), 3);

    await ingest(user, pingNotification(user.providerUserId, "daily", window));
    // The ping's pull job id comes from (user, type, window): a second, identical ping is the same job.
    await ingest(user, pingNotification(user.providerUserId, "daily", window));

    const received = receivedFor(pipeline.receiver, user.userId, "daily");
    expect(received).toHaveLength(1);
    expect(received[0]?.issues).toEqual([]);
    const expected = [...sandboxTerraRecords("daily", { userId: user.userId, range: window, withSamples: true })];
    expect(expected.length).toBeGreaterThanOrEqual(3);
    expect(naturalKeys(received).sort()).toEqual(expected.map((r) => `daily/${recordKey("daily", user.userId, r).key}`).sort());
    expect(received[0]?.payload.data).toEqual(JSON.parse(JSON.stringify(expected)));
  });

  it("a ping with unix-second bounds pulls that window too", async () => {
    const user = await connectSandboxUser();
    const window = utcDays(daysAgo(330), 2);
    const notification = {
      event: "sleep.ping",
      owner_id: user.providerUserId,
      window: { start: window.start.getTime() / 1000, end: String(window.end.getTime() / 1000) },
    };
    await ingest(user, notification);
    const expected = [...sandboxTerraRecords("sleep", { userId: user.userId, range: window, withSamples: true })];
    expect(naturalKeys(receivedFor(pipeline.receiver, user.userId, "sleep")).sort()).toEqual(
      expected.map((s) => `sleep/${(s.metadata as { summary_id: string }).summary_id}`).sort(),
    );
  });

  it("a ping bound beyond any date (signed, but absurd) is read as no bound, and the job does not fail", async () => {
    const user = await connectSandboxUser();
    const window = utcDays(daysAgo(320), 1);
    // -9e15 s and 1e17 ms both lie outside what a Date can hold (±8.64e15 ms). With the end readable, the day
    // before it is pulled; with neither, the last 24 hours.
    const oneBound = await ingest(user, { event: "body.ping", owner_id: user.providerUserId, window: { start: -9e15, end: window.end.getTime() / 1000 } } as {
      event: string;
    });
    const noBound = await ingest(user, { event: "sleep.ping", owner_id: user.providerUserId, window: { start: -9e15, end: "100000000000000000" } } as {
      event: string;
    });
    for (const id of [oneBound, noBound]) {
      // Completed jobs are removed; a failed one stays, with its reason ("Invalid time value").
      expect((await pipeline.ctx.queues.ingest.getJob(id))?.failedReason).toBeUndefined();
    }
    const expected = [...sandboxTerraRecords("body", { userId: user.userId, range: window, withSamples: true })];
    expect(expected.length).toBeGreaterThanOrEqual(1);
    expect(naturalKeys(receivedFor(pipeline.receiver, user.userId, "body")).sort()).toEqual(
      expected.map((r) => `body/${recordKey("body", user.userId, r).key}`).sort(),
    );
  });

  it("an invalid record is quarantined with its reason and raw payload, and never delivered", async () => {
    const user = await connectSandboxUser();
    const [good, bad] = [...sandboxProviderRecords("activity", { userId: user.userId, range: utcDays("2026-03-10", 14) })] as SandboxWorkout[];
    expect(good && bad).toBeTruthy();
    // The provider invents a sport the mapping has no ActivityType for.
    const kayak = { ...bad!, sport: "kayak" };

    await ingest(user, pushNotification(user.providerUserId, "activity", [good!, kayak]));

    expect(naturalKeys(receivedFor(pipeline.receiver, user.userId, "activity"))).toEqual([`activity/${good!.id}`]);
    const quarantined = await pipeline.ctx.store.listQuarantine({ userId: user.userId });
    expect(quarantined).toHaveLength(1);
    expect(quarantined[0]).toMatchObject({ provider: "SANDBOX", data_type: "activity", raw: { id: kayak.id, sport: "kayak" } });
    expect(quarantined[0]?.issues).toEqual([expect.objectContaining({ path: "metadata", rule: "required" })]);
    expect((quarantined[0]!.record as { metadata: { summary_id: string } }).metadata.summary_id).toBe(kayak.id);
  });

  it("a push whose records are missing is quarantined whole", async () => {
    const user = await connectSandboxUser();
    await ingest(user, { event: "body.push", owner_id: user.providerUserId, records: "not records" } as never);
    expect(receivedFor(pipeline.receiver, user.userId, "body")).toEqual([]);
    const [row] = await pipeline.ctx.store.listQuarantine({ userId: user.userId });
    expect(row).toMatchObject({ data_type: "body", record: null, raw: { event: "body.push", records: "not records" } });
    expect(row?.issues[0]).toMatchObject({ path: "/records", rule: "type" });
  });

  it("notifications for a deactivated connection, and ignored event types, deliver nothing", async () => {
    const user = await connectSandboxUser();
    const records = [...sandboxProviderRecords("nutrition", { userId: user.userId, range: utcDays("2026-03-01", 7) })];
    expect(records.length).toBeGreaterThan(0);
    await ingest(user, { event: "test", owner_id: user.providerUserId } as never);
    await pipeline.ctx.store.deactivate(user.userId);
    await ingest(user, pushNotification(user.providerUserId, "nutrition", records));
    const types = receivedFor(pipeline.receiver, user.userId).map((r) => r.payload.type);
    expect(types.filter((t) => t !== "auth" && t !== "athlete")).toEqual([]);
  });

  it("the same push twice: one payload under one ingest job id; under two, the same natural keys with new trace ids", async () => {
    const user = await connectSandboxUser();
    const type: DataType = "body";
    const records = [...sandboxProviderRecords(type, { userId: user.userId, range: utcDays("2026-03-20", 14) })];
    expect(records.length).toBeGreaterThan(0);
    const notification = pushNotification(user.providerUserId, type, records);

    const first = await ingest(user, notification);
    await ingest(user, notification, first); // the ingress re-enqueuing the same delivery: same job id
    expect(receivedFor(pipeline.receiver, user.userId, type)).toHaveLength(1);

    const second = await ingest(user, notification); // the provider re-sent it in a new request
    const received = receivedFor(pipeline.receiver, user.userId, type);
    expect(received.map((r) => r.traceId)).toEqual([deterministicTraceId(first, type, 0), deterministicTraceId(second, type, 0)]);
    expect(naturalKeys([received[1]!])).toEqual(naturalKeys([received[0]!]));
    expect(new Set(naturalKeys(received)).size).toBe(records.length);
  });
});
