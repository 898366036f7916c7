import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createReplayGuard } from "../../src/http/replay-guard.ts";
import { createTickBatcher } from "../../src/util/tick-batcher.ts";

describe("createTickBatcher", () => {
  it("sends the calls of one event-loop turn as one batch and answers each caller with its own result", async () => {
    const batches: number[][] = [];
    const double = createTickBatcher(async (items: number[]) => {
      batches.push(items);
      return items.map((n) => n * 2);
    });
    const first = await Promise.all([double(1), double(2), double(3)]);
    const second = await double(4);
    expect(first).toEqual([2, 4, 6]);
    expect(second).toBe(8);
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it("fails every caller of a batch whose flush fails, and recovers for the next batch", async () => {
    let fail = true;
    const batched = createTickBatcher(async (items: string[]) => {
      if (fail) throw new Error("redis down");
      return items;
    });
    const outcomes = await Promise.allSettled([batched("a"), batched("b")]);
    expect(outcomes.map((o) => o.status)).toEqual(["rejected", "rejected"]);
    fail = false;
    await expect(batched("c")).resolves.toBe("c");
  });
});

describe("replay guard claims batched in one pipeline", () => {
  const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
  const prefix = `test-replay-${randomUUID()}`;
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it("of two identical requests in the same turn only the first claims; a release frees the claim", async () => {
    const guard = createReplayGuard(redis, prefix);
    const fingerprint = randomUUID();
    const other = randomUUID();
    expect(await Promise.all([guard.claim(fingerprint, 60), guard.claim(fingerprint, 60), guard.claim(other, 60)])).toEqual([true, false, true]);
    expect(await redis.ttl(`${prefix}:hooks:seen:${fingerprint}`)).toBeGreaterThan(0);
    await guard.release(fingerprint);
    expect(await guard.claim(fingerprint, 60)).toBe(true);
  });
});
