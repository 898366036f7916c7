import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createRedisLock } from "../../src/auth/redis-lock.ts";
import { freePort } from "@tributary/test-kit";
import { REDIS_URL } from "./support/auth-harness.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A promise and its resolver: the test's hand on when a holder's work ends. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe("Redis lock", () => {
  const redis = new Redis(REDIS_URL);
  const lock = createRedisLock(redis);
  const key = () => `test-lock-${randomBytes(6).toString("hex")}`;
  afterAll(() => redis.disconnect());

  it("runs two contending holders one after the other, each holding the key, and frees it after each", async () => {
    const k = key();
    // Each holder as its own process would: its own connection and lock.
    const other = new Redis(REDIS_URL);
    try {
      const events: string[] = [];
      const firstGate = gate();
      const first = lock.hold(k, 10_000, 10_000, async () => {
        events.push("first in");
        await firstGate.promise;
        events.push("first out");
        return "first";
      });
      while (!events.includes("first in")) await sleep(5);
      const second = createRedisLock(other).hold(k, 10_000, 10_000, async () => {
        events.push(`second in (key held: ${await other.exists(k)})`);
        return "second";
      });
      // The second waits while the first holds the key.
      await sleep(100);
      expect(events).toEqual(["first in"]);
      firstGate.open();
      expect(await first).toEqual({ held: true, value: "first", kept: true });
      expect(await second).toEqual({ held: true, value: "second", kept: true });
      expect(events).toEqual(["first in", "first out", "second in (key held: 1)"]);
      expect(await redis.exists(k)).toBe(0);
    } finally {
      other.disconnect();
    }
  });

  it("gives up after the wait while another keeps the key, without running the work", async () => {
    const k = key();
    await redis.set(k, "another-holder", "PX", 60_000);
    let ran = false;
    expect(await lock.hold(k, 10_000, 60, async () => (ran = true))).toEqual({ held: false });
    expect(ran).toBe(false);
    expect(await redis.get(k)).toBe("another-holder");
  });

  it("takes the key once a holder that died lets it expire", async () => {
    const k = key();
    // A holder whose process died mid-work: its connection is gone, its key stays until its expiry.
    const dying = new Redis(REDIS_URL);
    void createRedisLock(dying).hold(k, 150, 0, () => new Promise<never>(() => undefined));
    while ((await redis.exists(k)) === 0) await sleep(5);
    dying.disconnect();
    expect(await lock.hold(k, 10_000, 10_000, async () => redis.pttl(k))).toMatchObject({ held: true, kept: true, value: expect.any(Number) });
  });

  it("a holder that overran its expiry does not free its successor's key, and says it lost it; a failed work releases the key", async () => {
    const k = key();
    const successorIn = gate();
    const successorDone = gate();
    const late = lock.hold(k, 50, 0, async () => {
      await successorIn.promise;
      return "late";
    });
    await sleep(80); // the late holder's key expired
    const successor = lock.hold(k, 10_000, 0, async () => {
      successorIn.open();
      await successorDone.promise;
    });
    expect(await late).toEqual({ held: true, value: "late", kept: false });
    expect(await redis.pttl(k)).toBeGreaterThan(1000); // still the successor's
    successorDone.open();
    expect(await successor).toMatchObject({ held: true, kept: true });

    await expect(lock.hold(k, 10_000, 0, async () => Promise.reject(new Error("work failed")))).rejects.toThrow("work failed");
    expect(await redis.exists(k)).toBe(0);
  });

  it("fails as ERR_REDIS_UNAVAILABLE, running nothing, when Redis cannot be reached", async () => {
    const dead = new Redis({ host: "127.0.0.1", port: await freePort(), lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    dead.on("error", () => undefined); // the refused connection is the point
    let ran = false;
    try {
      await expect(createRedisLock(dead).hold(key(), 10_000, 1000, async () => (ran = true))).rejects.toMatchObject({
        code: "ERR_REDIS_UNAVAILABLE",
        errorClass: "transient",
      });
      expect(ran).toBe(false);
    } finally {
      dead.disconnect();
    }
  });
});
