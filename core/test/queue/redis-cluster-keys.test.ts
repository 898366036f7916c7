import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestLimits } from "../../src/api/request-limits.ts";
import { createRedisLock, type LockLease } from "../../src/auth/redis-lock.ts";
import { createReplayGuard } from "../../src/http/replay-guard.ts";
import { providerBudget } from "../../src/provider-http/provider-budget.ts";
import { createDeliveryBodies } from "../../src/queue/delivery-bodies.ts";
import { createQueues } from "../../src/queue/queues.ts";
import { openRedis, type RedisClient } from "../../src/queue/redis-client.ts";
import { budgetKeyBase, deliveryBodyKeys, keySlot, perSlot, queueKeyPrefix } from "../../src/queue/redis-keys.ts";
import { startRedisCluster, type LocalRedisCluster } from "@tributary/test-kit";

const sameSlot = (keys: string[]) => new Set(keys.map(keySlot)).size === 1;

/** Every multi-key operation Tributary runs touches keys of one slot, as Redis Cluster requires. */
describe("key slots", () => {
  it("a delivery body and its readers set share a slot; different bodies spread", () => {
    const { body, readers } = deliveryBodyKeys("tributary", "9b1d…trace");
    expect(sameSlot([body, readers])).toBe(true);
    const slots = new Set(Array.from({ length: 50 }, () => keySlot(deliveryBodyKeys("tributary", randomUUID()).body)));
    expect(slots.size).toBeGreaterThan(40);
  });

  it("every key of one rate budget (client and user windows, blocks, announced limits, aligned counters) shares a slot", () => {
    const base = budgetKeyBase("tributary", "STRAVA", "client-1");
    const keys = [
      base,
      `${base}:blocked`,
      `${base}:w:15min`,
      `${base}:w:15min:limit`,
      `${base}:w:daily:1234`,
      `${base}:user:u-1:w:hourly`,
      `${base}:user:u-1:blocked`,
    ];
    expect(sameSlot(keys)).toBe(true);
    expect(keySlot(budgetKeyBase("tributary", "STRAVA", "client-2"))).not.toBe(keySlot(base));
  });

  it("every key of one BullMQ queue shares a slot, and the queues are not all in one", async () => {
    const queues = createQueues({ lazyConnect: true }, "tributary", ["webhook", "warehouse"]);
    try {
      for (const queue of queues.all()) {
        expect(queue.opts.prefix).toBe(queueKeyPrefix("tributary", queue.name));
        expect(sameSlot([...Object.values(queue.keys), queue.toKey("job-1"), queue.toKey("dead-letter-watermark")])).toBe(true);
      }
      expect(new Set(queues.all().map((queue) => keySlot(queue.keys.wait!))).size).toBeGreaterThan(1);
    } finally {
      await queues.close();
    }
  });

  it("perSlot splits a batch by slot on a cluster only, and answers in the items' order", async () => {
    const ids = Array.from({ length: 20 }, () => randomUUID());
    const key = (id: string) => deliveryBodyKeys("p", id).body;
    const calls: string[][] = [];
    const run = async (batch: string[]) => {
      calls.push(batch);
      return batch.map((id) => `answer ${id}`);
    };
    const cluster = { isCluster: true } as unknown as RedisClient;
    expect(await perSlot(cluster, ids, key, run)).toEqual(ids.map((id) => `answer ${id}`));
    expect(calls.every((batch) => sameSlot(batch.map(key)))).toBe(true);
    expect(calls.flat().sort()).toEqual([...ids].sort());
    calls.length = 0;
    const single = { isCluster: false } as unknown as RedisClient;
    expect(await perSlot(single, ids, key, run)).toEqual(ids.map((id) => `answer ${id}`));
    expect(calls).toEqual([ids]);
  });
});

/**
 * The same operations on a real three-node cluster, batched the way production batches them (many in
 * one event-loop turn): a command whose keys span slots would fail with CROSSSLOT.
 */
describe("on a Redis Cluster", () => {
  let cluster: LocalRedisCluster;
  let redis: RedisClient;
  const prefix = `slots-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    cluster = await startRedisCluster();
    redis = openRedis({ url: "", cluster: cluster.nodes }, { maxRetriesPerRequest: 1 });
  }, 60_000);
  afterAll(async () => {
    redis?.disconnect();
    await cluster?.close();
  });

  it("delivery bodies: put, get and release of a batch that spans slots", async () => {
    const bodies = createDeliveryBodies(redis, prefix, 60);
    const ids = Array.from({ length: 30 }, () => randomUUID());
    await Promise.all(ids.map((id) => bodies.put(id, `body ${id}`, ["a", "b"])));
    expect((await Promise.all(ids.map((id) => bodies.get(id)))).map(String)).toEqual(ids.map((id) => `body ${id}`));
    await Promise.all(ids.flatMap((id) => [bodies.release(id, "a"), bodies.release(id, "b")]));
    expect(await Promise.all(ids.map((id) => bodies.get(id)))).toEqual(ids.map(() => undefined));
  });

  it("replay claims of a batch that spans slots: first sighting true, replay false", async () => {
    const guard = createReplayGuard(redis, prefix);
    const prints = Array.from({ length: 30 }, () => randomUUID());
    expect(await Promise.all(prints.map((print) => guard.claim(print, 30)))).toEqual(prints.map(() => true));
    expect(await Promise.all(prints.map((print) => guard.claim(print, 30)))).toEqual(prints.map(() => false));
  });

  it("a rate budget with client and per-user windows: acquire, observe, settle, block", async () => {
    const budget = providerBudget({
      redis,
      prefix,
      provider: "ACME",
      clientId: "client-1",
      rateLimits: [
        { name: "app", scope: "client", max: 100, perSeconds: 60 },
        { name: "per-user", scope: "user", max: 2, perSeconds: 60 },
        { name: "daily", scope: "client", max: 1000, perSeconds: 86_400, aligned: true },
      ],
    });
    const first = await budget.acquire("user-1", 1000);
    expect(first.ok).toBe(true);
    if (first.ok) await budget.settle(first.grant);
    await budget.observe("user-1", {});
    expect((await budget.acquire("user-1")).ok).toBe(true);
    expect(await budget.acquire("user-1")).toMatchObject({ ok: false, window: "per-user" });
    await budget.block(undefined, 5000);
    expect(await budget.acquire("user-2")).toMatchObject({ ok: false });
  });

  it("refresh locks and API request limits (one key each)", async () => {
    const lock = createRedisLock(redis, { name: "test" });
    const key = `${prefix}:auth:refresh:u-1`;
    // Work three times the lock's expiry: renewed (one key, one slot) and still this holder's at the end.
    const work = async (lease: LockLease) => {
      await new Promise((resolve) => setTimeout(resolve, 900));
      return [await redis.exists(key), await lease.confirm()];
    };
    expect(await lock.hold(key, 300, 1000, work)).toEqual({ held: true, value: [1, true], kept: true });
    expect(await redis.exists(key)).toBe(0);
    expect(await requestLimits(redis, prefix).admit("dev", "u-1", 3)).toMatchObject({ ok: true });
  });

  it("BullMQ queues under their hash-tagged prefixes add and count jobs", async () => {
    const queue = new Queue("pull", { connection: redis, prefix: queueKeyPrefix(prefix, "pull") });
    try {
      await queue.add("one", {});
      await queue.addBulk([{ name: "two", data: {} }]);
      expect(await queue.getWaitingCount()).toBe(2);
      await queue.obliterate({ force: true });
    } finally {
      await queue.close();
    }
  });
});
