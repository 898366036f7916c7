import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createRedisLock } from "../../src/auth/redis-lock.ts";
import { REDIS_URL } from "./support/auth-harness.ts";

describe("Redis lock", () => {
  const redis = new Redis(REDIS_URL);
  const lock = createRedisLock(redis);
  const key = () => `test-lock-${randomBytes(6).toString("hex")}`;
  afterAll(() => redis.disconnect());

  it("has one holder at a time, and only the holder's token releases it", async () => {
    const k = key();
    const token = await lock.tryAcquire(k, 10_000);
    expect(token).toBeDefined();
    expect(await lock.tryAcquire(k, 10_000)).toBeUndefined();
    expect(await lock.release(k, "someone-else")).toBe(false);
    expect(await redis.exists(k)).toBe(1);
    expect(await lock.release(k, token!)).toBe(true);
    expect(await lock.tryAcquire(k, 10_000)).toBeDefined();
  });

  it("frees itself when the holder dies, and a late holder cannot free its successor's lock", async () => {
    const k = key();
    const stale = await lock.tryAcquire(k, 50);
    await new Promise((resolve) => setTimeout(resolve, 80));
    const next = await lock.tryAcquire(k, 10_000);
    expect(next).toBeDefined();
    expect(await lock.release(k, stale!)).toBe(false);
    expect(await redis.get(k)).toBe(next);
  });

  it("lets a waiter know when the lock is free, or that it waited long enough", async () => {
    const k = key();
    const token = (await lock.tryAcquire(k, 10_000))!;
    expect(await lock.waitUntilFree(k, 60)).toBe(false);
    setTimeout(() => void lock.release(k, token), 50);
    expect(await lock.waitUntilFree(k, 5_000)).toBe(true);
  });
});
