import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxProviderRecords, type SandboxWorkout } from "@tributary/connector-sandbox";
import { createProducerQueues, type DeadDeliveryData } from "@tributary/core/queue";
import { waitForIdle } from "@tributary/core/runtime";
import { connectUser } from "@tributary/core/services";
import { TEST_REDIS_URL } from "@tributary/test-kit";
import { releaseQuarantined } from "../../src/services/release-quarantined.ts";
import { replayDeadLetter } from "../../src/services/replay-dead-letter.ts";
import { replayDeadLetters } from "../../src/services/replay-dead-letters.ts";
import { naturalKeys, receivedFor, startPipeline, utcDays, type Pipeline } from "./pipeline.ts";

/*
 * What the operator commands run: replaying many dead letters by filter, and releasing or purging
 * quarantined records — on the real Redis, delivering to a receiver that checks signatures and schemas.
 */
describe("operator bulk actions", () => {
  let pipeline: Pipeline;

  beforeAll(async () => {
    pipeline = await startPipeline({ providers: { SANDBOX: { backfillDays: 0 } } });
  });
  afterAll(async () => {
    await pipeline?.close();
  });

  const connect = async () => (await connectUser(pipeline.ctx, { provider: "SANDBOX", providerUserId: `sbx-${randomUUID()}` })).user;

  it("replays every dead letter a filter selects (error code, time range), once, reporting progress", async () => {
    const store = pipeline.ctx.store;
    const code = `ERR_TEST_${randomUUID().slice(0, 8).toUpperCase()}`;
    const job = { queue: "pull", jobName: "noop", jobData: { provider: "NOBODY", userId: randomUUID(), dataType: "activity" } };
    const picked = [];
    for (let i = 0; i < 3; i++) picked.push(await store.addDeadLetter({ ...job, errorCode: code }));
    const other = await store.addDeadLetter({ ...job, errorCode: `${code}_OTHER` });
    const deps = { store, queues: { ...pipeline.ctx.queues, redis: pipeline.ctx.redis }, policy: pipeline.ctx.policy };

    // A time range before they were written selects none of them.
    expect(await replayDeadLetters(deps, { errorCode: code, until: new Date(Date.now() - 3_600_000).toISOString() })).toEqual({
      total: 0,
      replayed: 0,
      failed: [],
    });

    const progress: string[] = [];
    const result = await replayDeadLetters(deps, { errorCode: code, since: new Date(Date.now() - 3_600_000).toISOString() }, (done, total) =>
      progress.push(`${done}/${total}`),
    );
    expect(result).toEqual({ total: 3, replayed: 3, failed: [] });
    expect(progress).toEqual(["0/3", "1/3", "2/3", "3/3"]);
    for (const id of picked) expect((await store.getDeadLetter(id))?.replayed_at).not.toBeNull();
    expect((await store.getDeadLetter(other))?.replayed_at).toBeNull();
    // A second run finds nothing left to replay.
    expect((await replayDeadLetters(deps, { errorCode: code })).total).toBe(0);
    await pipeline.ctx.queues.pull.obliterate({ force: true });
  });

  it("replays a dead delivery through producer queues not yet connected: its payload stored again for its one destination, delivered, released", async () => {
    const { store, queues, redis } = pipeline.ctx;
    const traceId = randomUUID();
    const payload = { type: "healthcheck", status: "success", creation_timestamp: new Date().toISOString(), trend_percentage: 0, sent_webhooks_last_hour: 0 };
    const jobData: DeadDeliveryData = {
      destination: "receiver",
      traceId,
      orderingTimestamp: Date.now(),
      eventType: "healthcheck",
      payloadJson: JSON.stringify(payload),
    };
    const id = await store.addDeadLetter({
      queue: "deliver",
      destination: "receiver",
      traceId,
      jobName: "healthcheck",
      jobData,
      error: "receiver said 500",
      attempts: 10,
    });
    const producer = createProducerQueues(TEST_REDIS_URL, queues.prefix);
    try {
      expect(await replayDeadLetter({ store, queues: producer, policy: pipeline.ctx.policy }, id!)).toMatchObject({ status: "replayed", queue: "deliver" });
    } finally {
      await producer.close();
    }
    await waitForIdle(queues, { timeoutMs: 30_000 });
    expect(pipeline.receiver.received.filter((received) => received.traceId === traceId).map((received) => received.payload)).toEqual([payload]);
    expect(await redis.keys(`${queues.prefix}:payload:*`)).toEqual([]);
  });

  it("releases a quarantined record that passes now, and keeps one that still fails, saying why", async () => {
    const user = await connect();
    const [fixed, broken] = [...sandboxProviderRecords("activity", { userId: user.user_id, range: utcDays("2026-04-01", 14) })] as SandboxWorkout[];
    const issues = [{ path: "metadata", rule: "required", message: "the mapping was broken then" }];
    const base = { userId: user.user_id, provider: "SANDBOX", dataType: "activity", record: null, issues };
    // `fixed` maps today (the mapping was fixed since); `broken` still has a sport the mapping has no type for.
    const releasable = await pipeline.ctx.store.quarantineRecord({ ...base, raw: fixed });
    const stuck = await pipeline.ctx.store.quarantineRecord({ ...base, raw: { ...broken!, sport: "kayak" } });

    expect(await releaseQuarantined(pipeline.ctx, releasable)).toMatchObject({ status: "released", records: 1, payloads: 1 });
    await waitForIdle(pipeline.ctx.queues);
    expect(naturalKeys(receivedFor(pipeline.receiver, user.user_id, "activity"))).toEqual([`activity/${fixed!.id}`]);
    expect((await pipeline.ctx.store.getQuarantined(releasable))?.resolved_at).not.toBeNull();
    expect(await releaseQuarantined(pipeline.ctx, releasable)).toMatchObject({ status: "already_resolved" });

    const kept = await releaseQuarantined(pipeline.ctx, stuck);
    expect(kept).toMatchObject({ status: "still_invalid", issues: [expect.objectContaining({ path: "metadata" })] });
    expect((await pipeline.ctx.store.getQuarantined(stuck))?.resolved_at).toBeNull();
    expect(await pipeline.ctx.store.countQuarantine({ userId: user.user_id })).toBe(1); // nothing quarantined twice
    expect(await releaseQuarantined(pipeline.ctx, 987_654_321)).toEqual({ status: "not_found", id: 987_654_321 });

    // Purge: the released one by --released, the other by id.
    expect(await pipeline.ctx.store.purgeQuarantine({ ids: [releasable, stuck], resolvedOnly: true })).toBe(1);
    expect(await pipeline.ctx.store.getQuarantined(releasable)).toBeUndefined();
    expect(await pipeline.ctx.store.purgeQuarantine({ ids: [stuck] })).toBe(1);
    expect(await pipeline.ctx.store.getQuarantined(stuck)).toBeUndefined();
    await expect(pipeline.ctx.store.purgeQuarantine({})).rejects.toThrow(/needs ids, resolvedOnly or before/);
  });
});
