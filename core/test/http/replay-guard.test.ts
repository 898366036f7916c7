import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createReplayGuard } from "../../src/http/replay-guard.ts";

const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");

describe("the replay guard on real Redis", () => {
  afterAll(() => redis.disconnect());

  it("claims in one event-loop turn share one call, and a fingerprint repeated in it is a replay", async () => {
    const prefix = `test-replay-${randomUUID().slice(0, 8)}`;
    const guard = createReplayGuard(redis, prefix);
    const [a, b] = [randomUUID(), randomUUID()];
    expect(await Promise.all([guard.claim(a, 300), guard.claim(b, 30), guard.claim(a, 300)])).toEqual([true, true, false]);
    expect(await guard.claim(b, 30)).toBe(false);
    // Each claim expires with its own window.
    expect(await redis.ttl(`${prefix}:hooks:seen:${a}`)).toBeGreaterThan(30);
    expect(await redis.ttl(`${prefix}:hooks:seen:${b}`)).toBeLessThanOrEqual(30);
    await redis.del(`${prefix}:hooks:seen:${a}`, `${prefix}:hooks:seen:${b}`);
  });

  it("a released claim can be claimed again (the provider's retry of a refused request is not a replay)", async () => {
    const guard = createReplayGuard(redis, `test-replay-${randomUUID().slice(0, 8)}`);
    const fingerprint = randomUUID();
    expect(await guard.claim(fingerprint, 60)).toBe(true);
    await guard.release(fingerprint);
    expect(await guard.claim(fingerprint, 60)).toBe(true);
    await guard.release(fingerprint);
  });
});
